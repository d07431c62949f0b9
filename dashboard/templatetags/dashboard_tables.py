"""The cells of a figure's table, written in Python: a province's figures have well over a
thousand, and a template tag per cell made the table the dearest part of the page."""

import functools

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from communities.templatetags.portal import yuan

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _count(text: str, language: str | None) -> str:
    """A count or share as the template's floatformat:"-2" writes it, which depends on the
    number's text and the language alone (most cells repeat a few small numbers)."""
    return floatformat(text, "-2")


@register.filter
def figure_cells(values, money: bool):
    """One row's cells: each value (yuan with fen, or a count) linked to the list behind it."""
    language = get_language()
    cells = []
    for value, link in values:
        text = yuan(value) if money else _count(str(value), language)
        if link:
            cells.append(format_html('<td class="num"><a href="{}">{}</a></td>', link, text))
        else:
            cells.append(format_html('<td class="num">{}</td>', text))
    return mark_safe("".join(cells))
