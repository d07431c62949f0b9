"""Fill the database to province scale on top of the demo data (for load measurements)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from communities.models import User
from communities.scale import Sizes, already_seeded, build


class Command(BaseCommand):
    help = "Province-scale data (5,600 communities, 20,000 plans, 60,000 tranches, ...) in bulk."

    def add_arguments(self, parser):
        defaults = Sizes()
        for name, value in vars(defaults).items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=value)

    def handle(self, *args, **options):
        if already_seeded():
            raise CommandError("The province-scale data is already in this database.")
        if not User.objects.filter(username="taskforce_approver").exists():
            call_command("seed_demo", stdout=self.stdout)
        sizes = Sizes(**{name: options[name] for name in vars(Sizes())})
        started = time.perf_counter()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            counts = build(sizes, log=self.stdout.write)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:34} {count:>8}")
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: autovacuum would gather them later, and until
            # then a query is planned for the empty tables the bulk inserts started from. The
            # vacuum (outside a transaction only) marks the pages all-visible, as autovacuum
            # would, so that index-only scans read the index alone.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(f"Province-scale data written in {time.perf_counter() - started:.1f} s.")
