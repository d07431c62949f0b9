"""Each community's standing in the priority order, stored with its gap assessment, and the
standings of the communities already assessed."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Q, Sum

PRIORITY_TYPES = ("elderly_care", "childcare")


def store_standings(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    GapStanding = apps.get_model("communities", "GapStanding")
    assessed = Community.objects.filter(gap_assessments__isnull=False).distinct()
    figures = {
        row["pk"]: row
        for row in assessed.values("pk").annotate(
            computed_at=Max("gap_assessments__computed_at"),
            gaps=Count(
                "gap_assessments",
                filter=Q(gap_assessments__facility_type__in=PRIORITY_TYPES)
                & ~Q(gap_assessments__status="meets"),
            ),
            points=Sum(
                models.F("gap_assessments__points") * models.F("gap_assessments__weight")
            ),
            weights=Sum("gap_assessments__weight"),
        )
    }
    existing = dict(
        Community.objects.filter(pk__in=figures)
        .annotate(n=Count("facilities", filter=Q(facilities__status="existing")))
        .values_list("pk", "n")
    )
    GapStanding.objects.bulk_create(
        [
            GapStanding(
                community_id=pk,
                priority_gaps=row["gaps"],
                facility_count=existing[pk],
                gap_score=(Decimal(row["points"]) / Decimal(row["weights"])).quantize(
                    Decimal("0.1")
                )
                if row["weights"]
                else None,
                computed_at=row["computed_at"],
            )
            for pk, row in figures.items()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0007_community_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="GapStanding",
            fields=[
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="gap_standing",
                        serialize=False,
                        to="communities.community",
                        verbose_name="community",
                    ),
                ),
                (
                    "priority_gaps",
                    models.PositiveSmallIntegerField(verbose_name="“one old, one young” gaps"),
                ),
                (
                    "facility_count",
                    models.PositiveIntegerField(verbose_name="existing facilities"),
                ),
                (
                    "gap_score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        verbose_name="gap score",
                    ),
                ),
                ("computed_at", models.DateTimeField(verbose_name="computed at")),
            ],
            options={
                "verbose_name": "gap standing",
                "verbose_name_plural": "gap standings",
            },
        ),
        migrations.RunPython(store_standings, migrations.RunPython.noop),
    ]
