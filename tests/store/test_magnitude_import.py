"""Imports refuse impossible magnitudes, naming file, row, field and bound, and write nothing."""


import pytest

from chainatlas import ImportRowError

PROD = "enterprise_id,node_id,year,capacity,output,quantity_unit,revenue,revenue_unit,source_id,note\n"
OBS = "subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note\n"


@pytest.fixture()
def atlas(writable_shipped):
    return writable_shipped


def _refused(atlas, kind, path, text):
    path.write_text(text, encoding="utf-8")
    before = atlas.store.counts()
    with pytest.raises(ImportRowError) as exc:
        atlas.import_file(kind, path)
    assert atlas.store.counts() == before
    return str(exc.value)


def test_a_billion_tonnes_of_primary_aluminium_is_refused(atlas, tmp_path):
    message = _refused(atlas, "production", tmp_path / "prod.csv",
                       PROD + "xinfa-group,aluminium.primary,2023,,1000000000,t,,,fm-gsxt,typo\n")
    assert "prod.csv row 1 field 'output'" in message
    assert "national output of aluminium.primary in 2023 (4.159e+07 t)" in message


def test_a_six_millimetre_battery_foil_is_refused(atlas, tmp_path):
    message = _refused(atlas, "observations", tmp_path / "obs.csv",
                       OBS + "node,copper.foil-battery,,thickness,2024,6,mm,fm-gsxt,\n")
    assert "obs.csv row 1 field 'value'" in message and "3–12 µm" in message


def test_a_share_above_one_hundred_percent_is_refused(atlas, tmp_path):
    message = _refused(atlas, "observations", tmp_path / "obs.csv",
                       OBS + "region,371600,aluminium.primary,output_share_national,2023,240.4,%,fm-gsxt,\n")
    assert "field 'value'" in message and ("0–100 %" in message or "at most 100" in message)


def test_a_region_above_the_nation_is_refused(atlas, tmp_path):
    message = _refused(atlas, "observations", tmp_path / "obs.csv",
                       OBS + "region,371500,aluminium.primary,output,2023,5000,万吨,fm-gsxt,\n")
    assert "field 'value'" in message and "national output of aluminium.primary in 2023" in message


def test_a_plausibility_rule_on_an_unknown_indicator_is_refused(atlas, tmp_path):
    message = _refused(atlas, "plausibility", tmp_path / "rules.csv",
                       "node_id,indicator,min,max,unit\nphotovoltaics.wafer,thikness,100,200,µm\n")
    assert "field 'indicator'" in message and "a defined indicator" in message


def test_plausible_figures_still_import(atlas, tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(OBS + "node,copper.foil-battery,,thickness,2024,6,µm,fm-gsxt,\n", encoding="utf-8")
    atlas.import_file("observations", path)


def test_a_national_figure_below_a_stored_regional_one_is_refused(atlas, tmp_path):
    """Shanxi's 2023 raw coal (13.57 亿吨) is stored; a national 2023 figure of 10 亿吨 cannot be right."""
    message = _refused(atlas, "observations", tmp_path / "obs.csv",
                       OBS + "region,100000,coal-chemicals.raw-coal,output,2023,10,亿吨,out-nbs-energy-2023-12,\n")
    assert "obs.csv row 1 field 'value'" in message and "at least the stored output of 140000" in message
