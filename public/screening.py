"""What a suggestion's text may not carry into the open without a person reading it first."""

import re

from .choices import HoldReason

# Mainland mobile numbers (11 digits from 13x to 19x) and landlines with an area code.
PHONE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}")
# Resident identity card: 17 digits and a check digit or X.
ID_CARD = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![\dXx])")
LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|cn|net|org|top|xyz|info)\b", re.IGNORECASE
)
CHECKS = ((HoldReason.ID_CARD, ID_CARD), (HoldReason.PHONE, PHONE), (HoldReason.LINK, LINK))


def hold_reasons(text: str) -> list[str]:
    """The reasons to hold this text for review (empty: it may be answered as it is)."""
    return [str(reason) for reason, pattern in CHECKS if pattern.search(text)]
