"""Writes of the operations app; each checks the actor's role and scope before it changes rows."""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities import outbox
from communities.access import CHANGE, ensure, ensure_role
from communities.constraints import full_clean_explained, integrity_error_message
from communities.models import Community, Facility, Subdistrict
from communities.notifications import notify_users
from communities.roles import Role, subdistrict_staff_of, users_with_roles
from communities.texts import Text
from communities.writes import locked, portal_language, save_checked
from funding.services import operations_reward_make_due
from projects.choices import FutureStage

from .choices import ContractState, Grade, ReportState, SatisfactionSource
from .grading import grade_for, weighted_total
from .lifecycles import ASSESSMENT, CONTRACT, SUPERVISION_REPORT
from .models import (
    KIND_FIELDS,
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from .permissions import (
    ASSESSMENT_WRITERS,
    REPORT_WRITERS,
    SATISFACTION_WRITERS,
)
from .report import build_report
from .selectors import active_scheme, operator_editable_by
from .survey import read_survey
from .validators import validate_period_begun
from .workbook import report_workbook

logger = logging.getLogger(__name__)


def _ensure_period_begun(period: str) -> None:
    """Refuse, on the period field, a period that is malformed or has not begun yet."""
    try:
        validate_period_begun(period)
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from error


# Operators -------------------------------------------------------------------------------


@transaction.atomic
def operator_create(*, actor, fields: dict[str, Any]) -> Operator:
    """Register an operating organisation with a checked unified social credit code."""
    operator = Operator()
    ensure(actor, CHANGE, operator)
    return save_checked(operator, actor=actor, fields=fields)


@transaction.atomic
def operator_update(*, actor, operator: Operator, fields: dict[str, Any]) -> Operator:
    """Change an operator's details."""
    operator = locked(Operator, operator.pk)
    ensure(actor, CHANGE, operator)
    if not operator_editable_by(actor, operator):
        raise PermissionDenied(
            _(
                "This operator also works for other subdistricts; ask the operations assessor "
                "to change its details."
            )
        )
    return save_checked(operator, actor=actor, fields=fields)


# Contracts -------------------------------------------------------------------------------


def _check_facilities(*, subdistrict: Subdistrict, facilities, starts_on, ends_on, exclude_pk):
    """Lock the facilities (in key order) and refuse another subdistrict's or a double booking."""
    ids = sorted({facility.pk for facility in facilities})
    if not ids:
        raise ValidationError({"facilities": _("Choose at least one facility.")})
    rows = list(
        Facility.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    foreign = [f.name for f in rows if f.community.subdistrict_id != subdistrict.pk]
    if foreign:
        raise ValidationError(
            {
                "facilities": _("These facilities are not in %(subdistrict)s: %(names)s.")
                % {"subdistrict": subdistrict, "names": ", ".join(foreign)}
            }
        )
    clashes = (
        OperatingContract.objects.filter(
            facilities__in=ids,
            state=ContractState.ACTIVE,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .exclude(pk=exclude_pk)
        .select_related("operator")
        .prefetch_related("facilities")
        .distinct()
    )
    problems = []
    for clash in clashes:
        names = ", ".join(f.name for f in clash.facilities.all() if f.pk in ids)
        problems.append(
            _(
                "%(facilities)s already run under “%(contract)s” (%(operator)s, "
                "%(start)s – %(end)s), which overlaps this term."
            )
            % {
                "facilities": names,
                "contract": clash.title,
                "operator": clash.operator,
                "start": clash.starts_on,
                "end": clash.ends_on,
            }
        )
    if problems:
        raise ValidationError({"facilities": problems})
    return rows


@transaction.atomic
def contract_create(
    *, actor, subdistrict: Subdistrict, facilities, fields: dict[str, Any]
) -> OperatingContract:
    """Sign a contract for some facilities; a facility never has two overlapping contracts."""
    contract = OperatingContract(subdistrict=subdistrict, created_by=actor)
    ensure(actor, CHANGE, contract)
    for name, value in fields.items():
        setattr(contract, name, value)
    full_clean_explained(contract, exclude=["created_by"])
    rows = _check_facilities(
        subdistrict=subdistrict,
        facilities=facilities,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        exclude_pk=None,
    )
    contract._history_user = actor
    contract.save()
    contract.facilities.set(rows)
    return contract


@transaction.atomic
def contract_update(
    *, actor, contract: OperatingContract, facilities, fields: dict[str, Any]
) -> OperatingContract:
    """Change a contract's term, fee or facilities, with the same overlap check."""
    contract = locked(OperatingContract, contract.pk, "subdistrict")
    CONTRACT.check(actor, "edit", contract)
    for name, value in fields.items():
        setattr(contract, name, value)
    full_clean_explained(contract)
    rows = _check_facilities(
        subdistrict=contract.subdistrict,
        facilities=facilities,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        exclude_pk=contract.pk,
    )
    contract._history_user = actor
    contract.save()
    contract.facilities.set(rows)
    return contract


@transaction.atomic
def contract_terminate(*, actor, contract: OperatingContract) -> OperatingContract:
    """End a contract early; its facilities are free for another contract."""
    contract = locked(OperatingContract, contract.pk)
    CONTRACT.check(actor, "terminate", contract)
    return save_checked(
        contract,
        actor=actor,
        fields={"state": CONTRACT["terminate"].target, "terminated_on": timezone.localdate()},
    )


# Assessments -----------------------------------------------------------------------------


def _grade(assessment: OperationsAssessment) -> None:
    """Compute the total and grade from the scores and the scheme, and keep what was applied,
    so a later change to the scheme never rewrites a past assessment."""
    assessment.grading = assessment.scheme.snapshot()
    assessment.total = weighted_total(assessment.scores(), assessment.scheme.weights())
    assessment.grade = grade_for(assessment.total, assessment.scheme)


def _score_fields(scores: dict[str, Any]) -> dict[str, Any]:
    return {f"score_{field}": scores[kind] for kind, field in KIND_FIELDS.items() if kind in scores}


@transaction.atomic
def assessment_create(
    *, actor, period: str, scores: dict[str, Any], project=None, contract=None, comments: str = ""
) -> OperationsAssessment:
    """Draft an assessment of a future-community project or a contract for a period."""
    ensure_role(actor, *ASSESSMENT_WRITERS)
    if (project is None) == (contract is None):
        raise ValidationError(_("Assess either a future community or an operating contract."))
    _ensure_period_begun(period)
    subdistrict_id = project.community.subdistrict_id if project else contract.subdistrict_id
    assessment = OperationsAssessment(
        project=project,
        contract=contract,
        subdistrict_id=subdistrict_id,
        period=period,
        scheme=active_scheme(),
        assessed_by=actor,
        comments=comments,
        **_score_fields(scores),
    )
    ensure(actor, CHANGE, assessment)
    _grade(assessment)
    try:
        with transaction.atomic():
            return save_checked(assessment, actor=actor)
    except IntegrityError as error:
        raise integrity_error_message(
            error, _("This subject already has an assessment for the period.")
        ) from error


def _assessment_step(assessment, *, actor, step: str) -> OperationsAssessment:
    """Lock the assessment, read it again and refuse unless the step may be taken now."""
    row = locked(OperationsAssessment, assessment.pk)
    ASSESSMENT.check(actor, step, row)
    return row


@transaction.atomic
def assessment_update(
    *, actor, assessment: OperationsAssessment, scores: dict[str, Any], comments: str
) -> OperationsAssessment:
    """Change the scores of a draft assessment; the total and grade follow."""
    row = _assessment_step(assessment, actor=actor, step="edit")
    for name, value in _score_fields(scores).items():
        setattr(row, name, value)
    row.comments = comments
    row.scheme = active_scheme()
    _grade(row)
    return save_checked(row, actor=actor)


@transaction.atomic
def assessment_submit(*, actor, assessment: OperationsAssessment) -> OperationsAssessment:
    """Submit a draft assessment for confirmation."""
    row = _assessment_step(assessment, actor=actor, step="submit")
    return save_checked(row, actor=actor, fields={"state": ASSESSMENT["submit"].target})


@transaction.atomic
def assessment_return(*, actor, assessment: OperationsAssessment) -> OperationsAssessment:
    """Send a submitted assessment back to draft for correction."""
    row = _assessment_step(assessment, actor=actor, step="return")
    return save_checked(row, actor=actor, fields={"state": ASSESSMENT["return"].target})


@transaction.atomic
def assessment_release_reward(*, actor, assessment: OperationsAssessment):
    """Make the operations reward due for a community named after its passed assessment was
    confirmed (the usual order is named first, then assessed, when confirming does it)."""
    row = _assessment_step(assessment, actor=actor, step="reward")
    operations_reward_make_due(project=row.project, assessment=row, actor=actor)
    return row


@transaction.atomic
def assessment_confirm(*, actor, assessment: OperationsAssessment) -> OperationsAssessment:
    """Confirm a submitted assessment; a passed one of a named future community makes the
    600,000 operations reward due, in the same transaction."""
    row = _assessment_step(assessment, actor=actor, step="confirm")
    save_checked(
        row,
        actor=actor,
        fields={
            "state": ASSESSMENT["confirm"].target,
            "confirmed_by": actor,
            "confirmed_at": timezone.now(),
        },
    )
    project = row.project
    if project is not None and row.is_passed and project.stage == FutureStage.NAMED:
        operations_reward_make_due(project=project, assessment=row, actor=actor)
    notify_users(
        recipients=subdistrict_staff_of(row.subdistrict_id),
        subject=Text(
            gettext_noop("Operations assessment confirmed: %(subject)s"), subject=str(row)
        ),
        body=Text(
            gettext_noop("Total %(total)s, grade %(grade)s."),
            total=row.total,
            grade=Text.choice(Grade, row.grade),
        ),
        link=row.get_absolute_url(),
    )
    return row


# Satisfaction ----------------------------------------------------------------------------


def _lock_communities(ids) -> None:
    """Lock the communities in key order, so two entries for one community and period (a double
    submit, two imports) take turns instead of both inserting."""
    list(
        Community.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _store_score(*, actor, community: Community, period: str, values: dict, source: str):
    """Record or correct the score of a community whose row the caller has locked."""
    _ensure_period_begun(period)
    existing = SatisfactionScore.objects.filter(community=community, period=period)
    score = existing.first() or SatisfactionScore(community=community, period=period)
    return save_checked(
        score, actor=actor, fields={**values, "source": source, "recorded_by": actor}
    )


@transaction.atomic
def satisfaction_record(
    *, actor, community: Community, period: str, score, respondents: int | None = None
) -> SatisfactionScore:
    """Enter (or correct) a community's satisfaction score for a period."""
    ensure(actor, CHANGE, SatisfactionScore(community=community))
    _lock_communities([community.pk])
    return _store_score(
        actor=actor,
        community=community,
        period=period,
        values={"score": score, "respondents": respondents},
        source=SatisfactionSource.ENTERED,
    )


@transaction.atomic
def satisfaction_import(*, actor, file) -> int:
    """Import satisfaction scores from a survey spreadsheet: every row, or none.

    Raises ValidationError listing every bad row by number when the file is not clean.
    """
    ensure_role(actor, *SATISFACTION_WRITERS)
    reading = read_survey(file, actor=actor)
    if reading.errors:
        raise ValidationError(reading.errors)
    _lock_communities(row["community"].pk for row in reading.rows)
    for row in reading.rows:
        _store_score(
            actor=actor,
            community=row["community"],
            period=row["period"],
            values={"score": row["score"], "respondents": row["respondents"]},
            source=SatisfactionSource.SURVEY_IMPORT,
        )
    return len(reading.rows)


# Supervision reports ---------------------------------------------------------------------


def _reserve_report(*, actor, period: str) -> tuple[SupervisionReport, bool]:
    """Record a queued report for a month up to the current one, or return the report already
    queued or running for that month. Returns (report, created)."""
    report = SupervisionReport(period=period, requested_by=actor)
    report.full_clean(validate_constraints=False)
    this_month = timezone.localdate().strftime("%Y-%m")
    if period > this_month:
        raise ValidationError(
            {
                "period": _("A report covers a month that has begun; %(month)s is the latest.")
                % {"month": this_month}
            }
        )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return SupervisionReport.objects.filter(period=period).active().get(), False
    return report, True


@transaction.atomic
def supervision_report_request(*, actor, period: str) -> tuple[SupervisionReport, bool]:
    """Queue a report for a month, or return the one already queued or running for it.

    ``actor`` is None when the monthly schedule asks. Returns (report, created).
    """
    if actor is not None:
        ensure_role(actor, *REPORT_WRITERS)
    report, created = _reserve_report(actor=actor, period=period)
    if created:
        from .tasks import build_supervision_report

        outbox.enqueue(
            build_supervision_report,
            label=format_lazy(gettext_lazy("the supervision report of {period}"), period=period),
            report_id=report.pk,
        )
    return report, created


def supervision_report_build_now(*, period: str) -> SupervisionReport:
    """Record and build a month's report in this process (for scripts), unless one is already
    queued or running for the month."""
    with transaction.atomic():
        report, created = _reserve_report(actor=None, period=period)
    if not created:
        raise ValidationError(
            _("A report for %(period)s is already queued or running.") % {"period": period}
        )
    return supervision_report_build(report_id=report.pk)


@transaction.atomic
def supervision_report_retry(*, actor, report: SupervisionReport) -> tuple[SupervisionReport, bool]:
    """Ask again for the month of a failed report; the failed record stays with its error."""
    report = locked(SupervisionReport, report.pk)
    SUPERVISION_REPORT.check(actor, "retry", report)
    return supervision_report_request(actor=actor, period=report.period)


def _report_update(report_id: int, **fields) -> None:
    """Record a report's state or progress at once, so a polling page sees it."""
    SupervisionReport.objects.filter(pk=report_id).update(**fields)


def _report_progress(report_id: int, percent: int) -> None:
    """Record the build's progress, and tell the sweeper the worker is alive."""
    _report_update(report_id, progress=percent)
    outbox.heartbeat()


def supervision_report_requeue(*, report_id: int) -> None:
    """Put a report whose worker died (or that staff retry) back in the queue."""
    step = SUPERVISION_REPORT["requeue"]
    SupervisionReport.objects.filter(pk=report_id, state__in=step.sources).update(
        state=step.target, progress=0, started_at=None, finished_at=None, error=""
    )


def supervision_report_give_up(*, report_id: int, error: str) -> None:
    """Record that a report could not be built after the last try; it can be retried."""
    with portal_language():
        reason = _("The report could not be built after several tries: %(error)s") % {
            "error": error
        }
    step = SUPERVISION_REPORT["give_up"]
    changed = SupervisionReport.objects.filter(pk=report_id, state__in=step.sources).update(
        state=step.target, error=reason, finished_at=timezone.now()
    )
    if changed:
        _notify_requester(
            SupervisionReport.objects.select_related("requested_by").get(pk=report_id)
        )


def supervision_report_build(*, report_id: int) -> SupervisionReport | None:
    """Build a queued report: figures, summary and Excel file; a failure is recorded, not lost.

    Each step commits on its own, so the progress is visible while the build runs.
    """
    with transaction.atomic():
        report = locked(SupervisionReport, report_id)
        start = SUPERVISION_REPORT["start"]
        if report.state not in start.sources:
            return None
        report.state = start.target
        report.started_at = timezone.now()
        report.progress = 5
        report.save(update_fields=["state", "started_at", "progress"])
    try:
        with portal_language():
            summary = build_report(
                period=report.period,
                progress=lambda percent: _report_progress(report_id, percent),
                languages=tuple(
                    code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
                ),
            )
            content = report_workbook(summary)
        file_name = f"supervision-{report.period}-{report.pk}-{uuid.uuid4().hex[:8]}.xlsx"
        target = settings.PRIVATE_MEDIA_ROOT / "supervision" / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except Exception as error:  # noqa: BLE001 — any failure must be recorded on the report
        logger.exception("Supervision report %s failed", report_id)
        outcome = {
            "state": SUPERVISION_REPORT["fail"].target,
            "error": f"{type(error).__name__}: {error}",
        }
    else:
        outcome = {
            "state": SUPERVISION_REPORT["finish"].target,
            "progress": 100,
            "summary": summary,
            "file_name": file_name,
        }
    # A worker the sweeper took for dead leaves the result to the run that replaced it.
    if not outbox.run_is_current():
        logger.warning("Supervision report %s: a newer run replaced this one", report_id)
        return None
    SupervisionReport.objects.filter(
        pk=report_id,
        state__in=SUPERVISION_REPORT.sources("finish"),
        started_at=report.started_at,
    ).update(**outcome, finished_at=timezone.now())
    report = SupervisionReport.objects.select_related("requested_by").get(pk=report_id)
    _notify_requester(report)
    return report


def _notify_requester(report: SupervisionReport) -> None:
    """Tell whoever asked for the report (the supervisors, when the schedule asked) that it is
    ready, or that it failed."""
    if report.requested_by is None:
        recipients = users_with_roles(Role.SUPERVISOR)
    else:
        recipients = [report.requested_by]
    if report.state == ReportState.DONE:
        subject = gettext_noop("Supervision report %(period)s is ready")
        body = gettext_noop("The report and its Excel file are in the portal.")
    else:
        subject = gettext_noop("Supervision report %(period)s failed")
        body = gettext_noop(
            "The error is recorded on the report's page, where it can be tried again."
        )
    notify_users(
        recipients=recipients,
        subject=Text(subject, period=report.period),
        body=Text(body),
        link=report.get_absolute_url(),
    )
