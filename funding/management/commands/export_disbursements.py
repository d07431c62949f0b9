"""Write the disbursement sheet (拨付表) of all or some tranches to an Excel file."""

import sys
from pathlib import Path
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from communities.models import Subdistrict
from funding.choices import TrancheState
from funding.filtersets import TrancheFilterSet
from funding.models import Tranche
from funding.sheets import write_disbursement_sheet


class Command(BaseCommand):
    help = (
        "Write the disbursement sheet: --out FILE.xlsx [--state due] [--subdistrict NAME] "
        "[--year 2024]; the filters are those of the tranche list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--state", choices=TrancheState.values)
        parser.add_argument("--subdistrict", help="subdistrict name or code, e.g. 浒山")
        parser.add_argument("--year", type=int, help="fiscal year")

    def handle(self, *args, out: Path, state, subdistrict, year, **options):
        data = {}
        if state:
            data["state"] = state
        if year:
            data["fiscal_year"] = str(year)
        if subdistrict:
            found = Subdistrict.objects.filter(name=subdistrict).first()
            found = found or Subdistrict.objects.filter(code=subdistrict).first()
            if found is None:
                raise CommandError(f"no subdistrict named {subdistrict!r}")
            data["subdistrict"] = str(found.pk)
        # Whoever runs the command on the server reads the whole city, as the superuser does.
        operator = SimpleNamespace(user=get_user_model()(is_superuser=True))
        filterset = TrancheFilterSet(data, queryset=Tranche.objects.all(), request=operator)
        if not filterset.is_valid():
            raise CommandError(filterset.errors.as_text())
        out.parent.mkdir(parents=True, exist_ok=True)

        def report(count: int) -> None:
            sys.stderr.write(f"\r{count} rows")

        rows = write_disbursement_sheet(
            filterset.qs, out, filter_summary=filterset.summary(), progress=report
        )
        sys.stderr.write("\n")
        self.stdout.write(f"{rows} tranches written to {out}")
