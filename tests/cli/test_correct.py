"""`chainatlas correct`: a user's fix overrides a shipped record, keeps who/when/why, survives `init`."""

import shutil

from typer.testing import CliRunner

from chainatlas import open_atlas
from chainatlas.cli.main import app

runner = CliRunner()
HEADER = "target_kind,target_key,field,value,author,date,reason,source_id\n"


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_correction_overrides_keeps_provenance_and_survives_init(shipped_db, tmp_path):
    db = tmp_path / "atlas.duckdb"
    shutil.copy(shipped_db, db)
    fix = tmp_path / "fix.csv"
    fix.write_text(HEADER + "enterprises,tongguan-copper-foil-tongling,region,340705,Li Lei,2026-05-01,"
                   "plant sits in Tongguan District per the 2022 filing,fm-news-tongling-foil-2022\n"
                   "production,yunnan-shenhuo|aluminium.primary|2023,capacity,,Li Lei,2026-05-01,"
                   "figure could not be traced to the annual report,\n", encoding="utf-8")
    result = run(db, "correct", str(fix))
    assert result.exit_code == 0, result.output
    assert "applied 2 correction(s)" in result.stdout

    def looks_corrected():
        with open_atlas(db, read_only=True) as a:
            firm = a.table("enterprises").set_index("id").loc["tongguan-copper-foil-tongling"]
            assert firm["region"] == "340705"
            source = a.table("sources").set_index("id").loc[firm["source_id"]]
            assert source["kind"] == "user" and source["publisher"] == "Li Lei" and source["date"] == "2026-05-01"
            assert "Tongguan District" in source["note"] and "was 340700" in source["note"]
            assert "fm-news-tongling-foil-2019" in source["note"]  # the source it replaced stays named
            prod = a.table("production").set_index(["enterprise_id", "node_id", "year"])
            assert prod.loc[("yunnan-shenhuo", "aluminium.primary", 2023), "capacity"] != \
                prod.loc[("yunnan-shenhuo", "aluminium.primary", 2023), "capacity"]  # cleared (NaN)
            assert len(a.corrections_of("enterprises", "tongguan-copper-foil-tongling")) == 1

    looks_corrected()
    assert (tmp_path / "atlas.duckdb.corrections.csv").exists()
    # a rebuilt store (init --force deletes the file) gets the corrections back from the side file
    result = run(db, "init", "--force")
    assert result.exit_code == 0, result.output
    looks_corrected()


def test_a_bad_correction_is_refused_whole(shipped_db, tmp_path):
    db = tmp_path / "atlas.duckdb"
    shutil.copy(shipped_db, db)
    fix = tmp_path / "fix.csv"
    fix.write_text(HEADER + "enterprises,tongguan-copper-foil-tongling,region,340705,Li Lei,2026-05-01,ok,\n"
                   "production,xinfa-group|aluminium.primary|2023,output,1000000000,Li Lei,2026-05-01,typo,\n"
                   "enterprises,no-such-firm,region,340705,Li Lei,2026-05-01,x,\n", encoding="utf-8")
    result = run(db, "correct", str(fix))
    assert result.exit_code != 0
    assert "row 3 field 'target_key'" in result.output
    with open_atlas(db) as a:  # the same configuration as the command's connection
        assert a.table("enterprises").set_index("id").loc["tongguan-copper-foil-tongling", "region"] == "340700"
        assert a.store.frame("SELECT count(*) AS n FROM corrections")["n"].iloc[0] == 0
    # without the unknown firm, the 1e9 t output still breaks the national cap: nothing is written
    fix.write_text(HEADER + "enterprises,tongguan-copper-foil-tongling,region,340705,Li Lei,2026-05-01,ok,\n"
                   "production,yunnan-shenhuo|aluminium.primary|2023,output,1000000000,Li Lei,2026-05-01,typo,\n",
                   encoding="utf-8")
    result = run(db, "correct", str(fix))
    assert result.exit_code != 0 and "national output of aluminium.primary in 2023" in result.output
    with open_atlas(db) as a:
        assert a.table("enterprises").set_index("id").loc["tongguan-copper-foil-tongling", "region"] == "340700"
