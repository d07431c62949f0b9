"""Who may do what to the projects app's rows: its access table (``communities.access``).

Each model's queryset reads its rules from here; the life-cycle steps of plans and projects
(``projects.lifecycles``) name their own roles within the same subdistrict scope.
"""

from communities.access import ANYONE, CHANGE, VIEW, Rule
from communities.roles import Role

CREATE = "create"
# The subdistrict reports which scenarios of its future community are built.
REPORT_SCENARIOS = "report_scenarios"

STAFF = Rule((Role.SUBDISTRICT_STAFF,))
TASKFORCE = Rule((Role.TASKFORCE_APPROVER,))

# Every signed-in user reads the plans of their scope; only the subdistrict's own staff draft
# and change them.
PLAN_RULES = {VIEW: ANYONE, CHANGE: STAFF, CREATE: STAFF}
# The task force registers future-community projects and keeps their data (with the scenarios
# they plan); the subdistrict's staff report the scenarios built.
FUTURE_PROJECT_RULES = {
    VIEW: ANYONE,
    CHANGE: TASKFORCE,
    CREATE: TASKFORCE,
    REPORT_SCENARIOS: STAFF,
}
# The task force plans the development blocks and their integrated units.
BLOCK_RULES = {VIEW: ANYONE, CHANGE: TASKFORCE, CREATE: TASKFORCE}
# A three-year plan table asked for in the background is its requester's own (and the
# superuser's): every role reads the projects, so may ask for one, and sees only their own.
PROJECT_READERS = tuple(Role.values)
PLAN_TABLE_RULES = {VIEW: ANYONE, CHANGE: Rule(PROJECT_READERS)}
