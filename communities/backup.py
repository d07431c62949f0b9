"""Backing up and restoring the database and the private media together, in one checked archive.

An archive is one uncompressed .tar file (the database dump and the attachments, exports and
reports are compressed already) holding:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (a copy
  made with SQLite's online backup API);
- ``media/<path>``: every file under ``PRIVATE_MEDIA_ROOT``, as it is;
- ``manifest.json``, written last: when, the Django version, the database vendor and version,
  every table's row count, the dump's size and sha256 and each media file's path, size and
  sha256. A truncated archive therefore lacks its manifest and is refused.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

ARCHIVE_FORMAT = "cixi-backup"
ARCHIVE_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# Debian installs each PostgreSQL major version's programs side by side here.
POSTGRES_LIB = Path("/usr/lib/postgresql")

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason an operator can act on."""


@dataclass
class BackupResult:
    """What one backup wrote: the archive and what it holds."""

    archive: Path
    tables: int
    rows: int
    files: int
    media_bytes: int


@dataclass
class RestoreResult:
    """What one restore wrote and how the migrations of the restored database stand."""

    tables: int
    rows: int
    files: int
    media_bytes: int
    pending_migrations: list[str] = field(default_factory=list)
    unknown_migrations: list[str] = field(default_factory=list)


# --- shared helpers -----------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def count_rows(cursor, tables: Iterable[str], quote: Callable[[str], str]) -> dict[str, int]:
    """Every given table's row count, read through one DB-API cursor."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_tables(cursor) -> list[str]:
    """The user tables of a SQLite database (not SQLite's own sqlite_* tables)."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\'"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def media_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under the media root as (posix path relative to it, absolute path)."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            # Links could point anywhere on the machine; the portal never writes any.
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def portal_tables_present() -> list[str]:
    """The portal's tables (its models' and Django's migration record) already in the database."""
    portal = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    portal.add("django_migrations")
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return sorted(existing & portal)


def database_label() -> str:
    """The configured database, for messages (never the password)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {config['NAME']}"
    host = config.get("HOST") or "localhost"
    return f"PostgreSQL database {config['NAME']} on {host}:{config.get('PORT') or 5432}"


# --- PostgreSQL clients ---------------------------------------------------------------------


def _postgres_env() -> dict[str, str]:
    """libpq's environment for the configured database: the password never goes on a command
    line, where every user of the machine could read it in the process list."""
    config = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": config.get("HOST") or "",
        "PGPORT": str(config.get("PORT") or ""),
        "PGUSER": config.get("USER") or "",
        "PGPASSWORD": config.get("PASSWORD") or "",
        "PGDATABASE": config["NAME"],
        "PGSSLMODE": (config.get("OPTIONS") or {}).get("sslmode", ""),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _client_version(program: Path) -> tuple[int, str] | None:
    """A PostgreSQL client program's major version and version line, or None if it won't run."""
    try:
        output = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return (int(match.group(1)), output) if match else None


def postgres_client(program: str, *, at_least: int, prefer: int) -> tuple[Path, str]:
    """The pg_dump or pg_restore to use, with its version line: the server's own major version
    if installed, else the newest one recent enough (an older client cannot read a newer server
    or a newer dump)."""
    candidates = [POSTGRES_LIB / str(prefer) / "bin" / program]
    if POSTGRES_LIB.is_dir():
        versions = sorted(
            (int(p.name) for p in POSTGRES_LIB.iterdir() if p.name.isdigit()), reverse=True
        )
        candidates += [POSTGRES_LIB / str(version) / "bin" / program for version in versions]
    on_path = shutil.which(program)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        found = _client_version(candidate) if candidate.is_file() else None
        if found and found[0] >= at_least:
            return candidate, found[1]
    raise BackupError(
        f"No {program} of PostgreSQL {at_least} or newer is installed: install Debian's "
        f"postgresql-client-{prefer} (apt-get install postgresql-client-{prefer})."
    )


def _server_major(cursor) -> tuple[int, str]:
    """The PostgreSQL server's major version number and its full version string."""
    cursor.execute(
        "SELECT current_setting('server_version_num')::int / 10000, "
        "current_setting('server_version')"
    )
    major, version = cursor.fetchone()
    return major, version


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    """Run a client program; a failure becomes a BackupError with its last lines of output."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-8:])
        raise BackupError(f"{what} failed (exit status {result.returncode}):\n{tail}")


# --- backup -----------------------------------------------------------------------------------


def _dump_postgres(target: Path) -> tuple[dict, dict[str, int]]:
    """Dump the database and count its rows in one snapshot, so the counts match the dump."""
    if connection.in_atomic_block:
        raise BackupError("A backup must not run inside a database transaction.")
    with transaction.atomic(), connection.cursor() as cursor:
        # The first statement of the transaction: pg_dump then reads exactly what we count.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        major, version = _server_major(cursor)
        program, client = postgres_client("pg_dump", at_least=major, prefer=major)
        counts = count_rows(
            cursor, connection.introspection.table_names(cursor), connection.ops.quote_name
        )
        _run(
            [str(program), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=_postgres_env(),
            what="pg_dump",
        )
    return {"server_version": version, "client": client}, counts


def _copy_sqlite(target: Path) -> tuple[dict, dict[str, int]]:
    """Copy the database with SQLite's online backup API, then count the copy's rows."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        counts = count_rows(copy.cursor(), sqlite_tables(copy.cursor()), _sqlite_quote)
    finally:
        copy.close()
    return {"server_version": sqlite3.sqlite_version, "client": "sqlite3 backup API"}, counts


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it, so the manifest describes the
    bytes actually archived even if the file changes meanwhile."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add one file under the given member name; return its size and sha256."""
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.digest.hexdigest()}


