"""Fixed vocabularies of residents' suggestions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.choices import FacilityType

OTHER = "other"


class SuggestionCategory(models.TextChoices):
    """What a suggestion is about: one of the seven facility types, or something else."""

    ELDERLY_CARE = FacilityType.ELDERLY_CARE.value, FacilityType.ELDERLY_CARE.label
    CHILDCARE = FacilityType.CHILDCARE.value, FacilityType.CHILDCARE.label
    NEIGHBOURHOOD_CENTRE = (
        FacilityType.NEIGHBOURHOOD_CENTRE.value,
        FacilityType.NEIGHBOURHOOD_CENTRE.label,
    )
    PARTY_SERVICE = FacilityType.PARTY_SERVICE.value, FacilityType.PARTY_SERVICE.label
    HEALTH = FacilityType.HEALTH.value, FacilityType.HEALTH.label
    SPORTS = FacilityType.SPORTS.value, FacilityType.SPORTS.label
    CULTURE = FacilityType.CULTURE.value, FacilityType.CULTURE.label
    OTHER = OTHER, _("Other")


class SuggestionState(models.TextChoices):
    """Where a suggestion stands in its answering (public/lifecycles.py)."""

    RECEIVED = "received", _("Received")
    HELD = "held", _("Held for review")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Accepted into a plan")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


# An answered suggestion is published with its answer, whatever the answer was.
PUBLISHED_STATES = (
    SuggestionState.ANSWERED,
    SuggestionState.ACCEPTED,
    SuggestionState.NOT_ADOPTED,
)


class HoldReason(models.TextChoices):
    """Why a suggestion waits for a person to read it before anything else happens."""

    PHONE = "phone", _("The text contains a phone number")
    ID_CARD = "id_card", _("The text contains an ID-card number")
    LINK = "link", _("The text contains a link")
