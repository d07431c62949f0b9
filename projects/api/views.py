"""Read-only API viewsets; the same row scope and FilterSets as the pages."""

from rest_framework import viewsets

from communities.api.views import RestrictedViewSetMixin
from funding import selectors as funding_selectors

from ..filtersets import DevelopmentBlockFilterSet, FutureProjectFilterSet, PlanFilterSet
from ..models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan
from .serializers import (
    DevelopmentBlockSerializer,
    FutureCommunityProjectSerializer,
    GapFillingPlanSerializer,
)


class GapFillingPlanViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Plans the user may see."""

    # The unpaid subsidy tells each row whether it may close (its "actions"), in one query.
    queryset = GapFillingPlan.objects.prefetch_related("line_items").annotate(
        unpaid_subsidy=funding_selectors.unpaid_of_plans()
    )
    serializer_class = GapFillingPlanSerializer
    filterset_class = PlanFilterSet


class FutureCommunityProjectViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Future-community projects the user may see."""

    # What the steps wait for (the digital review, the scenarios built) and the community they
    # read tell each row its "actions"; prefetched, the page asks for them in two queries.
    queryset = FutureCommunityProject.objects.select_related("community").prefetch_related(
        "digital_reviews", "scenarios"
    )
    serializer_class = FutureCommunityProjectSerializer
    filterset_class = FutureProjectFilterSet


class DevelopmentBlockViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Development blocks the user may see."""

    queryset = DevelopmentBlock.objects.all()
    serializer_class = DevelopmentBlockSerializer
    filterset_class = DevelopmentBlockFilterSet
