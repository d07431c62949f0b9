"""The operations panel of the community page, as an inclusion tag."""

from django import template

from ..selectors import community_panel

register = template.Library()


@register.inclusion_tag("operations/_community_panel.html", takes_context=True)
def community_operations_panel(context, community):
    """Satisfaction, contracts in force and confirmed assessments of one community, as far as
    the signed-in user's roles may read them."""
    return community_panel(community, user=context["request"].user)
