"""App configuration for the public display window and residents' suggestions (§八(四))."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Pages residents read without an account, and the suggestions they send."""

    name = "public"
    verbose_name = _("Public window and suggestions")
    # No menu entry: the menu is full at 1366 px; staff reach the suggestions from the
    # community list and from their to-do list.

    def ready(self):
        from . import cache

        cache.connect_invalidation()
