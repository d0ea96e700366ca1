"""Text → candidate facts, with provenance: the core of ``chainatlas extract``.

How a sentence is read: its numbers are found first (:mod:`mentions`); each number then looks at
the words between it and the previous number for what it measures (产量, revenue, 占全国…), where
(a region name, 全省 meaning the document's province), what (a node name, else the sector words),
when (2023年, 去年 relative to the document's date, 上半年) and how exact (超过, 以上, nearly). What a
clause leaves out it inherits from the clause before, as Chinese reports expect the reader to do.
Everything here is pure: text and a :class:`Gazetteer` in, :class:`Fact` records out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from chainatlas.extract import rules
from chainatlas.extract.gazetteer import NATION, Gazetteer, choose_node
from chainatlas.extract.mentions import Mention, find_mentions


@dataclass
class Fact:
    """One candidate observation read from a document, with where it was read."""

    region: str  # 6-digit code, "" when the text does not say
    node: str  # atlas node id, "" when the subject is a sector the atlas has no node for
    subject: str  # the words naming what is measured (node name or sector text)
    indicator: str
    value: float
    unit: str  # base unit (t, yuan, W, kWh, %, rank, firms, vehicles…)
    comparator: str  # = >= > <= < ~
    year: int | None
    period: str  # "" for a full year, H1, 1-9 (Jan–Sep), M8 (August alone)…
    rank_scope: str  # country / province / world for ranks
    file: str
    start: int  # character span of the figure in the document
    end: int
    quote: str  # the sentence it was read from
    confidence: float = 1.0
    checks: list[str] = field(default_factory=list)  # plausibility and duplicate notes
    written: str = ""  # the figure as written in the document (6 mm, 2.2万家)
    written_value: float | None = None
    written_unit: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _State:
    region: str | None = None
    province: str | None = None
    prefecture: str | None = None
    year: int | None = None
    node: str = ""
    subject: str = ""
    family: str | None = None  # the indicator family the last quantity had (output, revenue…)
    period: str = ""
    share: str | None = None  # the share indicator of the last clause (its base carries over)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_english(text: str) -> bool:
    """A document is read as English when fewer than 1 in 20 letters are Chinese characters."""
    cjk = len(_CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return cjk * 20 < latin


def sentences(text: str, english: bool) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``."""
    if english:
        pattern = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(\d])|\n+")
    else:  # Chinese punctuation, and English sentences quoted inside a Chinese text
        pattern = re.compile(r"(?<=[。！？!?；;])|(?<=[.!?])\s+(?=[A-Z\"“(])|\n+")
    spans, pos = [], 0
    for m in pattern.finditer(text):
        if m.end() > pos and text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def document_year(date: str | None) -> int | None:
    if not date:
        return None
    m = re.match(r"(\d{4})", date)
    return int(m.group(1)) if m else None


def extract_facts(text: str, gazetteer: Gazetteer, *, date: str | None = None, file: str = "",
                  context: str = "") -> list[Fact]:
    """Candidate facts in ``text`` (a whole document); ``date`` (YYYY[-MM[-DD]]) anchors 去年 / last year.

    ``context`` is what the document says about itself outside its text (an HTML title such as
    安徽这一产业跃居全国第三位): the place it names is where 全省 / the province points.
    """
    english = is_english(text)
    doc_year = document_year(date)
    votes = _chain_votes(text, gazetteer, english)
    state = _State()
    if context:
        _update_region(context, gazetteer, is_english(context), state)
    facts: list[Fact] = []
    for s_start, s_end in sentences(text, english):
        sentence = text[s_start:s_end]
        lang = english if english else is_english(sentence)
        facts.extend(_read_sentence(sentence, s_start, gazetteer, lang, doc_year, votes, state, file))
    return facts


def _chain_votes(text: str, gaz: Gazetteer, english: bool) -> Counter:
    votes: Counter = Counter()
    for _, _, ids in gaz.find_nodes(text, english):
        for chain in {i.split(".", 1)[0] for i in ids}:
            votes[chain] += 1 if len(ids) == 1 else 0
    return votes


