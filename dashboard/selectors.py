"""The dashboard's figures, each counted or summed in the database in one query, whatever the
number of communities, plans or tranches; subdistrict staff see only their own rows.

Every figure is a ``Figure``: a title, the labels of its bars, one or more series of values and,
for each value, the link to the filtered list behind it. The page draws a chart from it and
writes the same numbers as a table beside the chart; the summary workbook writes it as a sheet
with a native chart.
"""

import datetime
import functools
import json
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, Sum, When
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.access import ALL, bound_subdistrict_id
from communities.choices import FacilityType, GapStatus, Route
from communities.models import Community, GapAssessment, Subdistrict
from funding.choices import RELEASED_STATES, BudgetSource, TrancheStage, TrancheState
from funding.models import BudgetEnvelope, Tranche
from operations.report import STARTED_STATES, Rules
from projects.choices import FutureStage, PlanState
from projects.filtersets import entered_state_at
from projects.models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan, StatusChange
from public.figures import dashboard_figure as suggestions_figure

from .permissions import CITY_WIDE

# The policy's targets (§四(一)): gap-filling starts per year, future communities, blocks.
START_TARGETS = {2023: 10, 2024: 8, 2025: 8}
FUTURE_TARGETS = {"provincial": 11, "city": 18}
TREND_FROM = datetime.date(2023, 1, 1)
COMPLETED_STATES = (PlanState.COMPLETED, PlanState.ACCEPTED, PlanState.CLOSED)
ACCEPTED_STATES = (PlanState.ACCEPTED, PlanState.CLOSED)
# Stages from which a future community's creation is under way (立项 and after).
FUTURE_UNDER_WAY = FutureStage.values[FutureStage.values.index(FutureStage.APPROVED) :]
# Paid apart from the creation subsidies (policy §五(一), §七(一)).
APART_STAGES = (TrancheStage.OPERATIONS_REWARD, TrancheStage.NINGBO_PASSTHROUGH)
# From this many series a figure's table takes the page's width, below its chart.
WIDE_FROM_SERIES = 4
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Filters:
    """What the reader chose: a subdistrict (for city roles), a route, a year."""

    subdistrict: Subdistrict | None = None
    route: str = ""
    year: int | None = None

    def query(self, **extra) -> dict:
        """The list filters these stand for, plus ``extra``."""
        params = {}
        if self.subdistrict:
            params["subdistrict"] = self.subdistrict.pk
        params.update({key: value for key, value in extra.items() if value not in (None, "")})
        return params


@dataclass
class Series:
    """One row of values of a figure, with the link behind each value."""

    label: str
    values: list
    links: list = field(default_factory=list)
    # "target": a target drawn in grey beside the values; "money": on an axis of its own.
    kind: str = ""


@dataclass
class Figure:
    """A chart and its table: labels across, one series per row."""

    key: str
    title: str
    labels: list[str]
    series: list[Series]
    chart: str = "bar"
    note: str = ""
    stacked: bool = False
    # Many columns or rows: the chart above its table, each the page's full width.
    wide: bool = False
    # Values in yuan, written with thousands separators and fen.
    money: bool = False

    @property
    def is_wide(self) -> bool:
        """Whether the table needs the page's width (many columns) or was asked to."""
        return self.wide or len(self.series) > WIDE_FROM_SERIES

    @property
    def rows(self):
        """The table beside the chart: one row per label, one cell per series."""
        for index, label in enumerate(self.labels):
            yield (
                label,
                [
                    (series.values[index], series.links[index] if series.links else "")
                    for series in self.series
                ],
            )

    @property
    def has_data(self) -> bool:
        return any(value for series in self.series for value in series.values)

    def recent(self, count: int) -> "Figure":
        """The same figure with only its last ``count`` labels (the latest months)."""
        return replace(
            self,
            labels=self.labels[-count:],
            series=[
                replace(s, values=s.values[-count:], links=s.links[-count:]) for s in self.series
            ],
        )

    def chart_json(self) -> str:
        """The chart's data as JSON, for the canvas's data attribute."""
        return json.dumps(self.chart_data(), ensure_ascii=False)

    def chart_data(self) -> dict:
        """What static/dashboard/dashboard.js draws."""
        return {
            "type": self.chart,
            "stacked": self.stacked,
            "labels": [str(label) for label in self.labels],
            "datasets": [
                {
                    "label": str(series.label),
                    "data": [float(value or 0) for value in series.values],
                    "links": series.links,
                    "kind": series.kind,
                }
                for series in self.series
            ],
        }


