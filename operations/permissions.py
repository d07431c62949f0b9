"""The operations app's access table (DESIGN §1): who reads and who changes each record.

Operators form one city-wide register; contracts, assessments and satisfaction scores belong to
a subdistrict (the scope rule of ``communities.access`` applies); supervision reports are
city-wide. The querysets in ``models.py`` use these rules.
"""

from communities.access import CHANGE, VIEW, Rule
from communities.roles import Role

CONTRACT_READERS = (
    Role.SUBDISTRICT_STAFF,
    Role.TASKFORCE_APPROVER,
    Role.FINANCE_OFFICER,
    Role.OPERATIONS_ASSESSOR,
    Role.SUPERVISOR,
)
# Staff write their own subdistrict's contracts, assessors write any.
CONTRACT_WRITERS = (Role.SUBDISTRICT_STAFF, Role.OPERATIONS_ASSESSOR)
ASSESSMENT_READERS = CONTRACT_READERS
ASSESSMENT_WRITERS = (Role.OPERATIONS_ASSESSOR,)
SATISFACTION_READERS = (
    Role.SUBDISTRICT_STAFF,
    Role.TASKFORCE_APPROVER,
    Role.OPERATIONS_ASSESSOR,
    Role.SUPERVISOR,
)
SATISFACTION_WRITERS = (Role.SUBDISTRICT_STAFF,)
REPORT_READERS = (Role.TASKFORCE_APPROVER, Role.SUPERVISOR)
REPORT_WRITERS = (Role.SUPERVISOR,)

# Any signed-in user reads the register; staff change only an operator that works for no other
# subdistrict (``selectors.operator_editable_by``), assessors any.
OPERATOR_RULES = {VIEW: Rule(), CHANGE: Rule(CONTRACT_WRITERS)}
CONTRACT_RULES = {VIEW: Rule(CONTRACT_READERS), CHANGE: Rule(CONTRACT_WRITERS)}
ASSESSMENT_RULES = {VIEW: Rule(ASSESSMENT_READERS), CHANGE: Rule(ASSESSMENT_WRITERS)}
SATISFACTION_RULES = {VIEW: Rule(SATISFACTION_READERS), CHANGE: Rule(SATISFACTION_WRITERS)}
REPORT_RULES = {VIEW: Rule(REPORT_READERS), CHANGE: Rule(REPORT_WRITERS)}
