"""Recompute the stored gap assessment of every community (e.g. when a new year's standards
come into force on 1 January)."""

from django.core.management.base import BaseCommand

from communities.services import gap_assessments_refresh


class Command(BaseCommand):
    help = "Recompute the stored gap assessment of every community against this year's standards."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Standards of this year (default: this year).")

    def handle(self, *args, year=None, **options):
        written = gap_assessments_refresh(year=year)
        self.stdout.write(f"{written} gap assessment rows written.")
