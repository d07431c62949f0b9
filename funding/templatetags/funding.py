"""``{% money_panel plan=plan %}`` or ``{% money_panel project=project %}`` on other apps' pages."""

from django import template

from funding.selectors import money_panel_for

register = template.Library()


@register.inclusion_tag("funding/_money_panel.html")
def money_panel(plan=None, project=None):
    """The subsidy panel (total, paid, due, remaining, tranches) of a plan or project."""
    return {"money_panel": money_panel_for(plan=plan, project=project)}
