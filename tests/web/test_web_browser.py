"""The dashboard in a real browser: Debian's Chromium driven by Playwright, with no network.

Walks home → chain → node → region → diagnosis → opportunities → targets, checks that the chain map
and the charts render, that nothing outside 127.0.0.1 is requested and that the console stays clean,
and saves screenshots to ``artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(shipped_db):
    """The app served by uvicorn on a free loopback port, in a background thread."""
    uvicorn = pytest.importorskip("uvicorn")
    from chainatlas.web.app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(shipped_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """Records console errors, page errors and every request that would leave 127.0.0.1 (and blocks it)."""

    def __init__(self, context, page):
        self.errors: list[str] = []
        self.external: list[str] = []
        context.route("**/*", self._route)
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def _route(self, route):
        url = route.request.url
        if urlparse(url).hostname != "127.0.0.1":
            self.external.append(url)
            route.abort()
        else:
            route.continue_()

    def check(self, where: str) -> None:
        assert not self.external, f"{where}: requests outside 127.0.0.1: {self.external}"
        assert not self.errors, f"{where}: {self.errors}"


@pytest.fixture()
def session(browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch = Watch(context, page)
    yield page, watch
    context.close()


def _shot(page, name: str, full: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def _charts_rendered(page, keys: list[str]) -> None:
    for key in keys:
        page.wait_for_selector(f'[data-chart="{key}"][data-rendered="1"] .main-svg', state="attached")
        assert page.locator(f'[data-chart="{key}"] .main-svg').count() >= 1, key


def test_walk_from_chain_to_diagnosis_to_targets(server, session):
    page, watch = session
    page.goto(server + "/")
    assert page.locator("svg.tile-map g.tile").count() == 34
    _shot(page, "01-home", full=False)
    watch.check("home")

    page.click('#chains a[href="/chains/aluminium"]')
    page.wait_for_url("**/chains/aluminium")
    assert page.locator("svg.chain-map g.node").count() > 10
    _shot(page, "02-chain-aluminium")
    watch.check("chain page")

    page.click('svg.chain-map a[href="/chains/aluminium/nodes/aluminium.primary"]')
    page.wait_for_url("**/nodes/aluminium.primary")
    assert "电解铝" in page.inner_text("h1")
    _shot(page, "03-node-primary-aluminium")
    watch.check("node page")

    page.click('a.region-link[href="/regions/371600"]')
    page.wait_for_url("**/regions/371600")
    assert "滨州市" in page.inner_text("h1")
    _shot(page, "04-region-binzhou")
    watch.check("region page")

    page.click('a.diagnose[href="/regions/371600/chains/aluminium"]')
    page.wait_for_url("**/regions/371600/chains/aluminium")
    assert page.locator("svg.chain-map g.node").count() > 10
    assert page.locator('svg.chain-map g.node[data-status="strong"]').count() >= 1
    _charts_rendered(page, ["sankey", "ladder", "coverage", "top", "peers"])
    assert page.locator("#chart-sankey .main-svg").first.bounding_box()["height"] > 100
    _shot(page, "05-diagnosis-binzhou-aluminium")
    watch.check("diagnosis page")

    page.click('a[href="/regions/371600/opportunities?chain=aluminium"]')
    page.wait_for_url("**/opportunities?chain=aluminium")
    _charts_rendered(page, ["quadrant"])
    _shot(page, "06-opportunities-binzhou-aluminium")
    watch.check("opportunities page")

    page.locator("a.targets").first.click()
    page.wait_for_url("**/targets?node=*")
    assert page.locator("section.target-list table tr").count() > 1
    assert page.locator("a.download").get_attribute("href").startswith("/regions/371600/targets.xlsx")
    _shot(page, "07-targets-binzhou")
    watch.check("targets page")


@pytest.mark.parametrize(("name", "path", "chart"), [
    ("08-map-aluminium", "/map?chain=aluminium", None),
    ("09-compare-aluminium", "/compare?chain=aluminium", "peers"),
    ("10-evaluate-shanxi", "/evaluate?system=innovation&within=140000", "scores"),
    ("11-search", "/search?q=铝", None),
    ("12-error-unknown-region", "/regions/Binzou", None),
])
def test_other_pages_render(server, session, name, path, chart):
    page, watch = session
    response = page.goto(server + path)
    assert response is not None
    if chart:
        _charts_rendered(page, [chart])
    if "map" in path:
        assert page.locator("svg.tile-map g.tile").count() == 34
    if "Binzou" in path:
        assert response.status == 404 and "滨州市" in page.inner_text(".suggestions")
        watch.errors = [e for e in watch.errors if "404" not in e]  # the browser logs the page's own 404
    else:
        assert response.status == 200
    _shot(page, name, full=False)
    watch.check(name)

