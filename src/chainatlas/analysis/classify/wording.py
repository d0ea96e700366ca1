"""Registry wording that says *how* a firm deals with a product, declared once as data.

Why data: the verbs of 经营范围 (制造 / 销售 / 安装 …) decide whether a firm makes a product, trades
it or serves it; keeping them in one table makes the rule reviewable and the evidence explainable.
"""

from __future__ import annotations

import re

ROLES = ("producer", "trader", "service", "other")

# Verbs meaning the firm makes (or mines, refines, processes) the product.
MAKE_VERBS = (
    "制造", "生产", "加工", "冶炼", "精炼", "熔铸", "铸造", "压延", "轧制", "挤压", "拉丝", "合成", "提纯",
    "研制", "开采", "采选", "选矿", "洗选", "产销", "制备", "锻造", "压铸", "拉制", "组装", "装配", "制作", "封装", "提锂",
)
# Verbs meaning the firm buys and sells it.
TRADE_VERBS = ("销售", "批发", "零售", "经销", "代理", "贸易", "进出口", "购销", "经营", "仓储")
# Verbs meaning the firm installs, repairs, designs or advises on it.
SERVICE_VERBS = (
    "安装", "维修", "维护", "施工", "工程", "技术服务", "技术咨询", "技术开发", "技术推广", "技术转让",
    "技术交流", "研发", "检测", "设计", "运维", "咨询", "清洗", "租赁",
)

# A term right after these words names an input the firm takes in (退役动力电池 → it uses batteries).
INPUT_BEFORE = ("退役", "废旧", "回收")
# A term right before these words names what the product is for or the machine that makes it
# (锂电池用铜箔 makes foil, 铝型材挤压机 makes presses), not the firm's product.
NOT_PRODUCT_AFTER = ("用", "专用", "设备", "机械", "挤压机", "生产线", "装备", "模具", "检测仪", "配件")

# Firm-name endings of trading and service companies: the name says what the firm is.
TRADER_NAMES = ("贸易", "商贸", "经贸", "物资", "进出口", "供应链", "商行", "经销", "销售", "商店", "门市")
SERVICE_NAMES = ("安装", "工程", "建设", "建筑", "运维", "维修", "检测", "咨询", "设计院")

# Registry boilerplate carries no product information; removed before matching.
BOILERPLATE = re.compile(
    "|".join([
        r"[（(]?除依法须经批准的项目外[^）)。；;]*[）)]?",
        r"[（(]?依法须经批准的项目[^）)]*[）)]?",
        r"[（(]?不得从事[^）)]*?(?:[）)]|$)",
        r"具体经营项目以[^。；;]*为准",
        r"一般经营项目[:：]?", r"许可经营项目[:：]?", r"一般项目[:：]", r"许可项目[:：]",
        r"[（(]?以上项目[^）)。；;]*[）)]?",
        r"凭营业执照依法自主开展经营活动",
    ])
)
# Spans that exclude what they name: 不含危险化学品, 除电解铝外…
NEGATION = re.compile(r"[（(](?:不含|不包括|不涉及|除)([^）)]*)[）)]|(?:^|[，,；;])\s*(?:不含|不得生产|不得经营|不包括)([^，,；;。]*)")
SENTENCE = re.compile(r"[；;。\n]+")
PART = re.compile(r"[，,]+")

# Registration statuses of firms that still operate.
ACTIVE_STATUS = ("存续", "在业", "开业", "正常", "登记成立", "在营", "确立")

_CODE = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
# GB/T 4754-2017 classes of wholesale (51) and retail (52): a trader's code.
TRADE_DIVISIONS = ("51", "52")


def industry_code(text: str) -> str:
    """The 4-digit GB/T 4754 class in ``C3216`` / ``3216 铝冶炼`` / ``制造业-…(3216)``; '' if none."""
    if not text:
        return ""
    m = _CODE.search(text)
    return m.group(1) if m else ""


def is_active(status: str) -> bool:
    """Empty status counts as active: many exports list only operating firms."""
    status = (status or "").strip()
    return not status or any(s in status for s in ACTIVE_STATUS)
