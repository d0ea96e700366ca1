"""Regenerate ``src/chainatlas/reference/data/observations/baselines.csv``.

Why a script: the diagnosis compares a link's national share with the region's share of the
national economy, so every province and prefecture needs the same-year baselines (GDP,
industrial value added, resident population). The prefecture populations come from a
333-row table; generating them from that table keeps the CSV reviewable and repeatable.

Year: 2020, the year of the Seventh National Population Census, the only year for which a
resident population of every prefecture is published on one basis.

Sources (ids refer to ``sources/baselines.csv``):
- Prefectures, population: ``../shared/external/census/census_city_2010-2020_v1.csv``
  (leiii/census, MIT; digitised from the local census bulletins) -> ``bl-census-city-2020``.
- Provinces and the nation, population: NBS census communiqués -> ``bl-nbs-census-2020``.
  The 31 provincial totals are typed below from the communiqué; they agree with the sums of
  the census table's prefectures to the person for 25 provinces (a test checks this).
- Provinces, GDP: China Statistical Yearbook 2021, table 3-9 -> ``bl-nbs-yearbook-2021-gdp``.
- The nation, GDP: NBS annual GDP 2020 as published in 2021 -> ``bl-nbs-gdp-2020``.
- The nation, secondary-industry value added: the same NBS release -> ``bl-nbs-gdp-2020``.
- Prefectures, GDP and (where printed) secondary-industry value added: the 2020 preliminary figures
  each city's statistics bureau published in its statistical communiqué (国民经济和社会发展统计公报)
  or press release, read directly, in a mirror or in a press report, a few in a third-party
  compilation cross-checked as its source note says; one source per city (``PREFECTURE_GDP``
  below). Only cities whose figures could be read are listed; the rest stay out until a source of
  the same year is found (tests report the coverage).
Industrial value added is not in these sources and stays out likewise; secondary-industry value
added (industry + construction) is kept as its own indicator, never relabelled as industrial.

Run: ``python tools/build_baselines.py [CENSUS_CSV]``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/chainatlas/reference/data"
OUT = DATA / "observations/baselines.csv"
CENSUS = ROOT.parent / "shared/external/census/census_city_2010-2020_v1.csv"
YEAR = 2020
COLUMNS = ["subject_kind", "subject_id", "node_id", "indicator", "year", "value", "unit",
           "source_id", "note", "comparator"]

# 第七次全国人口普查公报（第三号）: resident population by province on 2020-11-01, persons.
PROVINCE_POPULATION = {
    "110000": 21893095, "120000": 13866009, "130000": 74610235, "140000": 34915616,
    "150000": 24049155, "210000": 42591407, "220000": 24073453, "230000": 31850088,
    "310000": 24870895, "320000": 84748016, "330000": 64567588, "340000": 61027171,
    "350000": 41540086, "360000": 45188635, "370000": 101527453, "410000": 99365519,
    "420000": 57752557, "430000": 66444864, "440000": 126012510, "450000": 50126804,
    "460000": 10081232, "500000": 32054159, "510000": 83674866, "520000": 38562148,
    "530000": 47209277, "540000": 3648100, "610000": 39528999, "620000": 25019831,
    "630000": 5923957, "640000": 7202654, "650000": 25852345,
}
# 第七次全国人口普查公报（第二号）: the nation, including 2,000,000 active servicemen who
# belong to no province (so the provinces add to 1,409,778,724).
NATION_POPULATION = 1411778724

# 中国统计年鉴2021, 表3-9 地区生产总值 (2020年), 亿元, current prices.
PROVINCE_GDP = {
    "110000": 36102.55, "120000": 14083.73, "130000": 36206.89, "140000": 17651.93,
    "150000": 17359.82, "210000": 25114.96, "220000": 12311.32, "230000": 13698.50,
    "310000": 38700.58, "320000": 102718.98, "330000": 64613.34, "340000": 38680.63,
    "350000": 43903.89, "360000": 25691.50, "370000": 73129.00, "410000": 54997.07,
    "420000": 43443.46, "430000": 41781.49, "440000": 110760.94, "450000": 22156.69,
    "460000": 5532.39, "500000": 25002.79, "510000": 48598.76, "520000": 17826.56,
    "530000": 24521.90, "540000": 1902.74, "610000": 26181.86, "620000": 9016.70,
    "630000": 3005.92, "640000": 3920.55, "650000": 13797.58,
}
# NBS: 2020 GDP 1,015,986.2 亿元 (annual figure as published in 2021).
NATION_GDP = 1015986.2

# NBS, same release as NATION_GDP: 2020 secondary-industry value added 384,255.3 亿元.
NATION_SECONDARY = 384255.3

# Prefecture GDP 2020 and, where the source prints the three-industry split, its secondary-industry
# value added, both 亿元 at current prices as first published (初步核算, early 2021); code ->
# (GDP, secondary or None, source id in sources/baselines.csv). Cities publish before the provincial
# yearbook, so a later yearbook figure may differ slightly; each value is the one its source prints.
# The source note says what kind of source it is: the city's own communiqué or release (read directly
# or in a mirror), a press report of the bureau's release, or a third-party compilation (weakest;
# kept only with a cross-check recorded in the note).
PREFECTURE_GDP = {
    # Shanxi
    "140100": (4153.25, 1504.19, "bl-taiyuan-release-2020"),    # 太原市统计局 release, two reprints agree
    "140400": (1711.6, None, "bl-changzhi-compilation-2020"),  # compilation; see its note
    "140500": (1425.7, 762.9, "bl-jincheng-bulletin-2020"),     # 晋城市统计局, 2021-03-25
    "140600": (1100.5, 440.4, "bl-shuozhou-release-2020"),      # 朔州市统计局 via 山西经济日报, 2021-02-07
    # Inner Mongolia
    "150200": (2787.4, 1153.0, "bl-baotou-bulletin-2020"),      # 包头市统计局, 2021-04-06
    "150600": (3533.7, 2005.5, "bl-ordos-release-2020"),        # 353.37 / 200.55 billion yuan, via China Daily
    "152900": (304.8, 173.6, "bl-alxa-bulletin-2020"),          # 阿拉善盟统计局, 2021-03-09
    # Jiangsu
    "320200": (12370.48, 5751.19, "bl-wuxi-bulletin-2020"),     # 无锡市统计局/调查队, 2021-02-24
    "320400": (7805.3, 3616.2, "bl-changzhou-release-2020"),    # two reprints of the bureau's figures agree
    "320500": (20170.5, 9385.6, "bl-suzhou-release-2020"),      # reprint of the bureau's preliminary figures
    # Zhejiang
    "330200": (12408.7, 5693.9, "bl-ningbo-bulletin-2020"),     # 宁波市统计局/调查队, 2021-02-24
    "330400": (5509.52, 2861.09, "bl-jiaxing-release-2020"),    # preliminary; the final 5563.58 has no split
    # Anhui
    "340700": (1003.7, None, "bl-tongling-compilation-2020"),  # compilation; see its note
    # Jiangxi
    "360100": (5745.51, None, "bl-jiangxi-cities-compilation-2020"),
    "360300": (963.60, 420.31, "bl-pingxiang-bulletin-2020"),   # 萍乡市统计局, 2021-04-07
    "360400": (3240.5, None, "bl-jiangxi-cities-compilation-2020"),
    "360600": (982.66, None, "bl-yingtan-compilation-2020"),   # compilation; see its note
    "360700": (3645.20, 1389.19, "bl-ganzhou-bulletin-2020"),   # 赣州市统计局
    "361100": (2624.3, None, "bl-shangrao-compilation-2020"),  # compilation; see its note
    # Shandong
    "370100": (10140.9, 3530.7, "bl-jinan-bulletin-2020"),      # 济南市统计局/调查队, 2021-04-02
    # Guangdong
    "440300": (27670.24, None, "bl-shenzhen-release-2020"),     # 深圳市统计局 at the 2021-02-02 press conference
    # Shaanxi
    "610100": (10020.39, None, "bl-xian-release-2020"),         # 西安市统计局, 2021-01-21
}


def persons_to_wan(persons: int) -> str:
    """万人 with four decimals: exact, so the census count can be recovered."""
    return f"{persons / 10000:.4f}"


def region_rows(level: str) -> list[dict[str, str]]:
    with open(DATA / "regions.csv", encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["level"] == level]


def census_prefectures(path: Path) -> dict[str, int]:
    """Prefecture code -> 2020 census population (persons), rows without a 2020 figure skipped."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["city_code"]: int(r["popu_2020"]) for r in rows if r["popu_2020"].strip()}


