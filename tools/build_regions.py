"""Regenerate ``src/chainatlas/reference/data/regions.csv``.

Why a script: the division table is long and mechanical; generating it from a maintained
source keeps it reviewable (the CSV diff shows every change) and repeatable.

Source: the adcode table shipped by the ``cpca`` package (MIT, PyPI), with English names
romanised by ``pypinyin`` plus the hand-written overrides below (official English names of
provinces and later administrative changes announced by the Ministry of Civil Affairs).
Run: ``python tools/build_regions.py`` (needs ``pip install cpca pypinyin``; neither is a
runtime dependency).

County-level refresh: when ``../shared/external/Administrative-divisions-of-China`` (NBS 2023
statistical division codes, as of 2023-06-30, redistributed under the WTFPL by
modood/Administrative-divisions-of-China; override the folder with ``CHAINATLAS_ADMIN_DIVISIONS``) is
present, the county-level set is replaced by that list: obsolete codes are dropped, current ones
added with their current names, and a renamed county keeps the coordinates of the code it replaced
(``predecessors``). NBS-only statistical units (development zones, codes ``xxxx7x``) are left out:
they are not administrative divisions. Obsolete → current pairs are written to
``region_changes.csv`` next to ``regions.csv`` so old codes in users' files can be mapped.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import cpca
from pypinyin import Style, lazy_pinyin

OUT = Path(__file__).resolve().parents[1] / "src/chainatlas/reference/data/regions.csv"
CHANGES_OUT = OUT.with_name("region_changes.csv")
NBS_DIR = Path(os.environ.get("CHAINATLAS_ADMIN_DIVISIONS",
                              Path(__file__).resolve().parents[2] / "shared/external/Administrative-divisions-of-China"))
# Renamed or re-coded divisions whose Chinese stem changed too (so the stem match in
# ``predecessors`` cannot find them): old code -> current code covering the same territory.
RENAMED = {
    "130223": "130284",  # 滦县 -> 滦州市
    "130526": "130505",  # 任县 -> 任泽区
    "140227": "140215",  # 大同县 -> 云州区
    "140421": "140404",  # 长治县 -> 上党区
    "140402": "140403",  # 长治城区 (with 郊区) -> 潞州区
    "340221": "340210",  # 芜湖县 -> 湾沚区
    "350427": "350405",  # 沙县 -> 沙县区
    "360421": "360404",  # 九江县 -> 柴桑区
    "360721": "360704",  # 赣县 -> 赣县区
    "361121": "361104",  # 上饶县 -> 广信区
    "411023": "411003",  # 许昌县 -> 建安区
    "430221": "430212",  # 株洲县 -> 渌口区
    "450127": "450181",  # 横县 -> 横州市
    "510124": "510117",  # 郫县 -> 郫都区
    "511521": "511504",  # 宜宾县 -> 叙州区
    "520222": "520281",  # 盘县 -> 盘州市
    "542421": "540602",  # 那曲县 -> 色尼区
    "610125": "610118",  # 户县 -> 鄠邑区
    "610427": "610482",  # 彬县 -> 彬州市
    "371626": "371681",  # 邹平县 -> 邹平市
    "542400": "540600",  # 那曲地区 -> 那曲市
}
MAINLAND_ONLY = ("71", "81", "82")
# Points for divisions the cpca table has no point of its own for (Dingzhou and Xinji were listed
# there under Hebei's code 1390xx with Hebei's point): each row says how the point was obtained
# and from which publication; a row whose point is its parent's says why (same territory).
POINTS = OUT.with_name("region_points.csv")  # the NBS list has no Taiwan, Hong Kong or Macao rows

PROVINCE_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
    "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong",
    "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi",
    "46": "Hainan", "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan",
    "54": "Tibet", "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia",
    "65": "Xinjiang", "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}
# Changes after the cpca table was compiled (Ministry of Civil Affairs announcements).
# code -> (name_zh or None to drop, parent override or None)
CHANGES: dict[str, tuple[str | None, str | None]] = {
    "371200": (None, None),  # 莱芜市 merged into 济南市, 2019-01
    "371202": ("莱芜区", "370100"),
    "371203": ("钢城区", "370100"),
    "500228": ("梁平区", None),  # 2016-11
    "500232": ("武隆区", None),  # 2016-11
    "500229": ("城口县", None),
    "520500": ("毕节市", None),
    "520600": ("铜仁市", None),
    "650500": ("哈密市", None),
    "540200": ("日喀则市", None),
    "540300": ("昌都市", None),
    "540400": ("林芝市", None),
    "540500": ("山南市", None),
    "540600": ("那曲市", None),
    "370681": ("龙口市", None),
    "371681": ("邹平市", "371600"),  # 邹平县 became 邹平市, 2018-07 (code 371626 -> 371681)
    "371626": (None, None),
    "371603": ("沾化区", "371600"),
    "371624": (None, None),
    "542400": (None, None),  # 那曲地区 became 那曲市 (540600), 2017
}
# Place names that pypinyin reads with the wrong sound of a polyphonic character.
READINGS = {"长治": "Changzhi", "长春": "Changchun", "长沙": "Changsha", "六安": "Lu'an",
            "蚌埠": "Bengbu", "亳州": "Bozhou", "东莞": "Dongguan", "厦门": "Xiamen",
            "重庆": "Chongqing", "乐山": "Leshan", "丽水": "Lishui", "丽江": "Lijiang",
            "漯河": "Luohe", "朝阳": "Chaoyang", "吕梁": "Lüliang", "呼和浩特": "Hohhot",
            "乌鲁木齐": "Urumqi", "拉萨": "Lhasa", "哈尔滨": "Harbin", "鄂尔多斯": "Ordos",
            "呼伦贝尔": "Hulunbuir", "巴彦淖尔": "Bayannur", "乌兰察布": "Ulanqab",
            "锡林郭勒": "Xilingol", "阿拉善": "Alxa", "兴安": "Hinggan", "日喀则": "Shigatse",
            "昌都": "Qamdo", "林芝": "Nyingchi", "那曲": "Nagqu", "阿里": "Ngari",
            "克拉玛依": "Karamay", "吐鲁番": "Turpan", "喀什": "Kashgar", "和田": "Hotan",
            "阿克苏": "Aksu", "阿勒泰": "Altay", "伊犁": "Ili", "博尔塔拉": "Bortala",
            "巴音郭楞": "Bayingolin", "克孜勒苏": "Kizilsu", "果洛": "Golog", "齐齐哈尔": "Qiqihar", "天长": "Tianchang", "子长": "Zichang",
            "襄都": "Xiangdu", "信都": "Xindu", "郫都": "Pidu"}
ETHNIC_GROUPS = ["朝鲜族", "土家族", "苗族", "藏族", "羌族", "彝族", "布依族", "侗族", "哈尼族",
                 "壮族", "傣族", "白族", "景颇族", "傈僳族", "回族", "蒙古族", "蒙古", "柯尔克孜",
                 "哈萨克", "黎族", "各族", "瑶族", "满族", "土族", "撒拉族", "畲族", "仫佬族",
                 "毛南族", "仡佬族", "水族", "纳西族", "拉祜族", "佤族", "独龙族", "怒族", "普米族",
                 "傈僳", "达斡尔族", "鄂温克族", "鄂伦春族", "锡伯", "塔吉克", "东乡族", "保安族",
                 "裕固族", "维吾尔", "京族"]
SUFFIXES = [
    ("特别行政区", ""), ("维吾尔自治区", ""), ("壮族自治区", ""), ("回族自治区", ""),
    ("自治区", ""), ("省", ""), ("自治州", " Autonomous Prefecture"), ("地区", " Prefecture"),
    ("盟", " League"), ("自治县", " Autonomous County"), ("自治旗", " Autonomous Banner"),
    ("林区", " Forestry District"), ("新区", " New Area"), ("区", " District"), ("县", " County"),
    ("旗", " Banner"), ("市", ""),
]


def romanise(text: str) -> str:
    if text in READINGS:
        return READINGS[text]
    syllables = lazy_pinyin(text, style=Style.NORMAL)
    if text.startswith("长") and not text.startswith("长子"):
        syllables[0] = "chang"  # 长 in place names reads cháng (长治, 长白, 长阳), 长子 excepted
    if len(syllables) == len(text):
        # 都 in place names reads dū (成都, 宁都, 信都), never dōu
        syllables = ["du" if ch == "都" else s for ch, s in zip(text, syllables, strict=True)]
    out = []
    for i, s in enumerate(syllables):
        if i and s[:1] in "aoe":
            out.append("'")
        out.append(s)
    return "".join(out).capitalize()


PROVINCE_SHORT = {"15": "内蒙古", "45": "广西", "54": "西藏", "64": "宁夏", "65": "新疆",
                  "81": "香港", "82": "澳门"}


def english(name: str) -> tuple[str, str]:
    """Return (English name, Chinese short form) for a division name."""
    for suffix, en_suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                # 延边朝鲜族自治州 -> 延边: the English form drops the named peoples
                stripped = True
                while stripped:
                    stripped = False
                    for group in ETHNIC_GROUPS:
                        if stem.endswith(group) and len(stem) > len(group):
                            stem, stripped = stem[: -len(group)], True
            return romanise(stem) + en_suffix, stem
    return romanise(name), name


def main() -> None:
    src = Path(os.path.dirname(cpca.__file__)) / "resources" / "adcodes.csv"
    rows: dict[str, dict] = {}
    cpca_rows: dict[str, dict] = {}
    with src.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code = rec["adcode"][:6]
            name = rec["name"]
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") or code in rows:
                continue
            if code.endswith("0000"):
                level, parent = "province", ""
            elif code.endswith("00"):
                level, parent = "prefecture", code[:2] + "0000"
            else:
                level = "county"
                parent = code[:4] + "00"
            rows[code] = {"code": code, "name_zh": name, "level": level, "parent": parent,
                          "lon": rec["longitude"], "lat": rec["latitude"]}
            cpca_rows[code] = dict(rows[code])
    for code, (name, parent) in CHANGES.items():
        if name is None:
            rows.pop(code, None)
            continue
        is_county = code[4:] != "00"
        rec = rows.setdefault(code, {"code": code, "level": "county" if is_county else "prefecture",
                                     "parent": code[:4] + "00" if is_county else code[:2] + "0000",
                                     "lon": "", "lat": ""})
        rec["name_zh"] = name
        if parent:
            rec["parent"] = parent
    for rec in rows.values():
        if rec["level"] == "county" and rec["parent"] not in rows:
            # counties of municipalities and province-administered counties hang off the province
            rec["parent"] = rec["code"][:2] + "0000"
        if rec["level"] == "province":
            rec["name_en"] = PROVINCE_EN[rec["code"][:2]]
            short = PROVINCE_SHORT.get(rec["code"][:2])
            rec["short_zh"] = short or rec["name_zh"].removesuffix("省").removesuffix("市")
        else:
            rec["name_en"], rec["short_zh"] = english(rec["name_zh"])
    coords = {c: (r["lon"], r["lat"]) for c, r in cpca_rows.items() if r["lon"]}
    changes: dict[str, str] = {}
    if (NBS_DIR / "areas.csv").exists():
        changes = refresh_counties(rows, coords)
    # a division without a point of its own keeps it empty: its parent's point would place it wrongly
    for old, new in RENAMED.items():
        if new in rows and rows[new]["lon"] == "" and old in coords:
            rows[new]["lon"], rows[new]["lat"] = coords[old]
    if POINTS.exists():
        with POINTS.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                if rec["code"] in rows:
                    rows[rec["code"]]["lon"], rows[rec["code"]]["lat"] = rec["lon"], rec["lat"]
    rows["100000"] = {"code": "100000", "name_zh": "中国", "name_en": "China", "short_zh": "全国",
                      "level": "country", "parent": "", "lon": "", "lat": ""}
    for rec in rows.values():
        if rec["level"] == "province":
            rec["parent"] = "100000"
    fields = ["code", "name_zh", "name_en", "short_zh", "level", "parent", "lon", "lat"]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for code in sorted(rows):
            writer.writerow({k: rows[code][k] for k in fields})
    print(f"wrote {len(rows)} regions to {OUT}")
    if changes:
        with CHANGES_OUT.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["old_code", "old_name_zh", "new_code", "new_name_zh"])
            for old in sorted(changes):
                new = changes[old]
                writer.writerow([old, cpca_rows.get(old, {}).get("name_zh", ""), new, rows[new]["name_zh"] if new else ""])
        print(f"wrote {len(changes)} obsolete codes to {CHANGES_OUT}")


def _stem(name: str) -> str:
    for suffix in ("自治县", "县", "市", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def predecessors(obsolete: dict[str, str], added: dict[str, str]) -> dict[str, str]:
    """Obsolete county code -> the current code that replaced it in place.

    A county upgraded or re-coded keeps its stem (宁乡县 430124 -> 宁乡市 430182): one current
    code of the same stem in the same prefecture (else province) is its successor; the hand list
    ``RENAMED`` covers renamings that changed the stem. Obsolete codes merged away map to nothing.
    """
    out: dict[str, str] = {}
    for old, name in obsolete.items():
        if old in RENAMED and RENAMED[old] in added:
            out[old] = RENAMED[old]
            continue
        for scope in (4, 2):
            hits = [c for c, n in added.items() if c[:scope] == old[:scope] and _stem(n) == _stem(name)]
            if len(hits) == 1:
                out[old] = hits[0]
                break
        else:
            out[old] = ""
    return out


def refresh_counties(rows: dict[str, dict], coords: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Replace the county-level rows by the NBS 2023 list; return obsolete code -> current code."""
    with (NBS_DIR / "areas.csv").open(encoding="utf-8") as fh:
        current = {r["code"]: r["name"] for r in csv.DictReader(fh) if r["code"][4] != "7"}
    obsolete = {c: r["name_zh"] for c, r in rows.items()
                if r["level"] == "county" and c[:2] not in MAINLAND_ONLY and c not in current}
    added = {c: n for c, n in current.items() if c not in rows or rows[c]["name_zh"] != n}
    changes = predecessors(obsolete, {c: n for c, n in current.items() if c not in rows})
    for old in obsolete:
        del rows[old]
    for code, name in added.items():
        old = next((o for o, n in changes.items() if n == code), None)
        if code in rows:
            lon, lat = rows[code]["lon"], rows[code]["lat"]
        else:
            lon, lat = coords.get(old, ("", "")) if old else ("", "")
        parent = code[:4] + "00" if code[:4] + "00" in rows else code[:2] + "0000"
        en, short = english(name)
        rows[code] = {"code": code, "name_zh": name, "name_en": en, "short_zh": short, "level": "county",
                      "parent": parent, "lon": lon, "lat": lat}
    return changes



if __name__ == "__main__":
    main()
