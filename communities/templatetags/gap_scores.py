"""The stored gap assessment of a community, for its page."""

from django import template

from communities.selectors import stored_gap_assessment

register = template.Library()


@register.simple_tag
def stored_gap_score(community) -> dict:
    """The community's stored rows and the score they make (one query)."""
    return stored_gap_assessment(community)