_COMPILED: dict[tuple[int, bool], list[tuple[re.Pattern, str]]] = {}


def _compiled(table: list[tuple[str, str]], english: bool) -> list[tuple[re.Pattern, str]]:
    """The rule table's patterns compiled once (word-bounded and case-blind for English)."""
    key = (id(table), english)
    if key not in _COMPILED:
        _COMPILED[key] = [(re.compile(rf"(?<![A-Za-z])(?:{p})(?![A-Za-z])", re.IGNORECASE) if english
                           else re.compile(p), fam) for p, fam in table]
    return _COMPILED[key]


def _keyword(text: str, table: list[tuple[str, str]], english: bool, last: bool = True) -> tuple[str | None, int]:
    """The family of the keyword nearest the end (or start) of ``text`` and its position."""
    best: tuple[str | None, int] = (None, -1 if last else 10**9)
    for compiled, family in _compiled(table, english):
        for m in compiled.finditer(text):
            # the keyword ending nearest the number wins; on a tie the earlier (more specific) rule
            pos = m.end() if last else m.start()
            if (last and pos > best[1]) or (not last and pos < best[1]):
                best = (family, pos)
    return best


def _read_sentence(sentence: str, offset: int, gaz: Gazetteer, english: bool, doc_year: int | None,
                   votes: Counter, state: _State, file: str) -> list[Fact]:
    mentions = find_mentions(sentence, english)
    keywords = rules.EN_KEYWORDS if english else rules.ZH_KEYWORDS
    out: list[Fact] = []
    sentence_family: str | None = None
    sentence_period = state.period
    if _explicit_year(sentence, english) and not _period(sentence, english):
        sentence_period = ""  # a new year without a period: a full-year figure
    prev_end = 0
    state.share = None
    list_subjects = _respectively(sentence, mentions, gaz, english, votes)
    list_indicator: tuple[str, str] | None = None
    sentence_year_from_before: int | None = None
    _update_region(sentence[: mentions[0].start] if mentions else sentence, gaz, english, state)
    for i, m in enumerate(mentions):
        window = sentence[prev_end:m.start]
        next_start = mentions[i + 1].start if i + 1 < len(mentions) else len(sentence)
        after = sentence[m.end:min(next_start, m.end + 80)]
        prev_end = m.end
        # ---- where
        region = _update_region(window, gaz, english, state)
        # ---- when
        year, from_before = _year(window, after, english, doc_year)
        if year is None:
            year = sentence_year_from_before if sentence_year_from_before is not None else state.year
            if year is None and doc_year is not None:
                year = doc_year
        if re.search(rules.EN_NOW if english else rules.ZH_NOW, window, re.IGNORECASE if english else 0):
            year = doc_year
        clause_after = re.split(r"[，,；;。]", after, maxsplit=1)[0]
        period = _period(window, english) or _period(clause_after if not english else after, english, trailing=True)
        if period:
            sentence_period = period
        else:
            period = sentence_period
        # ---- what
        named_here = True
        if i in list_subjects:
            node, subject = list_subjects[i]
            state.node, state.subject = node, subject
        else:
            named_here = False
            found = _subject(window, gaz, english, votes)
            if (found is None or not found[0]) and m.kind == "quantity":
                following = _subject_after(after, gaz, english, votes)
                found = following or found
            if found is not None:
                state.node, state.subject = found
                named_here = True
        # ---- which indicator
        family, _ = _keyword(window, keywords, english)
        after_family, _ = _keyword(clause_after, keywords, english, last=False)
        if _bound_before_exact(m, mentions, i, sentence):
            sentence_family = family or sentence_family
            continue
        if _mentions_skip(clause_after, english) or _is_forecast(sentence[:m.start], english) or _is_subset(
                sentence[max(0, m.start - 16):m.start], english):
            continue
        if family is None and sentence_family == "skip":
            continue
        if family is None and m.kind in ("quantity", "bare"):
            if sentence_family not in (None, "skip"):
                family = sentence_family
            elif english and after_family is not None:
                family = after_family
        if m.kind == "quantity" and re.search(r"年产\s*$", window[-4:]) and re.search(
                r"生产线|项目|基地|规模|装置|工厂", after[:14]):
            family = "capacity"
        inferred = False
        if family is None and m.kind in ("quantity", "bare") and m.unit in PHYSICAL_UNITS:
            family, inferred = "output", True  # a physical quantity with no other word: what was made
        indicator, unit, value, scope = _indicator(m, family, window, after, sentence, english, state,
                                                   sentence_family, gaz)
        if indicator is None and i in list_subjects and list_indicator and m.kind == list_indicator[1]:
            # 分别增长14.6%、19.7%… / by 14.6 percent, 19.7 percent…, respectively: one reading for the list
            indicator, unit, value, scope = list_indicator[0], m.unit, m.value, ""
        if indicator is not None and i in list_subjects:
            list_indicator = (indicator, m.kind)
        if indicator is None:
            if family == "skip":
                sentence_family = "skip"
            continue
        if year is not None and from_before:
            sentence_year_from_before = year
            state.year = year
        if m.kind in ("quantity", "bare"):
            sentence_family = family or sentence_family
            state.family = sentence_family
        indicator = _sector_indicator(indicator, state.subject)
        comparator = _comparator(window, m, english)
        facts_region = region
        if indicator in ("output_share_national", "capacity_share_national") and facts_region == NATION:
            facts_region = state.region if state.region != NATION else None
        node = state.node if (named_here or indicator in NODE_INDICATORS) else ""
        out.append(Fact(
            region=facts_region or "", node=node, subject=state.subject if node or named_here else "", indicator=indicator,
            value=round(value, 10), unit=unit, comparator=comparator, year=year, period=period,
            rank_scope=scope, file=file, start=offset + m.start, end=offset + m.end, quote=sentence.strip(),
            confidence=_confidence(None if inferred else family, state, facts_region),
            written=m.text.strip(), written_value=m.written_value, written_unit=m.written_unit,
        ))
    state.period = sentence_period if not sentence.endswith("\n") else ""
    return out


