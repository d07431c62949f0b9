"""The index behind the lists' text search (``TextSearchFilter``, ``?q=``).

The search is ``icontains``, which PostgreSQL runs as ``UPPER(column::text) LIKE UPPER('%word%')``.
A B-tree index cannot answer a pattern with a leading wildcard; a GIN index of trigrams on the
same ``UPPER(column)`` expression can (``pg_trgm``, which each migration adding such an
index ensures first with ``EnsureTrigramExtension()``). SQLite has neither, and gets a plain
index on the same expression so the schema stays alike; its searches scan, as they always did.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db.models import F, Index
from django.db.models.functions import Upper

TRIGRAM_OPS = "gin_trgm_ops"


class TrigramIndex(GinIndex):
    """``TrigramIndex(fields=("name", "code"), name="...")``: one GIN trigram index over the
    upper-cased columns a search looks in."""

    def __init__(self, *expressions, fields=(), name=None, **kwargs):
        if fields:
            expressions = [OpClass(Upper(F(field)), name=TRIGRAM_OPS) for field in fields]
        super().__init__(*expressions, name=name, **kwargs)

    def _elsewhere(self) -> Index:
        plain = [
            expression.source_expressions[0] if isinstance(expression, OpClass) else expression
            for expression in self.expressions
        ]
        return Index(*plain, name=self.name)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return self._elsewhere().create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return self._elsewhere().remove_sql(model, schema_editor, **kwargs)
        return super().remove_sql(model, schema_editor, **kwargs)

    def check_supported(self, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            super().check_supported(schema_editor)


class EnsureTrigramExtension(TrigramExtension):
    """``CREATE EXTENSION IF NOT EXISTS pg_trgm`` on PostgreSQL, nothing elsewhere. Migrating
    back leaves the extension: another app's index may still use it."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Ensures the pg_trgm extension"
