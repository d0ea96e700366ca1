"""Briefing pages of the dashboard: each HTML page has a JSON twin equal to the facade's answer."""

import io
import json

import openpyxl
import pytest
from starlette.testclient import TestClient

from chainatlas.web.app import create_app


@pytest.fixture(scope="module")
def client(shipped_db):
    return TestClient(create_app(shipped_db), raise_server_exceptions=False, follow_redirects=True)


def test_lists_page_and_twin(client, shipped):
    twin = client.get("/regions/371600/chains/aluminium/lists.json")
    assert twin.status_code == 200
    assert twin.json() == json.loads(shipped.lists("371600", "aluminium").to_json())
    page = client.get("/regions/滨州/chains/铝/lists")
    assert page.status_code == 200 and page.url.path == "/regions/371600/chains/aluminium/lists"
    html = page.text
    for title in ("重点企业清单", "招商目标清单", "短板与卡脖子环节清单", "合作伙伴清单", "创新平台清单", "chain-map-page"):
        assert title in html
    assert "371681" not in html.split("list-leading")[1].split("</section>")[0]  # region names, not codes
    assert "邹平市" in html


def test_lists_excel_has_chinese_headers(client):
    response = client.get("/regions/371600/chains/aluminium/lists.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "重点企业清单" in book.sheetnames
    header = [c.value for c in book["重点企业清单"][1]]
    assert "名称 Name (zh)" in header and "环节 Link" in header


def test_plan_series_points_twins(client, shipped):
    plan = client.get("/regions/371600/plan.json").json()
    assert plan == json.loads(shipped.plan_progress("371600").to_json())
    assert {r["indicator"] for r in plan["rows"]} >= {"firms_target", "capacity", "output_value_target"}
    assert "规划目标与进展" in client.get("/regions/371600/plan").text
    series = client.get("/regions/371600/series.json?chain=aluminium").json()
    assert series["series"] == [json.loads(s.to_json()) for s in shipped.series_for("371600", "aluminium")]
    assert "时间序列" in client.get("/regions/371600/series?chain=aluminium").text
    points = client.get("/regions/371600/chains/aluminium/points.json").json()
    focus = [p for p in points["points"] if p["focus"]]
    assert len(focus) == 1 and focus[0]["code"] == "371600" and focus[0]["firms"] > 0
    assert "地理分布" in client.get("/regions/371600/chains/aluminium/points").text


def test_word_briefing_download(client):
    pytest.importorskip("docx")
    from chainatlas.errors import ChainAtlasError
    from chainatlas.report import figures

    try:
        figures.cjk_font()
    except ChainAtlasError:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    import docx

    response = client.get("/regions/滨州/chains/aluminium/brief.docx")
    assert response.status_code == 200 and "wordprocessingml" in response.headers["content-type"]
    assert "attachment" in response.headers["content-disposition"]
    d = docx.Document(io.BytesIO(response.content))
    assert d.paragraphs[0].text == "滨州市铝产业链简报"
    assert client.get("/regions/nowhere-at-all/chains/aluminium/brief.docx").status_code == 404
