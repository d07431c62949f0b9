"""The tests' broker switch leaves the Celery app as it found it: a later test's tasks run
in-process again (an app that kept the closed broker made later exports stay queued)."""

from cixi_portal.celery import app
from tests.celery_helpers import CLOSED_BROKER, broker


def test_a_broker_block_leaves_the_app_as_it_found_it(settings):
    before = (app.conf.task_always_eager, app.conf.broker_url)

    with broker(settings, CLOSED_BROKER):
        assert (app.conf.task_always_eager, app.conf.broker_url) == (False, CLOSED_BROKER)

    assert (app.conf.task_always_eager, app.conf.broker_url) == before
