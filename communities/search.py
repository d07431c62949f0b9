"""JSON endpoints that a ``SearchSelect`` asks for matches (see communities.widgets)."""

from django.db.models import Q
from django.http import JsonResponse
from django.views import View

from .mixins import RoleRequiredMixin
from .models import Community, SpaceResource

# At most this many matches are sent; the user narrows the search to find the rest.
LIMIT = 20
SEARCH_WORDS = 5


class ChoiceSearchView(RoleRequiredMixin, View):
    """Rows of ``model`` the user may see whose ``search_fields`` contain every word of ``?q=``,
    at most ``LIMIT``, as ``{"results": [{"value": pk, "label": text}]}``."""

    model = None
    search_fields: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("pk",)

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user)

    def label(self, obj) -> str:
        return str(obj)

    def get(self, request, *args, **kwargs):
        rows = self.get_queryset()
        for word in request.GET.get("q", "").split()[:SEARCH_WORDS]:
            matches = Q()
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            rows = rows.filter(matches)
        rows = rows.order_by(*self.ordering)[:LIMIT]
        results = [{"value": obj.pk, "label": self.label(obj)} for obj in rows]
        return JsonResponse({"results": results})


class CommunitySearchView(ChoiceSearchView):
    """Communities by name or code; staff find only their own subdistrict's."""

    model = Community
    search_fields = ("name", "code", "subdistrict__name")
    ordering = ("subdistrict__code", "code")


class SpaceSearchView(ChoiceSearchView):
    """Landing spaces by name, owner or community; ``?community=`` narrows to one community."""

    model = SpaceResource
    search_fields = ("name", "owner", "community__name")
    ordering = ("community__code", "name")

    def get_queryset(self):
        rows = super().get_queryset().select_related("community")
        community = self.request.GET.get("community", "")
        return rows.filter(community_id=community) if community.isdigit() else rows
