"""Find the numbers of a sentence with their scale and unit, as spans of the text.

Why separate from the rules that make them facts: finding "2 834万t" or "24,38 million tons" is a
question of spelling, deciding whether it is an output or an export is a question of context; each
is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chainatlas.errors import UnitError
from chainatlas.extract import numbers
from chainatlas.extract.rules import EN_UNITS, ZH_UNIT_SYMBOL, ZH_UNITS
from chainatlas.model.units import parse_unit, to_base


@dataclass
class Mention:
    """One number in a sentence: where it is, what it says, in which unit (converted to base)."""

    start: int
    end: int
    value: float
    unit: str  # base unit (t, yuan, W, kWh, %, rank, firms, vehicles…) or a unit the atlas lacks
    kind: str  # quantity | percent | share | multiple | rank | bare
    comparator_after: str = ""  # 以上 / 余 / 多 / 左右 read right after the number
    low_of_range: bool = False  # "600 to 700": the low end, so the value is a lower bound
    text: str = ""
    written_value: float | None = None  # as written (after 万/million), before conversion to base
    written_unit: str = ""


_ZH_UNIT_RE = "|".join(re.escape(u) for u in sorted(ZH_UNITS, key=len, reverse=True))
_ZH_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_CN_NUM = r"[一二两三四五六七八九十百千]+"
ZH_MENTION = re.compile(
    rf"(?P<frac>[一二三四五六七八九十]+分之[一二三四五六七八九十]+|\d+\s*/\s*\d+(?!\d)|一半|半数)"
    rf"|(?P<rank>第\s*(?:\d+|[一二三四五六七八九十]+)\s*位|(?<=[居列排位])第\s*(?:\d+|[一二三四五六七八九十]+)(?!\s*[季个冶次批届])(?:名)?)"
    rf"|(?P<num>{_ZH_NUM}|{_ZH_CN_NUM}(?=[万亿]|(?:{_ZH_UNIT_RE})))\s*(?P<cmp_mid>[多余])?\s*(?P<scale>万亿|亿|万|千万|百万)?\s*"
    rf"(?P<cmp_post>[多余])?\s*(?P<unit>{_ZH_UNIT_RE})?"
)
_EN_UNIT_RE = "|".join(f"(?:{p})" for p, _ in EN_UNITS)
EN_MENTION = re.compile(
    r"(?P<frac>(?<![A-Za-z-])(?:one[- ]half|one[- ]third|a third|two[- ]thirds|one[- ]quarter|a quarter|"
    r"three[- ]quarters|one[- ]fifth|one[- ]tenth|(?<!first )(?<!second )half)(?![A-Za-z-]))"
    r"|(?P<multiple>(?P<mnum>\d+(?:\.\d+)?|two|three|four|five|ten)[- ]?fold|(?<![A-Za-z])(?:doubled?|tripled?)(?![A-Za-z]))"
    r"|(?P<rank>(?:(?<=ranked )|(?<=ranking )|(?<=ranks )|(?<=rank ))(?:No\.\s*\d+|\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth)|\d+(?:st|nd|rd|th)(?= (?:place|largest|biggest)))"
    r"|(?P<num>(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{1,2}(?=\s*(?:%|percent|per cent|million|billion|trillion))"
    r"|\d+(?:\.\d+)?))"
    r"(?:(?<!\b19\d\d)(?<!\b20\d\d)\s*(?P<range>(?:to|-|–)\s*\d[\d,.]*))?"
    rf"\s*(?P<scale>thousand|million|mln|mn|billion|bln|bn|trillion|trln|tn)?\s*(?P<unit>{_EN_UNIT_RE})?(?![A-Za-z])",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:RMB|CNY|yuan|¥)\s*$", re.IGNORECASE)


def find_mentions(sentence: str, english: bool) -> list[Mention]:
    """Every number of ``sentence`` that carries a unit, a share, a multiple or a rank."""
    return _english(sentence) if english else _chinese(sentence)


def _base(value: float, unit: str) -> tuple[float, str]:
    try:
        parse_unit(unit)
    except UnitError:
        return value, unit
    return to_base(value, unit)


def _chinese(sentence: str) -> list[Mention]:
    out: list[Mention] = []
    for m in ZH_MENTION.finditer(sentence):
        if m.group("frac"):
            share = numbers.chinese_fraction(m.group("frac"))
            if share is not None:
                follow = sentence[m.end():m.end() + 2]
                cmp_after = {"以上": ">=", "左右": "~", "以下": "<=", "多": ">"}.get(
                    follow, ">" if follow[:1] in ("多", "余") else "")
                out.append(Mention(m.start(), m.end(), share, "%", "share", cmp_after, text=m.group(0)))
            continue
        if m.group("rank"):
            pos = numbers.chinese_ordinal(m.group("rank").replace("名", ""))
            if pos is not None:
                out.append(Mention(m.start(), m.end(), float(pos), "rank", "rank", text=m.group(0)))
            continue
        raw, unit = m.group("num"), m.group("unit")
        scale = m.group("scale")
        if raw is None or (unit is None and scale is None):
            continue
        if raw.strip() and raw[0] in "一二两三四五六七八九十百千":
            value = numbers.chinese_integer(raw)
            if value is None:
                continue
            value = float(value)
        else:
            parsed = numbers.arabic(raw)
            if parsed is None:
                continue
            value = parsed
        after = sentence[m.end(): m.end() + 4]
        if unit is None:
            # 1.4万亿 without a unit word: only meaningful as money before 元 was dropped; skip
            continue
        if re.match(r"\s*(?:年|月|日|号|季度)", sentence[m.end("num"):m.end("num") + 3]) and scale is None:
            continue
        value = numbers.scaled(value, scale)
        cmp_after = ""
        if m.group("cmp_mid") or m.group("cmp_post"):
            cmp_after = ">"
        elif after.startswith("以上"):
            cmp_after = ">="
        elif after.startswith(("左右", "上下")):
            cmp_after = "~"
        elif after.startswith(("以下", "以内")):
            cmp_after = "<="
        if unit in ("%", "％"):
            if re.match(r"\s*个?百分点", sentence[m.end():m.end() + 5]):
                continue
            out.append(Mention(m.start(), m.end(), value, "%", "percent", cmp_after, text=m.group(0)))
            continue
        if unit == "倍":
            out.append(Mention(m.start(), m.end(), value * 100, "%", "multiple", cmp_after, text=m.group(0)))
            continue
        if unit == "位":
            continue  # a rank is only 第N位
        if unit == "元" and sentence[m.end():m.end() + 1] == "/":
            continue  # a price (元/吨) is not a fact the extractor books
        if unit in ("个",) and re.match(r"\s*(?:百分点|月|季度|工作日)", sentence[m.end():m.end() + 4]):
            continue
        symbol = ZH_UNIT_SYMBOL.get(unit, unit)
        base_value, base_unit = _base(value, symbol)
        out.append(Mention(m.start(), m.end(), base_value, base_unit, "quantity", cmp_after, text=m.group(0),
                           written_value=value, written_unit=symbol))
    return out


def _english(sentence: str) -> list[Mention]:
    out: list[Mention] = []
    for m in EN_MENTION.finditer(sentence):
        if m.group("frac"):
            share = numbers.english_fraction(m.group("frac"))
            if share is not None:
                out.append(Mention(m.start(), m.end(), share, "%", "share", text=m.group(0)))
            continue
        if m.group("multiple"):
            word = m.group("multiple").lower()
            if word.startswith(("double", "triple")):
                factor = 2.0 if word.startswith("double") else 3.0
                # "more than doubled": an increase of 100 %; "1.8-fold increase": +180 %
                out.append(Mention(m.start(), m.end(), (factor - 1) * 100, "%", "multiple", text=m.group(0)))
            else:
                n = m.group("mnum")
                num = float(n) if n[0].isdigit() else float({"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}[n.lower()])
                out.append(Mention(m.start(), m.end(), num * 100, "%", "multiple", text=m.group(0)))
            continue
        if m.group("rank"):
            pos = numbers.english_ordinal(m.group("rank"))
            if pos is not None:
                out.append(Mention(m.start(), m.end(), float(pos), "rank", "rank", text=m.group(0)))
            continue
        raw = m.group("num")
        if raw is None:
            continue
        if sentence[max(0, m.start() - 3):m.start()].endswith(("$", "US$", "€", "£")):
            continue  # foreign-currency figures repeat a yuan figure or are not the atlas's
        value = numbers.arabic(raw, decimal_comma=True)
        if value is None:
            continue
        unit_text = m.group("unit")
        scale = m.group("scale")
        end = m.end()
        if unit_text is None and scale is None:
            # a bare number: a year, a day, a count whose unit the context gives (797,000 vehicles)
            if re.fullmatch(r"(19|20)\d{2}", raw) or value < 1000 or "." in raw:
                continue
            unit = ""
            end = m.end("num")
        else:
            unit = _en_unit(unit_text) if unit_text else ""
        if unit == "" and _CURRENCY_BEFORE.search(sentence[max(0, m.start() - 6):m.start()]):
            unit = "yuan"
        if scale:
            value = numbers.scaled(value, scale)
        low = bool(m.group("range"))
        if unit == "%":
            if re.match(r"\s*percentage points?", sentence[m.end("num"):m.end("num") + 25], re.IGNORECASE):
                continue
            if re.match(r"\s*percentage points?", sentence[m.end():m.end() + 20], re.IGNORECASE):
                continue
            out.append(Mention(m.start(), end, value, "%", "percent", low_of_range=low, text=sentence[m.start():end]))
            continue
        if unit == "usd":
            continue  # dollar conversions in brackets repeat a yuan figure
        if unit in ("", "units"):
            out.append(Mention(m.start(), end, value, unit, "bare", low_of_range=low, text=sentence[m.start():end]))
            continue
        base_value, base_unit = _base(value, unit)
        out.append(Mention(m.start(), end, base_value, base_unit, "quantity", low_of_range=low,
                           text=sentence[m.start():end], written_value=value, written_unit=unit))
    return out


def _en_unit(text: str) -> str:
    for pattern, unit in EN_UNITS:
        if re.fullmatch(pattern, text.strip(), re.IGNORECASE):
            return unit
    return ""