def archive_name(moment: datetime, folder: Path) -> Path:
    """cixi-backup-YYYYMMDD-HHMM.tar in local time; with seconds if that minute is taken."""
    local = timezone.localtime(moment)
    for pattern in ("%Y%m%d-%H%M", "%Y%m%d-%H%M%S"):
        candidate = folder / f"cixi-backup-{local.strftime(pattern)}.tar"
        if not candidate.exists():
            return candidate
    raise BackupError(f"{candidate} already exists; try again in a second.")


def backup_create(*, out_dir: Path, report: Report = lambda line: None) -> BackupResult:
    """Write one archive of the database and the private media into out_dir, atomically: it
    appears under its final name only once complete."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    moment = timezone.now()
    final = archive_name(moment, out_dir)
    # mkstemp makes the file readable by its owner only: it holds every private file and the
    # password hashes.
    descriptor, partial_name = tempfile.mkstemp(
        prefix=f".{final.name}.", suffix=".partial", dir=out_dir
    )
    partial = Path(partial_name)
    work = Path(tempfile.mkdtemp(prefix=".cixi-backup-", dir=out_dir))
    try:
        with os.fdopen(descriptor, "wb") as sink:
            dump = work / DATABASE_FILES[vendor]
            report(f"Dumping the {database_label()} …")
            details, counts = (_dump_postgres if vendor == "postgresql" else _copy_sqlite)(dump)
            media_root = Path(settings.PRIVATE_MEDIA_ROOT)
            files = media_files(media_root)
            report(f"Archiving {len(files)} private media files from {media_root} …")
            with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
                database = {"vendor": vendor, "file": dump.name, **details}
                database.update(_add_file(tar, dump.name, dump))
                media = [
                    {"path": relative, **_add_file(tar, MEDIA_PREFIX + relative, path)}
                    for relative, path in files
                ]
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "version": ARCHIVE_VERSION,
                    "created_at": timezone.localtime(moment).isoformat(timespec="seconds"),
                    "django": django.get_version(),
                    "database": database,
                    "tables": counts,
                    "media": media,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mtime, info.mode = len(body), int(moment.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(body))
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, final)
        _fsync_folder(out_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(
        archive=final,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(media),
        media_bytes=sum(item["size"] for item in media),
    )


def _fsync_folder(folder: Path) -> None:
    """Make a rename in the folder durable (a crash right after it cannot lose the archive)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# --- restore ----------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    """Only the manifest, the database file and relative paths under media/ are accepted."""
    if name == MANIFEST_NAME or name in DATABASE_FILES.values():
        return True
    if not name.startswith(MEDIA_PREFIX) or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return len(parts) > 1 and all(part not in {"", ".", ".."} for part in parts)


