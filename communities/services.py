"""Writes to the facility inventory and landing spaces; each checks role and scope first."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .access import CHANGE, ensure, ensure_role
from .choices import PRIORITY_FACILITY_TYPES, FacilityStatus, FacilityType, GapStatus
from .gap import GAP_POINTS, assess_type, weight_of
from .models import Community, Facility, GapAssessment, GapStanding, Notification, SpaceResource
from .register import COLUMNS, ZERO_WHEN_BLANK, read_register
from .roles import Role
from .writes import locked, save_checked

REGISTER_FIELDS = [name for name, _header, _kind in COLUMNS if name != "code"]
# Rows per UPDATE of a register import: each statement is a CASE over its rows for every
# changed column, evaluated for every row it updates, so its cost grows with the square of it.
UPDATE_BATCH = 200
# What the stored gap assessment of a community depends on, of what the register sets.
ASSESSED_FIELDS = {"population", "households"}


def _register_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A number the register leaves blank is a zero."""
    return {
        name: 0 if value is None and name in ZERO_WHEN_BLANK else value
        for name, value in fields.items()
    }


def _create_in(community: Community, model, *, actor, fields: dict[str, Any]):
    """Add an inventory row to a community of the actor's own subdistrict."""
    ensure(actor, CHANGE, community)
    return save_checked(model(community=community), actor=actor, fields=fields)


def _update_locked(instance, *, actor, fields: dict[str, Any]):
    """Lock an inventory row, check it belongs to the actor's subdistrict, change it."""
    row = locked(type(instance), instance.pk, "community")
    ensure(actor, CHANGE, row)
    return save_checked(row, actor=actor, fields=fields)


@transaction.atomic
def facility_create(*, actor, community: Community, fields: dict[str, Any]) -> Facility:
    """Add a facility to a community of the actor's own subdistrict."""
    facility = _create_in(community, Facility, actor=actor, fields=fields)
    gap_assessments_refresh(community_ids=[facility.community_id])
    return facility


@transaction.atomic
def facility_update(*, actor, facility: Facility, fields: dict[str, Any]) -> Facility:
    """Change a facility of the actor's own subdistrict."""
    before = facility.community_id
    facility = _update_locked(facility, actor=actor, fields=fields)
    gap_assessments_refresh(community_ids={before, facility.community_id})
    return facility


@transaction.atomic
def space_create(*, actor, community: Community, fields: dict[str, Any]) -> SpaceResource:
    """Record a landing space of a community of the actor's own subdistrict."""
    return _create_in(community, SpaceResource, actor=actor, fields=fields)


@transaction.atomic
def space_update(*, actor, space: SpaceResource, fields: dict[str, Any]) -> SpaceResource:
    """Change a landing space of the actor's own subdistrict."""
    return _update_locked(space, actor=actor, fields=fields)


@transaction.atomic
def community_register_import(*, actor, file) -> dict[str, int]:
    """Create or update communities from a register workbook; all rows or none.

    Raises ValidationError listing every bad row by number when the file is not clean. The
    reading has already checked each row once (its fields, its subdistrict, its code and name
    against the database and the rest of the file), so the rows are written in bulk, each new or
    changed community with one history row recording ``actor``.
    """
    ensure_role(actor, Role.TASKFORCE_APPROVER)
    reading = read_register(file)
    if not reading.is_clean:
        raise ValidationError(reading.errors)
    codes = [row.values["code"] for row in reading.rows]
    existing = {
        community.code: community
        for community in Community.objects.select_for_update().filter(code__in=codes)
    }
    new, changed, changed_fields = [], [], set()
    for row in reading.rows:
        fields = _register_fields(row.values)
        community = existing.get(fields["code"])
        if community is None:
            new.append(Community(**fields))
            continue
        differing = _apply_changes(community, fields)
        if differing:
            changed.append(community)
            changed_fields |= differing
    bulk_create_with_history(new, Community, batch_size=1000, default_user=actor)
    if changed:
        # Only the columns some row changed: each one is a CASE over the batch's rows.
        bulk_update_with_history(
            changed,
            Community,
            [name for name in REGISTER_FIELDS if name in changed_fields],
            batch_size=UPDATE_BATCH,
            default_user=actor,
        )
    # A new community, or one whose population or households changed, is reassessed.
    reassessed = [*new, *(c for c in changed if c._register_changed & ASSESSED_FIELDS)]
    if reassessed:
        gap_assessments_refresh(community_ids=[community.pk for community in reassessed])
    return {"created": len(new), "updated": len(existing)}


