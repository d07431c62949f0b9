"""Writes of the public window: a resident's suggestion, its answers, the phone's erasure."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community
from communities.writes import locked, save_checked

from . import limits
from .choices import SuggestionState
from .lifecycles import SUGGESTION
from .models import Suggestion
from .screening import hold_reasons


@transaction.atomic
def suggestion_submit(
    *,
    community: Community,
    category: str,
    text: str,
    phone: str = "",
    address: str | None,
    limited: bool = True,
) -> Suggestion:
    """Record a resident's suggestion; held for review when its text carries personal data or
    a link. Refused when its address or phone number has sent too many lately (``limited``
    False: the portal's own demonstration rows, which no visitor sent)."""
    if limited and limits.over_limit(address=address, phone=phone):
        raise ValidationError(
            _("Too many suggestions were sent from here lately. Please try again later."),
            code="rate_limited",
        )
    reasons = hold_reasons(text)
    suggestion = Suggestion(
        community=community,
        category=category,
        text=text.strip(),
        phone=phone.strip(),
        state=SuggestionState.HELD if reasons else SuggestionState.RECEIVED,
        hold_reasons=reasons,
    )
    return save_checked(suggestion, actor=None)


def _step(actor, name: str, suggestion: Suggestion, fields: dict) -> Suggestion:
    row = locked(Suggestion, suggestion.pk, "community")
    SUGGESTION.check(actor, name, row)
    fields["state"] = SUGGESTION[name].target
    return save_checked(row, actor=actor, fields=fields)


def _answer_fields(actor, answer: str) -> dict:
    return {"answer": answer.strip(), "answered_at": timezone.now(), "answered_by": actor}


@transaction.atomic
def suggestion_release(*, actor, suggestion: Suggestion, text: str) -> Suggestion:
    """A held suggestion, read and cleared of personal data, goes on to be answered."""
    reasons = hold_reasons(text)
    if reasons:
        raise ValidationError(
            {"text": _("Remove the phone numbers, ID-card numbers and links from the text.")},
            code="personal_data",
        )
    return _step(actor, "release", suggestion, {"text": text.strip(), "hold_reasons": []})


@transaction.atomic
def suggestion_answer(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """Answer a suggestion; the answer is published with it."""
    return _step(actor, "answer", suggestion, _answer_fields(actor, answer))


@transaction.atomic
def suggestion_accept(*, actor, suggestion: Suggestion, answer: str, plan=None) -> Suggestion:
    """Take a suggestion up into one of its community's plans, and say so in the answer."""
    if plan is not None and plan.community_id != suggestion.community_id:
        raise ValidationError({"plan": _("Choose a plan of the suggestion's community.")})
    return _step(actor, "accept", suggestion, {**_answer_fields(actor, answer), "plan": plan})


@transaction.atomic
def suggestion_decline(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """Do not adopt a suggestion; the answer gives the reason, published with it."""
    return _step(actor, "decline", suggestion, _answer_fields(actor, answer))


def suggestion_erase_expired_phones(*, now: datetime.datetime | None = None) -> int:
    """Erase the phone numbers of suggestions received longer ago than the retention period;
    the number of suggestions whose phone was erased."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SUGGESTION_PHONE_RETENTION_DAYS)
    return (
        Suggestion.objects.filter(received_at__lt=cutoff)
        .exclude(phone="")
        .update(phone="", phone_erased_at=now)
    )
