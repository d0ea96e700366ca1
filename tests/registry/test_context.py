"""Retired region codes reach the registry's region resolver from both declared files."""

from chainatlas.registry.context import renamed_codes


def test_retired_codes_from_the_county_refresh_and_older_changes():
    codes = renamed_codes()
    assert codes["371626"] == "371681"  # 邹平县 → 邹平市 (2018), kept in regions_renamed.csv
    assert codes["130223"] == "130284"  # 滦县 → 滦州市, from the county refresh (region_changes.csv)
    assert "130421" not in codes  # 邯郸县 was abolished without a single successor


def test_the_registry_file_wins_where_both_name_a_code(tmp_path):
    (tmp_path / "region_changes.csv").write_text("old_code,old_name_zh,new_code,new_name_zh\n1,a,2,b\n3,c,4,d\n",
                                                 encoding="utf-8")
    (tmp_path / "regions_renamed.csv").write_text("old_code,old_name,code,changed,note\n1,a,9,2018,\n",
                                                  encoding="utf-8")
    assert renamed_codes(tmp_path) == {"1": "9", "3": "4"}