def _apply_changes(community: Community, fields: dict[str, Any]) -> set[str]:
    """Set the register's fields on a community; the names of those that differed."""
    differing = set()
    for name, value in fields.items():
        # The subdistrict is compared by key, so no row reads its subdistrict.
        if name == "subdistrict":
            current, wanted = community.subdistrict_id, value.pk
        else:
            current, wanted = getattr(community, name), value
        if current != wanted:
            setattr(community, name, value)
            differing.add(name)
    community._register_changed = differing
    return differing


# Stored gap assessment ------------------------------------------------------------------


def _assessment_rows(community, facilities, standards, *, year: int, now) -> list[GapAssessment]:
    rows = []
    for facility_type in FacilityType.values:
        of_type = [
            f
            for f in facilities
            if f.facility_type == facility_type and f.status == FacilityStatus.EXISTING
        ]
        assessed = assess_type(community, of_type, standards.get(facility_type))
        rows.append(
            GapAssessment(
                community=community,
                facility_type=facility_type,
                year=year,
                status=assessed.status,
                have=assessed.have,
                need=assessed.need,
                shortfall=assessed.shortfall,
                unit=assessed.unit,
                radius_minutes=assessed.radius_minutes,
                points=GAP_POINTS[assessed.status],
                weight=weight_of(facility_type),
                computed_at=now,
            )
        )
    return rows


@transaction.atomic
def gap_assessments_refresh(*, community_ids=None, year: int | None = None) -> int:
    """Recompute the stored gap assessment of the given communities (all when None) against the
    standards in force in ``year`` (this year by default); returns how many rows were written.

    Called by every service that changes a facility, a community's population or households, or
    a standard, and by ``manage.py refresh_gap_assessments`` for all communities. The
    communities are locked in key order, so two refreshes of one community follow each other.
    """
    from .selectors import standards_in_force

    year = year or timezone.localdate().year
    communities = Community.objects.select_for_update().order_by("pk")
    if community_ids is not None:
        communities = communities.filter(pk__in=list(community_ids))
    communities = list(communities)
    facilities: dict[int, list[Facility]] = {community.pk: [] for community in communities}
    for facility in Facility.objects.filter(community__in=communities):
        facilities[facility.community_id].append(facility)
    standards = standards_in_force(year)
    now = timezone.now()
    rows = [
        row
        for community in communities
        for row in _assessment_rows(
            community, facilities[community.pk], standards, year=year, now=now
        )
    ]
    GapAssessment.objects.filter(community__in=communities).delete()
    GapAssessment.objects.bulk_create(rows, batch_size=500)
    _standings_store(communities, facilities, rows, now=now)
    return len(rows)


def _standings_store(communities, facilities, rows, *, now) -> None:
    """Each community's place-making figures of the priority order, from its fresh rows."""
    from .selectors import score_of

    by_community: dict[int, list[GapAssessment]] = {community.pk: [] for community in communities}
    for row in rows:
        by_community[row.community_id].append(row)
    standings = [
        GapStanding(
            community_id=pk,
            priority_gaps=sum(
                row.facility_type in PRIORITY_FACILITY_TYPES and row.status != GapStatus.MEETS
                for row in stored
            ),
            facility_count=sum(
                facility.status == FacilityStatus.EXISTING for facility in facilities[pk]
            ),
            gap_score=score_of(stored),
            computed_at=now,
        )
        for pk, stored in by_community.items()
    ]
    GapStanding.objects.filter(community__in=communities).delete()
    GapStanding.objects.bulk_create(standings, batch_size=500)


@transaction.atomic
def community_save(*, actor, community: Community) -> Community:
    """Save a community changed in the admin and reassess it."""
    ensure(actor, "register", community)
    save_checked(community, actor=actor)
    gap_assessments_refresh(community_ids=[community.pk])
    return community


@transaction.atomic
def facility_delete(*, actor, facility: Facility) -> None:
    """Remove a facility of the actor's own subdistrict and reassess its community."""
    row = locked(Facility, facility.pk, "community")
    ensure(actor, CHANGE, row)
    community_id = row.community_id
    row._history_user = actor
    row.delete()
    gap_assessments_refresh(community_ids=[community_id])


@transaction.atomic
def facility_standard_save(*, actor, standard) -> Any:
    """Save a facility standard (superuser only) and reassess every community."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only the system administrator changes facility standards."))
    save_checked(standard, actor=actor)
    gap_assessments_refresh()
    return standard


@transaction.atomic
def facility_standard_delete(*, actor, standard) -> None:
    """Remove a facility standard (superuser only) and reassess every community."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only the system administrator changes facility standards."))
    standard._history_user = actor
    standard.delete()
    gap_assessments_refresh()


# Inbox -----------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read (another user's is not found)."""
    if notification.recipient_id != actor.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor as read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
