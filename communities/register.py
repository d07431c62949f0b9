"""The community register workbook: its template, and reading it with row-level errors."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font, PatternFill

from .choices import Route
from .models import Community, Subdistrict
from .printing import apply_print_setup
from .spreadsheets import first_sheet_rows
from .workbooks import PortalWorkbook, workbook_bytes

# (model field, header in the template, kind). Headers in English are accepted as well.
COLUMNS = [
    ("code", gettext_lazy("Community code"), "text"),
    ("name", gettext_lazy("Community name"), "text"),
    ("subdistrict", gettext_lazy("Subdistrict"), "text"),
    ("route", gettext_lazy("Route"), "text"),
    ("plan_year", gettext_lazy("Plan year"), "integer"),
    ("provincial_batch", gettext_lazy("Provincial batch"), "integer"),
    ("population", gettext_lazy("Resident population"), "integer"),
    ("households", gettext_lazy("Households"), "integer"),
    ("area_hectares", gettext_lazy("Area (ha)"), "decimal"),
    ("assessment_score", gettext_lazy("Assessment score"), "decimal"),
]
REQUIRED = {"code", "name", "subdistrict", "route"}
ZERO_WHEN_BLANK = {"population", "households"}
MAX_ROWS = 20000


@dataclass
class RegisterRow:
    """One valid row of the register, ready to save."""

    row_number: int
    values: dict = field(default_factory=dict)


@dataclass
class RegisterReading:
    """What a workbook held: the valid rows and every problem found, by row number."""

    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


def template_workbook() -> bytes:
    """An empty register workbook with the headers the importer reads, and a notes sheet."""
    workbook = PortalWorkbook()
    sheet = workbook.active
    sheet.title = _("Community register")
    sheet.append([str(header) for _field, header, _kind in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    apply_print_setup(sheet, widths=[16] * len(COLUMNS))
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Notes"))
    notes.append([_("One community per row, from row 2 of the first sheet.")])
    notes.append([_("Required columns: code, name, subdistrict, route.")])
    notes.append(
        [
            _("Route is one of: %(routes)s.")
            % {"routes": ", ".join(f"{label} ({value})" for value, label in Route.choices)}
        ]
    )
    notes.append([_("The subdistrict must already exist in the portal, by name or code.")])
    notes.append([_("A code already in the portal updates that community.")])
    return workbook_bytes(workbook)


def _header_map(header_row) -> dict[int, str]:
    """Which column holds which field, matching headers in either language."""
    from django.utils import translation

    known = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, header, _kind in COLUMNS:
                known[str(header).strip().lower()] = name
    for name, _header, _kind in COLUMNS:
        known[name] = name
    mapping = {}
    for index, cell in enumerate(header_row):
        if cell is not None and str(cell).strip().lower() in known:
            mapping[index] = known[str(cell).strip().lower()]
    return mapping


def _route_lookup() -> dict[str, str]:
    from django.utils import translation

    lookup = {value: value for value in Route.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in Route.choices:
                lookup[str(label).strip().lower()] = value
    return lookup


def _convert(kind: str, raw):
    """A cell's value as the field expects it; raises ValueError for text in a number column."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "text":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()
    if isinstance(raw, bool):
        raise ValueError
    if kind == "integer":
        if isinstance(raw, float):
            if not raw.is_integer():
                raise ValueError
            return int(raw)
        return int(str(raw).strip())
    try:
        return Decimal(str(raw).strip())
    except InvalidOperation as error:
        raise ValueError from error


def exceeds_row_limit(row_number: int) -> bool:
    """Whether a sheet row (the header is row 1) lies past the ``MAX_ROWS`` the import takes."""
    return row_number > MAX_ROWS + 1


def read_register(file) -> RegisterReading:
    """Read and check every row; nothing is saved here."""
    try:
        with first_sheet_rows(file) as rows:
            return _read_rows(rows)
    except ValidationError as error:
        # The file itself was refused (or broke half-way): no row of it counts.
        return RegisterReading(errors=error.messages)


