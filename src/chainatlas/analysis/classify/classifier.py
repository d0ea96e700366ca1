"""Registry record → firm × node assignments with role, score and evidence (企业挂链).

One pure function, :func:`classify_record`, that the local engine and Spark both run. It reads the
business scope (经营范围) clause by clause: a clause naming a node's product says *how* the firm deals
with it through its verbs (制造 → producer, 销售 → trader, 安装 → service). The firm's name and its
GB/T 4754 industry code raise or lower the score; boilerplate and negated spans (不含…) are ignored.
Why clauses and not whole-text matching: "铝锭销售；铝型材制造" makes profiles and only trades ingot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from chainatlas.analysis.classify.matcher import Matcher
from chainatlas.analysis.classify.vocabulary import Vocabulary
from chainatlas.analysis.classify.wording import (
    BOILERPLATE,
    MAKE_VERBS,
    NEGATION,
    PART,
    SENTENCE,
    SERVICE_NAMES,
    SERVICE_VERBS,
    TRADE_DIVISIONS,
    TRADE_VERBS,
    TRADER_NAMES,
    industry_code,
)

# Score parts, declared once (documented in the README): the clause verb is the main evidence,
# the industry code and the firm name corroborate it.
SCORE_CLAUSE = 0.6        # the scope names the product in a clause with a role verb
SCORE_BARE = 0.45         # the scope names it with no verb (a product list, an activity)
SCORE_NAME_ONLY = 0.3     # only the firm name names it
BONUS_INDUSTRY = 0.25     # registered industry class is one of the node's classes
BONUS_INDUSTRY_GROUP = 0.1  # same 3-digit group
BONUS_NAME = 0.15         # the firm name names it too
MIN_SCORE = 0.6           # producers at or above this count in region × node firm counts


@dataclass(frozen=True)
class Assignment:
    node_id: str
    role: str
    score: float
    evidence: str


@dataclass(frozen=True)
class _Clause:
    text: str
    roles: frozenset[str]


_MAKE = re.compile("|".join(MAKE_VERBS))
_TRADE = re.compile("|".join(TRADE_VERBS))
_SERVICE = re.compile("|".join(SERVICE_VERBS))
_ROLE_SETS: dict[tuple[bool, bool, bool], frozenset[str]] = {}
# a trading or service word anywhere in the name (a name ending in one, before 有限公司, contains it)
_TRADER_NAME = re.compile("|".join(map(re.escape, TRADER_NAMES)))
_SERVICE_NAME = re.compile("|".join(map(re.escape, SERVICE_NAMES)))


def _verbs(text: str) -> frozenset[str]:
    key = (bool(_MAKE.search(text)), bool(_TRADE.search(text)), bool(_SERVICE.search(text)))
    found = _ROLE_SETS.get(key)
    if found is None:
        found = _ROLE_SETS[key] = frozenset(r for r, hit in zip(("producer", "trader", "service"), key,
                                                                 strict=True) if hit)
    return found


def scope_clauses(scope: str) -> tuple[list[str], list[str]]:
    """Split a business scope into clauses; return them and the negated spans removed from them.

    A clause with no verb takes the verbs of the next clause of its sentence that has one
    ("铝锭，铝棒，铝型材生产"), else of the previous one; verbs before a colon ("生产、销售：铝箔，铝带")
    apply to the whole sentence.
    """
    text = BOILERPLATE.sub("；", scope or "")
    negated: list[str] = []

    def _strip(m):
        negated.append((m.group(1) or m.group(2) or "").strip())
        return "；"

    text = NEGATION.sub(_strip, text)
    return [s for s in SENTENCE.split(text) if s.strip()], [n for n in negated if n]


def _sentence_parts(sentence: str) -> list[str]:
    head = ""
    for colon in ("：", ":"):
        if colon in sentence:
            before, after = sentence.split(colon, 1)
            if len(before) <= 12 and _verbs(before):
                head, sentence = before, after
            break
    parts = [p for p in PART.split(sentence) if p.strip()]
    return [head + p for p in parts] if head else parts


def classify_record(record: Mapping[str, str], vocab: Vocabulary, matcher: Matcher) -> list[Assignment]:
    """Assignments of one registry record (fields ``name``, ``scope``, ``industry``, ``products``).

    ``products`` (主营产品) is read as production: a firm's own product list says what it makes.
    Returns one assignment per node, best role first; an empty list when nothing names a node.
    """
    name = (record.get("name") or "").strip()
    scope = record.get("scope") or ""
    products = record.get("products") or ""
    whole = name + "\n" + scope + "\n" + products
    if not matcher.any_in(whole):  # most registry firms name no node: leave them before any parsing
        return []
    code = industry_code(record.get("industry") or "")
    sentences, negated = scope_clauses(scope)
    found: dict[str, dict] = {}

    def note(nid: str, role: str, base: float, term: str, where: str) -> None:
        rec = found.setdefault(nid, {"roles": {}, "terms": set(), "where": set()})
        rec["roles"][role] = max(rec["roles"].get(role, 0.0), base)
        rec["terms"].add(term)
        rec["where"].add(where)

    for sentence in sentences:
        parts = _sentence_parts(sentence)
        hits = [matcher.find(p, vocab, whole) for p in parts]
        if not any(hits):  # most clauses name no node: their verbs are never asked for
            continue
        roles = [_verbs(p) for p in parts]
        for i, (part, part_hits) in enumerate(zip(parts, hits, strict=True)):
            if not part_hits:
                continue
            own = roles[i] or next((r for r in roles[i + 1:] if r), None) or \
                next((r for r in reversed(roles[:i]) if r), frozenset())
            # a node's own verbs (发电 for stations) count outside its terms only: 光伏发电系统安装 installs
            bare = _blank(part, part_hits)
            for nid, term in part_hits:
                wording = vocab.nodes[nid]
                extra = frozenset({"producer"}) if any(v in bare for v in wording.make_verbs) else frozenset()
                part_roles = own | extra
                if not part_roles:
                    note(nid, wording.bare_role, SCORE_BARE, term, "scope")
                for role in part_roles:
                    note(nid, role, SCORE_CLAUSE, term, "scope")
    for part in PART.split(products):
        for nid, term in matcher.find(part, vocab, whole):
            note(nid, "producer", SCORE_CLAUSE, term, "products")
    name_hits = matcher.find(name, vocab, whole)
    trader_name = bool(_TRADER_NAME.search(name))
    service_name = bool(_SERVICE_NAME.search(name))
    for nid, term in name_hits:
        if nid not in found:
            role = "trader" if trader_name else "service" if service_name else "other"
            note(nid, role, SCORE_NAME_ONLY, term, "name-only")
        else:
            found[nid]["terms"].add(term)
            found[nid]["where"].add("name")

    out = []
    for nid, rec in found.items():
        wording = vocab.nodes[nid]
        roles = rec["roles"]
        role = _pick_role(roles, trader_name, code)
        score = roles.get(role, max(roles.values()))
        evidence = ["terms=" + "/".join(sorted(rec["terms"])), "in=" + "+".join(sorted(rec["where"]))]
        if code:
            if code in wording.industry:
                score += BONUS_INDUSTRY
                evidence.append(f"industry={code}(node)")
            elif any(code[:3] == c[:3] for c in wording.industry):
                score += BONUS_INDUSTRY_GROUP
                evidence.append(f"industry={code}(group)")
            else:
                evidence.append(f"industry={code}")
            if "name-only" in rec["where"] and role == "other" and code in wording.industry \
                    and not code.startswith(TRADE_DIVISIONS):
                role, score = "producer", score  # name + matching manufacturing class: a producer
        if "name" in rec["where"]:
            score += BONUS_NAME
        if trader_name:
            evidence.append("name=trader")
        if negated:
            evidence.append("negated=" + "/".join(negated))
        out.append(Assignment(nid, role, round(min(score, 1.0), 3), "; ".join(evidence)))
    out.sort(key=lambda a: (-a.score, a.node_id))
    return out


def _pick_role(roles: Mapping[str, float], trader_name: bool, code: str) -> str:
    """Producer wins when any clause makes the product, unless the firm is a trader by name or code."""
    if "producer" in roles and not (trader_name or code.startswith(TRADE_DIVISIONS)):
        return "producer"
    for role in ("trader", "service", "producer", "other"):
        if role in roles:
            return role
    return "other"


def _blank(text: str, hits: list[tuple[str, str]]) -> str:
    """The clause with its matched terms removed: 光伏发电 must not read as the station's verb 发电."""
    for _, term in hits:
        text = text.replace(term, " ")
    return text
