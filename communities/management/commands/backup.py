"""Back up the database and the private media together into one checked archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communities.backup import BackupError, backup_create


def megabytes(size: int) -> str:
    """A byte count for people: one decimal of a megabyte."""
    return f"{size / 1024 / 1024:.1f} MB"


class Command(BaseCommand):
    # A backup must run even when some part of the configuration fails Django's checks.
    requires_system_checks: list[str] = []
    help = (
        "Write cixi-backup-YYYYMMDD-HHMM.tar into --out DIR (default: backups): the database "
        "(pg_dump custom format, or a SQLite copy), every file under PRIVATE_MEDIA_ROOT and a "
        "manifest of row counts and sha256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, default=Path("backups"), help="folder for the archive"
        )

    def handle(self, *args, out: Path, **options):
        report = self.stdout.write if options["verbosity"] > 0 else (lambda line: None)
        try:
            result = backup_create(out_dir=out, report=report)
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup was written: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.archive} ({megabytes(result.archive.stat().st_size)}): "
                f"{result.rows} rows in {result.tables} tables and {result.files} private media "
                f"files ({megabytes(result.media_bytes)})."
            )
        )
        # The path alone on the last line, for scripts that copy the archive elsewhere.
        self.stdout.write(str(result.archive))
