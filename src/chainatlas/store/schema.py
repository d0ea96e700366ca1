"""The DuckDB schema, built from the entity specs, and its migrations.

Why migrations: users keep their store across chainatlas versions; opening an older store upgrades it
in place, inside one transaction, and records the version in ``meta``. Version 1 predates the
``indicators`` and ``plausibility`` tables and observations about a chain node (``node_id``).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from chainatlas.model.entities import SPECS, EntitySpec

LATEST_VERSION = 2

# Key columns that may be "empty" are stored as '' so they can sit in a primary key.
EMPTY_KEY = ""


def create_table_sql(spec: EntitySpec, exclude: tuple[str, ...] = ()) -> str:
    cols = []
    for f in spec.fields:
        if f.name in exclude:
            continue
        null = " NOT NULL" if f.name in spec.key else ""
        default = " DEFAULT ''" if f.name in spec.key and not f.required else ""
        cols.append(f'"{f.name}" {f.sql_type}{null}{default}')
    key = ", ".join(f'"{k}"' for k in spec.key if k not in exclude)
    return f'CREATE TABLE IF NOT EXISTS "{spec.table}" ({", ".join(cols)}, PRIMARY KEY ({key}))'


def _v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for kind in ("sources", "regions", "chains", "nodes", "chain_nodes", "links", "enterprises", "production"):
        con.execute(create_table_sql(SPECS[kind]))
    obs = SPECS["observations"]
    con.execute(create_table_sql(obs, exclude=("node_id",)))


def _v2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(create_table_sql(SPECS["indicators"]))
    con.execute(create_table_sql(SPECS["plausibility"]))
    # observations gain node_id, which joins the primary key: rebuild the table
    con.execute("ALTER TABLE observations RENAME TO observations_v1")
    con.execute(create_table_sql(SPECS["observations"]))
    old_cols = [r[0] for r in con.execute("DESCRIBE observations_v1").fetchall()]
    cols = ", ".join(f'"{c}"' for c in old_cols)
    con.execute(f"INSERT INTO observations ({cols}) SELECT {cols} FROM observations_v1")
    con.execute("DROP TABLE observations_v1")
    # indicators referenced by existing observations get a placeholder definition
    con.execute(
        "INSERT INTO indicators (id, name_zh, name_en, unit) "
        "SELECT DISTINCT indicator, indicator, indicator, NULL FROM observations "
        "WHERE indicator NOT IN (SELECT id FROM indicators)"
    )


MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _v1, 2: _v2}


def spec_fingerprint() -> str:
    """A digest of every entity spec's table, key and typed columns.

    Why: numbered migrations handle changes that rebuild a table (a key that changes); kinds and
    non-key fields added later are reconciled from the specs themselves, so a store only needs
    touching when this digest differs from the one recorded in ``meta``.
    """
    import hashlib

    parts = [
        f"{s.table}|{','.join(s.key)}|{','.join(f'{f.name}:{f.sql_type}' for f in s.fields)}"
        for s in SPECS.values()
    ]
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


def reconcile(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create tables for kinds the store lacks and add missing non-key columns; return what changed.

    Key columns of an existing table are never altered here (that needs a numbered migration).
    """
    changed = []
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    for spec in SPECS.values():
        if spec.table not in tables:
            con.execute(create_table_sql(spec))
            changed.append(f"+{spec.table}")
            continue
        have = {r[0] for r in con.execute(f'DESCRIBE "{spec.table}"').fetchall()}
        for f in spec.fields:
            if f.name not in have:
                if f.name in spec.key:
                    raise RuntimeError(f"key column {spec.table}.{f.name} needs a numbered migration")
                con.execute(f'ALTER TABLE "{spec.table}" ADD COLUMN "{f.name}" {f.sql_type}')
                changed.append(f"+{spec.table}.{f.name}")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('spec_fingerprint', ?)", [spec_fingerprint()])
    return changed


def recorded_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    if current_version(con) == 0:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'spec_fingerprint'").fetchone()
    return row[0] if row else None


def needs_upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """True when numbered migrations or a spec reconciliation are due."""
    return current_version(con) < LATEST_VERSION or recorded_fingerprint(con) != spec_fingerprint()


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int = LATEST_VERSION) -> list[int]:
    """Upgrade the schema to ``target`` in one transaction; return the versions applied."""
    version = current_version(con)
    applied = []
    if version >= target and recorded_fingerprint(con) == spec_fingerprint():
        return applied
    con.execute("BEGIN TRANSACTION")
    try:
        for step in range(version + 1, target + 1):
            MIGRATIONS[step](con)
            applied.append(step)
        if version < target:
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(target)]
            )
        if target == LATEST_VERSION:
            reconcile(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return applied
