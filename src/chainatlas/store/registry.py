"""Registry firms and their assignments in the store: one all-or-nothing write, and the SQL queries
that count registry producers per region × node.

Why SQL here: a city's registry holds tens of thousands of firms and a nation's millions; counts,
the de-duplication against curated firms (credit code, then name) and the review list are asked of
DuckDB, never computed over whole tables in Python.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.model.entities import LEVELS, SPECS
from chainatlas.store.db import Store


def write_registry(store: Store, source: dict, firms: pd.DataFrame, assignments: pd.DataFrame) -> None:
    """Store the source, firms and assignments in one transaction.

    Re-importing replaces a firm's record and its assignments (the classifier may have improved);
    reviews are kept apart (``assignment_reviews``) and survive.
    """
    fspec, aspec, sspec = SPECS["registry_firms"], SPECS["assignments"], SPECS["sources"]
    src = pd.DataFrame([{c: source.get(c) for c in sspec.columns}])
    firms = firms[fspec.columns]
    assignments = assignments[aspec.columns]
    with store.transaction() as cur:
        for table, frame, spec in (("sources", src, sspec), ("registry_firms", firms, fspec)):
            cur.register("incoming", frame)
            cols = ", ".join(f'"{c}"' for c in spec.columns)
            cur.execute(f'INSERT OR REPLACE INTO "{table}" ({cols}) SELECT {cols} FROM incoming')
            cur.unregister("incoming")
        cur.register("incoming", firms[["id"]])
        cur.execute('DELETE FROM assignments WHERE firm_id IN (SELECT id FROM incoming)')
        cur.unregister("incoming")
        cur.register("incoming", assignments)
        cols = ", ".join(f'"{c}"' for c in aspec.columns)
        cur.execute(f'INSERT INTO assignments ({cols}) SELECT {cols} FROM incoming')
        cur.unregister("incoming")


# Registry firms that are not curated firms: a curated firm matches by credit code (its uscc or its
# id), else by exact Chinese name. Producers are active, with role producer and score ≥ $min, unless a
# review rejected them; an accepted review counts whatever the score.
_PRODUCERS = """
WITH curated_codes AS (
    SELECT upper(uscc) AS code FROM enterprises WHERE uscc IS NOT NULL AND uscc <> ''
    UNION SELECT upper(id) FROM enterprises
), curated_names AS (SELECT DISTINCT name_zh FROM enterprises)
SELECT f.id AS firm_id, f.name_zh, f.credit_code, f.region, f.source_id AS firm_source_id,
       a.node_id, a.score, a.source_id, r.decision
FROM assignments a
JOIN registry_firms f ON f.id = a.firm_id
LEFT JOIN assignment_reviews r ON r.firm_id = a.firm_id AND r.node_id = a.node_id
WHERE coalesce(f.active, TRUE)
  AND ((a.role = 'producer' AND a.score >= $min AND coalesce(r.decision, '') <> 'reject')
       OR r.decision = 'accept')
  AND (f.credit_code IS NULL OR f.credit_code = '' OR upper(f.credit_code) NOT IN (SELECT code FROM curated_codes))
  AND f.name_zh NOT IN (SELECT name_zh FROM curated_names)
"""

_ANCESTORS = """
SELECT r.code,
  CASE WHEN r.level = 'province' THEN r.code WHEN p.level = 'province' THEN p.code
       WHEN g.level = 'province' THEN g.code END AS province,
  CASE WHEN r.level = 'prefecture' THEN r.code WHEN p.level = 'prefecture' THEN p.code END AS prefecture,
  CASE WHEN r.level = 'county' THEN r.code END AS county
FROM regions r LEFT JOIN regions p ON p.code = r.parent LEFT JOIN regions g ON g.code = p.parent
"""


def registry_producers(store: Store, min_score: float, nodes: list[str] | None = None) -> pd.DataFrame:
    """Registry producers not curated elsewhere, one row per firm × node, with region ancestors."""
    where = ""
    params: dict = {"min": min_score}
    if nodes:
        where = "WHERE p.node_id IN (SELECT unnest($nodes))"
        params["nodes"] = list(nodes)
    sql = f"SELECT p.*, anc.province, anc.prefecture, anc.county FROM ({_PRODUCERS}) p " \
          f"LEFT JOIN ({_ANCESTORS}) anc ON anc.code = p.region {where} ORDER BY p.firm_id, p.node_id"
    return store.con.cursor().execute(sql, params).df()


def registry_counts(store: Store, level: str, min_score: float, regions: list[str] | None = None,
                    nodes: list[str] | None = None) -> pd.DataFrame:
    """Distinct registry producers per region (of ``level``) × node."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    filters, params = [f"anc.{level} IS NOT NULL"], {"min": min_score}
    if regions:
        filters.append(f"anc.{level} IN (SELECT unnest($regions))")
        params["regions"] = list(regions)
    if nodes:
        filters.append("p.node_id IN (SELECT unnest($nodes))")
        params["nodes"] = list(nodes)
    sql = f"""SELECT anc.{level} AS region, p.node_id, count(DISTINCT p.firm_id) AS firms
              FROM ({_PRODUCERS}) p JOIN ({_ANCESTORS}) anc ON anc.code = p.region
              WHERE {' AND '.join(filters)} GROUP BY 1, 2 ORDER BY 1, 2"""
    return store.con.cursor().execute(sql, params).df()


def doubtful(store: Store, regions: list[str] | None, nodes: list[str] | None, below: float) -> pd.DataFrame:
    """Assignments scoring below ``below`` in the regions (any level, descendants included) and nodes."""
    filters, params = ["a.score < $below"], {"below": below}
    if regions:
        filters.append("(anc.province IN (SELECT unnest($regions)) OR anc.prefecture IN (SELECT unnest($regions))"
                       " OR anc.county IN (SELECT unnest($regions)))")
        params["regions"] = list(regions)
    if nodes:
        filters.append("a.node_id IN (SELECT unnest($nodes))")
        params["nodes"] = list(nodes)
    sql = f"""SELECT f.id AS firm_id, f.name_zh, f.region, a.node_id, a.role, a.score, a.evidence,
                     r.decision
              FROM assignments a JOIN registry_firms f ON f.id = a.firm_id
              LEFT JOIN ({_ANCESTORS}) anc ON anc.code = f.region
              LEFT JOIN assignment_reviews r ON r.firm_id = a.firm_id AND r.node_id = a.node_id
              WHERE {' AND '.join(filters)} ORDER BY a.score, f.id, a.node_id"""
    return store.con.cursor().execute(sql, params).df()


def review(store: Store, firm_id: str, node_id: str, decision: str, note: str, date: str) -> None:
    """Keep a user's accept/reject of one assignment (replaces an earlier review of it)."""
    with store.transaction() as cur:
        found = cur.execute("SELECT count(*) FROM assignments WHERE firm_id = ? AND node_id = ?",
                            [firm_id, node_id]).fetchone()[0]
        if not found:
            from chainatlas.errors import DataError

            raise DataError(f"no assignment of firm {firm_id!r} to node {node_id!r} to review")
        cur.execute("INSERT OR REPLACE INTO assignment_reviews (firm_id, node_id, decision, note, date) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [firm_id, node_id, decision, note, date])
