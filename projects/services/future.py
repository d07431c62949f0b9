"""Writes to future-community projects: their data and the stage sequence (policy §七(一))."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.access import ensure_role
from communities.choices import Route
from communities.models import Community
from communities.roles import Role, subdistrict_staff_of
from communities.texts import Text
from funding import services as funding_services

from ..choices import FUTURE_STAGE_ORDER, FutureStage
from ..models import FutureCommunityProject
from ._common import check_day, notify, record_change, refuse, save_checked

# The inputs of the subsidy committed at 立项.
COMMITTED_FIELDS = ("category", "funding_mode", "creation_investment")
PROJECT_FIELDS = (
    "category",
    "project_type",
    "provincial_batch",
    "plan_year",
    "funding_mode",
    "creation_investment",
)


def next_stage(project: FutureCommunityProject) -> str | None:
    """The stage after the project's current one, or None once it is named."""
    index = FUTURE_STAGE_ORDER.index(project.stage)
    return FUTURE_STAGE_ORDER[index + 1] if index + 1 < len(FUTURE_STAGE_ORDER) else None


@transaction.atomic
def project_create(
    *, actor, community: Community, fields: dict[str, Any]
) -> FutureCommunityProject:
    """Register a future-community project for a community on the future route."""
    ensure_role(actor, Role.TASKFORCE_APPROVER)
    if community.route != Route.FUTURE:
        raise ValidationError(
            {
                "community": _("“%(name)s” is not on the future-community route.")
                % {"name": community}
            }
        )
    project = FutureCommunityProject(community=community)
    for name in PROJECT_FIELDS:
        if name in fields:
            setattr(project, name, fields[name])
    save_checked(project, actor=actor)
    record_change(project=project, actor=actor, from_state="", to_state=project.stage)
    return project


@transaction.atomic
def project_update(
    *, actor, project: FutureCommunityProject, fields: dict[str, Any]
) -> FutureCommunityProject:
    """Change a project's category, type, batch, funding mode or creation investment; once it
    is approved (立项) the figures its subsidy was committed on can no longer change."""
    ensure_role(actor, Role.TASKFORCE_APPROVER)
    project = FutureCommunityProject.objects.select_for_update(of=("self",)).get(pk=project.pk)
    committed = FUTURE_STAGE_ORDER.index(project.stage) >= FUTURE_STAGE_ORDER.index(
        FutureStage.APPROVED
    )
    frozen = [
        name
        for name in COMMITTED_FIELDS
        if committed and name in fields and fields[name] != getattr(project, name)
    ]
    if frozen:
        raise ValidationError(
            {
                name: _(
                    "The subsidy was committed at project approval on these figures; "
                    "they can no longer change."
                )
                for name in frozen
            }
        )
    for name in PROJECT_FIELDS:
        if name in fields:
            setattr(project, name, fields[name])
    save_checked(project, actor=actor)
    return project


@transaction.atomic
def project_advance(
    *,
    actor,
    project: FutureCommunityProject,
    to_stage: str,
    on_date: datetime.date,
    comment: str = "",
) -> FutureCommunityProject:
    """Move a project to its next stage, one step at a time, with the date it happened."""
    ensure_role(actor, Role.TASKFORCE_APPROVER)
    project = (
        FutureCommunityProject.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=project.pk)
    )
    expected = next_stage(project)
    if to_stage != expected:
        current = str(FutureStage(project.stage).label)
        if expected is None:
            refuse(
                _("A project at stage “%(stage)s” is already provincially named."), stage=current
            )
        refuse(
            _("A project at stage “%(stage)s” can only move on to “%(next)s”."),
            stage=current,
            next=str(FutureStage(expected).label),
        )
    check_day("on_date", on_date)
    from_stage = project.stage
    project.stage = to_stage
    if to_stage == FutureStage.APPROVED:
        project.approval_date = on_date
    if to_stage == FutureStage.NAMED:
        project.named_date = on_date
    save_checked(project, actor=actor)
    record_change(
        project=project,
        actor=actor,
        from_state=from_stage,
        to_state=to_stage,
        comment=comment or on_date.isoformat(),
    )
    if to_stage == FutureStage.APPROVED:
        funding_services.subsidy_commit_for_project(project=project, actor=actor)
    else:
        funding_services.project_stage_reached(
            project=project, stage=to_stage, actor=actor, on=on_date
        )
    stage = Text.choice(FutureStage, to_stage)
    notify(
        recipients=subdistrict_staff_of(project.community.subdistrict_id),
        subject=Text(gettext_noop("Future community: %(stage)s"), stage=stage),
        body=Text(
            gettext_noop("%(community)s has reached the stage “%(stage)s” on %(date)s."),
            community=project.community.name,
            stage=stage,
            date=on_date,
        ),
        link=reverse("projects:future_detail", args=[project.pk]),
    )
    return project
