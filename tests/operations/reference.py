"""Reference rows from the data migrations, put back after a transactional test's flush."""

from importlib import import_module

from django.apps import apps

from communities.models import Department
from operations.models import AssessmentScheme

DATA_MIGRATIONS = [
    ("communities.migrations.0002_reference_data", "create_reference_data"),
    ("projects.migrations.0004_role_permissions", "grant"),
    ("funding.migrations.0002_policies_and_permissions", "seed"),
    ("operations.migrations.0002_defaults_and_permissions", "create_defaults"),
]


def ensure_reference_data() -> None:
    """Run the data migrations again when an earlier transactional test flushed their rows."""
    if Department.objects.exists() and AssessmentScheme.objects.exists():
        return
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
