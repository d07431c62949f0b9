"""Restore a backup archive into an empty database and an empty private media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communities.backup import BackupError, backup_restore

from .backup import megabytes


class Command(BaseCommand):
    # A restore onto a new machine comes before it is fully set up; the checks run at migrate.
    requires_system_checks: list[str] = []
    help = (
        "Restore ARCHIVE (made by manage.py backup) into the database of DATABASE_URL and the "
        "folder PRIVATE_MEDIA_ROOT. Both must be empty unless --force is given; every row count "
        "and file checksum is then checked against the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the cixi-backup-….tar file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the portal's tables and overwrite media files that already exist",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        report = self.stdout.write if options["verbosity"] > 0 else (lambda line: None)
        try:
            result = backup_restore(archive=archive, force=force, report=report)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"The restore stopped: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.rows} rows in {result.tables} tables and {result.files} "
                f"private media files ({megabytes(result.media_bytes)}); every row count and "
                "every file's sha256 match the manifest."
            )
        )
        if result.unknown_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The archive was made by a newer version of the portal: "
                    f"{len(result.unknown_migrations)} applied migrations are unknown to this "
                    f"code (e.g. {result.unknown_migrations[0]}). Install the version that made "
                    "the backup before starting the services."
                )
            )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The archive was made by an older version of the portal: run "
                    f"`python manage.py migrate` ({len(result.pending_migrations)} migrations "
                    "to apply) before starting the services."
                )
            )
        elif not result.unknown_migrations:
            self.stdout.write("Migrations: up to date; no migrate is needed.")
