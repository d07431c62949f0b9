"""Fixtures of the operations tests: one user per role the app serves."""

import pytest

from communities.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", roles=[Role.OPERATIONS_ASSESSOR])


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", roles=[Role.SUPERVISOR])


@pytest.fixture
def media_root(settings, tmp_path):
    """Report files go to a fresh private directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT
