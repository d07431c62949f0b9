"""Suggestions in the dashboard and the supervision report: received, answered, answered within
SUGGESTION_ANSWER_LIMIT_DAYS, still waiting; per subdistrict."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Subdistrict

from .models import Suggestion
from .selectors import suggestion_counts

COUNTS = ("received", "answered", "in_time", "waiting")


def _within_limit() -> str:
    days = settings.SUGGESTION_ANSWER_LIMIT_DAYS
    return gettext("Answered within %(days)s days") % {"days": days}


def _labels():
    """Column labels, translated when written out (a report is written in each language)."""
    return {
        "received": _("Received"),
        "answered": _("Answered"),
        "in_time": lazy(_within_limit, str)(),
        "waiting": _("Waiting for an answer"),
    }


def dashboard_figure(user, filters, subdistricts):
    """The dashboard's figure of suggestions in ``subdistricts``, of the rows the user may see."""
    from dashboard.selectors import Figure, Series

    rows = Suggestion.objects.restrict(user)
    if filters.subdistrict:
        rows = rows.filter(community__subdistrict=filters.subdistrict)
    counted = suggestion_counts(rows, by="community__subdistrict")
    labels = _labels()
    return Figure(
        "suggestions",
        str(_("Residents' suggestions, by subdistrict")),
        [subdistrict.name for subdistrict in subdistricts],
        [
            Series(
                str(labels[count]),
                [counted.get(s.pk, {}).get(count, 0) for s in subdistricts],
            )
            for count in COUNTS
        ],
    )


def report_section(*, start, end, table):
    """The supervision report's section: suggestions received in the period, per subdistrict.

    ``table`` is the report's section maker (operations.report._table)."""
    rows_in_period = Suggestion.objects.filter(received_at__date__range=(start, end))
    counted = suggestion_counts(rows_in_period, by="community__subdistrict")
    rows = []
    for subdistrict in Subdistrict.objects.order_by("code"):
        rows.append(
            [subdistrict.name, *(counted.get(subdistrict.pk, {}).get(c, 0) for c in COUNTS)]
        )
    rows.append([_("City total"), *(sum(row[i] for row in rows) for i in range(1, 5))])
    labels = _labels()
    return table(
        "suggestions",
        _("Residents' suggestions"),
        [_("Subdistrict"), *(labels[count] for count in COUNTS)],
        rows,
        note=_("Suggestions received in the month; answered ones are published with the answer."),
    )
