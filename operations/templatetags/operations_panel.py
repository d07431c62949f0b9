"""The operations panel of the community page, as an inclusion tag."""

from django import template

from ..selectors import community_panel

register = template.Library()


@register.inclusion_tag("operations/_community_panel.html")
def community_operations_panel(community):
    """Satisfaction, contracts in force and confirmed assessments of one community."""
    return community_panel(community)