def row(code: str, indicator: str, value: str, unit: str, source: str, note: str) -> dict[str, str]:
    return {"subject_kind": "region", "subject_id": code, "node_id": "", "indicator": indicator,
            "year": str(YEAR), "value": value, "unit": unit, "source_id": source, "note": note,
            "comparator": ""}


def build(census_path: Path) -> list[dict[str, str]]:
    provinces = {r["code"] for r in region_rows("province")}
    unknown = (set(PROVINCE_GDP) | set(PROVINCE_POPULATION)) - provinces
    if unknown:
        raise SystemExit(f"build_baselines: codes not in regions.csv: {sorted(unknown)}")
    prefectures = {r["code"]: r["parent"] for r in region_rows("prefecture")}
    unknown = set(PREFECTURE_GDP) - set(prefectures)
    if unknown:
        raise SystemExit(f"build_baselines: prefecture codes not in regions.csv: {sorted(unknown)}")
    for code, (gdp, secondary, _) in PREFECTURE_GDP.items():
        if gdp >= PROVINCE_GDP[prefectures[code]] or (secondary is not None and not 0 < secondary < gdp):
            raise SystemExit(f"build_baselines: {code}: GDP {gdp} / secondary {secondary} do not fit (亿元?)")
    census = census_prefectures(census_path)
    out = [
        row("100000", "gdp", f"{NATION_GDP:.1f}", "亿元", "bl-nbs-gdp-2020", "national GDP, current prices"),
        row("100000", "secondary_value_added", f"{NATION_SECONDARY:.1f}", "亿元", "bl-nbs-gdp-2020",
            "national secondary-industry value added, current prices"),
        row("100000", "population_resident", persons_to_wan(NATION_POPULATION), "万人", "bl-nbs-census-2020",
            "census day 2020-11-01; includes 2,000,000 active servicemen not counted in any province"),
    ]
    for code in sorted(PROVINCE_GDP):
        out.append(row(code, "gdp", f"{PROVINCE_GDP[code]:.2f}", "亿元", "bl-nbs-yearbook-2021-gdp",
                       "table 3-9, current prices"))
        out.append(row(code, "population_resident", persons_to_wan(PROVINCE_POPULATION[code]), "万人",
                       "bl-nbs-census-2020", "census day 2020-11-01"))
    missing = []
    for region in sorted(region_rows("prefecture"), key=lambda r: r["code"]):
        code = region["code"]
        if code not in census:
            missing.append(code)
            continue
        out.append(row(code, "population_resident", persons_to_wan(census[code]), "万人", "bl-census-city-2020",
                       "census day 2020-11-01, 2020 boundaries"))
        if code in PREFECTURE_GDP:
            gdp, secondary, source = PREFECTURE_GDP[code]
            out.append(row(code, "gdp", f"{gdp:.10g}", "亿元", source,
                           "city's preliminary figure (初步核算), current prices; the source note says where it was read"))
            if secondary is not None:
                out.append(row(code, "secondary_value_added", f"{secondary:.10g}", "亿元", source,
                               "secondary industry (industry + construction), same release as the city's GDP"))
    if missing:
        print(f"no 2020 census population for {len(missing)} prefectures: {missing}", file=sys.stderr)
    return out


def main() -> None:
    census_path = Path(sys.argv[1]) if len(sys.argv) > 1 else CENSUS
    rows = build(census_path)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
