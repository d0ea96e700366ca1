"""Numbers as reports write them: 2,967.4 / 2 834 / 24,38 / 1.4万亿 / 一半 / 三分之一 / 第十位 / one-third.

Why our own parser: the figures that matter in a report are few and their spellings are a closed
set, so a small table-driven parser is exact where a general library guesses (``cn2an`` turns 一半
into 1/2 of nothing and drops 万 in 2.2万家). Every function here is pure and returns ``None`` for
text that is not a number, so callers can try it on anything.
"""

from __future__ import annotations

import re

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_LARGE = {"万": 1e4, "亿": 1e8, "万亿": 1e12}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"

EN_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
}
EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
EN_SCALE = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9, "bln": 1e9,
            "trillion": 1e12, "trln": 1e12, "tn": 1e12}
# fractions written as words, as shares in per cent
EN_FRACTIONS = {
    "half": 50.0, "one-half": 50.0, "a half": 50.0, "one half": 50.0,
    "one-third": 100 / 3, "one third": 100 / 3, "a third": 100 / 3, "two-thirds": 200 / 3, "two thirds": 200 / 3,
    "one-quarter": 25.0, "one quarter": 25.0, "a quarter": 25.0, "one-fourth": 25.0, "three-quarters": 75.0,
    "one-fifth": 20.0, "a fifth": 20.0, "one-tenth": 10.0, "a tenth": 10.0,
}


def chinese_integer(text: str) -> int | None:
    """An integer written in Chinese numerals (三, 十二, 二十三, 一百零五, 三千); None if not one."""
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            unit = CN_SMALL_UNITS[ch]
            total += (current or 1) * unit  # 十二: a bare 十 means 一十
            current = 0
    return total + current


def arabic(text: str, decimal_comma: bool = False) -> float | None:
    """A number in Arabic digits with thousands separators (2,967.4; 2 834; 855,000).

    With ``decimal_comma`` a single comma followed by one or two digits is a decimal point
    (24,38 million in a text translated from a language that writes decimals with commas).
    """
    s = text.strip().replace("\u2009", "").replace("\u00a0", "").replace(" ", "").replace("，", ",")
    if not s:
        return None
    if decimal_comma and re.fullmatch(r"\d{1,3},\d{1,2}", s):
        s = s.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def chinese_fraction(text: str) -> float | None:
    """A share in per cent: 一半 → 50, 三分之一 → 33.3, 1/3 → 33.3, 四分之三 → 75, 半数 → 50."""
    t = text.strip()
    if t in ("一半", "半数", "过半", "半壁江山"):
        return 50.0
    m = re.fullmatch(r"([零〇一二两三四五六七八九十百\d]+)分之([零〇一二两三四五六七八九十\d]+)", t)
    if m:
        den, num = _int_any(m.group(1)), _int_any(m.group(2))
        if den and num is not None:
            return 100.0 * num / den
    m = re.fullmatch(r"(\d+)\s*/\s*(\d+)", t)
    if m and int(m.group(2)):
        return 100.0 * int(m.group(1)) / int(m.group(2))
    return None


def _int_any(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return chinese_integer(text)


def english_fraction(text: str) -> float | None:
    """A share in per cent written in words: half → 50, one-third → 33.3."""
    return EN_FRACTIONS.get(text.strip().lower().replace("\u2011", "-"))


def english_ordinal(text: str) -> int | None:
    """10th → 10, third → 3, No. 2 → 2; None if not an ordinal."""
    t = text.strip().lower()
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)", t)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"no\.?\s*(\d+)", t)
    if m:
        return int(m.group(1))
    return EN_ORDINALS.get(t)


def chinese_ordinal(text: str) -> int | None:
    """第十位 / 第3位 / 第二 → the position; None if not an ordinal."""
    m = re.fullmatch(r"第\s*([\d零〇一二两三四五六七八九十百]+)\s*(位|名|)", text.strip())
    if not m:
        return None
    return _int_any(m.group(1))


def scaled(value: float, scale_word: str | None) -> float:
    """Apply a Chinese (万, 亿, 万亿, 千, 百) or English (million, billion…) scale word."""
    if not scale_word:
        return value
    w = scale_word.strip().lower()
    if w in CN_LARGE:
        return value * CN_LARGE[w]
    if w in ("千", "百", "十"):
        return value * CN_SMALL_UNITS[w]
    if w in ("百万",):
        return value * 1e6
    if w in ("千万",):
        return value * 1e7
    if w in EN_SCALE:
        return value * EN_SCALE[w]
    raise ValueError(f"unknown scale word {scale_word!r}")
