"""The access tests share one world per module: built once, rolled back when the module ends."""

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.conftest import restore_reference_data

from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the world once in a transaction that is never committed.

    Each test still runs inside its own savepoint (the ``db`` fixture), so what one test posts
    is gone before the next; the whole world is rolled back after the module's last test.
    """
    restore_reference_data(django_db_blocker)
    private = override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private"))
    private.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            private.disable()
    # Attachments are stored where the model's storage points, outside the temporary folder.
    for side in built.sides.values():
        side.attachment.file.storage.delete(side.attachment.file.name)
