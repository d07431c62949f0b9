"""The figures of a supervision report (督导报表), built from the database for one month.

``build_report`` returns plain data (tables of strings and numbers) that the page, the Excel
workbook and the stored summary all use, so the three always show the same figures. The figures
are read once; their text is written out in each language asked for.
"""

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from communities.choices import DepartmentCode, Route
from communities.models import Community, Subdistrict
from projects.choices import FutureStage, PlanState
from projects.models import FutureCommunityProject, GapFillingPlan, StatusChange
from public.figures import report_section as suggestion_section

from .choices import AssessmentState, Grade
from .models import OperationsAssessment, SatisfactionScore, SupervisionRules
from .selectors import opinion_deadlines
from .validators import period_span

# A gap-filling plan has started (启动) once construction has begun.
STARTED_STATES = (
    PlanState.UNDER_CONSTRUCTION,
    PlanState.COMPLETED,
    PlanState.ACCEPTED,
    PlanState.CLOSED,
)
DUE_TRANCHE_STATES = ("due", "approved")
PAID_TRANCHE_STATE = "paid"
PRAISE, SUPERVISE = "praise", "supervise"


def _interpolate(message, params: dict) -> str:
    # Numbers stay numbers, so a plural message can choose its form by them.
    return message % {
        name: str(value) if isinstance(value, Promise) else value for name, value in params.items()
    }


def _join(separator, items) -> str:
    return str(separator).join(str(item) for item in items)


# Text that is translated when it is written out, so one build serves every language.
_fmt = lazy(lambda message, **params: _interpolate(message, params), str)
_lazy_join = lazy(_join, str)
BETWEEN_ITEMS = pgettext_lazy("between problems", "; ")


@dataclass(frozen=True)
class Rules:
    """The limits a report applies; read from the active SupervisionRules row."""

    start_quotas: dict[int, int] = field(default_factory=lambda: {2023: 10, 2024: 8, 2025: 8})
    approved_not_started_days: int = 60
    joint_review_days: int = 30
    opinion_days: int = 15
    low_satisfaction_below: Decimal = Decimal("80")
    praise_satisfaction_from: Decimal = Decimal("90")

    @classmethod
    def current(cls) -> "Rules":
        """The rules in use, or the defaults of DESIGN §4 when none are configured."""
        row = SupervisionRules.objects.filter(is_active=True).first()
        if row is None:
            return cls()
        return cls(
            start_quotas={int(year): int(n) for year, n in row.start_quotas.items()},
            approved_not_started_days=row.approved_not_started_days,
            joint_review_days=row.joint_review_days,
            opinion_days=row.opinion_days,
            low_satisfaction_below=row.low_satisfaction_below,
            praise_satisfaction_from=row.praise_satisfaction_from,
        )


