"""The questions the store answers in SQL: rows of one region, one chain, one node, or all at once.

Why here: a question about one region or one chain should read that region's or chain's rows, not
every firm of the nation. Each function filters (and where it helps, aggregates) in DuckDB and
returns a pandas frame typed by the entity spec (nullable ints stay ints, flags stay booleans), in
key order, so a filtered read equals the same filter applied to the whole table. The facade calls
these; a whole table is read only through :func:`table`, where the whole table is the answer
(export, national runs).

Lists of codes or ids are passed as one list parameter (``IN (SELECT unnest(?))``), never spliced
into the SQL text.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from chainatlas.model.entities import LOAD_ORDER, SPECS
from chainatlas.store.db import Store

# a region's ancestors are walked at most this far (country → province → prefecture → county and a
# few more for user data); a parent cycle in user data stops there instead of looping
MAX_DEPTH = 8


def typed(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    """Give a frame of ``kind`` rows the pandas dtypes its spec declares (in place; returned)."""
    for f in SPECS[kind].fields:
        if f.name not in df.columns:
            continue
        if f.type == "int":
            df[f.name] = df[f.name].astype("Int64")
        elif f.type == "bool":
            df[f.name] = df[f.name].astype("boolean")
        elif f.type == "float":
            df[f.name] = df[f.name].astype(float)
        else:
            df[f.name] = df[f.name].astype(object).where(df[f.name].notna(), None)
    return df


def select(store: Store, kind: str, where: str = "", params: list | None = None,
           columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Rows of one entity kind matching ``where`` (SQL over its columns), typed, in key order."""
    spec = SPECS[kind]
    cols = ", ".join(f'"{c}"' for c in (columns or spec.columns))
    order = ", ".join(f'"{k}"' for k in spec.key)
    sql = f'SELECT {cols} FROM "{spec.table}"' + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
    return typed(kind, store.frame(sql, params))


def table(store: Store, kind: str) -> pd.DataFrame:
    """A whole entity table: for exports and national runs, where every row is the answer."""
    return select(store, kind)


def tables(store: Store, kinds: Iterable[str] = LOAD_ORDER) -> dict[str, pd.DataFrame]:
    """Several whole tables by kind (the checks and the extractor's gazetteer read everything)."""
    return {kind: table(store, kind) for kind in kinds}


def counts(store: Store) -> dict[str, int]:
    """Row counts of every entity table."""
    return store.counts()


# --------------------------------------------------------------------------- regions
def regions(store: Store) -> pd.DataFrame:
    """Every region (code, names, level, parent, point): the answer for name resolution and walks.

    Regions are a few thousand light rows; firm tables are never read to resolve a name.
    """
    return table(store, "regions")


def descendants(store: Store, code: str) -> list[str]:
    """The region and every region below it, nearest first (a recursive walk down ``parent``)."""
    sql = f"""WITH RECURSIVE down(code, depth) AS (
                SELECT code, 0 FROM regions WHERE code = ?
                UNION
                SELECT r.code, d.depth + 1 FROM regions r JOIN down d ON r.parent = d.code
                WHERE d.depth < {MAX_DEPTH * 4})
              SELECT code, min(depth) AS depth FROM down GROUP BY code ORDER BY depth, code"""
    return list(store.frame(sql, [code])["code"])


def ancestors(store: Store, code: str) -> pd.DataFrame:
    """The regions above ``code``, top first (nation or province … parent), as region rows."""
    sql = f"""WITH RECURSIVE up(code, depth) AS (
                SELECT parent, 1 FROM regions WHERE code = ? AND parent IS NOT NULL AND parent <> ''
                UNION
                SELECT r.parent, u.depth + 1 FROM regions r JOIN up u ON r.code = u.code
                WHERE r.parent IS NOT NULL AND r.parent <> '' AND u.depth < {MAX_DEPTH})
              SELECT r.*, min(u.depth) AS depth FROM up u JOIN regions r ON r.code = u.code
              WHERE r.code <> ? GROUP BY ALL ORDER BY depth DESC"""
    df = store.frame(sql, [code, code]).drop(columns="depth")
    return typed("regions", df[list(SPECS["regions"].columns)])


