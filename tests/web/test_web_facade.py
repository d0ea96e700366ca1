"""The web pages ask typed facade methods, and the node and map pages' twins are the facade's to_dict.

Figures are worked by hand from the fixture atlas (tests/fixtures/atlas): eight firms in Shandong
(4), Inner Mongolia (2) and Anhui (2); primary aluminium made by Baotou Smelter (100 万吨, also the
official figure), Hongqiao in Zouping, Binzhou (60) and Xinfa in Liaocheng (40).
"""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from chainatlas.analysis.overview import MapView, NodeOverview
from chainatlas.atlas import Atlas
from chainatlas.cli.main import app as cli_app
from chainatlas.errors import UnknownNode
from chainatlas.report import charts
from chainatlas.web.app import create_app, render_get
from chainatlas.web.routes import ROUTES, starlette_routes, table

warnings.filterwarnings("ignore", message=".*httpx.*")


@pytest.fixture(scope="module")
def web(fixture_db):
    return create_app(fixture_db)


def twin(web, path: str) -> dict:
    status, kind, body = render_get(web, path)
    assert status == 200 and "json" in kind, (path, status, body[:300])
    return json.loads(body)


def test_firm_counts_and_node_chains_by_hand(fixture_atlas):
    assert fixture_atlas.firm_counts() == {"370000": 4, "150000": 2, "340000": 2}
    # Zouping (a county) books its firms to Binzhou; foil is an aluminium node
    assert fixture_atlas.firm_counts("prefecture", "alu") == {"371600": 3, "371500": 1, "150200": 2, "340700": 2}
    assert fixture_atlas.firm_counts("province", "batt") == {"340000": 1}
    assert fixture_atlas.node_chains()["alu.foil"] == ["alu", "batt"]
    assert fixture_atlas.names("regions")["371681"] == {"name_zh": "邹平市", "name_en": "Zouping", "level": "county",
                                                        "parent": "371600"}


def test_node_page_by_hand(fixture_atlas):
    page = fixture_atlas.node_page("铝", "电解铝")
    assert isinstance(page, NodeOverview) and page.node["id"] == "alu.primary"
    assert [i["source_node"] for i in page.inputs] == ["alu.alumina"]
    assert sorted(o["target_node"] for o in page.outputs) == ["alu.foil", "alu.furniture", "alu.rod", "alu.wheel"]
    prefectures = page.leaders["prefecture"]
    assert [r["region"] for r in prefectures] == ["150200", "371600", "371500"]  # 100, 60, 40 万吨
    assert [r["quantity"] for r in prefectures] == [1_000_000.0, 600_000.0, 400_000.0]
    # Shandong and Inner Mongolia both make 100 万吨: the one with more firms leads
    assert [r["region"] for r in page.leaders["province"]] == ["370000", "150000"]
    assert list(page.firms["enterprise_id"]) == ["fx-baotou-al", "fx-hongqiao", "fx-xinfa"]
    with pytest.raises(UnknownNode):
        fixture_atlas.node_page("batt", "alu.primary")  # a node of another chain


def test_map_view_by_hand(fixture_atlas):
    firms = fixture_atlas.map_view()
    assert isinstance(firms, MapView) and len(firms.to_dict()["tiles"]) == 34
    assert {c: v for c, v in firms.values.items() if v} == {"370000": 4, "150000": 2, "340000": 2}
    cover = fixture_atlas.map_view("alu", "coverage")
    # of the chain's 8 links, Shandong has alumina, primary, rod and cable; Anhui furniture and foil
    assert cover.values["370000"] == pytest.approx(4 / 8) and cover.values["340000"] == pytest.approx(2 / 8)
    assert cover.to_dict()["chain"] == {"id": "alu", "name_zh": "铝产业链", "name_en": "Aluminium (toy)"}


