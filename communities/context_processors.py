"""Template context shared by every page."""

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .models import Community, Notification
from .roles import has_role, role_codes


def _navigation(user) -> list[dict]:
    """Menu entries that apps declare as ``nav = [(label, url name, roles), ...]`` on their
    AppConfig, kept when the user holds one of the roles (an empty tuple: everyone). An app
    that also sets ``nav_menu`` shows its entries as one drop-down when there are several."""
    entries = []
    for app_config in apps.get_app_configs():
        visible = []
        for label, url_name, roles in getattr(app_config, "nav", ()):
            if roles and not has_role(user, *roles):
                continue
            try:
                visible.append({"label": label, "url": reverse(url_name)})
            except NoReverseMatch:
                continue
        menu = getattr(app_config, "nav_menu", None)
        if menu and len(visible) > 1:
            entries.append({"label": menu, "children": visible})
        else:
            entries.extend(visible)
    return entries


def portal(request):
    """The demo banner flag, the user's role codes, the navigation menu and the unread count."""
    forced = settings.DEMO_BANNER
    if forced is not None:
        demo = forced.lower() in {"1", "true", "yes", "on"}
    else:
        demo = Community.objects.filter(is_demo=True).exists()
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "demo_data_loaded": demo,
        "user_roles": role_codes(user) if authenticated else frozenset(),
        "nav_entries": _navigation(user) if authenticated else [],
        "inbox_unread": (
            Notification.objects.filter(recipient=user, read_at__isnull=True).count()
            if authenticated
            else 0
        ),
    }
