"""Shared fixtures: the hand-made fixture atlas (built once) and the shipped atlas (built once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chainatlas import open_atlas

FIXTURE = Path(__file__).parent / "fixtures" / "atlas"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "external"


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """A store holding the fixture atlas, built once per test session (copy it before writing)."""
    path = tmp_path_factory.mktemp("fixture") / "fixture.duckdb"
    atlas = open_atlas(path, seed=False)
    atlas.load_reference(FIXTURE)
    atlas.close()
    return path


@pytest.fixture()
def fixture_atlas(fixture_db):
    atlas = open_atlas(fixture_db, read_only=True)
    yield atlas
    atlas.close()


@pytest.fixture()
def writable_fixture(fixture_db, tmp_path):
    """A private writable copy of the fixture store."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(fixture_db, path)
    atlas = open_atlas(path)
    yield atlas
    atlas.close()


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory) -> Path:
    """A store holding the shipped reference atlas, built once per test session."""
    path = tmp_path_factory.mktemp("shipped") / "atlas.duckdb"
    open_atlas(path).close()
    return path


@pytest.fixture()
def shipped(shipped_db):
    atlas = open_atlas(shipped_db, read_only=True)
    yield atlas
    atlas.close()


def shared_external(name: str) -> Path:
    """Path to a folder of ../shared/external, or skip the test with a clear reason."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"../shared/external/{name} is not present (outside data for this test)")
    return path


@pytest.fixture(scope="session")
def gaz():
    """The fact extractor's gazetteer of the shipped atlas, read from its files (no store needed)."""
    from chainatlas.extract.gazetteer import reference_gazetteer

    return reference_gazetteer()


@pytest.fixture()
def writable_shipped(shipped_db, tmp_path):
    """A private writable copy of the shipped atlas (for tests that import into it)."""
    path = tmp_path / "shipped-copy.duckdb"
    shutil.copy(shipped_db, path)
    atlas = open_atlas(path)
    yield atlas
    atlas.close()