@pytest.mark.parametrize(("path", "ask"), [
    ("/chains/alu/nodes/alu.primary.json", lambda a: a.node_page("alu", "alu.primary")),
    ("/chains/铝/nodes/电解铝.json", lambda a: a.node_page("alu", "alu.primary")),
    ("/chains/batt/nodes/alu.foil.json", lambda a: a.node_page("batt", "alu.foil")),
    ("/map.json", lambda a: a.map_view()),
    ("/map.json?chain=alu", lambda a: a.map_view("alu")),
    ("/map.json?chain=alu&measure=coverage", lambda a: a.map_view("alu", "coverage")),
    ("/map.json?chain=alu&measure=output_value", lambda a: a.map_view("alu", "output_value")),
])
def test_twins_equal_the_facade(web, fixture_atlas, path, ask):
    assert twin(web, path) == json.loads(json.dumps(ask(fixture_atlas).to_dict()))


@pytest.mark.parametrize(("path", "args"), [
    ("/chains/alu/nodes/alu.primary.json", ["chain", "node", "alu", "alu.primary"]),
    ("/map.json?chain=alu&measure=coverage", ["map", "--chain", "alu", "--measure", "coverage"]),
    ("/map.json", ["map"]),
])
def test_cli_prints_the_twin(web, fixture_db, path, args):
    result = CliRunner().invoke(cli_app, ["--db", str(fixture_db), *args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == twin(web, path)


def test_diagnosis_page_computes_its_peers_once(fixture_db, monkeypatch):
    """One comparison per page, on the facade's peers (the region report's), not one more to find them."""
    web = create_app(fixture_db)
    calls: list[tuple[str, tuple]] = []
    for name in ("compare", "peers"):
        original = getattr(Atlas, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            calls.append((_name, args))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Atlas, name, spy)
    status, _, html = render_get(web, "/regions/371500/chains/alu")
    assert status == 200
    assert [c[0] for c in calls] == ["peers", "compare"]
    peers = web.state.reader.atlas.peers("371500", "alu")
    assert calls[1][1][1] == peers and peers[0] == "371500"
    assert all(f"/regions/{code}/chains/alu" in html for code in peers[1:])


def test_one_quadrant_chart_for_report_and_web(web, fixture_atlas):
    opps = fixture_atlas.opportunities("371600", "alu").to_dict()
    report = charts.quadrant(opps)
    status, _, html = render_get(web, "/regions/371600/opportunities?chain=alu")
    assert status == 200 and report is not None
    page = charts.quadrant(opps, lambda nid: f"/regions/371600/targets?node={nid}")
    # the same traces, colours and sizes; the page's points also carry where a click leads
    for r, p in zip(report["data"], page["data"], strict=True):
        assert {k: v for k, v in p.items() if k != "customdata"} == r
        assert all(u.startswith("/regions/371600/targets?node=") for u in p["customdata"])
    assert all(c in html for c in (charts.ACTION_COLOURS[t["name"].split(" ")[1]] for t in page["data"]))


def test_one_route_table(fixture_db):
    routes = starlette_routes(token=False)
    paths = [r.path for r in routes]
    for entry in ROUTES:
        if entry.needs_token:
            assert entry.path not in paths
        elif entry.raw:
            assert entry.path in paths
        else:
            assert {entry.path, ("/index" if entry.path == "/" else entry.path) + ".json"} <= set(paths)
            assert (entry.path + ".xlsx" in paths) == entry.xlsx
    assert len(paths) == len(set(paths)) and "/api/import/{kind}" in [r.path for r in starlette_routes(token=True)]
    assert len(table()) == len(ROUTES) and all(row[0] in ("GET", "POST") for row in table())


@pytest.mark.parametrize("chain", ["alu", "batt"])
def test_map_view_equals_comparing_the_provinces(fixture_atlas, chain):
    """The map's one vectorised pass gives what diagnosing each province and comparing them gives."""
    codes = [c for c, r in fixture_atlas.names("regions").items() if r["level"] == "province"]
    rows = {r["region"]: r for r in fixture_atlas.compare(chain, codes).to_dict()["regions"]}
    coverage = fixture_atlas.map_view(chain, "coverage").values
    value = fixture_atlas.map_view(chain, "output_value").values
    for code in codes:
        assert coverage[code] == pytest.approx(rows[code]["coverage"])
        expected = rows[code]["output_value"]
        assert value[code] == (None if expected is None else pytest.approx(expected / 1e8))
