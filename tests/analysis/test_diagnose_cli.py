"""The diagnosis faces: `diagnose` prints evidence and bounds; `diagnose --all` writes JSON or Parquet."""

import json

import pandas as pd
from typer.testing import CliRunner

from chainatlas.cli.main import app


def test_diagnose_prints_evidence_bounds_and_baseline(fixture_db):
    out = CliRunner().invoke(app, ["--db", str(fixture_db), "diagnose", "滨州", "--chain", "alu"])
    assert out.exit_code == 0, out.output
    assert "official share; share ≥ 14.0% (2022)" not in out.output  # the share sits before the evidence
    assert "share ≥ 14.0% (2022)" in out.output and "— official share;" in out.output
    assert "baseline: gdp share of the nation 9.00% (2023" in out.output
    assert "top-heaviness: unknown" in out.output


def test_diagnose_all_json_and_parquet(fixture_db, fixture_atlas, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["--db", str(fixture_db), "diagnose", "--all", "--level", "prefecture", "--chain", "alu",
                              "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    row = next(r for r in data["links"] if r["region"] == "371600" and r["node_id"] == "alu.primary")
    assert row["status"] == "strong" and row["evidence"] == "official share" and row["share_comparator"] == ">="
    path = tmp_path / "run.parquet"
    res = runner.invoke(app, ["--db", str(fixture_db), "diagnose", "--all", "--chain", "alu", "--out", str(path)])
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(path)
    single = fixture_atlas.diagnose("Baotou", "alu").nodes.set_index("node_id")
    baotou = table[table["region"] == "150200"].set_index("node_id").loc[single.index]
    assert list(baotou["status"]) == list(single["status"]) and baotou["name_zh"].iloc[0] == "包头市"
    bad = runner.invoke(app, ["--db", str(fixture_db), "diagnose", "--all", "--chain", "alu", "--out",
                              str(tmp_path / "run.csv")])
    assert bad.exit_code != 0 and ".json or .parquet" in bad.output
