"""The FilterSet of the staff's suggestion list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filtersets import SubdistrictFilterMixin, subdistricts_for
from communities.listing import TextSearchFilter

from .choices import SuggestionCategory, SuggestionState
from .models import Suggestion


class SuggestionFilterSet(SubdistrictFilterMixin, django_filters.FilterSet):
    """Filters of the suggestion list: subdistrict, community text, category, state."""

    q = TextSearchFilter(fields=("community__name", "text", "answer"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"),
        field_name="community__subdistrict",
        queryset=lambda request: subdistricts_for(request),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SuggestionCategory.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=SuggestionState.choices)

    class Meta:
        model = Suggestion
        fields = ["q", "subdistrict", "category", "state"]
