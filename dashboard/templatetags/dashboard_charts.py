"""Charts of a stored supervision report: its tables of the month drawn as the dashboard
draws its figures."""

from decimal import Decimal, InvalidOperation

from django import template

from dashboard.selectors import Figure, Series

register = template.Library()

# The report's sections that chart, and whether their last row and column are totals.
CHARTED = {
    "starts": False,
    "gap_states": True,
    "future_stages": True,
    "funds": True,
    "assessments": True,
}


def _number(cell):
    try:
        return Decimal(str(cell))
    except (InvalidOperation, ValueError):
        return Decimal("0")


def section_figure(section: dict) -> Figure:
    """One report section as a figure: a bar per row, a series per numeric column."""
    columns, rows, kinds = section["columns"], list(section["rows"]), section["kinds"]
    totalled = CHARTED[section["key"]]
    numeric = [i for i, kind in enumerate(kinds) if i and kind != "text"]
    if totalled:
        rows = rows[:-1]
        if section["key"] != "funds":
            numeric = numeric[:-1]
    if section["key"] == "starts":
        numeric = numeric[:2]  # the quota and the starts; what remains is their difference
    return Figure(
        f"report-{section['key']}",
        section["title"],
        [str(row[0]) for row in rows],
        [Series(columns[i], [_number(row[i]) for row in rows]) for i in numeric],
        stacked=totalled and section["key"] != "funds",
        money="money" in kinds,
    )


@register.simple_tag
def report_figures(sections) -> list[Figure]:
    """The figures of a report's sections that chart."""
    return [section_figure(s) for s in sections or () if s.get("key") in CHARTED and s["rows"]]