def is_city_wide(user) -> bool:
    """Whether the reader reads every subdistrict (and so sees the budget envelopes, the
    ranking of subdistricts and the subdistrict filters)."""
    return CITY_WIDE.scope(user) == ALL


def reader_subdistrict(user) -> Subdistrict | None:
    """The one subdistrict whose rows the reader sees; None for a city-wide reader."""
    bound = bound_subdistrict_id(user)
    return None if bound is None else Subdistrict.objects.restrict(user).get(pk=bound)


@functools.lru_cache(maxsize=64)
def _path(name: str, prefix: str, urlconf) -> str:
    """The path of a named page under a script prefix and URLconf (the figures link to a few
    pages hundreds of times)."""
    return reverse(name, urlconf=urlconf)


def _url(name: str, params: dict) -> str:
    """The list page with its filters; empty ones left out."""
    path = _path(name, get_script_prefix(), get_urlconf())
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{path}?{urlencode(params)}" if params else path


def _scoped(queryset, user, filters: Filters, path: str):
    """Rows the user may see, narrowed to the chosen subdistrict."""
    queryset = queryset.restrict(user)
    if filters.subdistrict:
        queryset = queryset.filter(**{path: filters.subdistrict})
    return queryset


def _plans(user, filters: Filters):
    plans = _scoped(GapFillingPlan.objects, user, filters, "subdistrict")
    if filters.route and filters.route != Route.GAP:
        return plans.none()
    if filters.year:
        plans = plans.filter(year=filters.year)
    return plans


# Targets --------------------------------------------------------------------------------


# How far a plan has come, each step's states within the step before's: a community has
# started (completed, been accepted) when its furthest plan has reached that step.
PROGRESS_STEPS = ("started", "completed", "accepted")
PROGRESS = Case(
    When(state__in=ACCEPTED_STATES, then=3),
    When(state__in=COMPLETED_STATES, then=2),
    When(state__in=STARTED_STATES, then=1),
    default=0,
)


