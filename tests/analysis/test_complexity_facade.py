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


def test_used_codes_matches_numpy_unique():
    """The bincount shortcut behind the long → matrix step gives np.unique's answer, gaps included."""
    import numpy as np

    from chainatlas.complexity import _used_codes

    rng = np.random.default_rng(3)
    for n, size in ((5, 40), (50, 30), (1, 3)):
        codes = rng.integers(0, n, size)
        used, idx = _used_codes(codes, n)
        want_used, want_idx = np.unique(codes, return_inverse=True)
        assert used.tolist() == want_used.tolist() and idx.tolist() == want_idx.tolist()
