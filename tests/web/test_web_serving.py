"""Serving under load and hostile requests: cached answers and static files never wait behind
computations, a full queue is a 503 with Retry-After, no leak in any body, hosts checked."""

from __future__ import annotations

import json
import logging
import re
import shutil
import warnings

import pytest

from chainatlas.errors import StoreLocked
from chainatlas.web.app import allowed_hosts, create_app, host_name
from chainatlas.web.responses import error_parts

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402


@pytest.fixture()
def app(fixture_db):
    app = create_app(fixture_db)
    yield app
    app.state.reader.close()


def _fill_pool(reader) -> int:
    """Take every thread and queue slot of the computing pool, as 100 slow questions would."""
    taken = 0
    while reader.pool._slots.acquire(blocking=False):
        taken += 1
    return taken


def test_cached_pages_and_static_files_are_served_while_the_pool_is_full(app):
    c = TestClient(app, raise_server_exceptions=False)
    assert c.get("/chains/alu").status_code == 200  # computed once, now memoised
    assert c.get("/regions/不存在").status_code == 404  # errors of a read-only store repeat: memoised too
    taken = _fill_pool(app.state.reader)
    assert taken == app.state.reader.pool.threads + app.state.reader.pool.queue
    assert c.get("/chains/alu").status_code == 200
    assert c.get("/regions/不存在").status_code == 404
    assert c.get("/static/app-1.css").status_code == 200
    busy = c.get("/chains/alu/nodes/alu.rod.json")  # not answered yet: refused at once, not queued
    assert busy.status_code == 503 and busy.headers["retry-after"].isdigit()
    assert busy.json()["error"]["type"] == "busy"
    for _ in range(taken):
        app.state.reader.pool._slots.release()
    assert c.get("/chains/alu/nodes/alu.rod.json").status_code == 200


def test_pages_wait_for_an_import_and_say_so(app):
    c = TestClient(app, raise_server_exceptions=False)
    assert c.get("/").status_code == 200
    app.state.reader.importing.set()
    try:
        assert c.get("/").status_code == 200  # memoised: still served
        waiting = c.get("/chains/alu.json")
        assert waiting.status_code == 503 and "retry-after" in waiting.headers
        assert waiting.json()["error"]["type"] == "importing" and "import" in waiting.json()["error"]["message"]
        assert "writer" not in waiting.text
    finally:
        app.state.reader.importing.clear()
    assert c.get("/chains/alu.json").status_code == 200


def test_store_locked_body_leaks_nothing_and_is_logged_in_one_line(caplog):
    exc = StoreLocked("the store /home/someone/.local/share/chainatlas/atlas.duckdb is locked by PID 4242 "
                      "(/usr/bin/python3.11)")
    with caplog.at_level(logging.WARNING, logger="chainatlas.web"):
        status, _kind, body, headers = error_parts(exc, "/chains/alu.json", "")
    text = body.decode()
    assert status == 503 and headers["retry-after"].isdigit()
    assert "/home" not in text and "4242" not in text and "python" not in text.lower()
    assert "import" in json.loads(text)["error"]["message"]
    assert [r.exc_info for r in caplog.records] == [None] and "\n" not in caplog.records[0].getMessage()


def test_nul_in_a_static_path_is_404(app):
    c = TestClient(app, raise_server_exceptions=False)
    for path in ("/static/x%00.js", "/static/app-1.css%00", "/static/%01"):
        assert c.get(path).status_code == 404


def test_host_header_must_name_the_server(fixture_db):
    app = create_app(fixture_db, host="127.0.0.1")
    c = TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"host": "localhost:8000"}).status_code == 200
    rebound = c.get("/", headers={"host": "attacker.example:8000"})
    assert rebound.status_code == 400 and rebound.json()["error"]["type"] == "wrong_host" if \
        rebound.headers["content-type"].startswith("application/json") else rebound.status_code == 400
    assert c.get("/static/app-1.css", headers={"host": "attacker.example"}).status_code == 400
    app.state.reader.close()
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("192.168.1.5") == frozenset({"192.168.1.5"})
    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost") == "localhost"


def test_import_errors_name_the_uploaded_file_not_a_temp_path(fixture_db, tmp_path):
    path = tmp_path / "writable.duckdb"
    shutil.copy(fixture_db, path)
    app = create_app(path, token="t0ken")
    c = TestClient(app, raise_server_exceptions=False)
    auth = {"authorization": "Bearer t0ken", "content-type": "text/csv"}
    bad = c.post("/api/import/regions?filename=my%20regions.csv",
                 content="code,name_zh,name_en,level\n12,坏,Bad,county\n".encode(), headers=auth)
    message = bad.json()["error"]["message"]
    assert "my regions.csv row 1 field 'code'" in message and "/tmp" not in message
    plain = c.post("/api/import/regions", content="code,name_zh,name_en,level\n12,坏,Bad,county\n".encode(),
                   headers=auth)
    assert plain.json()["error"]["message"].startswith("import refused") and "/tmp" not in plain.text
    app.state.reader.close()


SCRIPTS = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)


def test_a_region_named_like_markup_breaks_no_chart(fixture_db, tmp_path):
    path = tmp_path / "writable.duckdb"
    shutil.copy(fixture_db, path)
    from chainatlas import open_atlas

    atlas = open_atlas(path)
    csv = tmp_path / "regions.csv"
    csv.write_text("code,name_zh,name_en,short_zh,level,parent\n"
                   "371500,<!--<script>,</script><b>&amp;,<!--<script>,prefecture,370000\n", encoding="utf-8")
    atlas.import_file("regions", csv)
    atlas.close()
    app = create_app(path)
    c = TestClient(app, raise_server_exceptions=False)
    for page in ("/compare?chain=alu&regions=371500,371600", "/regions/371500/chains/alu", "/regions/<!--<script>x"):
        html = c.get(page).text
        blocks = SCRIPTS.findall(html)
        assert blocks, page
        for _id, body in blocks:
            assert "<" not in body and ">" not in body and "&" not in body
            data = json.loads(body)
            assert data is not None
        assert "<!--<script>" in "".join(json.dumps(json.loads(b), ensure_ascii=False) for _i, b in blocks)
    app.state.reader.close()
