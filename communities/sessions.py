"""Sessions that end after SESSION_IDLE_SECONDS without a request.

The session store already refuses a session older than SESSION_COOKIE_AGE (set to the idle time)
since it was last saved; this keeps an active session alive by saving it again, at most once a
minute, instead of writing it on every request as SESSION_SAVE_EVERY_REQUEST would.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SEEN_KEY = "_idle_seen_at"
# How stale the last save may grow before a request saves again: the session may so end up to
# this much earlier than the idle time, in exchange for one write a minute at most.
REFRESH_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="communities.sessions.stamp_login")
def stamp_login(sender, request, user, **kwargs):
    """Record the login as the session's last activity, saved with the login itself."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SEEN_KEY] = int(timezone.now().timestamp())


class IdleSessionMiddleware:
    """Save a signed-in user's session again once its last save is a minute old."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            if now - request.session.get(SEEN_KEY, 0) >= REFRESH_SECONDS:
                # A changed session is saved with a fresh expiry and its cookie sent again.
                request.session[SEEN_KEY] = now
        return self.get_response(request)