# indicators a node carries over to from the clause before (its growth, share, rank); a firm count or
# a value added in the next clause is the region's, not the node's
NODE_INDICATORS = {"output", "capacity", "output_share_national", "capacity_share_national", "world_share",
                   "output_growth", "output_rank", "capacity_rank", "thickness"}
PHYSICAL_UNITS = {"t", "W", "kWh", "vehicles", "m²", "units", "", "kVAh", "sets", "pcs", "wafers"}


def _explicit_year(sentence: str, english: bool) -> bool:
    return bool(re.search(r"(?:19|20)\d{2}\s*年" if not english else r"\b(?:in|of|during|for)\s+(?:19|20)\d{2}\b",
                          sentence))


def _mentions_skip(text: str, english: bool) -> bool:
    table = rules.EN_KEYWORDS if english else rules.ZH_KEYWORDS
    pattern = next(p for p, fam in table if fam == "skip")
    return bool(re.search(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])" if english else pattern, text,
                          re.IGNORECASE if english else 0))


def _is_forecast(before: str, english: bool) -> bool:
    clause = re.split(r"[，,；;。]" if not english else r"[;]|, (?=[a-z])", before)[-1]
    return bool((rules.EN_FORECAST if english else rules.ZH_FORECAST).search(clause))


def _is_subset(window: str, english: bool) -> bool:
    return not english and bool(rules.ZH_FIRM_SUBSET.search(window))


def _bound_before_exact(m: Mention, mentions: list[Mention], i: int, sentence: str) -> bool:
    """突破千亿元，达到1092亿元: the round bound only announces the exact figure that follows."""
    if i + 1 >= len(mentions):
        return False
    nxt = mentions[i + 1]
    between = sentence[m.end:nxt.start]
    return nxt.unit == m.unit and len(between) <= 4 and bool(re.search(r"达到?|为|to|reaching", between))


