"""Column headings that sort a list page (see communities.listing)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, css: str = ""):
    """A column's <th>: for a sortable column a link that sorts by it (ascending first, then the
    other way), marked with aria-sort and an arrow with text for screen readers."""
    column = context["list_columns"][key]
    attrs = format_html(' class="{}"', css) if css else ""
    if not column.sortable:
        return format_html('<th scope="col"{}>{}</th>', attrs, column.label)
    current = context.get("list_sort", "")
    ascending, descending = current == key, current == f"-{key}"
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if ascending else key
    if ascending:
        state, arrow, hint = "ascending", "▲", _("sorted ascending")
    elif descending:
        state, arrow, hint = "descending", "▼", _("sorted descending")
    else:
        state, arrow, hint = "none", "", ""
    return format_html(
        '<th scope="col" aria-sort="{}"{}><a class="sort-link" href="?{}">{}'
        '<span class="sort-arrow" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a></th>',
        state,
        attrs,
        query.urlencode(),
        column.label,
        arrow,
        f" ({hint})" if hint else "",
    )
