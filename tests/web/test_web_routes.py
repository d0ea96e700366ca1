"""The web dashboard: every page renders, JSON twins equal the CLI, nothing external, one error shape."""

from __future__ import annotations

import json
import re
import shutil
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest
from typer.testing import CliRunner

from chainatlas.atlas import Atlas
from chainatlas.cli.main import app as cli_app
from chainatlas.web import tilegrid
from chainatlas.web.app import MAX_BODY, create_app, render_get
from chainatlas.web.assets import plotly_version

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402 - after silencing its httpx deprecation notice

# any reference to an outside address: src/href/action attributes, CSS url(), @import, or a bare scheme
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|url\(\s*["']?\s*(?:https?:)?//"""
                      r"""|@import|https?://""", re.IGNORECASE)

PAGES = [
    "/", "/search?q=滨州", "/search?q=copper", "/search", "/chains/aluminium", "/chains/copper",
    "/chains/aluminium/nodes/aluminium.primary", "/chains/aluminium/nodes/aluminium.foil-battery",
    "/regions/371600", "/regions/370000", "/regions/100000", "/regions/371600/chains/aluminium",
    "/regions/371600/chains/copper", "/regions/370000/chains/aluminium", "/regions/100000/chains/aluminium",
    "/regions/371600/opportunities?chain=aluminium", "/regions/371600/targets?node=aluminium.foil-battery",
    "/regions/371600/targets?chain=aluminium&top=2&n=5", "/compare", "/compare?chain=aluminium",
    "/compare?chain=aluminium&regions=371600,451000,141100", "/map", "/map?chain=aluminium",
    "/map?chain=aluminium&measure=coverage", "/evaluate", "/evaluate?system=innovation&within=140000",
    "/sources", "/sources/smm-2023-al",
]

FORMS = ("/search", "/compare", "/evaluate")  # empty forms: no question asked yet, so no twin

# page twin → the CLI command that asks the same question
TWINS = [
    ("/search.json?q=滨州", ["search", "滨州"]),
    ("/search.json?q=copper%20foil", ["search", "copper foil"]),
    ("/chains/aluminium.json", ["chain", "show", "aluminium"]),
    ("/chains/铝.json", ["chain", "show", "铝"]),
    ("/regions/371600.json", ["region", "show", "滨州"]),
    ("/regions/Tongling.json", ["region", "show", "Tongling"]),
    ("/regions/371600/chains/aluminium.json", ["diagnose", "滨州", "--chain", "aluminium"]),
    ("/regions/滨州/chains/铝.json?year=2023", ["diagnose", "滨州", "--chain", "铝", "--year", "2023"]),
    ("/compare.json?chain=aluminium", ["compare", "--chain", "aluminium"]),
    ("/compare.json?chain=aluminium&regions=滨州,百色,吕梁", ["compare", "--chain", "aluminium", "--regions",
                                                          "滨州,百色,吕梁"]),
    ("/compare.json?chain=copper&level=province", ["compare", "--chain", "copper", "--level", "province"]),
    ("/regions/371600/opportunities.json?chain=aluminium", ["opportunities", "滨州", "--chain", "aluminium"]),
    ("/regions/371600/targets.json?node=aluminium.foil-battery&n=5",
     ["targets", "滨州", "--node", "aluminium.foil-battery", "--n", "5"]),
    ("/regions/371600/targets.json?chain=aluminium&top=2&n=3",
     ["targets", "滨州", "--chain", "aluminium", "--top", "2", "--n", "3"]),
    ("/evaluate.json?system=innovation&within=山西", ["evaluate", "--system", "innovation", "--within", "山西"]),
]


@pytest.fixture(scope="module")
def web(shipped_db):
    return create_app(shipped_db)


@pytest.fixture(scope="module")
def client(web):
    return TestClient(web, raise_server_exceptions=False, follow_redirects=True)


def error_of(response) -> dict:
    """The error object of a JSON error response or of the HTML error page (same fields)."""
    if "json" in response.headers["content-type"]:
        body = response.json()
    else:
        found = re.search(r'<script type="application/json" id="error-data">(.*?)</script>', response.text, re.S)
        assert found, response.text[:500]
        body = json.loads(found.group(1))
        assert body["error"]["message"].split("\n")[0][:40] in response.text.replace("&#39;", "'").replace(
            "&#34;", '"').replace("&quot;", '"')
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "type", "message", "suggestions"}
    assert err["status"] == response.status_code and isinstance(err["suggestions"], list)
    assert err["type"] and err["message"]
    return err