def _subject_after(after: str, gaz: Gazetteer, english: bool, votes: Counter) -> tuple[str, str] | None:
    """A node named right after the figure: 18万吨电解铜产能, 143,000 tons of polycrystalline silicon."""
    head = after[:10] if not english else re.match(r"\s*(?:of\s+)?(.{0,40})", after).group(1)
    nodes = gaz.find_nodes(head, english)
    if nodes and (english and after.lstrip().startswith("of") or (not english and nodes[0][0] <= 1)):
        start, end, ids = nodes[0]
        node = choose_node(ids, votes)
        if node:
            return node, head[start:end]
    return None


def _same_period(sentence: str, english: bool) -> bool:
    if english:
        return bool(re.search(r"during the period|the same period(?! last year)", sentence))
    return "同期" in sentence and "同比" not in sentence


def _confidence(family: str | None, state: _State, region: str | None) -> float:
    score = 1.0
    if family is None:
        score -= 0.2  # inherited from the clause before
    if not region:
        score -= 0.3
    if not state.node:
        score -= 0.1
    return round(max(score, 0.1), 2)


# ---------------------------------------------------------------- where
_ZH_NOT_SUBJECT = re.compile(r"(?:占|居|列|至|到|于|仅次于|高于|低于|比|超过|领跑|领先)(?:全国|全球|世界)?$")
_ZH_NATION = re.compile(r"全国|我国|国内|国家统计局|工信部|工业和信息化部|国家发改委|中国有色金属工业协会")
_ZH_PROVINCE_WORDS = re.compile(r"全省|本省|该省|我省")
_ZH_CITY_WORDS = re.compile(r"全市|本市|该市|我市")
_EN_NATION = re.compile(r"\bChina\b(?!['’]s total)|\bChinese\b|nationwide|across the country|the country['’]s|"
                        r"National Bureau of Statistics|\bMIIT\b")
_EN_NOT_NATION = re.compile(r"(?:of|than|in)\s+(?:the\s+)?(?:national|country|world)|of China['’]s total")
_EN_PROVINCE_WORDS = re.compile(r"\b[Tt]he province\b|\bprovince['’]s\b|\bprovincial\b")
_EN_CITY_WORDS = re.compile(r"\b[Tt]he city\b|\bcity['’]s\b")


def _update_region(window: str, gaz: Gazetteer, english: bool, state: _State) -> str | None:
    """The region the clause is about; updates the running state, returns the current region."""
    text = re.sub(r"仅次于[^，,。；;]*", "", window) if not english else window
    if english:
        text = re.sub(r"(?:higher|lower) than the national level|of the (?:total )?[^,.;]{0,60}?in the country",
                      "", text)
    found: list[tuple[int, str]] = []
    for start, _end, code in gaz.find_regions(text, english):
        before = text[max(0, start - 4):start]
        if not english and _ZH_NOT_SUBJECT.search(before):
            continue
        if english and code == NATION and (_EN_NOT_NATION.search(text[max(0, start - 12):start + 12])
                                           or re.match(r"China['’]s total", text[start:start + 14])):
            continue
        found.append((start, code))
    nation = (_EN_NATION if english else _ZH_NATION).finditer(text)
    for m in nation:
        before = text[max(0, m.start() - 3):m.start()]
        if not english and (_ZH_NOT_SUBJECT.search(before) or re.match(r"第|平均|水平|总量|的", text[m.end():m.end() + 2])):
            continue
        if english and _EN_NOT_NATION.search(text[max(0, m.start() - 8):m.end()]):
            continue
        found.append((m.start(), NATION))
    if found:
        # several names in one clause (east China's Anhui, 安徽省铜陵市): the most specific one
        # the last place named is the subject; a more specific place right beside it (east China's
        # Anhui, 安徽省铜陵市, Jiangsu province, East China) narrows it
        by_start: dict[int, str] = {}
        for start, code in sorted(found):
            if start not in by_start or gaz.depth(code) < gaz.depth(by_start[start]):
                by_start[start] = code  # one name, several places (吉林): the larger
        ordered = sorted(by_start.items())
        last_start, pick = ordered[-1]
        for start, code in ordered:
            if abs(start - last_start) <= 25 and gaz.depth(code) > gaz.depth(pick):
                pick = code
        _set_region(pick, gaz, state)
        return state.region
    if (_EN_PROVINCE_WORDS if english else _ZH_PROVINCE_WORDS).search(text) and state.province:
        state.region = state.province
    elif (_EN_CITY_WORDS if english else _ZH_CITY_WORDS).search(text) and state.prefecture:
        state.region = state.prefecture
    return state.region