def child_count(store: Store, code: str) -> int:
    """How many regions name ``code`` as their parent."""
    return int(store.frame("SELECT count(*) AS n FROM regions WHERE parent = ?", [code])["n"].iloc[0])


# --------------------------------------------------------------------------- firms and production
def enterprises_in(store: Store, codes: Iterable[str]) -> pd.DataFrame:
    """Firms located in any of ``codes`` (pass a region's descendants for 'in the region')."""
    return select(store, "enterprises", '"region" IN (SELECT unnest(?::VARCHAR[]))', [list(codes)])


def enterprises_by_id(store: Store, ids: Iterable[str]) -> pd.DataFrame:
    """The enterprise records of ``ids`` (unknown ids are simply absent)."""
    return select(store, "enterprises", '"id" IN (SELECT unnest(?::VARCHAR[]))', [list(ids)])


def makers_of(store: Store, nodes: Iterable[str]) -> pd.DataFrame:
    """The enterprise records of every firm with a production row for any of ``nodes``."""
    return select(store, "enterprises", '"id" IN (SELECT enterprise_id FROM production '
                  'WHERE node_id IN (SELECT unnest(?::VARCHAR[])))', [list(nodes)])


def firm_regions(store: Store) -> pd.DataFrame:
    """Every firm's id and region only (light: what counting firms per region needs)."""
    return select(store, "enterprises", columns=["id", "region"])


def production(store: Store, nodes: Iterable[str] | None = None,
               enterprises: Iterable[str] | None = None) -> pd.DataFrame:
    """Production rows of the given nodes and/or firms (both given: rows matching both)."""
    where, params = [], []
    if nodes is not None:
        where.append('"node_id" IN (SELECT unnest(?::VARCHAR[]))')
        params.append(list(nodes))
    if enterprises is not None:
        where.append('"enterprise_id" IN (SELECT unnest(?::VARCHAR[]))')
        params.append(list(enterprises))
    return select(store, "production", " AND ".join(where), params)


def production_in(store: Store, codes: Iterable[str]) -> pd.DataFrame:
    """Production rows of the firms located in any of ``codes`` (one join in the store)."""
    return select(store, "production", '"enterprise_id" IN (SELECT id FROM enterprises '
                  'WHERE region IN (SELECT unnest(?::VARCHAR[])))', [list(codes)])


# --------------------------------------------------------------------------- observations and sources
def observations(store: Store, subject_kind: str | None = None, subjects: Iterable[str] | None = None,
                 indicators: Iterable[str] | None = None, nodes: Iterable[str] | None = None,
                 without_node: bool = False) -> pd.DataFrame:
    """Observations filtered by subject kind, subjects, indicators and nodes (each optional).

    ``without_node`` keeps only figures about the subject as a whole (no node named).
    """
    where, params = [], []
    if subject_kind is not None:
        where.append('"subject_kind" = ?')
        params.append(subject_kind)
    for column, values in (("subject_id", subjects), ("indicator", indicators), ("node_id", nodes)):
        if values is not None:
            where.append(f'"{column}" IN (SELECT unnest(?::VARCHAR[]))')
            params.append(list(values))
    if without_node:
        where.append("coalesce(\"node_id\", '') = ''")
    return select(store, "observations", " AND ".join(where), params)


def sources(store: Store, ids: Iterable[str]) -> pd.DataFrame:
    """The source records of ``ids``."""
    return select(store, "sources", '"id" IN (SELECT unnest(?::VARCHAR[]))', [list(ids)])


# --------------------------------------------------------------------------- chains
def chain_members(store: Store, chain: str | None = None) -> dict[str, list[str]]:
    """chain id → its node ids (sorted); only ``chain`` when given."""
    where, params = ("WHERE chain_id = ?", [chain]) if chain is not None else ("", [])
    df = store.frame(f"SELECT chain_id, node_id FROM chain_nodes {where} ORDER BY chain_id, node_id", params)
    return {c: sorted(g["node_id"]) for c, g in df.groupby("chain_id", sort=True)}


def links_among(store: Store, nodes: Iterable[str]) -> pd.DataFrame:
    """Links whose two ends are both among ``nodes`` (a chain's own links)."""
    return select(store, "links", '"source_node" IN (SELECT unnest($1::VARCHAR[])) '
                  'AND "target_node" IN (SELECT unnest($1::VARCHAR[]))', [list(nodes)])
