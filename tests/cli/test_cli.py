"""The CLI prints exactly the facade's results; errors are messages, not tracebacks."""

import json

from typer.testing import CliRunner

from chainatlas.cli.main import app

runner = CliRunner()


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_chains_json_equals_facade(fixture_db, fixture_atlas):
    result = run(fixture_db, "chains", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(fixture_atlas.chains().to_json())


def test_chain_show_json_and_text(fixture_db, fixture_atlas):
    result = run(fixture_db, "chain", "show", "铝", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(fixture_atlas.chain("alu").to_json())
    assert data["layers"][0]["nodes"] == ["alu.bauxite"]
    text = run(fixture_db, "chain", "show", "alu")
    assert "电解铝" in text.stdout and "upstream" in text.stdout


def test_region_show_by_either_name(fixture_db):
    zh = run(fixture_db, "region", "show", "滨州", "--json")
    en = run(fixture_db, "region", "show", "Binzhou", "--json")
    assert zh.exit_code == 0 and zh.stdout == en.stdout
    assert json.loads(zh.stdout)["region"]["code"] == "371600"


def test_unknown_region_is_a_message(fixture_db):
    result = run(fixture_db, "region", "show", "Binzou")
    assert result.exit_code == 1
    assert "did you mean 滨州市 Binzhou 371600" in result.output
    assert "Traceback" not in result.output


def test_search_json(fixture_db):
    result = run(fixture_db, "search", "foil", "--json")
    assert {r["id"] for r in json.loads(result.stdout)["rows"]} >= {"alu.foil"}


def test_import_dry_run_and_error(fixture_db, tmp_path):
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copy(fixture_db, db)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_zh,name_en,level\n12,坏,Bad,county\n", encoding="utf-8")
    result = run(db, "import", "regions", str(bad))
    assert result.exit_code == 1 and "row 1 field 'code'" in result.output and "6-digit" in result.output
    good = tmp_path / "good.csv"
    good.write_text("code,name_zh,name_en,level,parent\n371602,滨城区,Bincheng,county,371600\n", encoding="utf-8")
    result = run(db, "import", "regions", str(good), "--dry-run", "--json")
    assert json.loads(result.stdout)["added"] == {"regions": 1}


def test_init_empty_and_check(tmp_path):
    db = tmp_path / "n.duckdb"
    assert run(db, "init", "--empty").exit_code == 0
    result = run(db, "check", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["ok"] is True


def test_export_graph(fixture_db, tmp_path):
    out = tmp_path / "g.graphml"
    assert run(fixture_db, "export", str(out), "--graph", "alu").exit_code == 0
    assert out.read_text(encoding="utf-8").count("<node ") == 8


def test_cli_start_up_leaves_heavy_modules_unloaded():
    """``chainatlas --help`` must not pay for pandas, numpy, networkx or DuckDB (they load per command)."""
    import subprocess
    import sys

    code = (
        "import sys, chainatlas.cli.main as m; "
        "print(','.join(x for x in ('pandas', 'numpy', 'networkx', 'duckdb', 'rich.progress') if x in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