def _set_region(code: str, gaz: Gazetteer, state: _State) -> None:
    state.region = code
    state.province = gaz.ancestor(code, "province") or state.province
    state.prefecture = gaz.ancestor(code, "prefecture") or (None if gaz.depth(code) < 2 else state.prefecture)


# ---------------------------------------------------------------- when
def _year(window: str, after: str, english: bool, doc_year: int | None) -> tuple[int | None, bool]:
    """(year, read before the number?) from explicit years and 去年/last year, ignoring comparison bases."""
    base = rules.EN_COMPARISON_BASE if english else rules.ZH_COMPARISON_BASE
    w = base.sub(" ", window)
    a = base.sub(" ", after)
    if english:
        explicit = list(re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)(?!\s*(?:GW|MW|tons|t\b|units|vehicles|percent|%))", w))
        rel_last = list(re.finditer(r"last year|previous year", w, re.IGNORECASE))
        rel_this = list(re.finditer(r"this year", w, re.IGNORECASE))
    else:
        explicit = list(re.finditer(r"((?:19|20)\d{2})\s*年", w))
        rel_last = list(re.finditer(r"去年|上年(?!同期)", w))
        rel_this = list(re.finditer(r"今年|本年|当年", w))
    candidates: list[tuple[int, int]] = [(m.start(), int(m.group(1))) for m in explicit]
    if not english:
        candidates += [(m.start(), rules.FIVE_YEAR_PLANS[m.group(0)])
                       for m in re.finditer("|".join(rules.FIVE_YEAR_PLANS), w)]
    if doc_year is not None:
        candidates += [(m.start(), doc_year - 1) for m in rel_last] + [(m.start(), doc_year) for m in rel_this]
    elif rel_this or rel_last:
        candidates.append((max(m.start() for m in rel_this + rel_last), -1))
    if candidates:
        year = max(candidates)[1]
        return (None if year == -1 else year), True
    if english:
        m = re.match(r"[^,;]*?\b(?:in|of|during|for)\s+((?:19|20)\d{2})\b", a)
        if m:
            return int(m.group(1)), False
        if re.match(r"[^,;.]*?\blast year\b", a, re.IGNORECASE):
            return (doc_year - 1 if doc_year else None), False
    return None, False


def _compiled_plain(table: list[tuple[str, str]], english: bool) -> list[tuple[re.Pattern, str]]:
    key = (id(table), not english)  # a separate cache slot from _compiled's word-bounded patterns
    if key not in _COMPILED:
        _COMPILED[key] = [(re.compile(p, re.IGNORECASE if english else 0), fmt) for p, fmt in table]
    return _COMPILED[key]


