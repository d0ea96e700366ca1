"""Registry address (注册地址 / 住所) → the current 6-digit region code, using the atlas's own names.

Why not a general address parser: registry addresses start with province, prefecture and county names,
which the atlas already holds with their current codes; matching those names (and the older
``…县`` forms of counties that became cities or districts) gives current codes directly. When the
address names no region, the credit code's registration-authority digits (3–8) are used, mapped from
retired codes to current ones (邹平县 371626 → 邹平市 371681).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

_SUFFIXES = ("自治县", "自治旗", "县", "市", "区", "旗")


@dataclass(frozen=True)
class RegionMatch:
    code: str
    how: str  # address | credit-code | credit-code-prefecture | "" (unresolved)


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


class RegionResolver:
    """Built once from the regions table; :meth:`resolve` is pure and cheap per address."""

    def __init__(self, regions: Iterable[Mapping], renamed: Mapping[str, str] | None = None):
        self.level: dict[str, str] = {}
        self.parent: dict[str, str] = {}
        names: dict[str, set[str]] = {}
        old_forms: dict[str, set[str]] = {}
        for r in regions:
            code, level = str(r["code"]), r["level"]
            self.level[code] = level
            self.parent[code] = str(r.get("parent") or "")
            if level not in ("province", "prefecture", "county"):
                continue
            names.setdefault(r["name_zh"], set()).add(code)
            short = r.get("short_zh") or ""
            if level in ("province", "prefecture") and len(short) >= 2:
                names.setdefault(short, set()).add(code)
            stem = _stem(r["name_zh"]) if level == "county" else ""
            for suffix in ("县", "市", "区") if stem else ():
                old_forms.setdefault(stem + suffix, set()).add(code)
        for form, codes in old_forms.items():
            names.setdefault(form, set()).update(codes) if form not in names else None
        self.renamed = dict(renamed or {})
        self._memo: dict[frozenset[str], str] = {}
        self._auto = ahocorasick.Automaton()
        for name, codes in names.items():
            self._auto.add_word(name, (name, tuple(sorted(codes))))
        self._auto.make_automaton()

    def _ancestors(self, code: str) -> list[str]:
        out, cur = [], self.parent.get(code, "")
        while cur and len(out) < 5:
            out.append(cur)
            cur = self.parent.get(cur, "")
        return out

    def current(self, code: str) -> str:
        """A code as it is today: itself if current, its successor if retired, else ''."""
        if code in self.level:
            return code
        return self.renamed.get(code, "")

    def from_address(self, address: str) -> str:
        if not address:
            return ""
        found: list[str] = []
        for _, (_, codes) in self._auto.iter(address):
            found.extend(codes)
        if not found:
            return ""
        key = frozenset(found)
        cached = self._memo.get(key)
        if cached is None:
            cached = self._memo[key] = self._best(key)
        return cached

    def _best(self, named: frozenset[str]) -> str:
        """The most specific named region that the other names support (memoised by name set)."""
        best, best_key = "", (-1, -1)
        for code in sorted(named):  # sorted: ties resolve the same way in every process (Spark = local)
            depth = {"province": 1, "prefecture": 2, "county": 3}.get(self.level.get(code, ""), 0)
            support = sum(1 for a in self._ancestors(code) if a in named)
            # a county whose prefecture or province the address also names beats a namesake elsewhere
            ambiguous = sum(1 for c in named if c != code and self.level.get(c) == self.level.get(code))
            if depth == 3 and support == 0 and ambiguous:
                continue
            key = (support, depth)
            if key > best_key:
                best, best_key = code, key
        return best

    def resolve(self, address: str, credit_code: str = "") -> RegionMatch:
        code = self.from_address(address or "")
        if code:
            return RegionMatch(code, "address")
        cc = (credit_code or "").strip().upper()
        if len(cc) == 18 and cc[2:8].isdigit():
            current = self.current(cc[2:8])
            if current:
                return RegionMatch(current, "credit-code")
            pref = self.current(cc[2:6] + "00")
            if pref:
                return RegionMatch(pref, "credit-code-prefecture")
        return RegionMatch("", "")
