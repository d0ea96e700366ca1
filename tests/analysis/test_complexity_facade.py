"""The atlas's region × node matrices and the complexity command on the fixture atlas."""

import json

import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.errors import ChainAtlasError


def test_activity_matrix_by_hand(fixture_atlas):
    firms = fixture_atlas.activity_matrix("prefecture", "firms")
    assert firms.loc["371600", ["alu.alumina", "alu.primary", "alu.rod", "alu.cable"]].tolist() == [1, 1, 1, 1]
    assert firms.loc["150200", ["alu.primary", "alu.rod"]].tolist() == [1, 1]
    output = fixture_atlas.activity_matrix("prefecture", "output")
    # Binzhou primary: 60万 t × 19,000 yuan/t
    assert output.loc["371600", "alu.primary"] == pytest.approx(600_000 * 19_000)
    with pytest.raises(ChainAtlasError, match="measure"):
        fixture_atlas.activity_matrix("prefecture", "happiness")


def test_complexity_command(fixture_db, fixture_atlas):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "complexity", "--measure", "output", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = json.loads(json.dumps(fixture_atlas.complexity(measure="output").to_dict()))
    assert data == expected
    assert {r["loc"] for r in data["regions"]} == {"371600", "371500", "150200", "340700"}
