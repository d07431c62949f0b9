"""``{% money_panel plan=plan %}`` or ``{% money_panel project=project %}`` on other apps' pages."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.roles import has_role
from funding.money import format_yuan_unit, yuan_in_capitals
from funding.permissions import SUBSIDY_READERS
from funding.selectors import money_panel_for

register = template.Library()


@register.inclusion_tag("funding/_money_panel.html", takes_context=True)
def money_panel(context, plan=None, project=None):
    """The subsidy panel (total, paid, due, remaining, tranches) of a plan or project, for the
    roles that may read subsidies; nothing for the others."""
    request = context.get("request")
    if request is None or not has_role(request.user, *SUBSIDY_READERS):
        return {"money_panel": None}
    subdistrict_id = plan.subdistrict_id if plan is not None else project.community.subdistrict_id
    return {
        "money_panel": money_panel_for(plan=plan, project=project),
        "subdistrict_tranches": f"{reverse('funding:tranche_list')}?subdistrict={subdistrict_id}",
    }


@register.filter
def yuan_capitals(value):
    """``{{ amount|yuan_capitals }}``: the amount in capital numerals; blank if none."""
    if value in (None, ""):
        return ""
    return yuan_in_capitals(value)


@register.filter
def yuan_unit(value):
    """``{{ amount|yuan_unit }}``: 3,800,000.00 元 (yuan in English); a dash if none."""
    if value in (None, ""):
        return "—"
    return format_yuan_unit(value)


@register.filter
def colon(label):
    """``{{ label|colon }}``: a label followed by the colon of the reader's language (：/ :)."""
    return _("%(role)s:") % {"role": label}