def month_end(period: str) -> date:
    """The last day of a month written 2025-06."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def _table(key, title, columns, rows, *, kinds=None, note=""):
    """One section: a title, column labels, the kind of each column and rows of cells."""
    return {
        "key": key,
        "title": title,
        "columns": list(columns),
        "kinds": kinds or ["text"] + ["int"] * (len(columns) - 1),
        "rows": rows,
        "note": note,
    }


def _money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


class ReportBuilder:
    """Builds each section in turn, reporting progress, then the praise and supervise lists."""

    def __init__(self, *, period: str, rules: Rules, today: date):
        self.period = period
        self.rules = rules
        self.as_of = min(month_end(period), today)
        self.year = int(period[:4])
        self.subdistricts = list(Subdistrict.objects.order_by("code"))
        self.reasons: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        # The city departments are judged too (§八(二)), listed after the subdistricts: by
        # code, (name, list, category, detail).
        self.department_reasons: dict[str, list[tuple[str, str, str, str]]] = {}

    def _reason(self, subdistrict: str, list_kind: str, category: str, detail: str) -> None:
        self.reasons[subdistrict].append((list_kind, category, detail))

    def _per_subdistrict(self, counts, subdistrict_key, value_key, values):
        """Rows of counts per subdistrict with one column per value and a total."""
        grid = defaultdict(lambda: defaultdict(int))
        for row in counts:
            grid[row[subdistrict_key]][row[value_key]] += row["n"]
        rows = []
        for subdistrict in self.subdistricts:
            cells = [grid[subdistrict.pk][value] for value in values]
            rows.append([subdistrict.name, *cells, sum(cells)])
        totals = [sum(row[i] for row in rows) for i in range(1, len(values) + 2)]
        rows.append([_("City total"), *totals])
        return rows

    def routes(self):
        """Communities per subdistrict and route."""
        counts = Community.objects.values("subdistrict", "route").annotate(n=Count("pk"))
        rows = self._per_subdistrict(counts, "subdistrict", "route", Route.values)
        return _table(
            "routes",
            _("Communities by route"),
            [_("Subdistrict"), *Route.labels, _("Total")],
            rows,
        )

    def gap_states(self):
        """Gap-filling plans per subdistrict and state."""
        counts = GapFillingPlan.objects.values("subdistrict", "state").annotate(n=Count("pk"))
        rows = self._per_subdistrict(counts, "subdistrict", "state", PlanState.values)
        return _table(
            "gap_states",
            _("Gap-filling plans by state"),
            [_("Subdistrict"), *PlanState.labels, _("Total")],
            rows,
        )

    def future_stages(self):
        """Future-community projects per subdistrict and stage."""
        counts = FutureCommunityProject.objects.values("community__subdistrict", "stage").annotate(
            n=Count("pk")
        )
        rows = self._per_subdistrict(counts, "community__subdistrict", "stage", FutureStage.values)
        return _table(
            "future_stages",
            _("Future-community projects by stage"),
            [_("Subdistrict"), *FutureStage.labels, _("Total")],
            rows,
        )

    def _end_of_month(self) -> datetime:
        return datetime.combine(self.as_of, time.max, tzinfo=timezone.get_current_timezone())

    def _started_communities(self) -> dict[tuple[int, int], set[int]]:
        """Communities whose plan of a year had started by the end of the month, by
        (subdistrict, plan year). A plan counts from its first move into construction; a plan
        with no recorded move counts by its state."""
        plans = (
            GapFillingPlan.objects.filter(state__in=STARTED_STATES)
            .annotate(
                started_at=Min(
                    "status_changes__at",
                    filter=Q(status_changes__to_state=PlanState.UNDER_CONSTRUCTION),
                )
            )
            .values_list("subdistrict", "year", "community", "started_at")
        )
        started = defaultdict(set)
        end = self._end_of_month()
        for subdistrict, year, community, started_at in plans:
            if started_at is None or started_at <= end:
                started[(subdistrict, year)].add(community)
        return started

    def starts(self):
        """Gap-filling starts against the annual quotas, city-wide and per subdistrict."""
        started_sets = self._started_communities()
        city_rows = []
        for year, quota in sorted(self.rules.start_quotas.items()):
            done = len(set().union(*(ids for (_sub, y), ids in started_sets.items() if y == year)))
            city_rows.append([str(year), quota, done, max(quota - done, 0)])
        quotas = Community.objects.filter(route=Route.GAP, plan_year__isnull=False).values(
            "subdistrict", "plan_year"
        )
        local_quota = defaultdict(int)
        for row in quotas.annotate(n=Count("pk")):
            local_quota[(row["subdistrict"], row["plan_year"])] = row["n"]
        local_started = {key: len(ids) for key, ids in started_sets.items()}
        local_rows = []
        for subdistrict in self.subdistricts:
            for year in sorted(self.rules.start_quotas):
                quota = local_quota[(subdistrict.pk, year)]
                done = local_started.get((subdistrict.pk, year), 0)
                if not quota and not done:
                    continue
                local_rows.append([subdistrict.name, str(year), quota, done, max(quota - done, 0)])
                if year < self.year and done < quota:
                    self._reason(
                        subdistrict.name,
                        SUPERVISE,
                        _("Behind target"),
                        _fmt(
                            _("%(year)s: %(done)s of %(quota)s gap-filling communities started"),
                            year=year,
                            done=done,
                            quota=quota,
                        ),
                    )
                elif year < self.year and quota:
                    self._reason(
                        subdistrict.name,
                        PRAISE,
                        _("On target"),
                        _fmt(
                            ngettext_lazy(
                                "%(year)s: the %(quota)s gap-filling community started",
                                "%(year)s: all %(quota)s gap-filling communities started",
                                "quota",
                            ),
                            year=year,
                            quota=quota,
                        ),
                    )
                elif year == self.year and quota and done >= quota:
                    self._reason(
                        subdistrict.name,
                        PRAISE,
                        _("Fast progress"),
                        _fmt(
                            ngettext_lazy(
                                "%(year)s: the %(quota)s community already started in %(month)s",
                                "%(year)s: all %(quota)s communities already started in %(month)s",
                                "quota",
                            ),
                            year=year,
                            quota=quota,
                            month=self.period,
                        ),
                    )
        labels = [_("Year"), _("Quota"), _("Started"), _("Still to start")]
        return (
            _table("starts", _("Gap-filling starts against the annual quota"), labels, city_rows),
            _table(
                "starts_by_subdistrict",
                _("Starts against the quota by subdistrict"),
                [_("Subdistrict"), *labels],
                local_rows,
                kinds=["text", "text", "int", "int", "int"],
            ),
        )

    def overdue(self):
        """Plans that stay too long in a step: approved but not started, or in joint review."""
        limits = {
            PlanState.APPROVED: self.rules.approved_not_started_days,
            PlanState.IN_JOINT_REVIEW: self.rules.joint_review_days,
        }
        plans = GapFillingPlan.objects.filter(state__in=limits).select_related(
            "subdistrict", "community"
        )
        entered = {
            (row["plan"], row["to_state"]): row["at"]
            for row in StatusChange.objects.filter(
                plan__in=plans,
                at__lte=self._end_of_month(),
            )
            .values("plan", "to_state")
            .annotate(at=Max("at"))
        }
        rows = []
        late = defaultdict(list)
        for plan in plans.order_by("subdistrict__code", "community__code"):
            since = entered.get((plan.pk, plan.state))
            since_day = timezone.localdate(since) if since else plan.approval_date
            if since_day is None:
                continue
            days = (self.as_of - since_day).days
            limit = limits[plan.state]
            if days <= limit:
                continue
            rows.append(
                [
                    plan.subdistrict.name,
                    plan.community.name,
                    plan.title,
                    PlanState(plan.state).label,
                    since_day.isoformat(),
                    days,
                    limit,
                ]
            )
            late[plan.subdistrict.name].append(
                _fmt(
                    _("%(community)s %(state)s for %(days)s days (limit %(limit)s)"),
                    community=plan.community.name,
                    state=PlanState(plan.state).label,
                    days=days,
                    limit=limit,
                )
            )
        for name, entries in late.items():
            self._reason(name, SUPERVISE, _("Slow progress"), _lazy_join(BETWEEN_ITEMS, entries))
        return _table(
            "overdue",
            _("Overdue steps"),
            [
                _("Subdistrict"),
                _("Community"),
                _("Plan"),
                _("State"),
                _("Since"),
                _("Days"),
                _("Limit (days)"),
            ],
            rows,
            kinds=["text", "text", "text", "text", "text", "int", "int"],
        )

    def funds(self):
        """Subsidies due (awaiting payment) and paid, per subdistrict."""
        columns = [_("Subdistrict"), _("Due, not yet paid (yuan)"), _("Paid (yuan)")]
        kinds = ["text", "money", "money"]
        try:
            tranche = apps.get_model("funding", "Tranche")
        except LookupError:
            return _table(
                "funds",
                _("Subsidies due and paid"),
                columns,
                [],
                kinds=kinds,
                note=_("Subsidy tranches are not recorded in the portal yet."),
            )
        sums = {
            row["subdistrict"]: row
            for row in tranche.objects.values("subdistrict").annotate(
                # Paid after the month's end still counts as due at the end of the month.
                due=Sum(
                    "amount",
                    filter=Q(state__in=DUE_TRANCHE_STATES)
                    | Q(state=PAID_TRANCHE_STATE, paid_on__gt=self.as_of),
                ),
                paid=Sum("amount", filter=Q(state=PAID_TRANCHE_STATE, paid_on__lte=self.as_of)),
            )
        }
        rows = []
        for subdistrict in self.subdistricts:
            row = sums.get(subdistrict.pk, {})
            rows.append([subdistrict.name, _money(row.get("due")), _money(row.get("paid"))])
        rows.append(
            [
                _("City total"),
                _money(sum((Decimal(r[1]) for r in rows), Decimal("0"))),
                _money(sum((Decimal(r[2]) for r in rows), Decimal("0"))),
            ]
        )
        return _table("funds", _("Subsidies due and paid"), columns, rows, kinds=kinds)

    def assessments(self):
        """Confirmed operations assessments per subdistrict and grade, up to the month."""
        end = month_end(self.period)
        confirmed = [
            a
            for a in OperationsAssessment.objects.filter(
                state=AssessmentState.CONFIRMED
            ).select_related("subdistrict", "project__community", "contract")
            if period_span(a.period)[0] <= end
        ]
        grid = defaultdict(lambda: defaultdict(int))
        for assessment in confirmed:
            grid[assessment.subdistrict_id][assessment.grade] += 1
            name = assessment.subdistrict.name
            if assessment.grade == Grade.FAIL:
                self._reason(
                    name,
                    SUPERVISE,
                    _("Failed assessment"),
                    _fmt(
                        _("%(subject)s, %(period)s: total %(total)s"),
                        subject=assessment.subject,
                        period=assessment.period,
                        total=assessment.total,
                    ),
                )
            elif assessment.grade == Grade.EXCELLENT:
                self._reason(
                    name,
                    PRAISE,
                    _("Good results"),
                    _fmt(
                        _("%(subject)s rated excellent in %(period)s (total %(total)s)"),
                        subject=assessment.subject,
                        period=assessment.period,
                        total=assessment.total,
                    ),
                )
        rows = []
        for subdistrict in self.subdistricts:
            cells = [grid[subdistrict.pk][grade] for grade in Grade.values]
            rows.append([subdistrict.name, *cells, sum(cells)])
        return _table(
            "assessments",
            _("Operations assessment grades"),
            [_("Subdistrict"), *Grade.labels, _("Total")],
            rows,
        )

    def satisfaction(self):
        """Each community's latest satisfaction score up to the month, per subdistrict."""
        end = month_end(self.period)
        latest: dict[int, SatisfactionScore] = {}
        scores = SatisfactionScore.objects.select_related("community__subdistrict")
        for score in scores:
            start, finish = period_span(score.period)
            if start > end:
                continue
            current = latest.get(score.community_id)
            # Latest end wins; on the same end the shorter, more recent survey wins.
            if current is None or period_span(current.period)[::-1] < (finish, start):
                latest[score.community_id] = score
        by_subdistrict = defaultdict(list)
        for score in latest.values():
            by_subdistrict[score.community.subdistrict_id].append(score)
        rows = []
        for subdistrict in self.subdistricts:
            entries = sorted(
                by_subdistrict[subdistrict.pk], key=lambda s: (s.score, s.community.code)
            )
            if not entries:
                continue
            average = (sum(s.score for s in entries) / len(entries)).quantize(Decimal("0.01"))
            lowest = entries[0]
            rows.append(
                [
                    subdistrict.name,
                    len(entries),
                    str(average),
                    lowest.community.name,
                    str(lowest.score),
                ]
            )
            low = [s for s in entries if s.score < self.rules.low_satisfaction_below]
            if low:
                self._reason(
                    subdistrict.name,
                    SUPERVISE,
                    _("Low resident satisfaction"),
                    _lazy_join(
                        BETWEEN_ITEMS,
                        [
                            _fmt(
                                _("%(community)s %(score)s (%(period)s)"),
                                community=s.community.name,
                                score=s.score,
                                period=s.period,
                            )
                            for s in low
                        ],
                    ),
                )
            elif average >= self.rules.praise_satisfaction_from:
                self._reason(
                    subdistrict.name,
                    PRAISE,
                    _("Good results"),
                    _fmt(_("average resident satisfaction %(average)s"), average=average),
                )
        return _table(
            "satisfaction",
            _("Resident satisfaction"),
            [
                _("Subdistrict"),
                _("Communities surveyed"),
                _("Average"),
                _("Lowest community"),
                _("Lowest score"),
            ],
            rows,
            kinds=["text", "int", "score", "text", "score"],
        )

    def department_opinions(self):
        """Each required department's joint-review opinions due in the month: a department
        late with any is supervised, naming the plans; one that gave all in time is praised."""
        first_day = date(self.year, int(self.period[5:7]), 1)
        owed = defaultdict(list)
        for row in opinion_deadlines(start=first_day, end=self.as_of, days=self.rules.opinion_days):
            owed[row.department].append(row)
        rows = []
        for department, entries in owed.items():
            name = _department_name(department)
            late = [row for row in entries if row.days_late]
            late_text = _lazy_join(BETWEEN_ITEMS, [_late_opinion(row) for row in late])
            rows.append([name, len(entries), len(entries) - len(late), len(late), late_text])
            reasons = self.department_reasons.setdefault(str(department.code), [])
            if late:
                reasons.append((name, SUPERVISE, _("Late review opinions"), late_text))
            else:
                reasons.append(
                    (
                        name,
                        PRAISE,
                        _("Opinions in time"),
                        _fmt(
                            ngettext_lazy(
                                "the %(count)s review opinion due in %(month)s given in time",
                                "all %(count)s review opinions due in %(month)s given in time",
                                "count",
                            ),
                            count=len(entries),
                            month=self.period,
                        ),
                    )
                )
        return _table(
            "department_opinions",
            _("Departments' review opinions"),
            [
                _("Department"),
                _("Opinions due"),
                _("In time"),
                _("Late"),
                _("Late opinions"),
            ],
            rows,
            kinds=["text", "int", "int", "int", "text"],
            note=_fmt(
                _("An opinion is due %(days)s days after its plan's review round opened."),
                days=self.rules.opinion_days,
            ),
        )

    def lists(self):
        """Praise only where nothing calls for supervision; every entry with its reason. The
        subdistricts come first, then the departments."""
        praise, supervise = [], []
        units = [
            (
                subdistrict.name,
                [(subdistrict.name, *r) for r in self.reasons.get(subdistrict.name, [])],
            )
            for subdistrict in self.subdistricts
        ]
        units += [(code, reasons) for code, reasons in sorted(self.department_reasons.items())]
        for _key, reasons in units:
            to_supervise = [(n, c, d) for n, kind, c, d in reasons if kind == SUPERVISE]
            if to_supervise:
                supervise.extend([n, c, d] for n, c, d in to_supervise)
            else:
                praise.extend([n, c, d] for n, kind, c, d in reasons if kind == PRAISE)
        columns = [_("Subdistrict or department"), _("Reason"), _("Details")]
        kinds = ["text", "text", "text"]
        return (
            _table("praise", _("Praise list"), columns, praise, kinds=kinds),
            _table("supervise", _("Supervise list"), columns, supervise, kinds=kinds),
        )


