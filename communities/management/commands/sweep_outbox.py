"""Run the outbox sweeper once (beat runs it every few minutes; this is for cron or by hand)."""

from django.core.management.base import BaseCommand

from communities import outbox


class Command(BaseCommand):
    help = "Send again the outbox items the broker or a dead worker dropped."

    def handle(self, *args, **options):
        counts = outbox.sweep()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
