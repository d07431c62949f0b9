"""The funding app's access table (DESIGN §1): who reads and who changes each of its models.

Everyone but the department reviewers reads subsidies, subdistrict staff only their own
subdistrict's (the scope rule of ``communities.access``); only finance changes them. Budget
envelopes, policies and disbursement sheets are city-wide registers. The models' querysets use
these tables as their ``rules``; the life-cycle steps are in ``funding.lifecycles``.
"""

from communities.access import CHANGE, VIEW, Rule
from communities.roles import Role

SUBSIDY_READERS = (
    Role.SUBDISTRICT_STAFF,
    Role.TASKFORCE_APPROVER,
    Role.FINANCE_OFFICER,
    Role.OPERATIONS_ASSESSOR,
    Role.SUPERVISOR,
)
FINANCE = (Role.FINANCE_OFFICER,)

# Making the 600,000 operations reward due: the operations assessor confirms operating rewards.
OPEN_REWARD = "open_reward"

TRANCHE_RULES = {
    VIEW: Rule(SUBSIDY_READERS),
    CHANGE: Rule(FINANCE),
    OPEN_REWARD: Rule((Role.OPERATIONS_ASSESSOR,)),
}
BUDGET_ENVELOPE_RULES = {VIEW: Rule(FINANCE), CHANGE: Rule(FINANCE)}
# Policies are data the superuser keeps (no role changes them); finance and the task force read.
POLICY_RULES = {VIEW: Rule((Role.TASKFORCE_APPROVER, Role.FINANCE_OFFICER))}
# Finance asks for disbursement sheets and reads them; the requester also reads their own.
EXPORT_RULES = {VIEW: Rule(FINANCE), CHANGE: Rule(FINANCE)}
