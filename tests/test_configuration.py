"""Configuration from the environment, and the translation catalogues."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po")
)


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_secrets():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cixi_portal.settings.production';"
        "django.setup()"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_secrets():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cixi_portal.settings.production';"
        "django.setup(); from django.conf import settings;"
        "print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="portal.cixi.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['portal.cixi.example']"


def test_celery_is_eager_without_redis_and_uses_redis_when_given():
    eager = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='cixi_portal.settings.base';"
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    assert eager.stdout.strip() == "True"
    real = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='cixi_portal.settings.base';"
        "from django.conf import settings;"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert real.stdout.strip() == "False redis://127.0.0.1:6379/0"


def test_chinese_is_the_default_and_time_is_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_compiled(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    compiled_ids = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled}
    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and compiled_ids.get((entry.msgctxt, entry.msgid)) != entry.msgstr
    ]
    assert not stale, f"{path.with_suffix('.mo')} is out of date (run make messages): {stale[:5]}"


def test_there_are_catalogues_for_the_project_and_each_app():
    found = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "communities"} <= found


def test_interface_strings_switch_language():
    with translation.override("zh-hans"):
        assert translation.gettext("Communities") == "社区"
    with translation.override("en"):
        assert translation.gettext("Communities") == "Communities"


@pytest.mark.django_db
def test_admin_pages_offer_the_language_switcher(client, user_with_role):
    client.force_login(user_with_role("taskforce_approver"))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'data-testid="admin-language-switcher"' in response.content.decode()


@pytest.mark.django_db
def test_the_api_schema_describes_every_api_route(client, user_with_role):
    client.force_login(user_with_role("supervisor"))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in ["/api/communities/", "/api/plans/", "/api/tranches/", "/api/operators/"]:
        assert path in schema
