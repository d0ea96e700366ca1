"""Validated, all-or-nothing imports of any entity kind.

The pipeline: text frames (one per file) → typed and checked frames → one transaction. Every problem
is collected with its file, row, field, value and what was expected; if there is any, nothing is
written. Upsert semantics: a record whose key (``SPECS[kind].key``) already exists replaces the
stored record whole; records with new keys are added; nothing is deleted.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.errors import DataError, ImportRowError, RowProblem, UnitError
from chainatlas.model.entities import LOAD_ORDER, SPECS, YEAR_RANGE, EntitySpec, Field
from chainatlas.model.units import parse_unit
from chainatlas.store.db import Store
from chainatlas.store.magnitude import check_magnitudes
from chainatlas.store.readers import QUOTE_CHARS

TRUE = {"true", "t", "yes", "y", "1", "是", "√", "1.0"}
FALSE = {"false", "f", "no", "n", "0", "否", "0.0"}
MAX_PROBLEMS = 1_000  # problems kept (and listed); the total is always counted
INT_LIMIT = 2**31 - 1  # INTEGER columns of the store
YEAR_FIELDS = ("year", "unit_value_year")
COORDINATES = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0)}
# free text keeps its characters as written (full-width brackets in a firm's name); identifiers and codes
# are NFKC-normalised so that ｃｕ and cu, or ３７１６００ and 371600, cannot become two records
PROSE = frozenset({"name_zh", "name_en", "short_zh", "title", "publisher", "note", "description", "description_zh",
                   "description_en", "aliases", "unit", "unit_value_unit", "coefficient_unit", "quantity_unit",
                   "revenue_unit", "date", "url"})
# characters that show as nothing: zero-width spaces and joiners, bidi marks, BOM, soft hyphen, fillers;
# control characters (tab and newline are kept in free text)
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
                        "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_WS = re.compile("[\t\n\r]")
# printable ASCII and the unified CJK ideographs are NFKC-stable and visible; anything else is looked at
_SUSPECT = re.compile("[^\x20-\x7e\u4e00-\u9fff]")


@dataclass
class Batch:
    """Records of one kind read from one file (cells as text)."""

    kind: str
    file: str
    frame: pd.DataFrame
    rows: list[int] | None = None  # record numbers as the user should see them (default 1..n)


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), per kind."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False
    skipped: list[RowProblem] = field(default_factory=list)  # rows left out with on_error="skip"

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "added": self.added, "updated": self.updated,
                "ignored_columns": self.ignored_columns,
                "skipped": [{"file": p.file, "row": p.row, "field": p.field, "value": str(p.value),
                             "expected": p.expected} for p in self.skipped]}

    def __repr__(self) -> str:
        verb = "would add" if self.dry_run else "added"
        parts = [f"{k}: {verb} {self.added.get(k, 0)}, updated {self.updated.get(k, 0)}" for k in self.added]
        return "ImportReport(" + "; ".join(parts) + ")"


class _Problems:
    def __init__(self) -> None:
        self.items: list[RowProblem] = []
        self.total = 0

    def add(self, file: str, row: int | None, field_: str | None, value: object, expected: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(RowProblem(file, None if row is None else int(row), field_, _shown(value), expected))

    def add_rows(self, df: pd.DataFrame, mask: pd.Series, field_: str, values: pd.Series, expected: str) -> None:
        if not mask.any():
            return
        sub = df.loc[mask, ["__file", "__row"]]
        vals = values[mask]
        for (file, row), value in zip(sub.itertuples(index=False, name=None), vals, strict=True):
            self.add(file, row, field_, value, expected)


def _shown(value: object) -> object:
    """A value as a message may quote it: missing values as None, numpy scalars as Python ones, long
    text cut to :data:`~chainatlas.store.readers.QUOTE_CHARS` characters (the length is said)."""
    if isinstance(value, tuple):
        return tuple(_shown(v) for v in value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and len(value) > QUOTE_CHARS:
        return f"{value[:QUOTE_CHARS]}… ({len(value):,} characters)"
    return value


def _clean_text(raw: pd.Series, f: Field, spec: EntitySpec) -> pd.Series:
    """Strip invisible characters; NFKC-normalise identifiers and codes (see :data:`PROSE`)."""
    suspect = raw.str.contains(_SUSPECT)
    if not suspect.any():
        return raw
    sub = raw[suspect]
    if f.name in PROSE:
        sub = sub.str.replace(_INVISIBLE, "", regex=True)
    else:
        sub = sub.str.normalize("NFKC").str.replace(_INVISIBLE, "", regex=True)
        sub = sub.str.replace(_CONTROL_WS, "", regex=True)
    out = raw.copy()
    out[suspect] = sub.str.strip()
    return out


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str] | None,
                  constants: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename source columns to entity fields (``{field: source column}``) and add constant columns."""
    out = frame
    if mapping:
        missing = [src for src in mapping.values() if src not in frame.columns]
        if missing:
            raise DataError(f"column mapping names columns the file does not have: {', '.join(missing)}; "
                            f"the file has {', '.join(map(str, frame.columns))}")
        # one source column may feed several fields (a name used as id and as Chinese name)
        mapped = {dst: frame[src] for dst, src in mapping.items()}
        rest = {c: frame[c] for c in frame.columns if c not in mapped and c not in mapping.values()}
        out = pd.DataFrame({**rest, **mapped})
    if constants:
        out = out.copy()
        for key, value in constants.items():
            out[key] = value
    return out


