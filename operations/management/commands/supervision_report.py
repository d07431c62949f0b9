"""Build a supervision report synchronously, with the same code the Celery task runs."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from operations.choices import ReportState
from operations.services import supervision_report_build_now


class Command(BaseCommand):
    help = "Build the supervision report of a month now; record it and write its Excel file."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, e.g. 2025-06")
        parser.add_argument("--out", type=Path, help="also copy the Excel file here")

    def handle(self, *args, period: str, out: Path | None, **options):
        try:
            report = supervision_report_build_now(period=period)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if report.state != ReportState.DONE:
            raise CommandError(f"The report for {period} failed: {report.error}")
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(report.file_path.read_bytes())
            self.stdout.write(self.style.SUCCESS(f"Wrote {out}"))
        self.stdout.write(f"Report {report.pk} for {period} is done ({report.file_path}).")
