"""Bad CLI arguments are one clear error (exit ≠ 0, no traceback); ambiguous names are never picked."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app

runner = CliRunner()


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def _refused(result) -> str:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(("name", "codes"), [
    ("朝阳区", ["110105", "220104"]),
    ("鼓楼区", ["320106", "320302", "350102", "410204"]),
    ("朝阳", ["211300", "110105", "211321", "220104"]),
    ("中山", ["442000", "210202"]),
])
def test_ambiguous_region_names_list_candidates_with_provinces(shipped_db, name, codes):
    out = _refused(run(shipped_db, "region", "show", name))
    flat = " ".join(out.split())
    assert "ambiguous" in flat and all(code in flat for code in codes)
    assert "北京市" in flat or "江苏省" in flat or "辽宁省" in flat


def test_a_name_shared_with_places_inside_it_means_the_enclosing_region(shipped_db):
    result = run(shipped_db, "region", "show", "长治", "--json")  # 长治市 and its 长治县
    assert result.exit_code == 0 and '"code": "140400"' in result.stdout


@pytest.mark.parametrize("year", ["1800", "3000", "-1"])
def test_year_outside_the_declared_range(fixture_db, year):
    out = _refused(run(fixture_db, "diagnose", "滨州", "--chain", "alu", "--year", year))
    assert ("1949" if int(year) < 1949 else "2100") in out


@pytest.mark.parametrize("value", ["nan", "-0.5", "inf", "abc"])
def test_settings_must_be_finite_non_negative_numbers(fixture_db, value):
    out = _refused(run(fixture_db, "diagnose", "滨州", "--chain", "alu", "--set", f"strong_lq={value}"))
    assert "strong_lq" in out


@pytest.mark.parametrize("value", ["nan", "-1"])
def test_weights_must_be_finite_non_negative_numbers(fixture_db, value):
    out = _refused(run(fixture_db, "opportunities", "滨州", "--chain", "alu", "--weights", f"market={value}"))
    assert "market" in out


@pytest.mark.parametrize("args", [["compare", "--chain", "alu", "--regions", " , "],
                                  ["evaluate", "--system", "innovation", "--regions", ","]])
def test_empty_region_lists_are_errors(fixture_db, args):
    out = _refused(run(fixture_db, *args))
    assert "names nothing" in " ".join(out.split())


def test_sheet_on_a_csv_is_an_error(fixture_db, tmp_path):
    db = tmp_path / "copy.duckdb"  # an import opens its store for writing: never the shared fixture
    shutil.copy(fixture_db, db)
    path = tmp_path / "firms.csv"
    path.write_text("id,name_zh,name_en,region,source_id\nf1,甲,A,371600,fx-report\n", encoding="utf-8")
    out = _refused(run(db, "import", "enterprises", str(path), "--sheet", "data", "--dry-run"))
    assert "--sheet applies to XLSX" in " ".join(out.split())


def test_long_inputs_are_echoed_cut(fixture_db):
    long_name = "滨" * 5_000
    out = _refused(run(fixture_db, "region", "show", long_name))
    assert "5,000 characters" in out and len(out) < 2_000
    out = _refused(run(fixture_db, "diagnose", "滨州", "--chain", "alu", "--set", "x" * 5_000))
    assert len(out) < 2_000