def _period(text: str, english: bool, trailing: bool = False) -> str:
    table = rules.EN_PERIODS if english else rules.ZH_PERIODS
    hits: list[tuple[int, int, str]] = []
    for compiled, fmt in _compiled_plain(table, english):
        for m in compiled.finditer(text):
            groups = [g for g in m.groups() if g]
            months = [str(rules.EN_MONTHS.index(g.lower()) + 1) for g in groups if g.lower() in rules.EN_MONTHS]
            words = [str(rules.EN_COUNT_WORDS.get(g.lower(), g)) for g in groups]
            try:
                label = fmt.format(*groups, m0=months[0] if months else "", m1=months[1] if len(months) > 1 else "",
                                   w0=words[0] if words else "")
            except (IndexError, KeyError):
                continue
            if any(s <= m.start() < e for s, e, _ in hits):
                continue  # 1至2月: the month inside a range is not a period of its own
            hits.append((m.start(), m.end(), label))
    if not hits:
        return ""
    _, _, label = (min(hits) if trailing else max(hits))
    if label.startswith("1-") and label[2:] == "1":
        return "M1"
    if label == "1-12":
        return ""  # January to December is the whole year
    return label


# ---------------------------------------------------------------- what
_ZH_STRIP = re.compile(
    r"^(?:[，,、；;：:\s]|其中|同时|此外|另外|以及|和|及|与|实现|完成|达到|全年|全省|全市|全国|我国|共|累计|"
    r"\d{4}年|[上下]半年|前三季度|\d{1,2}[-至到]\d{1,2}月|前\d{1,2}月|\d{1,2}月份?)+")


_ZH_SUBJECT_KW = r"产量|产能|生产能力|加工能力|营业收入|营收|收入|产值|利润|增加值|装机|企业|出口|产品"


def _subject(window: str, gaz: Gazetteer, english: bool, votes: Counter) -> tuple[str, str] | None:
    """(node id or "", subject words) named in ``window``, or None when it names no new subject."""
    nodes = gaz.find_nodes(window, english)
    if nodes:
        start, end, ids = nodes[-1]
        node = choose_node(ids, votes) or ""
        if not english:
            kw = None
            for km in re.finditer(_ZH_SUBJECT_KW, window):
                kw = km
            # 光伏玻璃产量 / 生产电解铜: the node sits next to (or after) the indicator word; a node
            # named further back (…电磁线的产业链,去年主营收入) is not what the figure measures
            if kw is not None and kw.start() >= end and kw.start() - end > 3:
                return "", ""
        return node, window[start:end]
    if english:
        m = re.search(r"((?:[A-Za-z\-]+\s){0,3}?(?:vehicles?|NEVs?|automobiles?|cars|metals|batter(?:y|ies)|"
                      r"products|industry|enterprises|companies))\b", window, re.IGNORECASE)
        if m:
            return "", m.group(1).strip()
        return None
    # Chinese: the words before the indicator keyword are the sector (储能电池和储能系统环节营收…)
    kw = re.search(_ZH_SUBJECT_KW, window)
    head = window[: kw.start()] if kw else ""
    head = re.split(r"[，,；;：:]", head)[-1] if head else ""
    for pattern in (r"^(?:实现|完成|共|累计)", ):
        head = re.sub(pattern, "", head)
    head = _ZH_STRIP.sub("", head)
    head = re.sub(r"^.*?(?:省|市|县|区|中国|全国|我国)(?=[\u4e00-\u9fff]{2})", "", head)
    head = re.sub(r"(?:实现|完成|共|累计|年|总)$", "", head)
    if len(_CJK.findall(head)) >= 1 and len(head) <= 30:
        return "", head
    return None