# ---------------------------------------------------------------------- pages
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_offline(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text[:800]
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "<!DOCTYPE html>" in html and "</html>" in html
    for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(ref).status_code == 200, ref  # every asset the page names is served here
    if path not in FORMS:  # every page names its JSON twin, which answers
        twin = re.search(r'class="json-twin" href="([^"]+)"', html)
        assert twin and client.get(twin.group(1).replace("&amp;", "&")).status_code == 200


def test_pages_are_bilingual_and_figures_link_to_sources(client):
    html = client.get("/regions/371600/chains/aluminium").text
    for text in ("产业链图谱", "Layered chain map", "电解铝", "Primary aluminium", "价值链", "Value along the chain"):
        assert text in html
    assert html.count('class="node"') > 10  # the layered map, one group per link
    assert 'href="/chains/aluminium/nodes/aluminium.primary"' in html  # nodes are clickable
    for key in ("sankey", "ladder", "coverage", "top", "peers"):
        assert f'data-chart="{key}"' in html
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) >= 6
    for fig in figures:  # every figure names its sources (links to source records or to where they are)
        caption = re.search(r"<figcaption>(.*?)</figcaption>", fig, re.S).group(1)
        assert "来源 Sources" in caption and ('href="/sources/' in caption or 'href="/compare' in caption), caption
    sources = re.findall(r'href="(/sources/[^"]+)"', html)
    assert sources and client.get(sources[0]).status_code == 200


def test_chain_page_shows_national_leaders(client):
    html = client.get("/chains/aluminium").text
    assert "National leaders per link" in html and 'href="/regions/371600"' in html
    node = client.get("/chains/aluminium/nodes/aluminium.primary").text
    assert "滨州市" in node and 'class="region-link" href="/regions/371600"' in node


def test_home_and_map_twins(client):
    home = client.get("/index.json").json()
    cli = json.loads(CliRunner().invoke(cli_app, ["--db", str(client.app.state.reader.db_path), "chains",
                                                  "--json"]).stdout)
    assert home["chains"] == cli
    assert len(home["regions"]) == 34 and {"code", "name_zh", "name_en", "firms"} <= set(home["regions"][0])
    grid = client.get("/map.json?chain=aluminium").json()
    assert grid["measure"] == "firms" and len(grid["tiles"]) == 34
    assert {t["code"] for t in grid["tiles"]} == {r["code"] for r in home["regions"]}
    shandong = next(t for t in grid["tiles"] if t["code"] == "370000")
    assert shandong["value"] and shandong["value"] >= 12


@pytest.mark.parametrize(("path", "args"), TWINS)
def test_json_twin_equals_cli(client, shipped_db, path, args):
    response = client.get(path)
    assert response.status_code == 200, response.text[:800]
    assert response.headers["content-type"].startswith("application/json")
    result = CliRunner().invoke(cli_app, ["--db", str(shipped_db), *args, "--json"])
    assert result.exit_code == 0, result.output
    assert response.content == result.stdout.encode("utf-8")  # byte for byte


def test_render_get_without_a_server(web, shipped_db):
    status, kind, body = render_get(web, "/regions/滨州/chains/aluminium")  # follows the canonical redirect
    assert status == 200 and kind.startswith("text/html") and "滨州市" in body
    status, kind, body = render_get(web, "/regions/371600.json")
    result = CliRunner().invoke(cli_app, ["--db", str(shipped_db), "region", "show", "371600", "--json"])
    assert status == 200 and body == result.stdout
    status, _, body = render_get(web, "/regions/Binzou.json")
    assert status == 404 and json.loads(body)["error"]["suggestions"][0].startswith("滨州市")
    status, kind, body = render_get(web, "/static/" + f"vendor/plotly-{plotly_version()}.min.js")
    assert status == 200 and "javascript" in kind and len(body) > 1_000_000


def test_cli_serve_get(shipped_db):
    result = CliRunner().invoke(cli_app, ["--db", str(shipped_db), "serve", "--get", "/chains/aluminium.json"])
    expected = CliRunner().invoke(cli_app, ["--db", str(shipped_db), "chain", "show", "aluminium", "--json"])
    assert result.exit_code == 0 and result.stdout == expected.stdout
    missing = CliRunner().invoke(cli_app, ["--db", str(shipped_db), "serve", "--get", "/regions/Nowhere.json"])
    assert missing.exit_code == 1 and '"status": 404' in missing.stdout


