"""The access table of residents' suggestions: who reads them and who answers them.

Every signed-in user reads suggestions (subdistrict staff only their own subdistrict's); only
the community's subdistrict staff answer them. The phone number follows the answering rule
(``selectors.phone_for``).
"""

from communities.access import CHANGE, VIEW, Rule
from communities.roles import Role

ANSWER = "answer"

SUGGESTION_RULES = {
    VIEW: Rule(),
    CHANGE: Rule((Role.SUBDISTRICT_STAFF,)),
    ANSWER: Rule((Role.SUBDISTRICT_STAFF,)),
}
