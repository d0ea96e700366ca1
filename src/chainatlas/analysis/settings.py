"""Thresholds behind the diagnosis, declared once with name, default and meaning.

Why as data: the rules that colour a link strong, weak or missing are policy, not code. Declaring them
here lets the report print the ones used, the CLI accept overrides (``--set strong_lq=2``) and a
test check that each is documented.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from chainatlas.errors import ChainAtlasError


@dataclass(frozen=True)
class Setting:
    name: str
    default: float
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("strong_share_ratio", 1.5,
            "A link is strong when the region's share of national output of it is at least this multiple of the "
            "region's overall (value-weighted) share of the chain, and at least strong_min_share."),
    Setting("strong_min_share", 0.02,
            "Minimum national share (0-1) for a link to count as strong on the share rule."),
    Setting("weak_share_ratio", 0.5,
            "A present link is weak when its national share is below this multiple of the region's overall share."),
    Setting("strong_share_abs", 0.10,
            "When the region's overall share is unknown: national share (0-1) from which a link is strong."),
    Setting("weak_share_abs", 0.01,
            "When the region's overall share is unknown: national share (0-1) below which a link is weak."),
    Setting("strong_lq", 1.5,
            "Firm-count location quotient from which a link with no output figures is strong (with strong_min_firms)."),
    Setting("weak_lq", 0.67,
            "Firm-count location quotient below which a link with no output figures is weak."),
    Setting("strong_min_firms", 2,
            "Minimum number of local firms for a link with no output figures to be strong."),
    Setting("top_heavy_margin", 0.10,
            "The region is top-heavy when the share of its chain output value in upstream and primary midstream "
            "links exceeds the national share by more than this margin (0-1)."),
)


@dataclass(frozen=True)
class DiagnosisSettings:
    """The thresholds in force for one diagnosis (defaults from :data:`SETTINGS`)."""

    strong_share_ratio: float = 1.5
    strong_min_share: float = 0.02
    weak_share_ratio: float = 0.5
    strong_share_abs: float = 0.10
    weak_share_abs: float = 0.01
    strong_lq: float = 1.5
    weak_lq: float = 0.67
    strong_min_firms: float = 2
    top_heavy_margin: float = 0.10

    def with_overrides(self, overrides: dict[str, object] | None) -> DiagnosisSettings:
        """A copy with some thresholds changed; unknown names are an error."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}
        bad = [k for k in overrides if k not in known]
        if bad:
            raise ChainAtlasError(f"unknown diagnosis setting(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        try:
            return replace(self, **{k: float(v) for k, v in overrides.items()})  # type: ignore[arg-type]
        except ValueError as exc:
            raise ChainAtlasError(f"diagnosis settings must be numbers: {exc}") from exc

    def describe(self) -> list[dict]:
        """Each setting with its value in force, default and meaning (for reports)."""
        return [{"name": s.name, "value": getattr(self, s.name), "default": s.default, "meaning": s.meaning}
                for s in SETTINGS]