def test_canonical_redirects(client):
    for given, canonical in (("/regions/滨州", "/regions/371600"), ("/regions/Tongling/chains/铜",
                                                                     "/regions/340700/chains/copper"),
                             ("/chains/铜", "/chains/copper"), ("/chains/铝/nodes/电解铝",
                                                               "/chains/aluminium/nodes/aluminium.primary")):
        response = client.get(given, follow_redirects=False)
        assert response.status_code == 302 and response.headers["location"] == canonical
    response = client.get("/regions/滨州/chains/aluminium?year=2023", follow_redirects=False)
    assert response.headers["location"] == "/regions/371600/chains/aluminium?year=2023"


def test_targets_excel_download(client):
    response = client.get("/regions/371600/targets.xlsx?node=aluminium.foil-battery")
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    assert "attachment" in response.headers["content-disposition"]
    import io

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "links" in book.sheetnames and "sources" in book.sheetnames
    html = client.get("/regions/371600/targets?node=aluminium.foil-battery").text
    assert 'href="/regions/371600/targets.xlsx?node=aluminium.foil-battery"' in html


# ---------------------------------------------------------------------- assets
def test_assets_are_local_versioned_and_cached(client):
    home = client.get("/").text
    css = re.search(r'href="(/static/app-\d+\.css)"', home).group(1)
    js = re.search(r'src="(/static/app-\d+\.js)"', home).group(1)
    page = client.get("/regions/371600/chains/aluminium").text
    plotly = re.search(r'src="(/static/vendor/plotly-[\d.]+\.min\.js)"', page).group(1)
    assert plotly_version() in plotly
    for path in (css, js, plotly):
        response = client.get(path)
        assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
    for path in (css, js):
        assert not EXTERNAL.search(client.get(path).text)
    assert "<script>" not in page  # no inline script: the CSP forbids it
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]
    for bad in ("/static/nope-1.js", "/static/../app.py", "/static/%2e%2e/app.py", "/static/vendor/plotly-0.0.0.min.js"):
        response = client.get(bad)
        assert response.status_code == 404
        error_of(response)


# ---------------------------------------------------------------------- errors
ERRORS = [  # (path, status, type) — at least one per route
    ("/nowhere", 404, "not_found"),
    ("/nowhere.json", 404, "not_found"),
    ("/index.json?x=1", 200, None),
    ("/search.json", 400, "bad_request"),
    ("/search.json?q=" + "x" * 201, 400, "bad_request"),
    ("/search?q=%01", 400, "bad_request"),
    ("/chains/nochain", 404, "unknown_chain"),
    ("/chains/nochain.json", 404, "unknown_chain"),
    ("/chains/aluminium/nodes/copper.cathode", 404, "unknown_node"),
    ("/chains/aluminium/nodes/nonode.json", 404, "unknown_node"),
    ("/regions/Binzou", 404, "unknown_region"),
    ("/regions/Binzou.json", 404, "unknown_region"),
    ("/regions/Binzou/chains/aluminium.json", 404, "unknown_region"),
    ("/regions/371600/chains/nochain", 404, "unknown_chain"),
    ("/regions/371600/chains/aluminium.json?year=abc", 400, "bad_request"),
    ("/regions/371600/chains/aluminium.json?year=3000", 400, "bad_request"),
    ("/regions/Binzou/opportunities.json", 404, "unknown_region"),
    ("/regions/371600/opportunities?chain=nochain", 404, "unknown_chain"),
    ("/regions/371600/targets.json?node=nonode", 404, "unknown_node"),
    ("/regions/371600/targets.json?node=aluminium.primary&n=0", 400, "bad_request"),
    ("/regions/371600/targets.json?node=aluminium.primary&n=100000", 400, "bad_request"),
    ("/regions/371600/targets.xlsx?node=nonode", 404, "unknown_node"),
    ("/compare.json", 400, "bad_request"),
    ("/compare.json?chain=aluminium&regions=" + ",".join(["371600"] * 11), 400, "bad_request"),
    ("/compare?chain=aluminium&regions=Binzou", 404, "unknown_region"),
    ("/compare.json?chain=aluminium&level=planet", 400, "bad_request"),
    ("/map.json?measure=coverage", 400, "bad_request"),
    ("/map?measure=height", 400, "bad_request"),
    ("/map.json?chain=nochain", 404, "unknown_chain"),
    ("/evaluate.json", 400, "bad_request"),
    ("/evaluate.json?system=nosystem", 400, "bad_request"),
    ("/evaluate?system=innovation&within=Nowhereland", 404, "unknown_region"),
    ("/evaluate.json?system=innovation&method=magic", 400, "bad_request"),
    ("/sources/no-such-source", 404, "unknown_source"),
    ("/sources/no-such-source.json", 404, "unknown_source"),
]


