"""`chainatlas check` catches each kind of defect with a precise message."""

import pytest

from chainatlas import ImportRowError

OBS = "subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note\n"


def test_fixture_passes(fixture_atlas):
    assert fixture_atlas.check().ok


def test_implausible_foil_thickness_is_refused_on_import(writable_fixture, tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(OBS + "node,alu.foil,,thickness,2024,6,mm,fx-stat,typo: meant µm\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match=r"obs.csv row 1 field 'value'.*4–200 µm"):
        writable_fixture.import_file("observations", path)
    assert writable_fixture.check().ok


def test_implausible_foil_thickness_already_stored_is_flagged(writable_fixture):
    """A store filled before the import rules existed: ``check`` still finds the 6 mm foil."""
    with writable_fixture.store.transaction() as cur:
        cur.execute("INSERT INTO observations (subject_kind, subject_id, node_id, indicator, year, value, unit, "
                    "source_id) VALUES ('node', 'alu.foil', '', 'thickness', 2024, 6000, 'µm', 'fx-stat')")
    report = writable_fixture.check()
    [finding] = report.errors
    assert finding.rule == "plausible" and finding.subject == "alu.foil"
    assert "thickness 6000 µm" in finding.message and "4–200 µm" in finding.message


def test_rule_on_an_undefined_indicator_and_figures_above_the_nation_are_flagged(writable_fixture):
    with writable_fixture.store.transaction() as cur:
        cur.execute("INSERT INTO plausibility VALUES ('alu.foil', 'thikness', 1, 2, 'µm')")
        # 1e9 t against a national 400 万吨 (4e6 t): the firm, and all firms together, exceed the nation
        cur.execute("UPDATE production SET output = 1e9 WHERE enterprise_id = 'fx-hongqiao' AND node_id = 'alu.primary'")
    messages = [f.message for f in writable_fixture.check().errors]
    assert any("names indicator 'thikness', which is not defined" in m for m in messages)
    assert any(m.startswith("firm fx-hongqiao output of alu.primary in 2023 is 1e+09 t, expected at most the "
                            "national output of alu.primary in 2023 (4e+06 t)") for m in messages)
    assert any(m.startswith("firms' output of alu.primary in 2023 add up to") for m in messages)


def test_node_without_english_name(writable_fixture, tmp_path):
    path = tmp_path / "nodes.csv"
    path.write_text("id,name_zh,name_en,stage,unit\nalu.ingot,铝锭,铝锭,midstream,t\n", encoding="utf-8")
    writable_fixture.import_file("nodes", path)
    messages = [f.message for f in writable_fixture.check().errors]
    assert "node alu.ingot lacks an English name" in messages
    assert any(f.rule == "chains" and f.subject == "alu.ingot" for f in writable_fixture.check().findings)


def test_observation_with_unknown_unit_cannot_even_be_imported(writable_fixture, tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(OBS + "region,371600,,output,2024,6,bananas,fx-stat,\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match="field 'unit'"):
        writable_fixture.import_file("observations", path)


def test_unsourced_coefficient_and_cycles_in_store(writable_fixture):
    # write around the importer to seed defects the importer would refuse
    with writable_fixture.store.transaction() as cur:
        cur.execute("INSERT INTO links VALUES ('alu.cable', 'alu.bauxite', 2.0, 't/t', NULL)")
        cur.execute("UPDATE enterprises SET region = '999999' WHERE id = 'fx-rodworks'")
        cur.execute("UPDATE nodes SET unit_value_source = NULL WHERE id = 'alu.rod'")
    writable_fixture._forget()
    rules = {(f.rule, f.subject) for f in writable_fixture.check().errors}
    assert ("sourced", "alu.cable→alu.bauxite") in rules
    assert ("regions", "fx-rodworks") in rules
    assert ("sourced", "alu.rod") in rules
    assert any(rule == "acyclic" for rule, _ in rules)
