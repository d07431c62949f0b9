"""Writes to the facility inventory and landing spaces; each checks role and scope first."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .constraints import full_clean_explained
from .models import Community, Facility, Notification, SpaceResource
from .permissions import ensure_role, ensure_subdistrict_writer
from .register import ZERO_WHEN_BLANK, read_register
from .roles import Role


def _save_checked(instance, *, actor, fields: dict[str, Any]):
    """Apply the fields, validate the whole row, record who changed it, save."""
    for name, value in fields.items():
        setattr(instance, name, 0 if value is None and name in ZERO_WHEN_BLANK else value)
    full_clean_explained(instance)
    instance._history_user = actor
    instance.save()
    return instance


def _create_in(community: Community, model, *, actor, fields: dict[str, Any]):
    """Add an inventory row to a community of the actor's own subdistrict."""
    ensure_subdistrict_writer(actor, community.subdistrict_id)
    return _save_checked(model(community=community), actor=actor, fields=fields)


def _update_locked(instance, *, actor, fields: dict[str, Any]):
    """Lock an inventory row, check it belongs to the actor's subdistrict, change it."""
    locked = (
        type(instance)
        .objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=instance.pk)
    )
    ensure_subdistrict_writer(actor, locked.community.subdistrict_id)
    return _save_checked(locked, actor=actor, fields=fields)


@transaction.atomic
def facility_create(*, actor, community: Community, fields: dict[str, Any]) -> Facility:
    """Add a facility to a community of the actor's own subdistrict."""
    return _create_in(community, Facility, actor=actor, fields=fields)


@transaction.atomic
def facility_update(*, actor, facility: Facility, fields: dict[str, Any]) -> Facility:
    """Change a facility of the actor's own subdistrict."""
    return _update_locked(facility, actor=actor, fields=fields)


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

    Raises ValidationError listing every bad row by number when the file is not clean.
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
    created = updated = 0
    for row in reading.rows:
        community = existing.get(row.values["code"]) or Community()
        is_new = community.pk is None
        _save_checked(community, actor=actor, fields=row.values)
        created += is_new
        updated += not is_new
    return {"created": created, "updated": updated}


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
