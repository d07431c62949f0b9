"""Fixtures of the funding tests: one user per role that takes a funding step."""

import pytest

from communities.roles import Role


@pytest.fixture
def approver(user_with_role):
    """The task force's approver, whose project and plan steps commit and settle subsidies."""
    return user_with_role(Role.TASKFORCE_APPROVER)


@pytest.fixture
def finance(user_with_role):
    """A finance officer: approves and pays tranches, never opens a reward."""
    return user_with_role(Role.FINANCE_OFFICER)


@pytest.fixture
def assessor(user_with_role):
    """The operations assessor, who makes the operations reward due."""
    return user_with_role(Role.OPERATIONS_ASSESSOR)
