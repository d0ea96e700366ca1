"""The tile grid of China's 34 provincial-level regions: one equal square per region, placed roughly
where it lies (rows run north → south, columns west → east).

Why a grid and not boundaries: a map with official boundaries must be an approved map in China, and
equal squares give small regions (Shanghai, Macao) the same visual weight as large ones. The grid is
data (a map view's ``tiles`` carry it, so the CLI and the dashboard print the same); drawing it is the
dashboard's job.
"""

from __future__ import annotations

# code: (row, col, short Chinese name, short English name)
TILES: dict[str, tuple[int, int, str, str]] = {
    "230000": (0, 6, "黑龙江", "Heilongjiang"),
    "150000": (1, 3, "内蒙古", "Inner Mongolia"), "110000": (1, 4, "北京", "Beijing"),
    "210000": (1, 5, "辽宁", "Liaoning"), "220000": (1, 6, "吉林", "Jilin"),
    "650000": (2, 0, "新疆", "Xinjiang"), "620000": (2, 1, "甘肃", "Gansu"), "640000": (2, 2, "宁夏", "Ningxia"),
    "140000": (2, 3, "山西", "Shanxi"), "130000": (2, 4, "河北", "Hebei"), "120000": (2, 5, "天津", "Tianjin"),
    "630000": (3, 1, "青海", "Qinghai"), "610000": (3, 2, "陕西", "Shaanxi"), "410000": (3, 3, "河南", "Henan"),
    "370000": (3, 4, "山东", "Shandong"),
    "540000": (4, 0, "西藏", "Tibet"), "510000": (4, 1, "四川", "Sichuan"), "500000": (4, 2, "重庆", "Chongqing"),
    "420000": (4, 3, "湖北", "Hubei"), "340000": (4, 4, "安徽", "Anhui"), "320000": (4, 5, "江苏", "Jiangsu"),
    "310000": (4, 6, "上海", "Shanghai"),
    "530000": (5, 1, "云南", "Yunnan"), "520000": (5, 2, "贵州", "Guizhou"), "430000": (5, 3, "湖南", "Hunan"),
    "360000": (5, 4, "江西", "Jiangxi"), "330000": (5, 5, "浙江", "Zhejiang"),
    "450000": (6, 2, "广西", "Guangxi"), "440000": (6, 3, "广东", "Guangdong"), "350000": (6, 4, "福建", "Fujian"),
    "710000": (6, 6, "台湾", "Taiwan"),
    "460000": (7, 2, "海南", "Hainan"), "820000": (7, 3, "澳门", "Macao"), "810000": (7, 4, "香港", "Hong Kong"),
}


def tiles(values: dict[str, float | None]) -> list[dict]:
    """The grid as data: code, position, short names and ``values[code]`` per provincial-level region.

    >>> tiles({"110000": 3.0})[1]
    {'code': '150000', 'row': 1, 'col': 3, 'name_zh': '内蒙古', 'name_en': 'Inner Mongolia', 'value': None}
    """
    return [{"code": code, "row": r, "col": c, "name_zh": zh, "name_en": en, "value": values.get(code)}
            for code, (r, c, zh, en) in TILES.items()]