def _typed(spec: EntitySpec, df: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """Type every field; record parse failures; empty strings become missing values."""
    out = pd.DataFrame({"__file": df["__file"].values, "__row": df["__row"].values})
    for f in spec.fields:
        if f.name not in df.columns:
            if f.required:
                problems.add(df["__file"].iloc[0] if len(df) else "?", None, f.name, None,
                             f"a column '{f.name}' (required for {spec.kind})")
            out[f.name] = None if f.type == "str" else np.nan
            continue
        raw = _clean_text(df[f.name].astype(str).str.strip(), f, spec)
        empty = raw.eq("") | raw.str.lower().isin({"nan", "none", "null"})
        if f.required:
            problems.add_rows(df, empty, f.name, raw, "a value (required)")
        if f.type == "str":
            col = raw.astype(object).where(~empty, None)
        elif f.type in ("int", "float"):
            # only thousands separators (1,234,567.8) are stripped: "1,5" is an error, not 15
            grouped = raw.str.fullmatch(r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
            cleaned = raw.where(~grouped, raw.str.replace(",", "", regex=False))
            # ASCII digits only: "３７" is refused rather than read as 37 behind the user's back
            ascii_ok = cleaned.str.fullmatch(r"[-+]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|inf|infinity)",
                                         flags=re.ASCII | re.IGNORECASE)
            num = pd.to_numeric(cleaned.where(~empty & ascii_ok, None), errors="coerce").astype(float)
            bad = num.isna() & ~empty
            problems.add_rows(df, bad, f.name, raw, f"a number ({f.type})")
            infinite = num.notna() & ~np.isfinite(num)
            problems.add_rows(df, infinite, f.name, raw, "a finite number")
            num = num.where(~infinite)
            if f.type == "int":
                frac = num.notna() & (num % 1 != 0)
                problems.add_rows(df, frac, f.name, raw, "a whole number")
                low, high = YEAR_RANGE if f.name in YEAR_FIELDS else (-INT_LIMIT, INT_LIMIT)
                what = "a year" if f.name in YEAR_FIELDS else "a whole number"
                out_of_range = num.notna() & ~frac & ((num < low) | (num > high))
                problems.add_rows(df, out_of_range, f.name, raw, f"{what} from {low} to {high}")
                col = num.where(~frac & ~out_of_range).round().astype("Int64")
            else:
                if f.name in COORDINATES:
                    low, high = COORDINATES[f.name]
                    outside = num.notna() & ((num < low) | (num > high))
                    problems.add_rows(df, outside, f.name, raw, f"a {'longitude' if f.name == 'lon' else 'latitude'} "
                                                                f"from {low:g} to {high:g} degrees")
                col = num
        else:  # bool
            low = raw.str.lower()
            bad = ~empty & ~low.isin(TRUE | FALSE)
            problems.add_rows(df, bad, f.name, raw, "true or false")
            col = pd.Series(pd.array([None] * len(raw), dtype="boolean"))
            col[low.isin(TRUE).values] = True
            col[low.isin(FALSE).values] = False
        if f.choices:
            present = col.notna()
            bad = present & ~col.isin(f.choices)
            problems.add_rows(df, bad.values & present.values, f.name, raw, "one of " + ", ".join(f.choices))
        out[f.name] = col.values
    for k in spec.key:
        if not spec.field(k).required and spec.field(k).type == "str":
            out[k] = out[k].where(out[k].notna(), "")
    return out


def _keys(df: pd.DataFrame, spec: EntitySpec) -> pd.Series:
    if len(spec.key) == 1:
        return df[spec.key[0]]
    return pd.Series(list(zip(*(df[k] for k in spec.key), strict=True)), index=df.index)


def _stored_matches(store: Store, kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (columns named as the kind's key) whose key is stored: a DuckDB semi-join.

    Why in DuckDB: the store may hold millions of keys; a 10-row import must not read them all
    into Python to test ten.
    """
    spec = SPECS[kind]
    cur = store.con.cursor()
    try:
        cur.register("wanted", frame)
        on = " AND ".join(f'w."{k}" = t."{k}"' for k in frame.columns)
        cols = ", ".join(f'w."{k}"' for k in frame.columns)
        return cur.execute(f'SELECT DISTINCT {cols} FROM wanted w SEMI JOIN "{spec.table}" t ON {on}').df()
    finally:
        cur.close()


def count_stored(store: Store, kind: str, typed: pd.DataFrame) -> int:
    """How many rows of ``typed`` have a key already in the store (they will replace stored records)."""
    spec = SPECS[kind]
    if not len(typed):
        return 0
    return len(_stored_matches(store, kind, typed[list(spec.key)].drop_duplicates()))


class _Context:
    """Keys and node units known from the store plus this import (for references and units)."""

    def __init__(self, store: Store | None, typed: dict[str, pd.DataFrame]):
        self.store = store
        self.typed = typed
        self._incoming: dict[str, set] = {}

    def known(self, kind: str, values: pd.Series) -> pd.Series:
        """Whether each value names a record of ``kind`` (one-column keys) in this import or the store."""
        if kind not in self._incoming:
            self._incoming[kind] = set(self.typed[kind][SPECS[kind].key[0]]) if kind in self.typed else set()
        found = values.isin(self._incoming[kind])
        rest = values[~found & values.notna()].drop_duplicates()
        if len(rest) and self.store is not None:
            key = SPECS[kind].key[0]
            stored = _stored_matches(self.store, kind, pd.DataFrame({key: rest.astype(str).to_numpy()}))
            found |= values.isin(set(stored[key]))
        return found

    def node_units(self) -> dict[str, str]:
        units = {}
        if self.store is not None:
            units.update(dict(self.store.frame("SELECT id, unit FROM nodes").itertuples(index=False)))
        if "nodes" in self.typed:
            units.update(dict(zip(self.typed["nodes"]["id"], self.typed["nodes"]["unit"], strict=True)))
        return units

    def indicator_bounds(self) -> dict[str, tuple]:
        """``{indicator: (unit, min, max)}`` from the store and this import."""
        out: dict[str, tuple] = {}
        if self.store is not None:
            out.update({i: (u, lo, hi) for i, u, lo, hi in
                        self.store.frame("SELECT id, unit, min, max FROM indicators").itertuples(index=False)})
        if "indicators" in self.typed:
            df = self.typed["indicators"]
            out.update({i: (u, lo, hi) for i, u, lo, hi in df[["id", "unit", "min", "max"]].itertuples(index=False)})
        return {k: tuple(None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v for v in b)
                for k, b in out.items()}

    def indicator_units(self) -> dict[str, str | None]:
        units = {}
        if self.store is not None:
            units.update(dict(self.store.frame("SELECT id, unit FROM indicators").itertuples(index=False)))
        if "indicators" in self.typed:
            df = self.typed["indicators"]
            units.update(dict(zip(df["id"], df["unit"], strict=True)))
        return units


def _check_unit_column(df: pd.DataFrame, column: str, problems: _Problems, dimension: str | None = None,
                       what: str = "a known unit") -> None:
    for value in df[column].dropna().unique():
        try:
            unit = parse_unit(value)
            ok = dimension is None or unit.dimension == dimension
        except UnitError:
            ok = False
        if not ok:
            problems.add_rows(df, df[column].eq(value), column, df[column], what)


def _convert_column(df: pd.DataFrame, value_col: str, unit_col: str, target_of_row: pd.Series,
                    problems: _Problems, what: str) -> None:
    """Convert ``value_col`` from each row's unit to the row's target unit, in place."""
    pairs = pd.DataFrame({"u": df[unit_col], "t": target_of_row}).dropna().drop_duplicates()
    for unit, target in pairs.itertuples(index=False):
        mask = df[unit_col].eq(unit) & target_of_row.eq(target)
        try:
            factor = parse_unit(unit).factor / parse_unit(target).factor
            if parse_unit(unit).dimension != parse_unit(target).dimension:
                raise UnitError("different quantities")
        except UnitError:
            problems.add_rows(df, mask & df[value_col].notna(), unit_col, df[unit_col],
                              f"{what} (compatible with {target})")
            continue
        if factor != 1.0:
            df.loc[mask, value_col] = df.loc[mask, value_col] * factor


def _check_references(kind: str, df: pd.DataFrame, ctx: _Context, problems: _Problems) -> None:
    spec = SPECS[kind]
    for f in spec.fields:
        if not f.references:
            continue
        col = df[f.name]
        present = col.notna() & col.ne("")
        bad = present & ~ctx.known(f.references, col.where(present))
        problems.add_rows(df, bad, f.name, col, f"an existing {f.references[:-1] if f.references.endswith('s') else f.references} id")


def _check_kind(kind: str, df: pd.DataFrame, ctx: _Context, problems: _Problems) -> None:
    """Rules beyond types and references, per kind."""
    if kind == "regions":
        bad = df["code"].notna() & ~df["code"].astype(str).str.fullmatch(r"[0-9]{6}")
        problems.add_rows(df, bad, "code", df["code"], "a 6-digit administrative division code")
        problems.add_rows(df, df["parent"].notna() & df["parent"].eq(df["code"]), "parent", df["parent"],
                          "a parent other than the region itself")
        _check_region_cycles(df, ctx, problems)
    elif kind == "nodes":
        _check_unit_column(df, "unit", problems)
        has_value = df["unit_value"].notna()
        for col in ("unit_value_unit", "unit_value_year", "unit_value_source"):
            problems.add_rows(df, has_value & df[col].isna(), col, df[col],
                              "a value (every unit value needs its unit, year and source)")
        neg = has_value & (df["unit_value"] <= 0)
        problems.add_rows(df, neg, "unit_value", df["unit_value"], "a positive price")
        # unit value is currency per node unit; store it as yuan per node unit
        target = "yuan/" + df["unit"].astype(str)
        ok_units = df["unit"].map(lambda u: _is_unit(u))
        _convert_column(df, "unit_value", "unit_value_unit", target.where(ok_units, None), problems,
                        "a price unit: currency per the node's unit")
        df.loc[has_value & ok_units, "unit_value_unit"] = target[has_value & ok_units]
    elif kind == "links":
        same = df["source_node"].eq(df["target_node"])
        problems.add_rows(df, same, "target_node", df["target_node"], "a node other than the input node")
        has_coef = df["coefficient"].notna()
        problems.add_rows(df, has_coef & df["source_id"].isna(), "source_id", df["source_id"],
                          "a source for the input coefficient")
        problems.add_rows(df, has_coef & (df["coefficient"] <= 0), "coefficient", df["coefficient"],
                          "a positive input coefficient")
        # input coefficients are stored in (input node's unit) per (output node's unit): 1,010 kg/t of
        # primary aluminium per tonne of rod becomes 1.01 t/t; a price unit here is an error
        units = ctx.node_units()
        target = (df["source_node"].map(units) + "/" + df["target_node"].map(units)).where(
            df["source_node"].map(units).notna() & df["target_node"].map(units).notna())
        given = df["coefficient_unit"].where(df["coefficient_unit"].notna() & has_coef, target.where(has_coef))
        df["coefficient_unit"] = given
        _convert_column(df, "coefficient", "coefficient_unit", target.where(has_coef), problems,
                        "a unit of input per unit of output")
        ok = has_coef & target.notna()
        df.loc[ok, "coefficient_unit"] = target[ok]
        _check_cycles(df, ctx, problems)
    elif kind == "plausibility":
        _check_unit_column(df, "unit", problems)
        _check_min_max(df, problems)
    elif kind == "production":
        units = ctx.node_units()
        node_unit = df["node_id"].map(units)
        has_qty = df["capacity"].notna() | df["output"].notna()
        problems.add_rows(df, has_qty & df["quantity_unit"].isna(), "quantity_unit", df["quantity_unit"],
                          "a unit for capacity/output")
        for col in ("capacity", "output", "revenue"):
            problems.add_rows(df, df[col].notna() & (df[col] < 0), col, df[col], "a non-negative number")
        for col in ("capacity", "output"):
            _convert_column(df, col, "quantity_unit", node_unit, problems, "a quantity unit")
        df.loc[df["quantity_unit"].notna() & node_unit.notna(), "quantity_unit"] = node_unit
        df.loc[~has_qty, "quantity_unit"] = None
        has_rev = df["revenue"].notna()
        problems.add_rows(df, has_rev & df["revenue_unit"].isna(), "revenue_unit", df["revenue_unit"],
                          "a currency unit for revenue")
        _convert_column(df, "revenue", "revenue_unit", pd.Series("yuan", index=df.index).where(has_rev),
                        problems, "a currency unit")
        df.loc[has_rev, "revenue_unit"] = "yuan"
        df.loc[~has_rev, "revenue_unit"] = None
    elif kind == "indicators":
        _check_unit_column(df.loc[df["unit"].notna()], "unit", problems)
        _check_min_max(df, problems)
    elif kind == "observations":
        _check_unit_column(df, "unit", problems)
        for subject_kind, target in (("region", "regions"), ("enterprise", "enterprises"), ("node", "nodes")):
            mask = df["subject_kind"].eq(subject_kind)
            if mask.any():
                bad = mask & ~ctx.known(target, df["subject_id"].where(mask))
                problems.add_rows(df, bad, "subject_id", df["subject_id"], f"an existing {subject_kind} id")
        ind_units = ctx.indicator_units()
        target = df["indicator"].map(ind_units)
        # an indicator with a unit takes figures in units of the same kind only (亿元 for 亿元, not t)
        clash = pd.Series([_is_unit(u) and _is_unit(t) and parse_unit(u).dimension != parse_unit(t).dimension
                           for u, t in zip(df["unit"], target, strict=True)], index=df.index, dtype=bool)
        problems.add_rows(df, clash, "unit", df["unit"], "a unit of the same kind as the indicator's unit ("
                          + ", ".join(sorted({str(t) for t in target[clash]})) + ")")
        compatible = pd.Series(
            [_is_unit(u) and _is_unit(t) and parse_unit(u).dimension == parse_unit(t).dimension
             for u, t in zip(df["unit"], target, strict=True)], index=df.index, dtype=bool)
        # figures about a node in a unit compatible with the node's (万吨 for a node counted in t)
        # are stored in the node's unit when the indicator itself has no unit
        node_unit = df["node_id"].map(ctx.node_units())
        about_node = target.isna() & node_unit.notna() & pd.Series(
            [_is_unit(u) and _is_unit(n) and parse_unit(u).dimension == parse_unit(n).dimension
             for u, n in zip(df["unit"], node_unit, strict=True)], index=df.index, dtype=bool)
        target = target.where(compatible, node_unit.where(about_node))
        compatible = compatible | about_node
        # figures in a compatible unit are stored in the indicator's unit; others keep their own
        _convert_column(df, "value", "unit", target.where(compatible), problems, "a unit")
        df.loc[compatible, "unit"] = target[compatible]
        _check_indicator_bounds(df, ctx, problems)


def _check_min_max(df: pd.DataFrame, problems: _Problems) -> None:
    crossed = df["min"].notna() & df["max"].notna() & (df["min"] > df["max"])
    problems.add_rows(df, crossed, "max", df["max"], "a maximum not below the minimum")


def _check_indicator_bounds(df: pd.DataFrame, ctx: _Context, problems: _Problems) -> None:
    """A figure outside its indicator's declared range is refused (a negative output, a share over 100 %).

    The bounds are in the indicator's unit; an indicator without a unit still bounds the sign (min 0).
    """
    bounds = ctx.indicator_bounds()
    ind = df["indicator"].map(lambda i: bounds.get(i, (None, None, None)))
    unit = ind.map(lambda b: b[0])
    low = pd.to_numeric(ind.map(lambda b: b[1]), errors="coerce")
    high = pd.to_numeric(ind.map(lambda b: b[2]), errors="coerce")
    same = unit.notna() & df["unit"].eq(unit)
    signed = unit.isna() & low.eq(0)
    below = df["value"].notna() & low.notna() & (same | signed) & (df["value"] < low)
    above = df["value"].notna() & high.notna() & same & (df["value"] > high)
    for mask, word, limit in ((below, "at least", low), (above, "at most", high)):
        for value in sorted(set(limit[mask])):
            sub = mask & limit.eq(value)
            problems.add_rows(df, sub, "value", df["value"], f"a value {word} {value:g} (the indicator's range)")


def _check_finite(kind: str, df: pd.DataFrame, problems: _Problems) -> None:
    """Numbers that overflowed in a unit conversion (1e306 万吨 is 1e310 t) are refused."""
    for f in SPECS[kind].fields:
        if f.type == "float":
            col = pd.to_numeric(df[f.name], errors="coerce")
            problems.add_rows(df, col.notna() & ~np.isfinite(col), f.name, df[f.name],
                              "a number that stays finite in the stored unit")


def _is_unit(value: object) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        parse_unit(value)
    except UnitError:
        return False
    return True


def _check_region_cycles(df: pd.DataFrame, ctx: _Context, problems: _Problems) -> None:
    """A region may not be its own ancestor (the hierarchy is walked by every regional query)."""
    parent: dict[str, str] = {}
    if ctx.store is not None:
        parent.update({c: p for c, p in ctx.store.frame("SELECT code, parent FROM regions").itertuples(index=False)
                       if p})
    rows = {}
    for code, par, file, row in df[["code", "parent", "__file", "__row"]].itertuples(index=False):
        if isinstance(code, str) and isinstance(par, str) and code and par and par != code:
            parent[code] = par
            rows[code] = (file, row)
    for code in rows:
        seen, cur = {code}, parent.get(code)
        while cur:
            if cur in seen:
                file, row = rows[code]
                problems.add(file, row, "parent", parent[code], f"a hierarchy without a cycle, but {code} is "
                                                                 f"below itself (through {cur})")
                break
            seen.add(cur)
            cur = parent.get(cur)


def _check_cycles(df: pd.DataFrame, ctx: _Context, problems: _Problems) -> None:
    graph = nx.DiGraph()
    if ctx.store is not None:
        for a, b in ctx.store.frame("SELECT source_node, target_node FROM links").itertuples(index=False):
            graph.add_edge(a, b)
    rows = {}
    for a, b, file, row in df[["source_node", "target_node", "__file", "__row"]].itertuples(index=False):
        if isinstance(a, str) and isinstance(b, str) and a and b and a != b:  # a missing id may be NaN
            graph.add_edge(a, b)
            rows[(a, b)] = (file, row)
    seen: set = set()
    while True:
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return
        path = " → ".join([cycle[0][0]] + [e[1] for e in cycle])
        edge = next(((e[0], e[1]) for e in cycle if (e[0], e[1]) in rows), (cycle[0][0], cycle[0][1]))
        file, row = rows.get(edge, ("(store)", None))
        if path not in seen:
            problems.add(file, row, "target_node", edge[1], f"links without a cycle, but {path} is a cycle")
            seen.add(path)
        graph.remove_edge(*edge)


def validate(batches: list[Batch], store: Store | None) -> tuple[dict[str, pd.DataFrame], list[RowProblem], int]:
    """Type and check every batch; return typed frames per kind and the problems found.

    Batches of one kind (the reference atlas has dozens of small files) are typed together, once.
    """
    problems = _Problems()
    frames: dict[str, list[pd.DataFrame]] = defaultdict(list)
    for batch in batches:
        spec = SPECS[batch.kind]
        frame = batch.frame.reset_index(drop=True).copy()
        # a JSON export of an empty kind is `[]`: no rows and no columns, so nothing to check
        missing = [f.name for f in spec.fields if f.required and f.name not in frame.columns] \
            if len(batch.frame.columns) else []
        for name in missing:
            problems.add(batch.file, None, name, None, f"a column '{name}' (required for {spec.kind})")
        if len(frame) and not missing:
            frame["__file"] = batch.file
            frame["__row"] = batch.rows if batch.rows is not None else np.arange(1, len(frame) + 1)
            frames[spec.kind].append(frame)
    typed: dict[str, pd.DataFrame] = {}
    for kind, parts in frames.items():
        joined = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True).fillna("")
        typed[kind] = _typed(SPECS[kind], joined, problems)
    for kind, df in typed.items():
        spec = SPECS[kind]
        key = list(spec.key)
        dup = df.duplicated(subset=key, keep=False) & df[key].notna().all(axis=1)
        if dup.any():
            first = {}
            for key_value, file, row in zip(_keys(df[dup], spec), df.loc[dup, "__file"], df.loc[dup, "__row"],
                                            strict=True):
                if key_value in first:
                    problems.add(file, row, ",".join(spec.key), key_value,
                                 f"a unique {'/'.join(spec.key)} (also on {first[key_value][0]} row "
                                 f"{first[key_value][1]})")
                else:
                    first[key_value] = (file, row)
    ctx = _Context(store, typed)
    for kind in LOAD_ORDER:
        if kind in typed:
            _check_references(kind, typed[kind], ctx, problems)
            _check_kind(kind, typed[kind], ctx, problems)
            _check_finite(kind, typed[kind], problems)
    if not problems.total:  # magnitudes are judged on rows already typed, converted and referenced
        check_magnitudes(typed, store, problems.add)
    return typed, problems.items, problems.total


def _without_problem_rows(batches: list[Batch], problems: list[RowProblem]) -> list[Batch]:
    bad: dict[str, set[int]] = defaultdict(set)
    for p in problems:
        if p.row is not None:
            bad[p.file].add(p.row)
    out = []
    for batch in batches:
        rows = np.asarray(batch.rows if batch.rows is not None else np.arange(1, len(batch.frame) + 1))
        keep = ~np.isin(rows, list(bad.get(batch.file, ())))
        out.append(Batch(batch.kind, batch.file, batch.frame.reset_index(drop=True)[keep].reset_index(drop=True),
                         list(rows[keep])))
    return out


def import_batches(store: Store, batches: list[Batch], dry_run: bool = False,
                   ignored: dict[str, list[str]] | None = None, on_error: str = "refuse") -> ImportReport:
    """Validate all batches together and write them in one transaction (or nothing).

    ``on_error="refuse"`` (the default) writes nothing if any row has a problem. ``on_error="skip"``
    is for noisy outside data: rows with problems are left out, listed in ``report.skipped``, and the
    rest is validated again and written; problems that name no row (a missing column) still refuse.
    """
    typed, problems, total = validate(batches, store)
    skipped: list[RowProblem] = []
    rounds = 0
    while problems and on_error == "skip" and rounds < 5 and all(p.row is not None for p in problems):
        skipped.extend(problems)
        batches = _without_problem_rows(batches, problems)
        typed, problems, total = validate(batches, store)
        rounds += 1
    if problems:
        raise ImportRowError(problems, total)
    report = ImportReport(dry_run=dry_run, ignored_columns=ignored or {}, skipped=skipped)
    for kind in LOAD_ORDER:
        if kind not in typed:
            continue
        updated = count_stored(store, kind, typed[kind])
        report.updated[kind] = updated
        report.added[kind] = len(typed[kind]) - updated
    if dry_run:
        return report
    with store.transaction() as cur:
        for kind in LOAD_ORDER:
            if kind not in typed:
                continue
            spec = SPECS[kind]
            frame = typed[kind][spec.columns]
            cur.register("incoming", frame)
            cols = ", ".join(f'"{c}"' for c in spec.columns)
            cur.execute(f'INSERT OR REPLACE INTO "{spec.table}" ({cols}) SELECT {cols} FROM incoming')
            cur.unregister("incoming")
    return report
