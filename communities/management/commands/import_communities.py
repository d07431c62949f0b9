"""Import the community register from an Excel workbook: all rows or none."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from communities.models import User
from communities.services import community_register_import


class Command(BaseCommand):
    help = "Import or update communities from a register workbook (.xlsx) made from the template."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the register workbook")
        parser.add_argument(
            "--as-user",
            default=None,
            help="username recorded as the importer (default: the first superuser)",
        )

    def handle(self, *args, file: Path, as_user: str | None, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        actor = (
            User.objects.filter(username=as_user).first()
            if as_user
            else User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("No importing user: create a superuser or pass --as-user.")
        try:
            with file.open("rb") as handle:
                result = community_register_import(actor=actor, file=handle)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"Nothing was imported: {len(error.messages)} problem(s) in {file.name}."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name}: {result['created']} new, {result['updated']} updated."
            )
        )
