"""chainatlas classify / import registry / assignments from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from chainatlas.cli.main import app

LABELLED = Path(__file__).parents[1] / "fixtures" / "registry" / "labelled.csv"
runner = CliRunner()


def test_classify_writes_assignments_with_evidence(tmp_path, shipped_db):
    out = tmp_path / "assignments.csv"
    result = runner.invoke(app, ["--db", str(shipped_db), "classify", str(LABELLED), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows_read"] == len(pd.read_csv(LABELLED)) and summary["unresolved_addresses"] == 0
    df = pd.read_csv(out, dtype=str)
    assert list(df.columns) == ["row", "name", "credit_code", "region", "node_id", "role", "score", "evidence"]
    first = df[df["row"] == "2"].set_index("node_id")
    assert first.loc["aluminium.primary", "region"] == "371681"  # 邹平县 address → current 邹平市
    assert "terms=" in first.loc["aluminium.primary", "evidence"]
    assert summary["firms_by_chain_and_role"]["aluminium"]["producer"] >= 15


def test_classify_map_option_reads_other_headers(tmp_path, shipped_db):
    src = tmp_path / "other.csv"
    pd.DataFrame({"公司": ["滨州甲铝业有限公司"], "范围": ["电解铝生产"], "地址": ["山东省滨州市滨城区"]}
                 ).to_csv(src, index=False)
    out = tmp_path / "a.csv"
    result = runner.invoke(app, ["--db", str(shipped_db), "classify", str(src), "--out", str(out),
                                 "--map", "name=公司", "--map", "scope=范围"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out, dtype=str)["node_id"].tolist() == ["aluminium.primary"]


def test_import_registry_and_review(tmp_path, shipped_db):
    db = tmp_path / "atlas.duckdb"
    shutil.copy(shipped_db, db)
    result = runner.invoke(app, ["--db", str(db), "import", "registry", str(LABELLED), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["firms"] == len(pd.read_csv(LABELLED))
    listed = runner.invoke(app, ["--db", str(db), "assignments", "--region", "滨州", "--below", "0.7", "--json"])
    rows = json.loads(listed.stdout)
    assert listed.exit_code == 0 and rows
    text = json.dumps(rows, ensure_ascii=False)
    assert "滨州鑫源金属材料贸易有限公司" in text and "trader" in text