def _unpack(archive: Path, staging: Path) -> tuple[dict, dict[str, tuple[int, str]]]:
    """Extract the archive into staging, hashing every member; read its manifest."""
    seen: dict[str, tuple[int, str]] = {}
    unreadable = (
        f"{archive} is truncated or corrupt (it cannot be read to the end as a tar archive); "
        "nothing was changed."
    )
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _safe_member_name(name):
                    raise BackupError(
                        f"{archive} holds {name!r}, which no portal backup contains; "
                        "nothing was changed."
                    )
                if name in seen:
                    raise BackupError(f"{archive} holds {name} twice; nothing was changed.")
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                source = tar.extractfile(member)
                with source, target.open("xb") as sink:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                        size += len(chunk)
                if size != member.size:
                    raise BackupError(unreadable)
                os.utime(target, (member.mtime, member.mtime))
                seen[name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(unreadable) from error
    if MANIFEST_NAME not in seen:
        raise BackupError(
            f"{archive} has no {MANIFEST_NAME}: it is truncated or is not a portal backup; "
            "nothing was changed."
        )
    try:
        manifest = json.loads((staging / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive} has a corrupt manifest; nothing was changed.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive} is not a portal backup; nothing was changed.")
    if manifest.get("version") != ARCHIVE_VERSION:
        raise BackupError(
            f"{archive} is a backup of format version {manifest.get('version')}; this portal "
            f"reads version {ARCHIVE_VERSION}. Nothing was changed."
        )
    return manifest, seen


def _check_against_manifest(archive: Path, manifest: dict, seen: dict) -> None:
    """Every archived file must be the one the manifest describes, and nothing else."""
    problems = []
    database = manifest.get("database") or {}
    expected = {database.get("file"): database}
    for item in manifest.get("media") or []:
        expected[MEDIA_PREFIX + str(item.get("path"))] = item
    for name, item in expected.items():
        if name not in seen:
            problems.append(f"{name} is missing")
        elif seen[name] != (item.get("size"), item.get("sha256")):
            problems.append(f"{name} does not match its size and sha256")
    problems += [
        f"{name} is not in the manifest"
        for name in seen
        if name not in expected and name != MANIFEST_NAME
    ]
    if problems:
        listed = "; ".join(problems[:5]) + (
            f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        raise BackupError(
            f"{archive} does not match its manifest, so it is corrupt: {listed}. "
            "Nothing was changed."
        )


def _restore_postgres(dump: Path, *, manifest: dict, replace: bool) -> None:
    """pg_restore into the configured database in one transaction: on any error nothing stays."""
    with connection.cursor() as cursor:
        major, _ = _server_major(cursor)
    # pg_restore reads only dumps of its own major version or older.
    made_by = re.search(r"\(PostgreSQL\)\s+(\d+)", str(manifest["database"].get("client", "")))
    needed = int(made_by.group(1)) if made_by else major
    program, _ = postgres_client("pg_restore", at_least=needed, prefer=major)
    command = [
        str(program),
        "--no-owner",
        # Grants name roles of the old machine, which the new one may not have.
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    connection.close()
    try:
        _run(command + [str(dump)], env=_postgres_env(), what="pg_restore")
    except BackupError as error:
        raise BackupError(
            f"{error}\nThe restore ran in one transaction, so the database was left as it was; "
            "no media file was written."
        ) from error


def _restore_sqlite(copy: Path) -> None:
    """Copy the archived SQLite database over the configured one with the online backup API."""
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _place_media(staged: Path, media_root: Path, manifest: dict) -> None:
    """Move the staged media files to their places under the media root."""
    media_root.mkdir(parents=True, exist_ok=True)
    for item in manifest.get("media") or []:
        target = media_root / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged / item["path"], target)


def _staging_folder(media_root: Path) -> Path:
    """A private scratch folder beside the media root, so files move into place by renaming."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Path(tempfile.mkdtemp(prefix=".cixi-restore-", dir=media_root.parent))
    except PermissionError:
        return Path(tempfile.mkdtemp(prefix="cixi-restore-"))


def _migration_state() -> tuple[list[str], list[str]]:
    """Migrations of this code not yet applied, and applied ones this code does not know."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    pending = [
        f"{migration.app_label}.{migration.name}"
        for migration, _ in executor.migration_plan(graph.leaf_nodes())
    ]
    unknown = sorted(
        f"{app}.{name}"
        for app, name in executor.loader.applied_migrations
        if (app, name) not in graph.nodes
    )
    return pending, unknown


def backup_restore(
    *, archive: Path, force: bool = False, report: Report = lambda line: None
) -> RestoreResult:
    """Restore an archive into an empty database and an empty media folder (or over them with
    force), then check every table's row count and every file's sha256 against the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No such archive: {archive}")
    vendor = connection.vendor
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    label = database_label()
    try:
        present = portal_tables_present()
    except OperationalError as error:
        raise BackupError(
            f"Cannot connect to the {label} ({error}). Create it empty first and check "
            "DATABASE_URL. Nothing was changed."
        ) from error
    if present and not force:
        raise BackupError(
            f"The {label} already holds the portal's tables ({len(present)} of them, e.g. "
            f"{', '.join(present[:3])}). Restore into an EMPTY database, or pass --force to "
            "replace its contents with the archive's. Nothing was changed."
        )
    if media_files(media_root) and not force:
        raise BackupError(
            f"The private media folder {media_root} is not empty. Restore into an empty folder, "
            "or pass --force to write the archive's files over it. Nothing was changed."
        )
    staging = _staging_folder(media_root)
    try:
        report(f"Checking {archive} …")
        manifest, seen = _unpack(archive, staging)
        _check_against_manifest(archive, manifest, seen)
        archived_vendor = manifest["database"].get("vendor")
        if archived_vendor != vendor or manifest["database"].get("file") != DATABASE_FILES.get(
            vendor
        ):
            raise BackupError(
                f"{archive} holds a {archived_vendor} database, but this portal is configured "
                f"for {vendor} (DATABASE_URL). Nothing was changed."
            )
        report(
            f"The archive of {manifest.get('created_at')} is complete: "
            f"{len(manifest.get('tables') or {})} tables, {len(manifest.get('media') or [])} files."
        )
        report(f"Restoring the database into the {label} …")
        dump = staging / manifest["database"]["file"]
        if vendor == "postgresql":
            _restore_postgres(dump, manifest=manifest, replace=bool(present))
        else:
            _restore_sqlite(dump)
        report(f"Writing the private media files into {media_root} …")
        _place_media(staging / MEDIA_PREFIX.rstrip("/"), media_root, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _verify_restored(manifest, media_root)


def _verify_restored(manifest: dict, media_root: Path) -> RestoreResult:
    """Compare the restored database and files with the manifest; any difference is an error."""
    expected_counts: dict[str, int] = manifest.get("tables") or {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        actual = count_rows(
            cursor, [t for t in expected_counts if t in existing], connection.ops.quote_name
        )
    problems = [
        f"table {table}: {actual.get(table, 'missing')} rows, the manifest says {count}"
        for table, count in sorted(expected_counts.items())
        if actual.get(table) != count
    ]
    media = manifest.get("media") or []
    for item in media:
        path = media_root / item["path"]
        if not path.is_file():
            problems.append(f"file {item['path']} is missing")
        elif path.stat().st_size != item["size"] or sha256_of(path) != item["sha256"]:
            problems.append(f"file {item['path']} does not match its sha256")
    if problems:
        raise BackupError(
            "The restore was written but does not match the archive's manifest: "
            + "; ".join(problems[:10])
        )
    pending, unknown = _migration_state()
    return RestoreResult(
        tables=len(expected_counts),
        rows=sum(expected_counts.values()),
        files=len(media),
        media_bytes=sum(item["size"] for item in media),
        pending_migrations=pending,
        unknown_migrations=unknown,
    )