def _department_name(department):
    """A department by its code's label, so each language names it its own way."""
    if department.code in DepartmentCode.values:
        return DepartmentCode(department.code).label
    return department.name


def _late_opinion(row):
    """A late opinion, naming its plan: given late, or still not given."""
    plan = _fmt(
        _("%(community)s “%(plan)s” (round %(round)s)"),
        community=row.plan.community.name,
        plan=row.plan.title,
        round=row.review_round,
    )
    if row.given_on is None:
        return _fmt(
            ngettext_lazy(
                "%(plan)s: due %(due)s, not given, %(days)s day late",
                "%(plan)s: due %(due)s, not given, %(days)s days late",
                "days",
            ),
            plan=plan,
            due=row.due_on.isoformat(),
            days=row.days_late,
        )
    return _fmt(
        ngettext_lazy(
            "%(plan)s: due %(due)s, given %(given)s, %(days)s day late",
            "%(plan)s: due %(due)s, given %(given)s, %(days)s days late",
            "days",
        ),
        plan=plan,
        due=row.due_on.isoformat(),
        given=row.given_on.isoformat(),
        days=row.days_late,
    )


def _written(value):
    """A cell as stored: lazily translated text becomes a string in the active language."""
    return str(value) if isinstance(value, Promise) else value


def _write_out(sections: list[dict]) -> list[dict]:
    """The sections with every text written in the active language."""
    return [
        {
            **section,
            "title": str(section["title"]),
            "columns": [str(column) for column in section["columns"]],
            "rows": [[_written(cell) for cell in row] for row in section["rows"]],
            "note": str(section["note"]),
        }
        for section in sections
    ]