@pytest.mark.parametrize(("path", "status", "kind"), ERRORS)
def test_error_shape_on_every_route(client, path, status, kind):
    response = client.get(path)
    assert response.status_code == status, response.text[:500]
    if kind is None:
        return
    err = error_of(response)
    assert err["type"] == kind
    is_json = path.split("?")[0].endswith(".json")
    assert response.headers["content-type"].startswith("application/json" if is_json else "text/html")


def test_unknown_region_error_has_suggestions(client):
    err = error_of(client.get("/regions/Binzou"))
    assert err["suggestions"][0] == "滨州市 Binzhou 371600 (山东省 Shandong)"
    assert 'href="/regions/371600"' in client.get("/regions/Binzou").text


def test_json_errors_for_api_clients_on_html_paths(client):
    response = client.get("/regions/Binzou", headers={"accept": "application/json"})
    assert response.headers["content-type"].startswith("application/json") and error_of(response)["status"] == 404


def test_internal_error_has_the_shape_and_hides_details(shipped_db, monkeypatch):
    app = create_app(shipped_db)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Atlas, "chains", broken)  # pages call the facade's methods, so patch the class
    c = TestClient(app, raise_server_exceptions=False)
    for path in ("/", "/index.json"):
        response = c.get(path)
        assert response.status_code == 500
        err = error_of(response)
        assert err["type"] == "internal_error" and "secret" not in response.text


# ---------------------------------------------------------------------- read-only, token, sizes
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/regions/371600.json", "/api/import/enterprises", "/nowhere"])
def test_read_only_without_token(client, method, path):
    response = client.request(method, path, content=b"a,b\n1,2\n")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    err = error_of(response)
    assert err["type"] == "method_not_allowed" and "read-only" in err["message"]


def test_head_is_allowed(client):
    assert client.head("/regions/371600").status_code == 200


NEW_FIRM = ("id,name_zh,name_en,region,listed,source_id\n"
            "web-test-firm,网页测试铝业有限公司,Web Test Aluminium Co.,371600,false,{source}\n")


@pytest.fixture()
def writable_app(fixture_db, tmp_path):
    path = tmp_path / "writable.duckdb"
    shutil.copy(fixture_db, path)
    app = create_app(path, token="s3cret-token")
    yield app
    app.state.reader.close()


def test_import_needs_the_token(writable_app):
    c = TestClient(writable_app, raise_server_exceptions=False)
    source = c.get("/sources.json").json()[0]["id"]
    body = NEW_FIRM.format(source=source).encode("utf-8")
    url = "/api/import/enterprises"
    missing = c.post(url, content=body, headers={"content-type": "text/csv"})
    assert missing.status_code == 401 and error_of(missing)["type"] == "unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = c.post(url, content=body, headers={"content-type": "text/csv", "authorization": "Bearer nope"})
    assert wrong.status_code == 403 and error_of(wrong)["type"] == "forbidden"
    auth = {"authorization": "Bearer s3cret-token", "content-type": "text/csv"}
    before = c.get("/regions/371600.json").json()
    assert "web-test-firm" not in {f["id"] for f in before["enterprises"]}
    dry = c.post(url + "?dry_run=1", content=body, headers=auth)
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and dry.json()["added"] == {"enterprises": 1}
    done = c.post(url, content=body, headers=auth)
    assert done.status_code == 200, done.text
    assert done.json() == {"dry_run": False, "added": {"enterprises": 1}, "updated": {"enterprises": 0},
                           "ignored_columns": {}, "skipped": []}
    after = c.get("/regions/371600.json").json()  # the reader was reopened and its memo cleared
    assert "web-test-firm" in {f["id"] for f in after["enterprises"]}
    assert c.get("/").status_code == 200  # reads still work after the write


