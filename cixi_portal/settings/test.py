"""Settings for the test suite: fast hashing, local memory e-mail, eager Celery by default."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process; the tests that need a real worker start one explicitly.
CELERY_TASK_ALWAYS_EAGER = True
# Each process of a parallel run (pytest-xdist: gw0, gw1, …) keeps its files in its own folder.
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test_media" / os.environ.get("PYTEST_XDIST_WORKER", "")
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Login throttling stays on in the tests; only the test client's login() gets a stand-in request.
AUTHENTICATION_BACKENDS = [
    "tests.login_backend.TestClientAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