def build_report(
    *,
    period: str,
    rules: Rules | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    languages: tuple[str, ...] = (),
) -> dict:
    """All sections of the report for a month, as plain data in the active language;
    ``progress`` hears the percent. The same figures written in each of ``languages`` go
    under "translations", by language code."""
    builder = ReportBuilder(
        period=period, rules=rules or Rules.current(), today=today or timezone.localdate()
    )
    report = progress or (lambda percent: None)
    sections = [builder.routes(), builder.gap_states(), builder.future_stages()]
    report(30)
    sections.extend(builder.starts())
    sections.append(builder.overdue())
    sections.append(builder.department_opinions())
    report(50)
    sections.append(builder.funds())
    sections.append(builder.assessments())
    report(65)
    sections.append(builder.satisfaction())
    first_day = date(builder.year, int(period[5:7]), 1)
    sections.append(suggestion_section(start=first_day, end=builder.as_of, table=_table))
    sections.extend(builder.lists())
    report(75)
    translations = {}
    for language in languages:
        with translation.override(language):
            translations[language] = _write_out(sections)
    summary = {
        "period": period,
        "as_of": builder.as_of.isoformat(),
        "sections": _write_out(sections),
    }
    if translations:
        summary["translations"] = translations
    return summary


def sections_in(summary: dict, language: str) -> list[dict]:
    """A stored report's sections in a language, or as built when it has none in it."""
    return summary.get("translations", {}).get(language) or summary.get("sections", [])


def section(summary: dict, key: str) -> dict:
    """One section of a built report, by key."""
    return next(s for s in summary["sections"] if s["key"] == key)
