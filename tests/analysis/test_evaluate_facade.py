"""Atlas.evaluate: the shipped systems on the shipped figures, with sources and sensitivity."""

import json

from typer.testing import CliRunner

from chainatlas.cli.main import app


def test_shanxi_cities_ranked_with_sources(shipped):
    ev = shipped.evaluate("innovation", within="山西", focus="长治")
    d = ev.to_dict()
    codes = {r["region"] for r in d["regions"]}
    assert len(codes) == 11 and "140400" in codes
    assert d["regions"][0]["region"] == "140100"  # Taiyuan leads on R&D
    assert all(o["source_id"] for o in d["observations"])
    assert d["sensitivity"]["region"] == "140400"
    assert d["missing"]  # indicators without peer figures are reported, not zero-filled


def test_evaluate_cli_matches_facade(shipped_db, shipped):
    result = CliRunner().invoke(app, ["--db", str(shipped_db), "evaluate", "--system", "innovation", "--within",
                                      "山西", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(shipped.evaluate("innovation", within="山西").to_json())
