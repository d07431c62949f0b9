"""A plan's (and a development block's) subdistrict is its community's, checked by the database.

The ``subdistrict`` column stays on both tables because the lists filter and sort on it;
``save()`` copies it from the community. The database refuses any other pair:

- on PostgreSQL, a composite foreign key (community_id, subdistrict_id) to the community's
  (id, subdistrict_id), which needs a UNIQUE (id, subdistrict_id) on communities_community. It
  is deferred to the end of the transaction, and ON UPDATE CASCADE moves the plans along when a
  community moves to another subdistrict;
- on SQLite, BEFORE INSERT and BEFORE UPDATE triggers that abort the statement, and a trigger
  that moves the plans and blocks along with their community.

SQLite rebuilds a table to alter it, which drops that table's triggers, and cannot rebuild a
table that another table's trigger reads. So on SQLite ``migrate`` takes the triggers away
before it runs (``pre_migrate``) and puts them back afterwards (``post_migrate``) once the
migration that introduced them is applied; see ``projects.apps``.
"""

from django.db import connections

MIGRATION = ("projects", "0007_database_invariants")

# (table, constraint or trigger name, whether the table's community may be empty)
PAIRS = [
    ("projects_gapfillingplan", "plan_subdistrict_is_communitys", False),
    ("projects_developmentblock", "block_subdistrict_is_communitys", True),
]
COMMUNITY_UNIQUE = "community_id_subdistrict_unique"
DIFFERS = {"postgresql": "IS DISTINCT FROM", "sqlite": "IS NOT"}
COMMUNITY_MOVES = "community_moves_its_plans_and_blocks"


def align(table: str, vendor: str) -> str:
    """Set each row's subdistrict to its community's (rows written before the rule)."""
    communitys = (
        f"(SELECT c.subdistrict_id FROM communities_community c WHERE c.id = {table}.community_id)"
    )
    return (
        f"UPDATE {table} SET subdistrict_id = {communitys}"
        f" WHERE community_id IS NOT NULL AND subdistrict_id {DIFFERS[vendor]} {communitys}"
    )


def postgresql_forward() -> list[str]:
    statements = [
        f"ALTER TABLE communities_community ADD CONSTRAINT {COMMUNITY_UNIQUE} "
        "UNIQUE (id, subdistrict_id)"
    ]
    for table, name, _optional in PAIRS:
        statements += [
            align(table, "postgresql"),
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (community_id, subdistrict_id)"
            " REFERENCES communities_community (id, subdistrict_id) ON UPDATE CASCADE"
            " DEFERRABLE INITIALLY DEFERRED",
        ]
    return statements


def postgresql_backward() -> list[str]:
    statements = [
        f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}" for table, name, _ in PAIRS
    ]
    return [
        *statements,
        f"ALTER TABLE communities_community DROP CONSTRAINT IF EXISTS {COMMUNITY_UNIQUE}",
    ]


def sqlite_forward() -> list[str]:
    statements = []
    for table, name, optional in PAIRS:
        mismatch = (
            "NEW.subdistrict_id IS NOT (SELECT subdistrict_id FROM communities_community"
            " WHERE id = NEW.community_id)"
        )
        if optional:
            mismatch = f"NEW.community_id IS NOT NULL AND {mismatch}"
        for event, when in (
            ("insert", "INSERT"),
            ("update", "UPDATE OF community_id, subdistrict_id"),
        ):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {name}_{event} BEFORE {when} ON {table}"
                f" FOR EACH ROW WHEN {mismatch}"
                f" BEGIN SELECT RAISE(ABORT, '{name}'); END"
            )
    moves = " ".join(
        f"UPDATE {table} SET subdistrict_id = NEW.subdistrict_id WHERE community_id = NEW.id;"
        for table, _name, _optional in PAIRS
    )
    statements.append(
        f"CREATE TRIGGER IF NOT EXISTS {COMMUNITY_MOVES} AFTER UPDATE OF subdistrict_id"
        f" ON communities_community FOR EACH ROW BEGIN {moves} END"
    )
    return statements


def sqlite_backward() -> list[str]:
    names = [f"{name}_{event}" for _t, name, _o in PAIRS for event in ("insert", "update")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in [*names, COMMUNITY_MOVES]]


def execute(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def applied(connection) -> bool:
    """Whether the migration that introduced the check is applied on this database."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return recorder.has_table() and MIGRATION in recorder.applied_migrations()


def before_migrate(using: str = "default", **kwargs) -> None:
    """On SQLite, take the triggers away so that migrations can rebuild the tables."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        execute(connection, sqlite_backward())


def after_migrate(using: str = "default", **kwargs) -> None:
    """On SQLite, put the triggers back once the migration that introduced them is applied."""
    connection = connections[using]
    if connection.vendor == "sqlite" and applied(connection):
        execute(connection, sqlite_forward())
