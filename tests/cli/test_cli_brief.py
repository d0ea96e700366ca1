"""The briefing CLI commands print exactly the facade's results as JSON."""

import json

from typer.testing import CliRunner

from chainatlas.cli.main import app


def _json(fixture_db, *args):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_lists_plan_series_json_equal_the_facade(fixture_db, fixture_atlas):
    assert _json(fixture_db, "lists", "滨州", "--chain", "alu") == json.loads(fixture_atlas.lists("滨州", "alu").to_json())
    assert _json(fixture_db, "plan", "滨州") == json.loads(fixture_atlas.plan_progress("滨州").to_json())
    got = _json(fixture_db, "series", "100000", "--indicator", "output", "--node", "alu.primary")
    assert got == [json.loads(fixture_atlas.series("100000", "output", "alu.primary").to_json())]


def test_lists_table_is_chinese_first(fixture_db):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "lists", "滨州", "--chain", "alu"])
    assert result.exit_code == 0, result.output
    assert "重点企业清单" in result.output and "合作伙伴清单" in result.output


def test_brief_with_a_bad_suffix_is_one_clear_error(fixture_db, tmp_path):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "brief", "滨州", "--chain", "alu", "--out",
                                      str(tmp_path / "x.txt")])
    assert result.exit_code != 0 and ".docx or .pdf" in result.output