def _respectively(sentence: str, mentions: list[Mention], gaz: Gazetteer, english: bool,
                  votes: Counter) -> dict[int, tuple[str, str]]:
    """分别 / respectively: the listed subjects go to the listed numbers, in order."""
    marker = re.search(r"respectively" if english else r"分别", sentence)
    if not marker or not mentions:
        return {}
    if english:
        first = next((i for i, m in enumerate(mentions) if m.kind in ("percent", "quantity")), None)
        if first is None:
            return {}
        head = sentence[:mentions[first].start]
        found = gaz.find_nodes(head, english)
        items = [(choose_node(ids, votes) or "", head[s:e]) for s, e, ids in found]
    else:
        head_end = marker.start()
        first = next((i for i, m in enumerate(mentions) if m.start > head_end), None)
        if first is None:
            return {}
        head = sentence[:head_end]
        head = re.split(r"[，,；;：:]", head)[-1]
        head = re.sub(r"(?:产量|产能|营业收入|产值|增速|增长)$", "", head)
        items = []
        for part in re.split(r"[、和及与]", head):
            part = _ZH_STRIP.sub("", part).strip()
            if not part:
                continue
            nodes = gaz.find_nodes(part, False)
            node = choose_node(nodes[-1][2], votes) or "" if nodes else ""
            items.append((node, part))
    run = [i for i in range(first, len(mentions)) if mentions[i].kind == mentions[first].kind
           or (mentions[i].kind == "quantity" and mentions[first].kind == "quantity")]
    if len(items) < 2 or len(run) < len(items):
        return {}
    return {run[k]: items[k] for k in range(len(items))}


