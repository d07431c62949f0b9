"""Read-only API viewsets; they apply the same row scope and FilterSets as the pages."""

from rest_framework import viewsets

from ..filtersets import CommunityFilterSet, FacilityFilterSet
from ..models import Community, Facility
from .serializers import CommunitySerializer, FacilitySerializer


class RestrictedViewSetMixin:
    """Every API list and detail reads through ``restrict(user)``."""

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


class CommunityViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Communities the user may see."""

    queryset = Community.objects.select_related("subdistrict")
    serializer_class = CommunitySerializer
    filterset_class = CommunityFilterSet


class FacilityViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Facilities the user may see."""

    queryset = Facility.objects.all()
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
