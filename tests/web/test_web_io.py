"""The input-output and what-if pages: they render offline, and their JSON twins equal the CLI."""

from __future__ import annotations

import re
import warnings

import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app as cli_app
from chainatlas.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|https?://""", re.IGNORECASE)
FOIL = "aluminium.foil-battery=50000t"


@pytest.fixture(scope="module")
def client(shipped_db):
    return TestClient(create_app(shipped_db), raise_server_exceptions=False, follow_redirects=True)


@pytest.mark.parametrize("path", ["/io", "/io?region=371600&chain=aluminium", "/io?region=滨州&method=flq&delta=0.3",
                                  "/io?year=2017", f"/regions/371600/chains/aluminium/whatif?add={FOIL}",
                                  "/regions/滨州/chains/铝/whatif"])
def test_pages_render_offline(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text[:800]
    assert not EXTERNAL.search(response.text)
    assert "投入产出" in response.text or "What if" in response.text


def test_whatif_page_shows_before_after_and_band(client):
    html = client.get(f"/regions/371600/chains/aluminium/whatif?add={FOIL}").text
    assert ("missing → " in html or "unknown → " in html) and "Input-output impact" in html and "no displacement" in html


@pytest.mark.parametrize(("path", "args"), [
    (f"/regions/371600/chains/aluminium/whatif.json?add={FOIL}",
     ["whatif", "滨州", "--chain", "aluminium", "--add", FOIL]),
    (f"/regions/滨州/chains/aluminium/whatif.json?add={FOIL}&local_sourcing=0.5",
     ["whatif", "滨州", "--chain", "aluminium", "--add", FOIL, "--local-sourcing", "0.5"]),
    ("/io.json?region=371600&chain=aluminium", ["io", "multipliers", "--region", "371600", "--chain", "aluminium"]),
    ("/io.json?delta=0.3&method=flq", ["io", "multipliers", "--delta", "0.3", "--method", "flq"]),
])
def test_twins_equal_cli(client, shipped_db, path, args):
    response = client.get(path)
    assert response.status_code == 200, response.text[:800]
    result = CliRunner().invoke(cli_app, ["--db", str(shipped_db), *args, "--json"])
    assert result.exit_code == 0, result.output
    assert response.content == result.stdout.encode("utf-8")


@pytest.mark.parametrize(("path", "status"), [
    ("/io.json?delta=abc", 400), ("/io.json?method=xyz", 400), ("/io.json?region=nowhere", 404),
    ("/regions/371600/chains/aluminium/whatif.json?add=nonsense", 400),
    ("/regions/371600/chains/aluminium/whatif.json?local_sourcing=2", 400),
])
def test_errors_have_the_one_shape(client, path, status):
    response = client.get(path)
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code
    assert response.status_code == status
