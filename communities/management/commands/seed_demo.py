"""Load the illustrative demo data of every app; running it again changes nothing."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from communities.demo import DEMO_PASSWORD, demo_users

DISCARD_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Create the demo subdistricts, 56 communities, users and each app's demo records."

    def handle(self, *args, **options):
        # Walking the demo plans through their life cycles would e-mail the demo users at every
        # step; nobody should receive those.
        with override_settings(EMAIL_BACKEND=DISCARD_EMAIL), transaction.atomic():
            # Each app that has demo data keeps it in its own demo.py; apps are visited in
            # INSTALLED_APPS order, so the base data exists before the apps that build on it.
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if find_spec(app_config.name) and find_spec(module_name):
                    import_module(module_name).seed()
        self.stdout.write(self.style.SUCCESS("Demo data loaded (figures are illustrative)."))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, roles in demo_users():
            self.stdout.write(f"  {username:34} {roles}")
