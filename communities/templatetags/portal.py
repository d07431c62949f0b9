"""Template helpers used across the portal's pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import pgettext

from communities import texts

register = template.Library()

WIDGET_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "searchselect": "form-select",
    "checkbox": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "radioselect": "",
}


@register.filter
def bs(field):
    """Render a bound field's widget with Bootstrap's classes, marked invalid when it has errors."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sorting); a
    parameter given as None is left out."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def names(items):
    """The items as a list reads in the active language (communities.texts.names)."""
    return texts.names(items)


@register.filter
def yuan(value):
    """Money in yuan with thousands separators and two decimals, e.g. 3,800,000.00 (the way
    finance documents write it in either language)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


@register.filter
def yuan_unit(value):
    """Money with its unit, for figures that stand outside a column headed "(yuan)":
    "3,800,000.00 元" on a Chinese page, "3,800,000.00 yuan" on an English one."""
    if value is None or value == "":
        return "—"
    return pgettext("money with its unit", "%(amount)s yuan") % {"amount": yuan(value)}


@register.filter
def thousands(value):
    """A count with thousands separators, e.g. 12,345 residents (Chinese formats group none)."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"
