"""Figures on the plan pages, written the same way in either language."""

from django import template
from django.utils.translation import gettext as _

from communities.templatetags.portal import yuan

register = template.Library()


@register.filter
def thousands(value):
    """A count with thousands separators, e.g. 12,000 (intcomma leaves them out in Chinese)."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


@register.filter
def yuan_unit(value):
    """Money with its unit: 1,260,000.00 元 / 1,260,000.00 yuan."""
    if value is None or value == "":
        return "—"
    return _("%(amount)s yuan") % {"amount": yuan(value)}
