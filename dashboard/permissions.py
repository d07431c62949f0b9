"""The dashboard's access table. It has no rows of its own: what it counts is read through each
model's ``restrict(user)``; this says only who reads the city as a whole."""

from communities.access import Rule
from communities.roles import Role

CITY_ROLES = (
    Role.DEPARTMENT_REVIEWER,
    Role.TASKFORCE_APPROVER,
    Role.FINANCE_OFFICER,
    Role.OPERATIONS_ASSESSOR,
    Role.SUPERVISOR,
)

# The budget envelopes, the ranking of subdistricts and the subdistrict filters are for those
# who read every subdistrict: a city role's holder not bound to one subdistrict, a superuser.
CITY_WIDE = Rule(CITY_ROLES)