def _read_rows(rows) -> RegisterReading:
    """Check the rows of the register's first sheet, its header first."""
    reading = RegisterReading()
    header = next(rows, None)
    mapping = _header_map(header or ())
    missing = [
        str(h) for name, h, _k in COLUMNS if name in REQUIRED and name not in mapping.values()
    ]
    if missing:
        reading.errors.append(
            _("The first row must hold the template's headers; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
        return reading
    subdistricts = {}
    for subdistrict in Subdistrict.objects.all():
        subdistricts[subdistrict.name] = subdistrict
        subdistricts[subdistrict.code] = subdistrict
        # "浒山街道" and "浒山" name the same subdistrict.
        for suffix in ("街道", "镇"):
            subdistricts[subdistrict.name + suffix] = subdistrict
    routes = _route_lookup()
    kinds = {name: kind for name, _h, kind in COLUMNS}
    labels = {name: str(header) for name, header, _k in COLUMNS}
    seen_codes: dict[str, int] = {}
    existing = {c.code: c for c in Community.objects.all()}
    names_in_use = {(c.subdistrict_id, c.name): c.code for c in existing.values()}
    for row_number, row in enumerate(rows, start=2):
        if exceeds_row_limit(row_number):
            reading.errors.append(
                _("The workbook has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
            )
            break
        if all(value is None or str(value).strip() == "" for value in row):
            continue
        problems = []
        values = {}
        for index, name in mapping.items():
            raw = row[index] if index < len(row) else None
            try:
                values[name] = _convert(kinds[name], raw)
            except (ValueError, TypeError):
                problems.append(
                    _("“%(value)s” in column %(column)s is not a number")
                    % {"value": raw, "column": labels[name]}
                )
        for name in sorted(REQUIRED, key=list(kinds).index):
            is_blank = values.get(name) in (None, "")
            if is_blank and not any(labels[name] in p for p in problems):
                problems.append(_("%(column)s is missing") % {"column": labels[name]})
        code = values.get("code")
        if code:
            if code in seen_codes:
                problems.append(
                    _("code %(code)s is already used in row %(row)s")
                    % {"code": code, "row": seen_codes[code]}
                )
            else:
                seen_codes[code] = row_number
        subdistrict_name = values.get("subdistrict")
        if subdistrict_name:
            subdistrict = subdistricts.get(subdistrict_name)
            if subdistrict is None:
                problems.append(_("unknown subdistrict “%(name)s”") % {"name": subdistrict_name})
            values["subdistrict"] = subdistrict
        route = values.get("route")
        if route:
            values["route"] = routes.get(str(route).strip().lower())
            if values["route"] is None:
                problems.append(_("unknown route “%(route)s”") % {"route": route})
        if not problems:
            key = (values["subdistrict"].pk, values["name"])
            holder = names_in_use.get(key)
            if holder is not None and holder != code:
                problems.append(
                    _("%(subdistrict)s already has a community named %(name)s (code %(code)s)")
                    % {"subdistrict": values["subdistrict"], "name": values["name"], "code": holder}
                )
            names_in_use[key] = code
        if not problems:
            community = existing.get(code) or Community(code=code)
            for name, value in values.items():
                setattr(community, name, 0 if value is None and name in ZERO_WHEN_BLANK else value)
            try:
                # The subdistrict was looked up above, and the code and the name checked against
                # the database and the file; the check constraints mirror the field validators.
                community.full_clean(
                    exclude=["subdistrict"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = labels.get(name, name)
                    problems.extend(f"{label}: {message}" for message in messages)
        if problems:
            reading.errors.append(
                _("Row %(row)s: %(problems)s.")
                % {"row": row_number, "problems": "; ".join(problems)}
            )
        else:
            reading.rows.append(RegisterRow(row_number=row_number, values=values))
    if not reading.rows and not reading.errors:
        reading.errors.append(_("The workbook has no community rows."))
    return reading
