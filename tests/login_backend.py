"""The login throttle as the test client meets it."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class TestClientAxesBackend(AxesStandaloneBackend):
    """django-axes' backend, given a blank request when Django's test client logs in without one.

    ``Client.login()`` calls ``authenticate()`` with credentials only; the portal's login views
    always pass the request, and in production a call without one is an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Check the lock-out as for a login from an unknown address."""
        return super().authenticate(request or HttpRequest(), username, password, **kwargs)
