"""Text the portal writes for someone to read later, kept so that each reader reads it in their
own language.

A notification written when finance pays a tranche is read days later, by a clerk whose pages
may be in Chinese or in English. Stored as finished Chinese text, an English page would show
Chinese. A ``Text`` keeps the message's source (its msgid, marked with ``gettext_noop`` so that
makemessages finds it) and its parameters; each parameter is text as it was entered (names,
titles, reasons: shown as typed), a number or day, a choice (``Text.choice``: the label of a
state or stage, translated when read) or another ``Text``. ``Text.as_data`` is what a JSON field
stores, ``Text.from_data`` reads it back, and ``str(text)`` renders it in the active language.

    Text(gettext_noop("Subsidy paid: %(tranche)s"), tranche=Text.choice(TrancheStage, "after"))
"""

import datetime
from decimal import Decimal
from importlib import import_module

from django.utils.translation import gettext, pgettext


def names(items) -> str:
    """Names as a list reads in the active language: 甲、乙 in Chinese, "a, b" in English."""
    return pgettext("between names in a list", ", ").join(str(item) for item in items)


class Text:
    """A message and its parameters, rendered in the reader's language when shown."""

    def __init__(self, message: str, /, **params):
        self.message = message
        self.params = params

    @classmethod
    def choice(cls, choices, value: str) -> "Text":
        """The label of one value of a Django ``TextChoices`` (a state, a stage, a grade)."""
        text = cls("")
        text.choices = f"{choices.__module__}.{choices.__qualname__}"
        text.value = value
        return text

    def __str__(self) -> str:
        if getattr(self, "choices", None):
            module, _dot, name = self.choices.rpartition(".")
            try:
                return str(getattr(import_module(module), name)(self.value).label)
            except (ImportError, AttributeError, ValueError):
                return self.value
        message = gettext(self.message) if self.message else ""
        if not self.params:
            return message
        return message % {key: _shown(value) for key, value in self.params.items()}

    def __repr__(self) -> str:
        return f"Text({self.as_data()!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and self.as_data() == other.as_data()

    def as_data(self) -> dict:
        """A JSON-serialisable form that ``from_data`` turns back into the same Text."""
        if getattr(self, "choices", None):
            return {"choices": self.choices, "value": self.value}
        return {
            "message": self.message,
            "params": {key: _stored(value) for key, value in self.params.items()},
        }

    @classmethod
    def from_data(cls, data: dict) -> "Text":
        """The Text whose ``as_data`` this is."""
        if "choices" in data:
            text = cls("")
            text.choices, text.value = data["choices"], data["value"]
            return text
        params = {
            key: cls.from_data(value) if isinstance(value, dict) else value
            for key, value in data.get("params", {}).items()
        }
        return cls(data.get("message", ""), **params)


def _stored(value):
    """A parameter as JSON keeps it: nested texts as data, days as ISO dates, the rest as text."""
    if isinstance(value, Text):
        return value.as_data()
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _shown(value):
    return str(value) if isinstance(value, Text) else value


def render(stored, fallback: str = "") -> str:
    """A stored Text (its data) in the active language; ``fallback`` when nothing was stored."""
    if not stored:
        return fallback
    return str(Text.from_data(stored))
