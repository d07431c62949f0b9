"""Build a supervision report synchronously, with the same code the Celery task runs."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from operations.choices import ReportState
from operations.models import SupervisionReport
from operations.services import supervision_report_build
from operations.validators import validate_month


class Command(BaseCommand):
    help = "Build the supervision report of a month now; record it and write its Excel file."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, e.g. 2025-06")
        parser.add_argument("--out", type=Path, help="also copy the Excel file here")

    def handle(self, *args, period: str, out: Path | None, **options):
        try:
            validate_month(period)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        try:
            report = SupervisionReport.objects.create(period=period)
        except IntegrityError as error:
            raise CommandError(f"A report for {period} is already queued or running.") from error
        report = supervision_report_build(report_id=report.pk)
        if report.state != ReportState.DONE:
            raise CommandError(f"The report for {period} failed: {report.error}")
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(report.file_path.read_bytes())
            self.stdout.write(self.style.SUCCESS(f"Wrote {out}"))
        self.stdout.write(f"Report {report.pk} for {period} is done ({report.file_path}).")
