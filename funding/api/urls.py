"""API routes of the funding app."""

from rest_framework.routers import SimpleRouter

from .views import TrancheViewSet

router = SimpleRouter()
router.register("tranches", TrancheViewSet, basename="tranche")
urlpatterns = router.urls
