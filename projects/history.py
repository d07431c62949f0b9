"""Comments the system writes into a plan's or project's history: stored as a code with its
parameters and put into words in the reader's language (what a user typed stays as typed)."""

from django.utils.translation import gettext_lazy as _

from communities.choices import DepartmentCode
from communities.texts import names

REVIEW_ROUND = "review_round"
ALL_AGREED = "all_agreed"
AGREEMENT_LOST = "agreement_lost"
DIGITAL_DISAGREED = "digital_disagreed"

SYSTEM_COMMENTS = {
    REVIEW_ROUND: _("Review round %(round)s"),
    ALL_AGREED: _("Every required department agreed in round %(round)s."),
    AGREEMENT_LOST: _("No agreement any more from %(departments)s."),
    DIGITAL_DISAGREED: _(
        "The Converged Media Centre disagreed with the digital plan; the implementation plan "
        "needs a new digital review."
    ),
}


def render_comment(code: str, params: dict) -> str:
    """The system's comment in the active language; empty for an unknown code."""
    message = SYSTEM_COMMENTS.get(code)
    if message is None:
        return ""
    values = dict(params)
    if "departments" in values:
        values["departments"] = names(
            DepartmentCode(value).label if value in DepartmentCode.values else value
            for value in values["departments"]
        )
    return message % values
