"""Property: for any generated file of any kind and format, an import is either a clean refusal that
writes nothing, or leaves a store that passes ``check``.

Files mix plausible values (ids the fixture atlas knows, units, years) with hostile ones (invisible
and full-width characters, formulas, markup, infinities, huge and negative numbers, blanks). Bounded
for CI: a fixed number of examples, no deadline per example, well under 60 s in all.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from chainatlas import open_atlas
from chainatlas.errors import DataError
from chainatlas.model.entities import COMPARATORS, LOAD_ORDER, SPECS

FORMATS = ("csv", "json", "jsonl", "parquet", "xlsx")
KNOWN = {
    "sources": ["fx-price", "fx-report", "fx-stat"],
    "regions": ["100000", "370000", "371600", "371681", "140400"],
    "chains": ["alu", "batt"],
    "nodes": ["alu.primary", "alu.rod", "alu.foil", "alu.cable", "batt.cell"],
    "enterprises": ["fx-hongqiao", "fx-bzcable", "fx-tl-foil"],
    "indicators": ["output", "thickness", "rd_spending_above_size"],
}
UNITS = ["t", "万吨", "kg", "亿元", "万元", "yuan", "元/吨", "万元/吨", "%", "µm", "mm", "个", "furlongs", "t/t", ""]
HOSTILE = ["", " ", "\u200b", "\ufeff\u200d", "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "<!--<script>", "３７１６００",
           "null", "NaN", "inf", "-inf", "1e400", "1e306", "-5", "9223372036854775808", "0x10", "1,234", "1,5",
           "\t\r", "a" * 300]
CJK = st.text(alphabet="铝电解箔线材测试企业甲乙丙", min_size=1, max_size=6)
ASCII = st.text(alphabet="abcdefgXYZ -.", min_size=1, max_size=10).filter(lambda s: s.strip())


def _value(field) -> st.SearchStrategy:
    hostile = st.sampled_from(HOSTILE)
    if field.references:
        plain = st.sampled_from(KNOWN.get(field.references, ["x"]))
    elif field.choices:
        plain = st.sampled_from(field.choices + (COMPARATORS if field.name == "comparator" else ()))
    elif field.type == "int":
        plain = st.integers(1900, 2150).map(str)
    elif field.type == "float":
        plain = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                          st.integers(-10, 10**6).map(str))
    elif field.type == "bool":
        plain = st.sampled_from(["true", "false", "是", "maybe"])
    elif "unit" in field.name:
        plain = st.sampled_from(UNITS)
    elif field.name == "name_zh" or field.name == "short_zh":
        plain = st.tuples(CJK, st.sampled_from(["", "\u200b", "（滨州）", "<b>"])).map("".join)
    elif field.name in ("name_en", "title", "publisher"):
        plain = ASCII
    elif field.name in ("code", "parent", "subject_id"):
        plain = st.sampled_from(KNOWN["regions"] + KNOWN["enterprises"] + ["371699", "37169", "３７１６９８"])
    elif field.name in ("id", "node_id", "indicator"):
        plain = st.one_of(st.sampled_from(sum(KNOWN.values(), [])), ASCII)
    else:
        plain = st.text(max_size=20)
    return st.one_of(plain, plain, plain, hostile)


@st.composite
def files(draw):
    kind = draw(st.sampled_from(LOAD_ORDER))
    spec = SPECS[kind]
    columns = [f for f in spec.fields if f.required or draw(st.booleans())]
    if draw(st.integers(0, 9)) == 0 and columns:  # now and then a required column is missing
        columns = columns[1:]
    rows = draw(st.lists(st.fixed_dictionaries({f.name: _value(f) for f in columns}), min_size=1, max_size=4))
    return kind, draw(st.sampled_from(FORMATS)), [f.name for f in columns], rows


def _write(path: Path, fmt: str, columns: list[str], rows: list[dict]) -> None:
    frame = pd.DataFrame(rows, columns=columns).astype(str)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        book = openpyxl.Workbook()
        book.active.append(columns)
        for r in rows:  # control characters other than tab, newline and CR cannot be in an XLSX at all
            book.active.append([ILLEGAL_CHARACTERS_RE.sub("", r[c]) for c in columns])
        book.save(path)


def _snapshot(atlas) -> dict[str, pd.DataFrame]:
    return {kind: atlas.store.table(kind) for kind in LOAD_ORDER}


# rules a single file cannot complete or that another module owns: a chain imported before its nodes,
# and plausible magnitudes (checked by the magnitude rules, not by the typing and reference checks here)
ACROSS_FILES = {"chains", "plausible"}


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          database=None)
@given(files())
def test_an_import_refuses_cleanly_or_leaves_a_store_that_passes_check(fixture_db, case):
    kind, fmt, columns, rows = case
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        shutil.copy(fixture_db, db)
        path = Path(tmp) / f"input.{fmt}"
        _write(path, fmt, columns, rows)
        atlas = open_atlas(db)
        try:
            before = _snapshot(atlas)
            errors_before = {(f.rule, f.subject) for f in atlas.check().errors}
            try:
                atlas.import_file(kind, path, fmt=fmt)
            except DataError:
                after = _snapshot(atlas)
                for k in LOAD_ORDER:  # nothing written, not even in part
                    pd.testing.assert_frame_equal(after[k], before[k])
                return
            new = [f for f in atlas.check().errors
                   if (f.rule, f.subject) not in errors_before and f.rule not in ACROSS_FILES]
            assert not new, (kind, fmt, rows, new)
        finally:
            atlas.close()