# ---------------------------------------------------------------- which indicator
def _indicator(m: Mention, family: str | None, window: str, after: str, sentence: str, english: bool,
               state: _State, sentence_family: str | None, gaz: Gazetteer
               ) -> tuple[str | None, str, float, str]:
    """(indicator id, unit, value, rank scope) for a mention, or (None, …) when it is no fact."""
    flags = re.IGNORECASE if english else 0
    if family == "skip":
        return None, "", 0.0, ""
    scope = ""
    if m.kind == "rank":
        base = family or sentence_family or state.family
        ctx = window[-12:] + after[:6]
        if re.search(r"全国|national|country|China", ctx, flags):
            scope = "country"
        elif re.search(r"全省|province", ctx, flags):
            scope = "province"
        elif re.search(r"全球|世界|world|global", ctx, flags):
            scope = "world"
        if base in rules.RANK_OF:
            return rules.RANK_OF[base], "rank", m.value, scope or "country"
        return None, "", 0.0, ""
    if m.kind in ("percent", "share", "multiple"):
        tail = window[-60:] if english else window[-12:]
        if re.search(r"^\W*(?:on month|month[- ]on[- ]month)|环比|monocrystalline", after[:25], flags) or tail.endswith("环比"):
            return None, "", 0.0, ""
        share_verb = re.search(rules.EN_SHARE if english else rules.ZH_SHARE, tail, flags)
        base_text = (after[:60] if english else tail[-8:] + after[:4])
        world = re.search(r"全球|世界|world|global", base_text, flags)
        national = re.search(r"全国|national|country|China|Chinese", base_text, flags)
        if (share_verb or m.kind == "share") and not (world or national) and state.share and (
                share_verb or re.search(r"占|for\s*$", tail, flags)):
            # 光伏玻璃占全国一半以上，逆变器占三分之一: the base carries over to the next clause
            return state.share, "%", m.value, ""
        if (share_verb or m.kind == "share") and (world or national):
            if world:
                state.share = "world_share"
                return "world_share", "%", m.value, ""
            which = family if family in rules.SHARE_OF else (sentence_family or state.family)
            if re.search(r"capacity|产能", window + after[:40], flags):
                which = "capacity"
            state.share = rules.SHARE_OF.get(which or "output", "output_share_national")
            return state.share, "%", m.value, ""
        if m.kind == "share":
            return None, "", 0.0, ""
        growth = re.search(rf"(?:{rules.EN_GROWTH if english else rules.ZH_GROWTH})", tail, flags)
        decline = re.search(rf"(?:{rules.EN_DECLINE if english else rules.ZH_DECLINE})", tail, flags)
        if english and not growth and not decline:
            growth = re.search(rf"^\s*(?:{rules.EN_GROWTH})", after, flags)
            decline = re.search(rf"^\s*(?:{rules.EN_DECLINE})", after, flags)
        if not (growth or decline):
            return None, "", 0.0, ""
        sign = -1.0 if decline and (not growth or decline.end() > growth.end()) else 1.0
        base = family if family in rules.GROWTH_OF else None
        if base is None:
            base = sentence_family or state.family
            later, _ = _keyword(sentence[sentence.find(after) if after else len(sentence):],
                                rules.EN_KEYWORDS if english else rules.ZH_KEYWORDS, english, last=False)
            if english and later in rules.GROWTH_OF and base is None:
                base = later
            if english and later == "output" and re.search(r"total output|in output", after + sentence[-40:], flags):
                base = later
        growth_id = rules.GROWTH_OF.get(base or "output", None)
        if growth_id is None:
            return None, "", 0.0, ""
        return growth_id, "%", sign * m.value, ""
    # quantities
    unit = m.unit
    value = m.value
    if m.kind == "bare":
        context = window + after[:20]
        if unit == "units" or _vehicle(context) or _vehicle(state.subject) or _vehicle(sentence):
            unit = "vehicles"
        else:
            return None, "", 0.0, ""
    if unit == "units" or (unit == "pcs" and _vehicle(window + after[:20])):
        unit = "vehicles"
    fam = family
    if fam is None:
        fam = sentence_family if sentence_family not in (None, "skip") else None
        if fam is None and m.kind == "quantity" and unit in ("vehicles",) and state.family:
            fam = state.family
    if unit == "firms":
        tail = window[-20:] + m.text + after[:30]
        own_clause = re.split(r"[，,；;。]", after, maxsplit=1)[0][:16]
        if re.search(r"产值|营收|收入|年产值|production value of|listed", own_clause, flags):
            return None, "", 0.0, ""
        for pattern, ind in (rules.EN_FIRM_KINDS if english else rules.ZH_FIRM_KINDS):
            if re.search(pattern, tail + state.subject, flags):
                return ind, "firms", value, ""
        return "firms", "firms", value, ""
    if unit == "pcs" and re.search(rules.EN_PLATFORM if english else rules.ZH_PLATFORM, window[-15:] + after[:10], flags):
        level = "platforms_national" if re.search(r"国家级|national", window[-15:], flags) else (
            "platforms_provincial" if re.search(r"省级|provincial", window[-15:], flags) else None)
        return (level, "pcs", value, "") if level else (None, "", 0.0, "")
    if unit == "m" and value < 0.1:
        if re.search(r"厚|thick", window[-20:] + after[:20], flags) or fam == "thickness":
            return "thickness", "m", value, ""
        return None, "", 0.0, ""
    if unit == "yuan":
        if fam in ("revenue", "output_value", "profit", "industrial_value_added", "rd_spending"):
            return fam, "yuan", value, ""
        return None, "", 0.0, ""
    if unit == "W" and fam in ("installed_capacity", "installed_capacity_added"):
        return fam, "W", value, ""
    if fam in ("output", "capacity"):
        return fam, unit, value, ""
    return None, "", 0.0, ""


def _vehicle(text: str) -> bool:
    """The words speak of vehicles (a bare 797,000 then counts vehicles)."""
    return bool(rules.VEHICLE_CONTEXT.search(text or ""))


def _sector_indicator(indicator: str, subject: str) -> str:
    for pattern, mapping in rules.SECTOR_INDICATORS:
        if re.search(pattern, subject or "") and indicator in mapping:
            return mapping[indicator]
    return indicator


def _comparator(window: str, m: Mention, english: bool) -> str:
    if m.low_of_range:
        return ">="
    if m.comparator_after:
        return m.comparator_after
    if english:
        tail = window[-30:]
        for pattern, cmp in rules.EN_BEFORE_CMP:
            if re.search(rf"(?<![A-Za-z])(?:{pattern})\s+(?:a total of\s+)?$", tail, re.IGNORECASE):
                return cmp
        return "="
    tail = window[-6:]
    for pattern, cmp in rules.ZH_BEFORE_CMP:
        if re.search(rf"(?:{pattern})[了]?$", tail):
            return cmp
    return "="
