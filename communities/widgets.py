"""A choice among thousands, searched as the user types instead of listed in full.

``SearchSelect`` renders a plain ``<select>`` holding only the empty choice and the chosen
row(s), with ``data-search-url`` naming a JSON endpoint. ``static/portal/search_select.js``
turns it into an accessible combobox (a text box with ``role="combobox"`` and a listbox of
matches; arrow keys, Enter and Escape work, the label stays the box's label): the matches are
fetched from the endpoint as the user types, and the chosen one is written back into the select,
so the form posts exactly what it posted before. Without JavaScript the select still shows and
submits the chosen value. The field's queryset still validates the posted value, so a value
typed into the URL or the request is refused outside the user's scope as before.

The endpoint is a ``ChoiceSearchView`` (communities.search): it searches ``model`` within
``restrict(user)`` by ``search_fields`` and answers at most ``LIMIT`` rows as
``{"results": [{"value": pk, "label": text}]}``, labels written as the field writes them.

How another app applies it (e.g. projects' plan form choosing a community, funding's filters):

    from communities.widgets import SearchSelect

    class PlanForm(forms.ModelForm):
        class Meta:
            widgets = {"community": SearchSelect("communities:community_search")}

    # a django-filter filter:
    community = django_filters.ModelChoiceFilter(
        queryset=communities_in_scope, widget=SearchSelect("communities:community_search")
    )

and load the script on the page: ``{% block scripts %}<script src="{% static
'portal/search_select.js' %}" defer></script>{% endblock %}`` (base.html loads it on every
page, so a page that extends it needs nothing more). Endpoints that exist:
``communities:community_search``, ``communities:space_search`` (``?community=`` narrows to one
community), ``operations:operator_search``, ``operations:contract_search``. A new one is a
``ChoiceSearchView`` subclass with ``model``, ``search_fields`` and, if needed, ``label()``, plus
a row in tests/access/access_matrix.py.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchSelect(forms.Select):
    """A select that renders only the chosen option and searches the rest at ``search_url``
    (a URL name, or a URL); see the module docstring."""

    def __init__(self, search_url: str, attrs=None, *, min_chars: int = 1):
        super().__init__(attrs)
        self.search_url = search_url
        self.min_chars = min_chars

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.search_url, copy.min_chars = self.search_url, self.min_chars
        return copy

    def _url(self) -> str:
        return self.search_url if "/" in self.search_url else reverse(self.search_url)

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-search-url": self._url(),
            "data-search-min": self.min_chars,
            "data-search-placeholder": _("Type to search…"),
            "data-search-empty": _("Nothing found"),
            "data-search-clear": _("Clear the choice"),
        }
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        # Only the empty choice and the chosen rows: never the whole queryset.
        chosen = [str(v) for v in value if v not in ("", None)]
        full = self.choices
        self.choices = list(self._chosen_choices(full, chosen))
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    @staticmethod
    def _chosen_choices(choices, chosen):
        queryset = getattr(choices, "queryset", None)
        if queryset is None:  # plain choices: keep the empty one and the chosen ones
            yield from (c for c in choices if str(c[0]) in ("", *chosen))
            return
        field = choices.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        if chosen:
            key = field.to_field_name or "pk"
            valid = [v for v in chosen if v.isdigit()] if key == "pk" else chosen
            for obj in queryset.filter(**{f"{key}__in": valid}):
                yield choices.choice(obj)
