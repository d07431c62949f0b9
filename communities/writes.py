"""What every service does around a change: lock the row, save it with its history, and write
what others read later in the portal's language."""

from typing import Any

from django.conf import settings
from django.utils import translation

from .constraints import full_clean_explained


def locked(model_or_queryset, pk, *related: str):
    """Lock the row and read it again, so the state checked is the state acted on.

    ``related`` are joined in the same query (and not locked themselves).
    """
    queryset = getattr(model_or_queryset, "_default_manager", model_or_queryset)
    queryset = queryset.all().select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=pk)


def save_checked(instance, *, actor, fields: dict[str, Any] | None = None):
    """Apply the fields, validate the whole row, record who changed it, save."""
    for name, value in (fields or {}).items():
        setattr(instance, name, value)
    full_clean_explained(instance)
    instance._history_user = actor
    instance.save()
    return instance


def portal_language():
    """Text that others read later (e-mails, inbox entries, recorded errors) is written in the
    portal's language, whichever language the actor's page was in."""
    return translation.override(settings.LANGUAGE_CODE)
