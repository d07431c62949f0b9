"""Writes of the operations app; each checks the actor's role and scope before it changes rows."""

import logging
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities import outbox
from communities.access import ensure_role
from communities.compat import ensure_in_scope, ensure_subdistrict_writer
from communities.constraints import full_clean_explained, integrity_error_message
from communities.models import Community, Facility, Subdistrict
from communities.notifications import notify_users
from communities.roles import Role, has_role, subdistrict_staff_of, users_with_roles
from communities.texts import Text
from funding.choices import TrancheStage
from funding.models import Tranche
from funding.services import operations_reward_make_due
from projects.choices import FutureStage

from .choices import (
    ACTIVE_REPORT_STATES,
    AssessmentState,
    ContractState,
    Grade,
    ReportState,
    SatisfactionSource,
)
from .grading import grade_for, weighted_total
from .models import (
    KIND_FIELDS,
    AssessmentScheme,
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from .report import build_report
from .roles import CONTRACT_WRITERS
from .survey import read_survey
from .validators import validate_period_begun
from .workbook import report_workbook

logger = logging.getLogger(__name__)


def _portal_language():
    """Text that others read later (e-mails, recorded errors) is written in the portal's
    language, whatever language the actor's page was in."""
    return translation.override(settings.LANGUAGE_CODE)


def _save(instance, *, actor, fields: dict[str, Any] | None = None):
    """Apply the fields, validate the whole row, record who changed it, save."""
    for name, value in (fields or {}).items():
        setattr(instance, name, value)
    full_clean_explained(instance)
    instance._history_user = actor
    instance.save()
    return instance


def _ensure_period_begun(period: str) -> None:
    """Refuse, on the period field, a period that is malformed or has not begun yet."""
    try:
        validate_period_begun(period)
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from error


def contract_writable_by(actor, contract: OperatingContract) -> bool:
    """Whether the actor may change or end the contract: its own subdistrict's staff, or an
    assessor."""
    return has_role(actor, *CONTRACT_WRITERS) and (
        actor.is_superuser or actor.subdistrict_id in (None, contract.subdistrict_id)
    )


def _ensure_contract_writer(actor, subdistrict_id: int) -> None:
    """Subdistrict staff write their own subdistrict's contracts; assessors write any."""
    ensure_role(actor, *CONTRACT_WRITERS)
    ensure_in_scope(actor, subdistrict_id)
    if actor.subdistrict_id is not None:
        ensure_subdistrict_writer(actor, subdistrict_id)


# Operators -------------------------------------------------------------------------------


@transaction.atomic
def operator_create(*, actor, fields: dict[str, Any]) -> Operator:
    """Register an operating organisation with a checked unified social credit code."""
    ensure_role(actor, *CONTRACT_WRITERS)
    return _save(Operator(), actor=actor, fields=fields)


def operator_editable_by(actor, operator: Operator) -> bool:
    """Assessors change any operator; subdistrict staff only one that works for no other
    subdistrict, so one subdistrict never rewrites another's contract partner."""
    if not has_role(actor, *CONTRACT_WRITERS):
        return False
    if actor.is_superuser or actor.subdistrict_id is None:
        return True
    return not (
        OperatingContract.objects.filter(operator=operator)
        .exclude(subdistrict_id=actor.subdistrict_id)
        .exists()
    )


@transaction.atomic
def operator_update(*, actor, operator: Operator, fields: dict[str, Any]) -> Operator:
    """Change an operator's details."""
    ensure_role(actor, *CONTRACT_WRITERS)
    locked = Operator.objects.select_for_update().get(pk=operator.pk)
    if not operator_editable_by(actor, locked):
        raise PermissionDenied(
            _(
                "This operator also works for other subdistricts; ask the operations assessor "
                "to change its details."
            )
        )
    return _save(locked, actor=actor, fields=fields)


# Contracts -------------------------------------------------------------------------------


def _check_facilities(*, subdistrict: Subdistrict, facilities, starts_on, ends_on, exclude_pk):
    """Lock the facilities (in key order) and refuse another subdistrict's or a double booking."""
    ids = sorted({facility.pk for facility in facilities})
    if not ids:
        raise ValidationError({"facilities": _("Choose at least one facility.")})
    locked = list(
        Facility.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    foreign = [f.name for f in locked if f.community.subdistrict_id != subdistrict.pk]
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
    return locked


@transaction.atomic
def contract_create(
    *, actor, subdistrict: Subdistrict, facilities, fields: dict[str, Any]
) -> OperatingContract:
    """Sign a contract for some facilities; a facility never has two overlapping contracts."""
    _ensure_contract_writer(actor, subdistrict.pk)
    contract = OperatingContract(subdistrict=subdistrict, created_by=actor)
    for name, value in fields.items():
        setattr(contract, name, value)
    full_clean_explained(contract, exclude=["created_by"])
    locked = _check_facilities(
        subdistrict=subdistrict,
        facilities=facilities,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        exclude_pk=None,
    )
    contract._history_user = actor
    contract.save()
    contract.facilities.set(locked)
    return contract


@transaction.atomic
def contract_update(
    *, actor, contract: OperatingContract, facilities, fields: dict[str, Any]
) -> OperatingContract:
    """Change a contract's term, fee or facilities, with the same overlap check."""
    locked_contract = (
        OperatingContract.objects.select_for_update(of=("self",))
        .select_related("subdistrict")
        .get(pk=contract.pk)
    )
    _ensure_contract_writer(actor, locked_contract.subdistrict_id)
    if locked_contract.state != ContractState.ACTIVE:
        raise ValidationError(_("This contract has ended; record a new one instead."))
    for name, value in fields.items():
        setattr(locked_contract, name, value)
    full_clean_explained(locked_contract)
    locked = _check_facilities(
        subdistrict=locked_contract.subdistrict,
        facilities=facilities,
        starts_on=locked_contract.starts_on,
        ends_on=locked_contract.ends_on,
        exclude_pk=locked_contract.pk,
    )
    locked_contract._history_user = actor
    locked_contract.save()
    locked_contract.facilities.set(locked)
    return locked_contract


@transaction.atomic
def contract_terminate(*, actor, contract: OperatingContract) -> OperatingContract:
    """End a contract early; its facilities are free for another contract."""
    locked = OperatingContract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
    _ensure_contract_writer(actor, locked.subdistrict_id)
    if locked.state != ContractState.ACTIVE:
        raise ValidationError(_("This contract has already ended."))
    return _save(
        locked,
        actor=actor,
        fields={"state": ContractState.TERMINATED, "terminated_on": timezone.localdate()},
    )


# Assessments -----------------------------------------------------------------------------


def active_scheme() -> AssessmentScheme:
    """The assessment scheme in use."""
    scheme = AssessmentScheme.objects.filter(is_active=True).first()
    if scheme is None:
        raise ValidationError(_("No assessment scheme is in use; ask the administrator."))
    return scheme


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
    ensure_role(actor, Role.OPERATIONS_ASSESSOR)
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
    _grade(assessment)
    try:
        with transaction.atomic():
            return _save(assessment, actor=actor)
    except IntegrityError as error:
        raise integrity_error_message(
            error, _("This subject already has an assessment for the period.")
        ) from error


def _locked_assessment(
    assessment, *, actor, required_state: str, refusal: str
) -> OperationsAssessment:
    """Check the assessor's role, lock the row and refuse unless it is in the required state."""
    ensure_role(actor, Role.OPERATIONS_ASSESSOR)
    locked = OperationsAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if locked.state != required_state:
        raise ValidationError(refusal)
    return locked


@transaction.atomic
def assessment_update(
    *, actor, assessment: OperationsAssessment, scores: dict[str, Any], comments: str
) -> OperationsAssessment:
    """Change the scores of a draft assessment; the total and grade follow."""
    locked = _locked_assessment(
        assessment,
        actor=actor,
        required_state=AssessmentState.DRAFT,
        refusal=_("Only a draft assessment can be changed."),
    )
    for name, value in _score_fields(scores).items():
        setattr(locked, name, value)
    locked.comments = comments
    locked.scheme = active_scheme()
    _grade(locked)
    return _save(locked, actor=actor)


@transaction.atomic
def assessment_submit(*, actor, assessment: OperationsAssessment) -> OperationsAssessment:
    """Submit a draft assessment for confirmation."""
    locked = _locked_assessment(
        assessment,
        actor=actor,
        required_state=AssessmentState.DRAFT,
        refusal=_("Only a draft assessment can be submitted."),
    )
    return _save(locked, actor=actor, fields={"state": AssessmentState.SUBMITTED})


@transaction.atomic
def assessment_return(*, actor, assessment: OperationsAssessment) -> OperationsAssessment:
    """Send a submitted assessment back to draft for correction."""
    locked = _locked_assessment(
        assessment,
        actor=actor,
        required_state=AssessmentState.SUBMITTED,
        refusal=_("Only a submitted assessment can be returned."),
    )
    return _save(locked, actor=actor, fields={"state": AssessmentState.DRAFT})


def reward_awaits_release(assessment: OperationsAssessment) -> bool:
    """A confirmed, passed assessment of a future community that was provincially named after
    the confirmation, whose 600,000 reward has not been made due yet."""
    project = assessment.project
    return (
        project is not None
        and assessment.state == AssessmentState.CONFIRMED
        and assessment.is_passed
        and project.stage == FutureStage.NAMED
        and not Tranche.objects.filter(
            project=project, stage=TrancheStage.OPERATIONS_REWARD
        ).exists()
    )


@transaction.atomic
def assessment_release_reward(*, actor, assessment: OperationsAssessment):
    """Make the operations reward due for a community named after its passed assessment was
    confirmed (the usual order is named first, then assessed, when confirming does it)."""
    locked = _locked_assessment(
        assessment,
        actor=actor,
        required_state=AssessmentState.CONFIRMED,
        refusal=_("Only a confirmed assessment releases the operations reward."),
    )
    if not reward_awaits_release(locked):
        raise ValidationError(
            _(
                "The reward is released for a passed assessment of a provincially named future "
                "community, once."
            )
        )
    operations_reward_make_due(project=locked.project, actor=actor)
    return locked


@transaction.atomic
def assessment_confirm(*, actor, assessment: OperationsAssessment) -> OperationsAssessment:
    """Confirm a submitted assessment; a passed one of a named future community makes the
    600,000 operations reward due, in the same transaction."""
    locked = _locked_assessment(
        assessment,
        actor=actor,
        required_state=AssessmentState.SUBMITTED,
        refusal=_("Only a submitted assessment can be confirmed."),
    )
    _save(
        locked,
        actor=actor,
        fields={
            "state": AssessmentState.CONFIRMED,
            "confirmed_by": actor,
            "confirmed_at": timezone.now(),
        },
    )
    project = locked.project
    if project is not None and locked.is_passed and project.stage == FutureStage.NAMED:
        operations_reward_make_due(project=project, actor=actor)
    notify_users(
        recipients=subdistrict_staff_of(locked.subdistrict_id),
        subject=Text(
            gettext_noop("Operations assessment confirmed: %(subject)s"), subject=str(locked)
        ),
        body=Text(
            gettext_noop("Total %(total)s, grade %(grade)s."),
            total=locked.total,
            grade=Text.choice(Grade, locked.grade),
        ),
        link=locked.get_absolute_url(),
    )
    return locked


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
    return _save(score, actor=actor, fields={**values, "source": source, "recorded_by": actor})


@transaction.atomic
def satisfaction_record(
    *, actor, community: Community, period: str, score, respondents: int | None = None
) -> SatisfactionScore:
    """Enter (or correct) a community's satisfaction score for a period."""
    ensure_subdistrict_writer(actor, community.subdistrict_id)
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
    ensure_role(actor, Role.SUBDISTRICT_STAFF)
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


def previous_month(today: date) -> str:
    """The month before the given day, written 2025-06."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


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
        active = SupervisionReport.objects.filter(period=period, state__in=ACTIVE_REPORT_STATES)
        return active.get(), False
    return report, True


@transaction.atomic
def supervision_report_request(*, actor, period: str) -> tuple[SupervisionReport, bool]:
    """Queue a report for a month, or return the one already queued or running for it.

    ``actor`` is None when the monthly schedule asks. Returns (report, created).
    """
    if actor is not None:
        ensure_role(actor, Role.SUPERVISOR)
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
    ensure_role(actor, Role.SUPERVISOR)
    if report.state != ReportState.FAILED:
        raise ValidationError(_("Only a failed report can be retried."))
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
    SupervisionReport.objects.filter(
        pk=report_id, state__in=[ReportState.RUNNING, ReportState.FAILED]
    ).update(state=ReportState.QUEUED, progress=0, started_at=None, finished_at=None, error="")


def supervision_report_give_up(*, report_id: int, error: str) -> None:
    """Record that a report could not be built after the last try; it can be retried."""
    with _portal_language():
        reason = _("The report could not be built after several tries: %(error)s") % {
            "error": error
        }
    changed = SupervisionReport.objects.filter(pk=report_id, state__in=ACTIVE_REPORT_STATES).update(
        state=ReportState.FAILED, error=reason, finished_at=timezone.now()
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
        report = SupervisionReport.objects.select_for_update().get(pk=report_id)
        if report.state != ReportState.QUEUED:
            return None
        report.state = ReportState.RUNNING
        report.started_at = timezone.now()
        report.progress = 5
        report.save(update_fields=["state", "started_at", "progress"])
    try:
        with translation.override(settings.LANGUAGE_CODE):
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
        outcome = {"state": ReportState.FAILED, "error": f"{type(error).__name__}: {error}"}
    else:
        outcome = {
            "state": ReportState.DONE,
            "progress": 100,
            "summary": summary,
            "file_name": file_name,
        }
    # A worker the sweeper took for dead leaves the result to the run that replaced it.
    if not outbox.run_is_current():
        logger.warning("Supervision report %s: a newer run replaced this one", report_id)
        return None
    SupervisionReport.objects.filter(
        pk=report_id, state=ReportState.RUNNING, started_at=report.started_at
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
