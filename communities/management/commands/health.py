"""Print the portal's health: database, broker, worker, beat and outbox; non-zero when unwell."""

from django.core.management.base import BaseCommand

from communities.health import DOWN, OK, overall, run_checks


class Command(BaseCommand):
    help = "Report the database, the broker, the last worker and beat runs and the outbox."

    def handle(self, *args, **options):
        checks = run_checks()
        for check in checks:
            style = self.style.SUCCESS if check.status == OK else self.style.ERROR
            self.stdout.write(f"{check.name:<10} {style(check.status):<10} {check.detail}")
        status = overall(checks)
        self.stdout.write(f"{'overall':<10} {status}")
        if status != OK:
            raise SystemExit(2 if status == DOWN else 1)
