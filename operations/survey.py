"""The resident-satisfaction survey workbook: its template, and reading it with row errors."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl.styles import Font

from communities.access import CHANGE, may
from communities.models import Community
from communities.printing import apply_print_setup
from communities.spreadsheets import first_sheet_rows
from communities.workbooks import PortalWorkbook, workbook_bytes

from .models import SatisfactionScore
from .validators import validate_period_begun

COLUMNS = [
    ("community", gettext_lazy("Community code")),
    ("period", gettext_lazy("Period")),
    ("score", gettext_lazy("Satisfaction score")),
    ("respondents", gettext_lazy("Respondents")),
]
REQUIRED = ("community", "period", "score")
MAX_ROWS = 5000
TEMPLATE_ROWS = 1000
# More people than any community has: a typo, and more than the column holds.
MAX_RESPONDENTS = 1_000_000


@dataclass
class SurveyReading:
    """The valid rows of a survey workbook and every problem found, by row number."""

    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def survey_template() -> bytes:
    """An empty survey workbook with the headers the importer reads."""
    workbook = PortalWorkbook()
    sheet = workbook.active
    sheet.title = _("Satisfaction survey")
    sheet.append([str(header) for _name, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    apply_print_setup(sheet, landscape=False, widths=[18] * len(COLUMNS))
    # Codes and periods are text: Excel would otherwise turn "2025-06" into a date.
    for row in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS + 1, max_col=2):
        for cell in row:
            cell.number_format = "@"
    return workbook_bytes(workbook)


def _header_map(header_row) -> dict[int, str]:
    known = {name: name for name, _header in COLUMNS}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, header in COLUMNS:
                known[str(header).strip().lower()] = name
    return {
        index: known[str(cell).strip().lower()]
        for index, cell in enumerate(header_row)
        if cell is not None and str(cell).strip().lower() in known
    }


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, date):
        # Excel reads a typed "2025-06" as the 1st of June 2025; the month is what was meant.
        return f"{raw.year}-{raw.month:02d}"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _check_score(text: str, row: dict) -> list[str]:
    """Put a 0–100 score with two decimals into the row, or say what is wrong with it."""
    if not text:
        return [_("the score is missing")]
    try:
        score = Decimal(text)
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite():
        return [_("the score “%(value)s” is not a number") % {"value": text}]
    if not Decimal("0") <= score <= Decimal("100"):
        return [_("the score %(score)s is outside 0–100") % {"score": text}]
    row["score"] = score.quantize(Decimal("0.01"))
    return []


def _check_row(values: dict, communities: dict, actor) -> tuple[dict, list[str]]:
    """One row's converted values and its problems."""
    problems = []
    row = {"respondents": None}
    code = _text(values.get("community"))
    community = communities.get(code)
    if not code:
        problems.append(_("the community code is missing"))
    elif community is None:
        problems.append(_("unknown community “%(code)s”") % {"code": code})
    elif not may(actor, CHANGE, SatisfactionScore(community=community)):
        problems.append(_("community %(code)s is not in your subdistrict") % {"code": code})
    row["community"] = community
    period = _text(values.get("period"))
    try:
        validate_period_begun(period)
    except ValidationError as error:
        # A validator speaks in sentences; in a row's list its full stop would double up.
        problems.extend(message.rstrip("。.") for message in error.messages)
    row["period"] = period
    problems.extend(_check_score(_text(values.get("score")), row))
    respondents = _text(values.get("respondents"))
    if respondents:
        if respondents.isdigit() and int(respondents) > MAX_RESPONDENTS:
            problems.append(
                _("%(value)s respondents are more than a community has") % {"value": respondents}
            )
        elif respondents.isdigit():
            row["respondents"] = int(respondents)
        else:
            problems.append(
                _("respondents “%(value)s” is not a whole number") % {"value": respondents}
            )
    return row, problems


def read_survey(file, *, actor) -> SurveyReading:
    """Read and check every row; nothing is saved here."""
    try:
        with first_sheet_rows(file) as rows:
            return _read_rows(rows, actor=actor)
    except ValidationError as error:
        # The file itself was refused (or broke half-way): no row of it counts.
        return SurveyReading(errors=error.messages)


def _read_rows(rows, *, actor) -> SurveyReading:
    """Check the rows of the survey's first sheet, its header first."""
    reading = SurveyReading()
    mapping = _header_map(next(rows, None) or ())
    missing = [str(h) for name, h in COLUMNS if name in REQUIRED and name not in mapping.values()]
    if missing:
        reading.errors.append(
            _("The first row must hold the template's headers; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
        return reading
    communities = {c.code: c for c in Community.objects.all()}
    seen: dict[tuple, int] = {}
    for row_number, raw in enumerate(rows, start=2):
        if row_number > MAX_ROWS + 1:
            reading.errors.append(
                _("The workbook has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
            )
            break
        if all(value is None or str(value).strip() == "" for value in raw):
            continue
        values = {name: raw[index] for index, name in mapping.items() if index < len(raw)}
        row, problems = _check_row(values, communities, actor)
        key = (row["community"] and row["community"].pk, row["period"])
        if not problems and key in seen:
            problems.append(
                _("the same community and period are already in row %(row)s") % {"row": seen[key]}
            )
        seen.setdefault(key, row_number)
        if problems:
            reading.errors.append(
                _("Row %(row)s: %(problems)s.")
                % {"row": row_number, "problems": pgettext("between problems", "; ").join(problems)}
            )
        else:
            reading.rows.append(row)
    if not reading.rows and not reading.errors:
        reading.errors.append(_("The workbook has no score rows."))
    return reading
