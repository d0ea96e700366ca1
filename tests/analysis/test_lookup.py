import pytest

from chainatlas.errors import UnknownChain, UnknownRegion


@pytest.mark.parametrize("query", ["滨州", "滨州市", "Binzhou", "binzhou", "371600", " BINZHOU "])
def test_region_by_any_name(fixture_atlas, query):
    assert fixture_atlas.resolve_region(query) == "371600"


def test_county_by_short_name(fixture_atlas):
    assert fixture_atlas.resolve_region("邹平") == "371681"
    assert fixture_atlas.resolve_region("Zouping") == "371681"


def test_near_miss_suggests(fixture_atlas):
    with pytest.raises(UnknownRegion) as info:
        fixture_atlas.resolve_region("Binzou")
    assert "did you mean 滨州市 Binzhou 371600" in str(info.value)


def test_chain_aliases(fixture_atlas):
    assert fixture_atlas.resolve_chain("铝") == "alu"
    assert fixture_atlas.resolve_chain("铝产业链") == "alu"
    assert fixture_atlas.resolve_chain("Lithium battery (toy)") == "batt"
    with pytest.raises(UnknownChain):
        fixture_atlas.resolve_chain("steel")


def test_nodes_and_firms(fixture_atlas):
    assert fixture_atlas.resolve_node("电解铝") == "alu.primary"
    assert fixture_atlas.resolve_node("Primary aluminium") == "alu.primary"
    assert fixture_atlas.resolve_enterprise("1378") == "fx-hongqiao"
    assert fixture_atlas.resolve_enterprise("宏桥铝业") == "fx-hongqiao"


def test_search_both_languages(fixture_atlas):
    hits = fixture_atlas.search("铝箔").rows
    assert ("node", "alu.foil") in set(zip(hits["kind"], hits["id"], strict=True))
    hits = fixture_atlas.search("foil").rows
    assert {"alu.foil", "fx-tl-foil"} <= set(hits["id"])


def test_names_of_several_regions_are_ambiguous_unless_one_contains_the_others():
    from chainatlas.analysis.lookup import Candidate, resolve

    beijing = Candidate("110105", ("朝阳区", "朝阳"), "朝阳区 (北京市)", 3, within=("110000",))
    changchun = Candidate("220104", ("朝阳区", "朝阳"), "朝阳区 (吉林省)", 3, within=("220100", "220000"))
    city = Candidate("211300", ("朝阳市", "朝阳"), "朝阳市 (辽宁省)", 2, within=("210000",))
    county = Candidate("211321", ("朝阳县", "朝阳"), "朝阳县 (辽宁省)", 3, within=("211300", "210000"))
    match = resolve("朝阳区", [beijing, changchun, city, county])
    assert match.key is None and {c.key for c in match.ambiguous} == {"110105", "220104"}
    assert resolve("朝阳", [beijing, city, county]).key is None  # a prefecture is not picked over a district
    assert resolve("朝阳", [city, county]).key == "211300"  # 朝阳县 lies inside 朝阳市
    assert resolve("220104", [beijing, changchun]).key == "220104"
