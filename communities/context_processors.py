"""Template context shared by every page."""

from django.conf import settings

from .models import Community
from .roles import role_codes


def portal(request):
    """The demo banner flag and the user's role codes, for the navigation."""
    forced = settings.DEMO_BANNER
    if forced is not None:
        demo = forced.lower() in {"1", "true", "yes", "on"}
    else:
        demo = Community.objects.filter(is_demo=True).exists()
    user = getattr(request, "user", None)
    return {"demo_data_loaded": demo, "user_roles": role_codes(user) if user else frozenset()}