def test_import_validates_input(writable_app):
    c = TestClient(writable_app, raise_server_exceptions=False)
    auth = {"authorization": "Bearer s3cret-token", "content-type": "text/csv"}
    bad = c.post("/api/import/regions", content="code,name_zh,name_en,level\n12,坏,Bad,county\n".encode(),
                 headers=auth)
    assert bad.status_code == 400
    err = error_of(bad)
    assert err["type"] == "invalid_data" and "row 1 field 'code'" in err["message"]
    assert error_of(c.post("/api/import/planets", content=b"a\n1\n", headers=auth))["status"] == 400
    assert error_of(c.post("/api/import/regions", content=b"", headers=auth))["status"] == 400
    form = c.post("/api/import/regions", content=b"x", headers={**auth, "content-type": "multipart/form-data; b=1"})
    assert form.status_code == 415 and error_of(form)["type"] == "unsupported_media_type"
    assert error_of(c.post("/api/import/regions?format=exe", content=b"x", headers=auth))["status"] == 400
    assert error_of(c.get("/api/import/regions"))["status"] == 405  # the API takes POST only
    assert error_of(c.put("/api/import/regions", content=b"x", headers=auth))["status"] == 405


def test_request_size_is_bounded(writable_app, client):
    c = TestClient(writable_app, raise_server_exceptions=False)
    auth = {"authorization": "Bearer s3cret-token", "content-type": "text/csv"}
    big = b"x" * (MAX_BODY + 1)
    response = c.post("/api/import/enterprises", content=big, headers=auth)
    assert response.status_code == 413 and error_of(response)["type"] == "payload_too_large"

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(6):
            yield b"y" * (1024 * 1024)

    streamed = c.post("/api/import/enterprises", content=chunks(), headers=auth)
    assert streamed.status_code == 413 and error_of(streamed)["type"] == "payload_too_large"
    assert client.post("/regions/371600", content=big).status_code in (405, 413)


# ---------------------------------------------------------------------- map, concurrency, fixture atlas
def test_tile_grid_layout():
    cells = [(r, c) for r, c, _, _ in tilegrid.TILES.values()]
    assert len(tilegrid.TILES) == 34 and len(set(cells)) == 34
    svg = tilegrid.tile_svg({"370000": 5.0, "110000": 1.0}, {}, "firms")
    assert svg.count('class="tile"') == 34 and 'href="/regions/370000"' in svg


def test_user_geojson_is_read_from_disk(client, tmp_path, monkeypatch, shipped_db):
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"adcode": 370000, "name": "山东省"},
         "geometry": {"type": "Polygon", "coordinates": [[[115, 35], [122, 35], [122, 38], [115, 38], [115, 35]]]}},
        {"type": "Feature", "properties": {"name": "山西省"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[[[110, 35], [114, 35], [114, 40], [110, 35]]]]}}]}
    path = tmp_path / "provinces.geojson"
    path.write_text(json.dumps(geo), encoding="utf-8")
    monkeypatch.setenv(tilegrid.GEOJSON_ENV, str(path))
    c = TestClient(create_app(shipped_db), raise_server_exceptions=False)
    html = c.get("/map").text
    assert 'class="geo-map"' in html and html.count("<path d=") == 2
    assert 'href="/regions/370000"' in html and 'href="/regions/140000"' in html
    assert not EXTERNAL.search(html)


def test_concurrent_requests(web):
    paths = ["/regions/371600/chains/aluminium", "/regions/371500/chains/aluminium", "/chains/copper",
             "/regions/371600.json", "/compare.json?chain=nev", "/map?chain=photovoltaics"] * 4

    def fetch(path):
        with TestClient(web, raise_server_exceptions=False) as c:
            response = c.get(path)
            while response.status_code == 503:  # the computing queue was full: asked again later
                assert response.headers["retry-after"].isdigit()
                time.sleep(0.2)
                response = c.get(path)
            return response.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(fetch, paths)) == {200}


def test_walk_on_the_fixture_atlas(fixture_db):
    c = TestClient(create_app(fixture_db), raise_server_exceptions=False)
    assert c.get("/").status_code == 200
    chain = c.get("/chains/alu")
    assert chain.status_code == 200
    node = re.search(r'href="(/chains/alu/nodes/[^"]+)"', chain.text).group(1)
    assert c.get(node).status_code == 200
    for path in ("/regions/滨州", "/regions/滨州/chains/alu", "/compare?chain=alu", "/map?chain=alu",
                 "/search?q=foil", "/regions/滨州/opportunities", "/regions/滨州/targets?chain=alu"):
        response = c.get(path)
        assert response.status_code == 200, (path, response.text[:400])
        assert not EXTERNAL.search(response.text)
