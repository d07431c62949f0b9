"""API routes of the operations app."""

from rest_framework.routers import SimpleRouter

from .views import (
    AssessmentViewSet,
    ContractViewSet,
    OperatorViewSet,
    ReportViewSet,
    SatisfactionViewSet,
)

router = SimpleRouter()
router.register("operators", OperatorViewSet, basename="operator")
router.register("operating-contracts", ContractViewSet, basename="operating-contract")
router.register("operations-assessments", AssessmentViewSet, basename="operations-assessment")
router.register("satisfaction-scores", SatisfactionViewSet, basename="satisfaction-score")
router.register("supervision-reports", ReportViewSet, basename="supervision-report")
urlpatterns = router.urls
