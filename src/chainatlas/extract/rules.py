"""The words that turn a number into a fact: indicator keywords, bounds, periods, units.

Why as data: each rule is one line a reviewer can read and correct (超过 → ">", 以上 → ">="), and a
new synonym is a new entry, not new code. Chinese and English sit side by side.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- indicators
# keyword → indicator family; the family becomes an indicator id once the number's kind is known
# (a currency figure after 营业收入 is revenue, a percentage after it is revenue growth).
ZH_KEYWORDS: list[tuple[str, str]] = [
    (r"主营业务收入|主营收入|营业收入|销售收入|营收|收入|销售额", "revenue"),
    (r"工业总产值|总产值|产值", "output_value"),
    (r"利润总额|利润", "profit"),
    (r"增加值", "industrial_value_added"),
    (r"研发经费|研发投入|R&D经费|研究与试验发展经费", "rd_spending"),
    (r"新增[^，,。；;]{0,8}装机(?:容量|规模)?", "installed_capacity_added"),
    (r"装机容量|累计装机|装机规模|装机|光伏容量", "installed_capacity"),
    (r"生产能力|加工能力|产能", "capacity"),
    (r"产量|生产|产出|年产|产品", "output"),
    (r"厚度|厚", "thickness"),
    (r"出口|进口|投资|消费|装车量|销量|储量|日均|需求|员工|人员|用电量|用电", "skip"),
]
EN_KEYWORDS: list[tuple[str, str]] = [
    (r"operating (?:revenue|income)|revenue|sales revenue|income|sold", "revenue"),
    (r"output value|gross output|production value", "output_value"),
    (r"profits?", "profit"),
    (r"value added|added value", "industrial_value_added"),
    (r"R&D (?:spending|expenditure|investment)", "rd_spending"),
    (r"newly installed(?: capacity)?|new installations?|added capacity", "installed_capacity_added"),
    (r"installed capacity|cumulative capacity|installations?", "installed_capacity"),
    (r"production capacity|capacity", "capacity"),
    (r"outputs?|production|produced|produce|manufactured|made|production lines", "output"),
    (r"thick(?:ness)?", "thickness"),
    (r"exports?|exported|imports?|imported|investment|invest|consumption|consumed|reserves|demand|daily", "skip"),
]
ZH_GROWTH = r"同比增长|增长|增速|提高|上升|增加"
ZH_DECLINE = r"同比下降|下降|减少|下滑"
EN_GROWTH = r"increase[sd]?|increasing|up|grew|grow|growth|rose|rise|rising|surged?|soared|jumped|higher|more than in|more|on year|year[- ]on[- ]year"
EN_DECLINE = r"dropped|drop|down|fell|fall|declined?|decreased?|lower"
ZH_SHARE = r"占"
EN_SHARE = r"account(?:ing|s|ed)? for|occupied|occupies|made up|share of|produced|of which"

# the indicators with a growth twin in the atlas (growth of X is X_growth)
GROWTH_OF = {
    "output": "output_growth", "revenue": "revenue_growth", "output_value": "output_value_growth",
    "profit": "profit_growth", "industrial_value_added": "industrial_value_added_growth",
    "installed_capacity_added": "installed_capacity_added_growth", "rd_spending": "rd_spending_growth",
    "pv_manufacturing_revenue": "revenue_growth",
}
RANK_OF = {
    "output": "output_rank", "revenue": "revenue_rank", "capacity": "capacity_rank",
    "industrial_value_added": "industrial_value_added_rank", "installed_capacity": "installed_capacity_rank",
    "pv_manufacturing_revenue": "pv_manufacturing_revenue_rank",
}
SHARE_OF = {"output": "output_share_national", "capacity": "capacity_share_national"}
# sector wording that has its own indicator in the atlas
SECTOR_INDICATORS: list[tuple[str, dict[str, str]]] = [
    (r"光伏设备及元器件制造|光伏制造业|PV manufacturing",
     {"revenue": "pv_manufacturing_revenue", "revenue_rank": "pv_manufacturing_revenue_rank"}),
]

# firm counts
ZH_FIRM_KINDS = [(r"规模以上|规上", "firms_above_size"), (r"高新技术企业|高企", "high_tech_firms"),
                 (r"重点企业|骨干企业|龙头企业", "key_firms")]
EN_FIRM_KINDS = [(r"above designated size", "firms_above_size"), (r"high-tech", "high_tech_firms"),
                 (r"key (?:enterprises|companies|firms)", "key_firms")]
ZH_PLATFORM = r"平台|技术中心|重点实验室|工程研究中心|创新中心"
EN_PLATFORM = r"platforms?|technology centres?|technology centers?|key laborator(?:y|ies)"

# ---------------------------------------------------------------- bounds
ZH_BEFORE_CMP: list[tuple[str, str]] = [
    (r"超过|超|逾|突破|多于|高于", ">"), (r"接近|将近|近乎|近|约为|约|大约|大概", "~"),
    (r"不足|不到|少于|低于", "<"), (r"至少|不少于|不低于", ">="), (r"最多|不超过", "<="),
]
ZH_AFTER_CMP: list[tuple[str, str]] = [(r"以上", ">="), (r"多|余", ">"), (r"左右|上下", "~"), (r"以下|以内", "<=")]
EN_BEFORE_CMP: list[tuple[str, str]] = [
    (r"more than|over|above|exceed(?:s|ed|ing)?|surpass(?:es|ed|ing)?|topped|in excess of|upwards of", ">"),
    (r"nearly|almost|close to|approaching|about|around|approximately|roughly|some|an estimated", "~"),
    (r"at least|no less than", ">="), (r"less than|fewer than|under|below", "<"), (r"up to|at most", "<="),
]

# ---------------------------------------------------------------- periods
ZH_PERIODS: list[tuple[str, str]] = [
    (r"上半年", "H1"), (r"下半年", "H2"), (r"前三季度", "1-9"), (r"第一季度|一季度", "1-3"),
    (r"(\d{1,2})\s*[-—至到~]\s*(\d{1,2})\s*月(?:份)?", "{0}-{1}"),
    (r"前\s*(\d{1,2})\s*(?:个)?月", "1-{0}"),
    (r"(?<![\d\-至到前])(\d{1,2})\s*月份?(?![\d日]|投产|开工|建成|以来|底|末|初)", "M{0}"),
]
EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december"]
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
EN_PERIODS: list[tuple[str, str]] = [
    (r"first half", "H1"), (r"second half", "H2"), (r"first three quarters|first nine months", "1-9"),
    (r"first quarter", "1-3"), (r"first (two|three|four|five|six|seven|eight|nine|ten|eleven) months", "1-{w0}"),
    (rf"{_MONTH}\s*(?:-|–|to|through)\s*{_MONTH}", "{m0}-{m1}"),
    (rf"(?:in|of|for|during)\s+{_MONTH}(?!\s+\d{{1,2}}\b)|{_MONTH} alone", "M{m0}"),
]
EN_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                  "ten": 10, "eleven": 11}

# ---------------------------------------------------------------- years
ZH_COMPARISON_BASE = re.compile(r"比上年|较上年|上年同期|去年同期|同比|比去年|较去年|与上年相比")
EN_COMPARISON_BASE = re.compile(
    r"(?:from|over|than|compared (?:with|to)|relative to|concerning the level of|on)\s+(?:the\s+)?"
    r"(?:same period (?:of )?(?:last year|a year (?:ago|earlier)|\d{4})|(?:that of )?(?:the )?previous year|"
    r"(?:in\s+)?\d{4}|last year|a year (?:ago|earlier))|year[- ]on[- ]year|year[- ]over[- ]year|a year ago",
    re.IGNORECASE)
ZH_NOW = r"目前|现在|截至目前|当前|现有"
EN_NOW = r"at present|currently|now|to date"

# ---------------------------------------------------------------- units
# unit spellings after a number → (unit symbol known to model/units.py, or a special kind)
ZH_UNITS = [
    "千伏安时", "万千瓦时", "亿千瓦时", "千瓦时", "万千瓦", "千瓦", "平方米", "立方米", "GWh", "MWh", "kWh", "GWp", "GW", "MW", "kW",
    "KW", "Wh", "W", "吨", "t", "元", "辆", "家", "户", "个", "只", "台", "套", "片", "件", "块", "颗", "项", "人", "%", "％", "位", "倍",
    "微米", "μm", "µm", "um", "毫米", "mm", "纳米", "nm",
]
ZH_UNIT_SYMBOL = {"KW": "kW", "GWp": "GW", "％": "%", "千伏安时": "kVAh", "t": "t", "毫米": "mm", "微米": "µm",
                  "μm": "µm", "um": "µm", "纳米": "nm"}
EN_UNITS: list[tuple[str, str]] = [
    (r"metric tons?|metric tonnes?|tonnes?|tons?|mt\b|t\b", "t"),
    (r"yuan|RMB|CNY", "yuan"),
    (r"US dollars|dollars|USD", "usd"),
    (r"gigawatt[- ]hours?|GWh", "GWh"), (r"megawatt[- ]hours?|MWh", "MWh"), (r"kWh", "kWh"),
    (r"gigawatts?|GWp|GW", "GW"), (r"megawatts?|MWp|MW", "MW"), (r"kilowatts?|kWp|kW", "kW"),
    (r"percent|per cent|%", "%"),
    (r"(?:new energy |passenger |electric )?(?:vehicles?|cars?|NEVs?|automobiles?)", "vehicles"),
    (r"units", "units"),
    (r"(?:key |leading |high-tech |industrial )?(?:enterprises and companies|companies|enterprises|firms)", "firms"),
    (r"square met(?:re|er)s", "m²"),
    (r"millimet(?:re|er)s?|mm\b", "mm"), (r"microns?|micromet(?:re|er)s?|µm|μm|um\b", "µm"), (r"nm\b", "nm"),
    (r"pieces|pcs", "pcs"),
]
VEHICLE_CONTEXT = re.compile(r"vehicle|automobile|\bcars?\b|NEV|汽车|整车", re.IGNORECASE)

# plans, forecasts and projects under way are not facts of a stated year
ZH_FORECAST = re.compile(r"预计|力争|计划|目标|规划|将达|有望|拟|争取|到20\d\d年|在建|建成后")
EN_FORECAST = re.compile(r"\b(?:will|would|expected|expects|forecast|projected|plans?|planned|aims?|target|"
                         r"setting up|to build|under construction|is set to|enough (?:for|to))\b", re.IGNORECASE)
# a figure about a few of the firms (其中6家年产值…) is not the region's
ZH_FIRM_SUBSET = re.compile(r"(?:\d+|几|多|数)家[^，,。；;]{0,8}$")
# the last year of a five-year plan period (十二五 → 2015)
FIVE_YEAR_PLANS = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
