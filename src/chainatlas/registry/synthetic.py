"""Generated registry-style rows for benchmarks and engine-equivalence tests (never for figures).

Why generated: speed and Spark-vs-local equality need millions of varied rows, and no real export may
be shipped. Rows mix chain wording (terms with make / trade / service verbs, boilerplate, negations)
with unrelated firms, in about the proportions a city registry has (most firms make nothing in a chain).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from chainatlas.analysis.classify.vocabulary import Vocabulary

COLUMNS = ["企业名称", "统一社会信用代码", "注册地址", "国标行业", "经营范围", "登记状态"]
_CC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_OTHER = ["日用百货销售", "五金产品零售", "餐饮服务", "食品销售", "服装服饰批发", "软件开发", "信息咨询服务",
          "物业管理", "家政服务", "建筑装饰材料销售", "机械设备租赁", "农产品初加工", "广告设计、代理", "会议及展览服务"]
_VERBS = ["生产、销售", "制造", "研发、生产", "销售", "批发、零售", "安装、维修", "技术服务", "加工"]
_WORDS = ["宏达", "鑫源", "华宇", "恒通", "金盛", "瑞丰", "远大", "泰和", "新锐", "永昌", "博信", "中天"]
_TAILS = ["有限公司", "科技有限公司", "新材料有限公司", "贸易有限公司", "工程有限公司", "股份有限公司"]
_STATUS = ["存续", "存续", "存续", "在业", "注销", "吊销"]
BOILER = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"


def registry_rows(n: int, vocab: Vocabulary, regions: list[dict], seed: int = 13,
                  chain_share: float = 0.35) -> Iterator[list[str]]:
    """``n`` rows of COLUMNS; ``regions`` are county records (code, name_zh) with their prefecture's
    and province's names in ``prefecture_zh`` / ``province_zh``. Credit codes are unique."""
    rng = random.Random(seed)
    terms = sorted(vocab.by_term)
    industries = sorted({c for w in vocab.nodes.values() for c in w.industry})
    for i in range(n):
        reg = regions[rng.randrange(len(regions))]
        address = f"{reg['province_zh']}{reg['prefecture_zh']}{reg['name_zh']}{rng.choice(_WORDS)}路{rng.randrange(1, 999)}号"
        items = rng.sample(_OTHER, rng.randrange(1, 4))
        name_word = rng.choice(_WORDS)
        industry = ""
        if rng.random() < chain_share:
            for _ in range(rng.randrange(1, 4)):
                items.insert(rng.randrange(len(items) + 1), f"{rng.choice(terms)}{rng.choice(_VERBS)}")
            if rng.random() < 0.3:
                name_word += rng.choice(terms)
            industry = "C" + rng.choice(industries) if rng.random() < 0.6 else ""
            if rng.random() < 0.1:
                items.append(f"（不含{rng.choice(terms)}）")
        scope = "一般项目：" + "；".join(items) + "。" + BOILER
        credit = _unique_credit(reg["code"], i)
        yield [f"{reg['prefecture_zh'][:2]}{name_word}{rng.choice(_TAILS)}", credit, address, industry, scope,
               rng.choice(_STATUS)]


def _unique_credit(region: str, i: int) -> str:
    """A valid credit code whose organisation part encodes ``i`` (unique within a generated file)."""
    digits = ""
    x = i
    for _ in range(9):
        digits = _CC[x % 31] + digits
        x //= 31
    body = "91" + region + digits
    total = sum(_CC.index(c) * w for c, w in zip(body, _W, strict=True))
    return body + _CC[(31 - total % 31) % 31]


def county_records(regions: list[dict]) -> list[dict]:
    """County records with their prefecture's and province's names (for generated addresses)."""
    by_code = {r["code"]: r for r in regions}
    out = []
    for r in regions:
        if r["level"] != "county":
            continue
        pref = by_code.get(r.get("parent") or "")
        prov = by_code.get(pref.get("parent") or "") if pref else None
        if pref and prov and pref["level"] == "prefecture" and prov["level"] == "province":
            out.append({"code": r["code"], "name_zh": r["name_zh"], "prefecture_zh": pref["name_zh"],
                        "province_zh": prov["name_zh"]})
    return out
