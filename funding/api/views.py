"""API views of the funding app: tranches, read-only and scoped like the pages."""

from rest_framework import permissions, viewsets

from communities.roles import has_role
from funding.filtersets import TrancheFilterSet
from funding.models import Tranche
from funding.permissions import SUBSIDY_READERS

from .serializers import TrancheSerializer


class ReadsTranches(permissions.BasePermission):
    """Only the roles that may read subsidies."""

    def has_permission(self, request, view):
        return has_role(request.user, *SUBSIDY_READERS)


class TrancheViewSet(viewsets.ReadOnlyModelViewSet):
    """Tranches the user may see, filtered by the same FilterSet as the list page."""

    serializer_class = TrancheSerializer
    filterset_class = TrancheFilterSet
    permission_classes = [permissions.IsAuthenticated, ReadsTranches]

    def get_queryset(self):
        return Tranche.objects.restrict(self.request.user).with_related().order_by("pk")