def communities_by_progress(plans, key: str) -> dict:
    """For each value of the plans' field ``key``, the communities that have started, completed
    and been accepted: {value: {"started": n, ...}}. The database takes each community's
    furthest plan, then counts the communities by how far they came, in one query (counting
    distinct communities with a filter per step sorted every plan once per step)."""
    if plans.query.is_empty():
        return {}
    furthest = plans.order_by().values(key, "community").annotate(progress=Max(PROGRESS))
    sql, params = furthest.query.sql_with_params()
    connection = connections[plans.db]
    column, progress = connection.ops.quote_name(key), connection.ops.quote_name("progress")
    counts = ", ".join(
        f"SUM(CASE WHEN {progress} >= {step} THEN 1 ELSE 0 END)"
        for step in range(1, len(PROGRESS_STEPS) + 1)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, {counts} FROM ({sql}) furthest GROUP BY {column}", params)
        return {row[0]: dict(zip(PROGRESS_STEPS, row[1:], strict=True)) for row in cursor}


def starts_by_year(user, filters: Filters) -> Figure:
    """Communities whose gap-filling plan of a year has started and has been completed."""
    counted = communities_by_progress(_plans(user, filters), "year")
    targets = START_TARGETS
    if filters.subdistrict or bound_subdistrict_id(user) is not None:
        # A subdistrict's share of the targets: its gap-filling communities of each year.
        targets = {
            row["plan_year"]: row["n"]
            for row in _scoped(Community.objects, user, filters, "subdistrict")
            .filter(route=Route.GAP, plan_year__isnull=False)
            .values("plan_year")
            .annotate(n=Count("pk"))
            .order_by()
        }
    years = sorted(set(START_TARGETS) | set(targets) | set(counted))
    if filters.year:
        years = [filters.year]

    def link(year, progress):
        return _url("projects:plan_list", filters.query(year=year, progress=progress))

    return Figure(
        "starts",
        _("Gap-filling starts and completions by year against the targets"),
        [str(year) for year in years],
        [
            Series(_("Target (communities)"), [targets.get(y, 0) for y in years], kind="target"),
            Series(
                _("Started"),
                [counted.get(y, {}).get("started", 0) for y in years],
                [link(y, "started") for y in years],
            ),
            Series(
                _("Completed"),
                [counted.get(y, {}).get("completed", 0) for y in years],
                [link(y, "completed") for y in years],
            ),
        ],
        note=_("Targets of the action plan, section 4(1)3: 10 in 2023, 8 in 2024, 8 in 2025."),
    )


def future_by_stage(user, filters: Filters) -> Figure:
    """The future communities by stage, provincial batches and the 2024–2025 plan apart."""
    projects = _scoped(FutureCommunityProject.objects, user, filters, "community__subdistrict")
    if filters.route and filters.route != Route.FUTURE:
        projects = projects.none()
    if filters.year:
        projects = projects.filter(plan_year=filters.year)
    counted = {
        row["stage"]: row
        for row in projects.values("stage")
        .annotate(
            provincial=Count("pk", filter=Q(provincial_batch__isnull=False)),
            city=Count("pk", filter=Q(provincial_batch__isnull=True)),
        )
        .order_by()
    }

    def series(label, key):
        return Series(
            label,
            [counted.get(stage, {}).get(key, 0) for stage in FutureStage.values],
            [
                _url("projects:future_list", filters.query(stage=stage, batch_kind=key))
                for stage in FutureStage.values
            ],
        )

    named = sum(counted.get(FutureStage.NAMED, {}).get(key, 0) for key in ("provincial", "city"))
    return Figure(
        "future",
        _("Future communities by stage"),
        [str(label) for label in FutureStage.labels],
        [
            series(_("Provincial batches 1–7 (target 11)"), "provincial"),
            series(_("2024–2025 city plan (target 18)"), "city"),
        ],
        stacked=True,
        note=_("%(named)s of 29 provincially named.") % {"named": named},
    )


def blocks_and_units(user, filters: Filters) -> Figure:
    """The pilot blocks and 群丰: integrated units required by the 400 亩 / 10,000 people rule
    and units recorded."""
    blocks = DevelopmentBlock.objects.restrict(user).filter(
        Q(is_pilot=True) | Q(community__isnull=False)
    )
    if filters.subdistrict:
        blocks = blocks.filter(subdistrict=filters.subdistrict)
    if filters.route and filters.route != Route.INTEGRATED:
        blocks = blocks.none()
    blocks = list(blocks.annotate(recorded=Count("units")).order_by("name"))

    def required(block) -> int:
        by_area = math.ceil(block.area_mu / 400) if block.area_mu else 0
        by_people = math.ceil((block.planned_population or 0) / 10000)
        return max(by_area, by_people)

    links = [reverse("projects:block_detail", args=[block.pk]) for block in blocks]
    return Figure(
        "blocks",
        _("Pilot blocks and Qunfeng: integrated units"),
        [block.name for block in blocks],
        [
            Series(_("Units required"), [required(b) for b in blocks], links, kind="target"),
            Series(_("Units recorded"), [b.recorded for b in blocks], links),
        ],
        note=_(
            "One integrated facility building per about 400 mu or 10,000 people "
            "(section 4(1)1 of the action plan)."
        ),
    )


def goal_2025(user, filters: Filters) -> dict:
    """The 2025 goal: every urban community of the central area reached by the programme."""
    plans = GapFillingPlan.objects.filter(
        community=OuterRef("pk"), state__in=[PlanState.APPROVED, *STARTED_STATES]
    )
    projects = FutureCommunityProject.objects.filter(
        community=OuterRef("pk"), stage__in=FUTURE_UNDER_WAY
    )
    blocks = DevelopmentBlock.objects.filter(community=OuterRef("pk"))
    communities = _scoped(Community.objects, user, filters, "subdistrict")
    if filters.route:
        communities = communities.filter(route=filters.route)
    figures = communities.aggregate(
        total=Count("pk"),
        covered=Count("pk", filter=Q(Exists(plans)) | Q(Exists(projects)) | Q(Exists(blocks))),
    )
    figures["remaining"] = figures["total"] - figures["covered"]
    figures["percent"] = (
        round(100 * figures["covered"] / figures["total"]) if figures["total"] else 0
    )
    figures["link"] = _url("communities:list", filters.query(route=filters.route))
    return figures


# Money ----------------------------------------------------------------------------------


def _tranches(user, filters: Filters):
    tranches = _scoped(Tranche.objects, user, filters, "subdistrict")
    if filters.route == Route.GAP:
        tranches = tranches.filter(plan__isnull=False)
    elif filters.route:
        tranches = tranches.filter(project__isnull=False)
    if filters.year:
        tranches = tranches.filter(fiscal_year=filters.year)
    return tranches


MONEY_COLUMNS = ("committed", "due", "approved", "paid", "returned")


def tranche_sums(user, filters: Filters) -> list[dict]:
    """The tranches' amounts summed by source, fiscal year, stage and state, in one pass over
    the tranches (from an index of those columns) that both money figures fold: a few rows per
    year, however many tranches."""
    return list(
        _tranches(user, filters)
        .values("source", "fiscal_year", "stage", "state")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _columns_of(state: str) -> list[str]:
    """The money columns a tranche in ``state`` counts in."""
    columns = [] if state in RELEASED_STATES else ["committed"]
    return [*columns, state] if state in MONEY_COLUMNS else columns


def _folded(rows: list[dict], key) -> dict:
    """The sums of ``rows`` added up by ``key(row)`` into the money columns."""
    folded = {}
    for row in rows:
        sums = folded.setdefault(key(row), dict.fromkeys(MONEY_COLUMNS, ZERO))
        for column in _columns_of(row["state"]):
            sums[column] += row["total"]
    return folded


def money_labels() -> dict[str, str]:
    return {
        "committed": _("Committed"),
        "due": pgettext("tranche state", "Due"),
        "approved": pgettext("tranche state", "Approved"),
        "paid": pgettext("tranche state", "Paid"),
        "returned": pgettext("tranche state", "Returned"),
    }


def money_by_envelope(
    user, filters: Filters, *, city_wide: bool, sums: list[dict] | None = None
) -> Figure:
    """Creation subsidies by source and fiscal year against each budget envelope; ``sums``:
    the ``tranche_sums`` already read for this reader."""
    rows = tranche_sums(user, filters) if sums is None else sums
    sums = _folded(
        [row for row in rows if row["stage"] not in APART_STAGES],
        lambda row: (row["source"], row["fiscal_year"]),
    )
    envelopes = {}
    if city_wide:
        envelopes_query = BudgetEnvelope.objects.all()
        if filters.year:
            envelopes_query = envelopes_query.filter(fiscal_year=filters.year)
        envelopes = {
            (row["source"], row["fiscal_year"]): row["amount"]
            for row in envelopes_query.values("source", "fiscal_year", "amount")
        }
    keys = sorted(set(sums) | set(envelopes), key=lambda key: (key[1], key[0]))
    sources = dict(BudgetSource.choices)
    labels = [f"{year} {sources.get(source, source)}" for source, year in keys]
    names = money_labels()
    series = []
    if city_wide:
        series.append(
            Series(
                _("Budget envelope"),
                [envelopes.get(key, ZERO) for key in keys],
                [
                    _url("funding:tranche_list", filters.query(source=s, fiscal_year=y))
                    for s, y in keys
                ],
                kind="target",
            )
        )
    for column in MONEY_COLUMNS:
        state = {"committed": ""}.get(column, column)
        series.append(
            Series(
                names[column],
                [sums.get(key, {}).get(column, ZERO) for key in keys],
                [
                    _url(
                        "funding:tranche_list",
                        filters.query(source=s, fiscal_year=y, state=state),
                    )
                    for s, y in keys
                ],
            )
        )
    return Figure(
        "money",
        _("Creation subsidies by source and fiscal year (yuan)"),
        labels,
        series,
        note=_("Committed: every tranche not cancelled or returned."),
        wide=True,
        money=True,
    )


def money_apart(user, filters: Filters, *, sums: list[dict] | None = None) -> Figure:
    """The 600,000 operations rewards and the Ningbo pass-through, apart from the rest;
    ``sums``: the ``tranche_sums`` already read for this reader."""
    rows = tranche_sums(user, filters) if sums is None else sums
    sums = _folded([row for row in rows if row["stage"] in APART_STAGES], lambda row: row["stage"])
    names = money_labels()
    return Figure(
        "money_apart",
        _("Operations rewards (600,000 each) and the Ningbo pass-through (yuan)"),
        [str(TrancheStage(stage).label) for stage in APART_STAGES],
        [
            Series(
                names[column],
                [sums.get(stage, {}).get(column, ZERO) for stage in APART_STAGES],
                [
                    _url(
                        "funding:tranche_list",
                        filters.query(stage=stage, state={"committed": ""}.get(column, column)),
                    )
                    for stage in APART_STAGES
                ],
            )
            for column in MONEY_COLUMNS
        ],
        money=True,
    )


# Coverage -------------------------------------------------------------------------------

COVERAGE_STATUSES = (GapStatus.MEETS, GapStatus.BELOW, GapStatus.MISSING, GapStatus.OUT_OF_RADIUS)


def coverage_by_type(user, filters: Filters) -> Figure:
    """For each facility type ("一老一小" first), communities by status of the stored
    assessment."""
    rows = _scoped(GapAssessment.objects, user, filters, "community__subdistrict")
    if filters.route:
        rows = rows.filter(community__route=filters.route)
    counted = {
        (row["facility_type"], row["status"]): row["n"]
        for row in rows.values("facility_type", "status").annotate(n=Count("*")).order_by()
    }
    types = FacilityType.values  # elderly care and childcare come first
    return Figure(
        "coverage",
        _("Coverage of the seven facility types (communities)"),
        [str(FacilityType(value).label) for value in types],
        [
            Series(
                str(GapStatus(status).label),
                [counted.get((facility_type, status), 0) for facility_type in types],
                [
                    _url(
                        "dashboard:coverage",
                        filters.query(
                            route=filters.route, facility_type=facility_type, status=status
                        ),
                    )
                    for facility_type in types
                ],
            )
            for status in COVERAGE_STATUSES
        ],
        stacked=True,
        note=_("From the stored gap assessment; “one old, one young” first."),
    )


# Overdue --------------------------------------------------------------------------------


def overdue_by_subdistrict(
    user, filters: Filters, *, subdistricts: list[Subdistrict] | None = None
) -> Figure:
    """Plans past the supervision limits, by subdistrict: approved but not started, and in
    joint review, counted from their move into the state; ``subdistricts``: the reader's
    ``_subdistricts`` already read."""
    rules = Rules.current()
    now = timezone.now()
    limits = {
        PlanState.APPROVED: rules.approved_not_started_days,
        PlanState.IN_JOINT_REVIEW: rules.joint_review_days,
    }
    late = Q()
    for state, days in limits.items():
        late |= Q(state=state, entered__lt=now - datetime.timedelta(days=days))
    counted = {
        (row["subdistrict"], row["state"]): row["n"]
        for row in _plans(user, filters)
        .filter(state__in=limits)
        .annotate(entered=entered_state_at())
        .filter(late)
        .values("subdistrict", "state")
        .annotate(n=Count("pk"))
        .order_by()
    }
    if subdistricts is None:
        subdistricts = _subdistricts(user, filters)
    return Figure(
        "overdue",
        _("Steps past the supervision limits, by subdistrict (plans)"),
        [subdistrict.name for subdistrict in subdistricts],
        [
            Series(
                _("%(state)s over %(days)s days") % {"state": PlanState(state).label, "days": days},
                [counted.get((subdistrict.pk, state), 0) for subdistrict in subdistricts],
                [
                    _url(
                        "projects:plan_list",
                        {
                            **filters.query(year=filters.year),
                            "subdistrict": s.pk,
                            "state": state,
                            "days_in_state": days,
                        },
                    )
                    for s in subdistricts
                ],
            )
            for state, days in limits.items()
        ],
        stacked=True,
    )


def _subdistricts(user, filters: Filters) -> list[Subdistrict]:
    if filters.subdistrict:
        return [filters.subdistrict]
    if bound_subdistrict_id(user) is not None:
        return list(Subdistrict.objects.restrict(user))
    communities = Community.objects.filter(subdistrict=OuterRef("pk"))
    return list(Subdistrict.objects.filter(Exists(communities)).order_by("code"))


# Trend ----------------------------------------------------------------------------------


def _months(until: datetime.date) -> list[datetime.date]:
    months, month = [], TREND_FROM
    while month <= until:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def trend_by_month(user, filters: Filters) -> Figure:
    """Month by month since 2023, from the state history: plans approved, completed and
    accepted; and money paid."""
    plans = _plans(user, filters)
    # The stored month of each change (its local month): TREND_FROM is a month's first day,
    # so the changes of its month and after are those of its day and after.
    changes = StatusChange.objects.filter(
        plan__isnull=False,
        to_state__in=[PlanState.APPROVED, PlanState.COMPLETED, PlanState.ACCEPTED],
        month__gte=TREND_FROM,
    )
    if plans.query.has_filters():
        # Only the plans the reader sees and chose; every plan needs no look-up.
        changes = changes.filter(plan__in=plans)
    moves = {
        (row["month"], row["to_state"]): row["n"]
        for row in changes.values("to_state", "month")
        .annotate(n=Count("plan", distinct=True))
        .order_by()
    }
    # By the stored month paid (202405), from TREND_FROM's month on.
    paid = {
        datetime.date(row["paid_month"] // 100, row["paid_month"] % 100, 1): row["total"]
        for row in _tranches(user, filters)
        .filter(state=TrancheState.PAID, paid_month__gte=TREND_FROM.year * 100 + TREND_FROM.month)
        .values("paid_month")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    months = _months(timezone.localdate())
    labels = [month.strftime("%Y-%m") for month in months]

    # Every month of a series opens the same list (the state now).
    def moved(state):
        link = _url("projects:plan_list", filters.query(year=filters.year, state=state))
        return Series(
            PlanState(state).label,
            [moves.get((month, state), 0) for month in months],
            [link] * len(months),
        )

    paid_link = _url(
        "funding:tranche_list", filters.query(fiscal_year=filters.year, state=TrancheState.PAID)
    )

    return Figure(
        "trend",
        _("Month by month since 2023"),
        labels,
        [
            moved(PlanState.APPROVED),
            moved(PlanState.COMPLETED),
            moved(PlanState.ACCEPTED),
            Series(
                _("Paid (10,000 yuan)"),
                [((paid.get(month) or ZERO) / 10000).quantize(Decimal("0.01")) for month in months],
                [paid_link] * len(months),
                kind="money",
            ),
        ],
        chart="line",
        wide=True,
        note=_("Plans by the month they reached the state; the lists behind show the state now."),
    )


# Subdistricts side by side --------------------------------------------------------------


def subdistrict_ranking(user, filters: Filters) -> Figure:
    """Each subdistrict's gap-filling communities, started, completed and accepted, ranked by
    the share completed, then started."""
    plans = GapFillingPlan.objects.all()
    quota = Q(communities__route=Route.GAP)
    if filters.year:
        plans = plans.filter(year=filters.year)
        quota &= Q(communities__plan_year=filters.year)
    subdistricts = Subdistrict.objects.all()
    if filters.subdistrict:
        subdistricts = subdistricts.filter(pk=filters.subdistrict.pk)
    if filters.subdistrict:
        plans = plans.filter(subdistrict=filters.subdistrict)
    # Each figure grouped by subdistrict in one pass, not a subquery per subdistrict.
    started = communities_by_progress(plans, "subdistrict")
    subdistricts = subdistricts.annotate(quota=Count("communities", filter=quota)).order_by("code")
    rows = []
    for row in subdistricts:
        counts = started.get(row.pk, {})
        for key in ("started", "completed", "accepted"):
            setattr(row, key, counts.get(key, 0))
        if row.quota > 0 or row.started > 0:
            rows.append(row)
    rows.sort(key=lambda row: (-(row.completed / row.quota if row.quota else 0), -row.started))

    def series(label, attribute, progress=None, kind=""):
        links = [
            _url(
                "projects:plan_list" if progress else "communities:list",
                {"subdistrict": row.pk, "progress": progress, "year": filters.year}
                if progress
                else {"subdistrict": row.pk, "route": Route.GAP},
            )
            for row in rows
        ]
        return Series(label, [getattr(row, attribute) for row in rows], links, kind=kind)

    return Figure(
        "ranking",
        _("Subdistricts side by side: gap-filling progress"),
        [row.name for row in rows],
        [
            series(_("Gap-filling communities"), "quota", kind="target"),
            series(_("Started"), "started", "started"),
            series(_("Completed"), "completed", "completed"),
            series(_("Accepted"), "accepted", "accepted"),
        ],
        note=_("Ranked by the share of communities completed, then by starts."),
    )


def dashboard(user, filters: Filters, *, city_wide: bool) -> dict:
    """Every figure of the dashboard for one reader and their filters."""
    sums = tranche_sums(user, filters)
    subdistricts = _subdistricts(user, filters)
    figures = [
        starts_by_year(user, filters),
        future_by_stage(user, filters),
        blocks_and_units(user, filters),
        money_by_envelope(user, filters, city_wide=city_wide, sums=sums),
        money_apart(user, filters, sums=sums),
        coverage_by_type(user, filters),
        overdue_by_subdistrict(user, filters, subdistricts=subdistricts),
        trend_by_month(user, filters),
    ]
    figures.append(suggestions_figure(user, filters, subdistricts))
    if city_wide:
        figures.append(subdistrict_ranking(user, filters))
    return {"goal": goal_2025(user, filters), "figures": figures}
