"""The cells of a figure's table, written in Python: a province's figures have well over a
thousand, and a template tag per cell made the table the dearest part of the page."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from communities.templatetags.portal import yuan

register = template.Library()


@register.filter
def figure_cells(values, money: bool):
    """One row's cells: each value (yuan with fen, or a count) linked to the list behind it."""
    cells = []
    for value, link in values:
        text = yuan(value) if money else floatformat(value, "-2")
        if link:
            cells.append(format_html('<td class="num"><a href="{}">{}</a></td>', link, text))
        else:
            cells.append(format_html('<td class="num">{}</td>', text))
    return mark_safe("".join(cells))
