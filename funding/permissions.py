"""Who may read subsidies (DESIGN §1): everyone but the department reviewers; subdistrict staff
only their own subdistrict's, through ``restrict``. Only finance changes them."""

from communities.roles import Role

SUBSIDY_READERS = (
    Role.SUBDISTRICT_STAFF,
    Role.TASKFORCE_APPROVER,
    Role.FINANCE_OFFICER,
    Role.OPERATIONS_ASSESSOR,
    Role.SUPERVISOR,
)
