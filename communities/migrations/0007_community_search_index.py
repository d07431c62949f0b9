"""Trigram search over a community's name and code (communities.indexes): pg_trgm on
PostgreSQL, a plain expression index on SQLite."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

import communities.indexes


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0006_database_invariants"),
    ]

    operations = [
        communities.indexes.EnsureTrigramExtension(),
        migrations.AddIndex(
            model_name="community",
            index=communities.indexes.TrigramIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(models.F("name")), name="gin_trgm_ops"
                ),
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(models.F("code")), name="gin_trgm_ops"
                ),
                name="community_search",
            ),
        ),
    ]
