"""API routes of the projects app."""

from rest_framework.routers import SimpleRouter

from .views import DevelopmentBlockViewSet, FutureCommunityProjectViewSet, GapFillingPlanViewSet

router = SimpleRouter()
router.register("plans", GapFillingPlanViewSet, basename="plan")
router.register("future-projects", FutureCommunityProjectViewSet, basename="future-project")
router.register("development-blocks", DevelopmentBlockViewSet, basename="development-block")
urlpatterns = router.urls
