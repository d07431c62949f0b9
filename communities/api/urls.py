"""API routes of the communities app."""

from rest_framework.routers import SimpleRouter

from .views import CommunityViewSet, FacilityViewSet

router = SimpleRouter()
router.register("communities", CommunityViewSet, basename="community")
router.register("facilities", FacilityViewSet, basename="facility")
urlpatterns = router.urls
