"""Read-only API viewsets; same row scope, roles and FilterSets as the pages."""

from rest_framework import permissions, viewsets

from communities.roles import has_role

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
from ..permissions import ASSESSMENT_READERS, CONTRACT_READERS, REPORT_READERS, SATISFACTION_READERS
from .serializers import (
    AssessmentSerializer,
    ContractSerializer,
    OperatorSerializer,
    ReportSerializer,
    SatisfactionSerializer,
)


class HoldsReadingRole(permissions.BasePermission):
    """Only users holding one of the view's ``reading_roles``."""

    def has_permission(self, request, view):
        return has_role(request.user, *view.reading_roles)


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
    reading_roles = CONTRACT_READERS


class AssessmentViewSet(RestrictedReadOnlyViewSet):
    """Operations assessments the user may see."""

    queryset = OperationsAssessment.objects.all()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    reading_roles = ASSESSMENT_READERS


class SatisfactionViewSet(RestrictedReadOnlyViewSet):
    """Satisfaction scores the user may see."""

    queryset = SatisfactionScore.objects.all()
    serializer_class = SatisfactionSerializer
    filterset_class = SatisfactionFilterSet
    reading_roles = SATISFACTION_READERS


class ReportViewSet(RestrictedReadOnlyViewSet):
    """Supervision reports."""

    queryset = SupervisionReport.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    reading_roles = REPORT_READERS
