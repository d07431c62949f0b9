"""The communities app's access table: for each scoped model, who may take which action.

Data only. Each model's queryset reads its table (``rules = FACILITY_RULES``); the scope rule
itself (own subdistrict for its staff, city-wide for a department's users) is applied by
``communities.access``. An action not listed here does not exist for the model; VIEW not
listed means any signed-in user within the scope rule.
"""

from .access import ANYONE, CHANGE, VIEW, Rule
from .roles import Role

STAFF = Rule((Role.SUBDISTRICT_STAFF,))

# A subdistrict's records are changed by its own staff: CHANGE on the subdistrict is what a
# new row of it (a community's facility, a plan, a contract) needs.
SUBDISTRICT_RULES = {VIEW: ANYONE, CHANGE: STAFF}

# The communities register is the task force's (the admin's form and the register upload);
# what is in a community (facilities, landing spaces) is its subdistrict's staff's.
COMMUNITY_RULES = {
    VIEW: ANYONE,
    CHANGE: STAFF,
    "register": Rule((Role.TASKFORCE_APPROVER,)),
}

FACILITY_RULES = {VIEW: ANYONE, CHANGE: STAFF}

SPACE_RULES = {VIEW: ANYONE, CHANGE: STAFF}

# Written by the portal itself (``services.gap_assessments_refresh``), never by a person.
GAP_ASSESSMENT_RULES = {VIEW: ANYONE}
