"""Read-only API viewsets; same row scope, roles and FilterSets as the pages."""

from rest_framework import permissions, viewsets

from communities.access import VIEW, Rule

from ..filtersets import (
    AssessmentFilterSet,
    ContractFilterSet,
    OperatorFilterSet,
    ReportFilterSet,
    SatisfactionFilterSet,
)
from ..models import (
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from ..permissions import CONTRACT_READERS
from ..selectors import access_rule
from .serializers import (
    AssessmentSerializer,
    ContractSerializer,
    OperatorSerializer,
    ReportListSerializer,
    ReportSerializer,
    SatisfactionSerializer,
)


class HoldsReadingRole(permissions.BasePermission):
    """Only users the access table lets read the model (or holding one of the view's
    ``reading_roles``)."""

    def has_permission(self, request, view):
        if view.reading_roles:
            return Rule(view.reading_roles).qualifies(request.user)
        return access_rule(view.queryset.model, VIEW).qualifies(request.user)


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details read through ``restrict(user)``."""

    permission_classes = [permissions.IsAuthenticated, HoldsReadingRole]
    reading_roles: tuple[str, ...] = ()

    def get_queryset(self):
        return self.queryset.restrict(self.request.user)


class OperatorViewSet(RestrictedReadOnlyViewSet):
    """Operators."""

    queryset = Operator.objects.all()
    serializer_class = OperatorSerializer
    filterset_class = OperatorFilterSet
    reading_roles = CONTRACT_READERS


class ContractViewSet(RestrictedReadOnlyViewSet):
    """Operating contracts the user may see."""

    queryset = OperatingContract.objects.prefetch_related("facilities")
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet


class AssessmentViewSet(RestrictedReadOnlyViewSet):
    """Operations assessments the user may see."""

    queryset = OperationsAssessment.objects.all()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet


class SatisfactionViewSet(RestrictedReadOnlyViewSet):
    """Satisfaction scores the user may see."""

    queryset = SatisfactionScore.objects.all()
    serializer_class = SatisfactionSerializer
    filterset_class = SatisfactionFilterSet


class ReportViewSet(RestrictedReadOnlyViewSet):
    """Supervision reports: the list without their summaries (one can weigh a megabyte), the
    detail with it."""

    queryset = SupervisionReport.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet

    def get_queryset(self):
        reports = super().get_queryset()
        return reports.defer("summary") if self.action == "list" else reports

    def get_serializer_class(self):
        return ReportListSerializer if self.action == "list" else ReportSerializer
