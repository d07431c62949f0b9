"""Backup and restore: the database and the private media in one archive, checked on restore."""

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from communities import backup as backup_module
from funding.choices import ExportState
from funding.exports import export_path
from funding.models import DisbursementExport
from operations.choices import ReportState
from operations.models import SupervisionReport
from projects.models import PlanAttachment
from tests.factories import (
    CommunityFactory,
    FacilityFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    SpaceResourceFactory,
    UserFactory,
)
from tests.funding.factories import TrancheFactory
from tests.operations.factories import ContractFactory

ROOT = Path(settings.BASE_DIR)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ARCHIVE_NAME = re.compile(r"^cixi-backup-\d{8}-\d{4}(\d{2})?\.tar$")

pytestmark = pytest.mark.django_db(transaction=True)


# --- helpers ----------------------------------------------------------------------------------


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process against the given database and media folder, as an
    operator restoring onto a new machine would."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PRIVATE_MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.base",
        "REDIS_URL": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def files_under(root: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def make_backup(out: Path) -> Path:
    """Back up the test database and media through the command; return the archive."""
    call_command("backup", out=out, verbosity=0, stdout=io.StringIO())
    archives = list(out.glob("*.tar"))
    assert len(archives) == 1
    return archives[0]


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def rewrite_archive(archive: Path, target: Path, *, database: bytes) -> Path:
    """Copy an archive with another database file and a manifest that matches it."""
    manifest = read_manifest(archive)
    manifest["database"]["size"] = len(database)
    manifest["database"]["sha256"] = hashlib.sha256(database).hexdigest()
    with tarfile.open(archive) as source, tarfile.open(target, "w") as sink:
        for member in source:
            if member.name == manifest["database"]["file"]:
                member.size = len(database)
                sink.addfile(member, io.BytesIO(database))
            elif member.name == "manifest.json":
                body = json.dumps(manifest).encode()
                member.size = len(body)
                sink.addfile(member, io.BytesIO(body))
            else:
                sink.addfile(member, source.extractfile(member))
    return target


def flip_a_byte_of(archive: Path, member_name: str, target: Path) -> Path:
    """Copy an archive with one byte changed inside one member's data."""
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = tar.getmember(member_name)
    data[member.offset_data + member.size // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


@pytest.fixture
def media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT.mkdir()
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def portal_data(media_root):
    """Rows in every app and one private file of each kind: an attachment, an export, a report."""
    community = CommunityFactory()
    FacilityFactory(community=community)
    SpaceResourceFactory(community=community)
    plan = GapFillingPlanFactory(community=community)
    PlanLineItemFactory(plan=plan)
    attachment_name = "plans/2026/11/建设方案.pdf"
    PlanAttachment.objects.create(
        plan=plan,
        file=attachment_name,
        original_name="建设方案.pdf",
        size=len(PDF),
        uploaded_by=plan.created_by,
    )
    (media_root / attachment_name).parent.mkdir(parents=True)
    (media_root / attachment_name).write_bytes(PDF)
    TrancheFactory()
    ContractFactory(subdistrict=community.subdistrict)
    finance = UserFactory(username="finance")
    export = DisbursementExport.objects.create(
        requested_by=finance, state=ExportState.DONE, file_name="disbursements-1-20261130.xlsx"
    )
    export_path(export).parent.mkdir(parents=True)
    export_path(export).write_bytes(b"PK\x03\x04" + os.urandom(300_000))
    report = SupervisionReport.objects.create(
        period="2026-10", state=ReportState.DONE, file_name="supervision-2026-10.xlsx"
    )
    report.file_path.parent.mkdir(parents=True)
    report.file_path.write_bytes(b"PK\x03\x04" + os.urandom(50_000))
    return files_under(media_root)


# --- PostgreSQL ---------------------------------------------------------------------------------


def postgres_conninfo(dbname: str) -> dict:
    config = connection.settings_dict
    return {
        "host": config["HOST"] or "localhost",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"],
        "dbname": dbname,
    }


def postgres_counts(dbname: str) -> dict[str, int]:
    """Every table's row count in a PostgreSQL database, read on a connection of its own."""
    with psycopg.connect(**postgres_conninfo(dbname), autocommit=True) as db:
        tables = [
            row[0]
            for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {
            table: db.execute(
                sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def postgres_url(dbname: str) -> str:
    info = postgres_conninfo(dbname)
    return (
        f"postgres://{quote(info['user'])}:{quote(info['password'])}@{info['host']}:"
        f"{info['port']}/{dbname}"
    )


@pytest.fixture
def empty_postgres_database():
    """A new, empty PostgreSQL database (role cixi may create databases), dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**postgres_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**postgres_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.mark.postgres
def test_postgres_round_trip_finds_every_row_and_file(
    portal_data, tmp_path, empty_postgres_database, monkeypatch
):
    # given rows in every app and three private files, and a spy on the programs run
    source_counts = postgres_counts(connection.settings_dict["NAME"])
    commands = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        commands.append((command, kwargs.get("env") or {}))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", spy)

    # when the portal is backed up, then restored into a new empty database and media folder
    archive = make_backup(tmp_path / "backups")
    monkeypatch.setattr(backup_module.subprocess, "run", real_run)
    restored_media = tmp_path / "restored-media"
    result = manage(
        "restore",
        str(archive),
        database_url=postgres_url(empty_postgres_database),
        media_root=restored_media,
    )

    # then every table has its rows and every file its bytes
    assert result.returncode == 0, result.stderr
    assert postgres_counts(empty_postgres_database) == source_counts
    for table in (
        "communities_community",
        "projects_planattachment",
        "funding_tranche",
        "funding_disbursementexport",
        "operations_operatingcontract",
        "operations_supervisionreport",
    ):
        assert source_counts[table] >= 1, table
    assert files_under(restored_media) == portal_data
    assert len(portal_data) == 3
    assert "every row count and every file's sha256 match the manifest" in result.stdout
    assert "no migrate is needed" in result.stdout
    # and the archive is named by its time and describes what it holds
    assert ARCHIVE_NAME.match(archive.name)
    assert [path.name for path in archive.parent.iterdir()] == [archive.name]
    assert archive.stat().st_mode & 0o777 == 0o600
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["tables"] == source_counts
    assert {item["path"] for item in manifest["media"]} == set(portal_data)
    assert all(len(item["sha256"]) == 64 for item in manifest["media"])
    # and pg_dump got the password from the environment, never on its command line
    dumps = [(command, env) for command, env in commands if "--format=custom" in command]
    assert len(dumps) == 1 and dumps[0][0][0].endswith("/pg_dump")
    password = connection.settings_dict["PASSWORD"]
    assert dumps[0][1]["PGPASSWORD"] == password
    assert not any(f":{password}@" in arg or "postgres://" in arg for arg in dumps[0][0])


@pytest.mark.postgres
def test_postgres_restore_refuses_a_database_with_the_portals_tables_unless_forced(
    portal_data, tmp_path, empty_postgres_database
):
    # given an archive restored once into a new database
    archive = make_backup(tmp_path / "backups")
    url = postgres_url(empty_postgres_database)
    restored_media = tmp_path / "restored-media"
    assert (
        manage("restore", str(archive), database_url=url, media_root=restored_media).returncode == 0
    )
    counts = postgres_counts(empty_postgres_database)

    # when it is restored there again, into an empty media folder, without --force
    again = manage("restore", str(archive), database_url=url, media_root=tmp_path / "other")

    # then it is refused, saying why, and nothing changed
    assert again.returncode != 0
    assert "already holds the portal's tables" in again.stderr
    assert "--force" in again.stderr
    assert not (tmp_path / "other").exists() or files_under(tmp_path / "other") == {}

    # when the media folder is the full one and the database empty, it is refused too
    other_db = f"{empty_postgres_database}_x"
    with psycopg.connect(**postgres_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(other_db)))
    try:
        full_media = manage(
            "restore", str(archive), database_url=postgres_url(other_db), media_root=restored_media
        )
        assert full_media.returncode != 0
        assert "is not empty" in full_media.stderr
        assert postgres_counts(other_db) == {}
    finally:
        with psycopg.connect(**postgres_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(other_db))
            )

    # when rows were added and it is restored with --force, the archive's contents come back
    with psycopg.connect(**postgres_conninfo(empty_postgres_database), autocommit=True) as db:
        db.execute("DELETE FROM funding_tranche")
    (restored_media / "plans/2026/11/建设方案.pdf").write_bytes(b"changed")
    forced = manage("restore", str(archive), "--force", database_url=url, media_root=restored_media)
    assert forced.returncode == 0, forced.stderr
    assert postgres_counts(empty_postgres_database) == counts
    assert files_under(restored_media) == portal_data


@pytest.mark.postgres
def test_postgres_restore_refuses_a_broken_archive_and_changes_nothing(
    portal_data, tmp_path, empty_postgres_database
):
    # given a truncated archive, one with a flipped byte, and one whose dump pg_restore rejects
    archive = make_backup(tmp_path / "backups")
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    flipped = flip_a_byte_of(
        archive, "media/disbursements/disbursements-1-20261130.xlsx", tmp_path / "flipped.tar"
    )
    bad_dump = rewrite_archive(archive, tmp_path / "bad-dump.tar", database=b"not a dump")
    url = postgres_url(empty_postgres_database)
    media = tmp_path / "restored-media"

    # when each is restored into the empty database and media folder
    results = {
        name: manage("restore", str(path), database_url=url, media_root=media)
        for name, path in (("truncated", truncated), ("flipped", flipped), ("dump", bad_dump))
    }

    # then each is refused with a clear message and the targets stay empty
    assert results["truncated"].returncode != 0
    assert "truncated or corrupt" in results["truncated"].stderr
    assert results["flipped"].returncode != 0
    assert "does not match its manifest" in results["flipped"].stderr
    assert "disbursements-1-20261130.xlsx" in results["flipped"].stderr
    assert results["dump"].returncode != 0
    assert "pg_restore failed" in results["dump"].stderr
    assert "left as it was" in results["dump"].stderr
    assert postgres_counts(empty_postgres_database) == {}
    assert files_under(media) == {}


# --- SQLite ---------------------------------------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the suite runs on PostgreSQL here; the PostgreSQL round trip covers backups",
)


def sqlite_counts(cursor) -> dict[str, int]:
    """Every user table's row count of a SQLite database."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = [row[0] for row in cursor.fetchall() if not row[0].startswith("sqlite_")]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_file_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return sqlite_counts(db.cursor())


@sqlite_only
def test_sqlite_round_trip_finds_every_row_and_file(portal_data, tmp_path):
    # given rows in every app and three private files in the SQLite database
    with connection.cursor() as cursor:
        source_counts = sqlite_counts(cursor)

    # when it is backed up, then restored into a new database file and an empty media folder
    archive = make_backup(tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    result = manage(
        "restore", str(archive), database_url=f"sqlite:///{target}", media_root=restored_media
    )

    # then every table has its rows and every file its bytes
    assert result.returncode == 0, result.stderr
    assert sqlite_file_counts(target) == source_counts
    assert source_counts["projects_planattachment"] == 1
    assert source_counts["operations_supervisionreport"] == 1
    assert files_under(restored_media) == portal_data
    assert len(portal_data) == 3
    assert "no migrate is needed" in result.stdout
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["tables"] == source_counts
    assert ARCHIVE_NAME.match(archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600


@sqlite_only
def test_sqlite_restore_refuses_full_targets_unless_forced(portal_data, tmp_path):
    # given an archive restored once into a new database file
    archive = make_backup(tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"
    url = f"sqlite:///{target}"
    restored_media = tmp_path / "restored-media"
    assert (
        manage("restore", str(archive), database_url=url, media_root=restored_media).returncode == 0
    )
    counts = sqlite_file_counts(target)

    # when it is restored there again without --force
    again = manage("restore", str(archive), database_url=url, media_root=tmp_path / "empty")
    full_media = manage(
        "restore",
        str(archive),
        database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}",
        media_root=restored_media,
    )

    # then both are refused with the reason
    assert again.returncode != 0
    assert "already holds the portal's tables" in again.stderr
    assert full_media.returncode != 0
    assert "is not empty" in full_media.stderr
    assert sqlite_file_counts(tmp_path / "new.sqlite3") == {}

    # when rows and a file changed and it is restored with --force, the archive comes back
    with sqlite3.connect(target) as db:
        db.execute("DELETE FROM funding_tranche")
    (restored_media / "supervision/supervision-2026-10.xlsx").write_bytes(b"changed")
    forced = manage("restore", str(archive), "--force", database_url=url, media_root=restored_media)
    assert forced.returncode == 0, forced.stderr
    assert sqlite_file_counts(target) == counts
    assert files_under(restored_media) == portal_data


@sqlite_only
def test_sqlite_restore_refuses_a_truncated_archive_and_changes_nothing(portal_data, tmp_path):
    # given an archive cut short, and one cut just before its manifest
    archive = make_backup(tmp_path / "backups")
    halved = tmp_path / "halved.tar"
    halved.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with tarfile.open(archive) as tar:
        manifest_offset = tar.getmember("manifest.json").offset
    no_manifest = tmp_path / "no-manifest.tar"
    no_manifest.write_bytes(archive.read_bytes()[:manifest_offset])
    target = tmp_path / "restored.sqlite3"
    media = tmp_path / "restored-media"

    # when each is restored
    results = [
        manage("restore", str(path), database_url=f"sqlite:///{target}", media_root=media)
        for path in (halved, no_manifest)
    ]

    # then both are refused, and neither the database nor the media folder got anything
    assert results[0].returncode != 0
    assert "truncated or corrupt" in results[0].stderr
    assert results[1].returncode != 0
    assert "has no manifest.json" in results[1].stderr
    assert sqlite_file_counts(target) == {}
    assert files_under(media) == {}
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


# --- either database ------------------------------------------------------------------------------


def test_a_failed_backup_leaves_no_archive_behind(portal_data, tmp_path, monkeypatch):
    # given a media file that cannot be read half-way through the backup
    real_add = backup_module._add_file

    def failing_add(tar, name, path):
        if name.startswith("media/supervision/"):
            raise OSError("disk read error")
        return real_add(tar, name, path)

    monkeypatch.setattr(backup_module, "_add_file", failing_add)
    out = tmp_path / "backups"

    # when the backup runs
    with pytest.raises(CommandError, match="No backup was written: disk read error"):
        call_command("backup", out=out, verbosity=0, stdout=io.StringIO())

    # then no archive, partial file or scratch folder is left
    assert list(out.iterdir()) == []


def test_restore_of_a_missing_archive_or_into_the_live_database_is_refused(portal_data, tmp_path):
    # given the test database, which holds the portal's tables
    archive = make_backup(tmp_path / "backups")

    # when a missing archive, then a real one, is restored without --force
    with pytest.raises(CommandError, match="No such archive"):
        call_command("restore", str(tmp_path / "missing.tar"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds the portal's tables"):
        call_command("restore", str(archive), stdout=io.StringIO())

    # then the media files are untouched
    assert files_under(Path(settings.PRIVATE_MEDIA_ROOT)) == portal_data
