"""Every tunable rule of diagnosis, opportunities and targets, declared once with name, default and meaning.

Why as data: the rules that colour a link strong, weak or missing, the weights that rank an
opportunity or a target firm, how many peers a report shows — these are policy, not code. Each is
declared here exactly once; the :class:`DiagnosisSettings` dataclass is *derived* from the
declaration (so a default cannot drift between two places), the report prints the ones in force,
the CLI accepts overrides (``--set strong_lq=2``) and a test checks that the README documents each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass, replace

from chainatlas.errors import ChainAtlasError


@dataclass(frozen=True)
class Setting:
    """One declared rule parameter: its name, default value, plain meaning and the group it belongs to."""

    name: str
    default: float
    meaning: str
    group: str = "diagnosis"


SETTINGS: tuple[Setting, ...] = (
    # --- diagnosis: share rules (a national share against the region's share of the national economy)
    Setting("strong_share_ratio", 1.5,
            "A link is strong when the region's share of national output of it is at least this multiple of the "
            "region's share of the national economy (the baseline: industrial value added, else secondary-industry "
            "value added, else GDP, else resident population) and at least strong_min_share."),
    Setting("strong_min_share", 0.02,
            "Minimum national share (0-1) for a link to count as strong on the share rule."),
    Setting("weak_share_ratio", 0.5,
            "A present link is weak when its national share is below this multiple of the region's baseline share."),
    Setting("strong_share_abs", 0.10,
            "When the region's baseline share is unknown: national share (0-1) from which a link is strong."),
    Setting("weak_share_abs", 0.01,
            "When the region's baseline share is unknown: national share (0-1) below which a link is weak."),
    Setting("floor_rank", 2,
            "A region ranked at or above this position nationally on official figures is never below 'present'."),
    # --- diagnosis: firm rules (no output figures)
    Setting("min_national_firms", 20,
            "Firm-count rules (strength from a location quotient, 'missing' from absence) apply only when the atlas "
            "records at least this many firms making the node nationally; below it a link with local firms is "
            "'present, n firms' and one without is 'unknown'."),
    Setting("strong_lq", 1.5,
            "Firm-count location quotient from which a link with no output figures is strong (with strong_min_firms)."),
    Setting("weak_lq", 0.67,
            "Firm-count location quotient below which a link with no output figures is weak."),
    Setting("strong_min_firms", 2,
            "Minimum number of local firms for a link with no output figures to be strong."),
    # --- diagnosis: structure and value
    Setting("top_heavy_margin", 0.10,
            "The region is top-heavy when the share of its chain measured in upstream and primary midstream links "
            "exceeds the nation's by more than this margin (0-1)."),
    Setting("scenario_share", 0.3,
            "Value scenarios ('one or two steps further') convert at most this share (0-1) of the region's output of "
            "the path's base node, and never more than the next link's national output or capacity."),
    # --- how many
    Setting("peer_count", 8, "Peers shown beside a region (the chain's leading regions of the same level).",
            "limits"),
    Setting("compare_cap", 10, "Most regions one comparison takes.", "limits"),
    Setting("substitute_count", 3,
            "When no firm makes a link, target lists fall back to makers of this many closest related nodes.",
            "limits"),
    # --- opportunity score weights (components in [0, 1]; the score is their weighted mean)
    Setting("value_uplift", 0.35, "Weight of the value uplift: unit value over the cost of inputs, as a percentile "
            "among candidates counted in the same unit.", "opportunity_weights"),
    Setting("density", 0.15, "Weight of relatedness density given the region's present nodes.",
            "opportunity_weights"),
    Setting("input_coverage", 0.15, "Weight of the share of the node's direct inputs made locally.",
            "opportunity_weights"),
    Setting("market", 0.20, "Weight of downstream demand: the node's outputs made here or in the province.",
            "opportunity_weights"),
    Setting("openness", 0.15, "Weight of 1 − the node's concentration across regions.", "opportunity_weights"),
    # --- target score weights
    Setting("scale", 0.35, "Weight of the firm's output or capacity of the link (log-scaled among candidates).",
            "target_weights"),
    Setting("listed", 0.15, "Weight of being listed on a stock exchange.", "target_weights"),
    Setting("high_tech", 0.10, "Weight of the high-tech enterprise flag.", "target_weights"),
    Setting("chain_link", 0.20, "Weight of a recorded input-output link between the firm's products and the "
            "region's links.", "target_weights"),
    Setting("expanded", 0.10, "Weight of the firm's group having plants in more than one province.",
            "target_weights"),
    Setting("proximity", 0.10, "Weight of distance (same province = 1, falling to 0 at 2,000 km).",
            "target_weights"),
)

BY_GROUP: dict[str, dict[str, Setting]] = {}
for _s in SETTINGS:
    BY_GROUP.setdefault(_s.group, {})[_s.name] = _s


def defaults(group: str) -> dict[str, float]:
    """Name → default of one group (``opportunity_weights``, ``target_weights``, ``limits``, ``diagnosis``)."""
    return {name: s.default for name, s in BY_GROUP[group].items()}


def limit(name: str) -> int:
    """A declared count (peer_count, compare_cap, substitute_count)."""
    return int(BY_GROUP["limits"][name].default)


def check_weights(group: str, weights: dict[str, float] | None) -> dict[str, float]:
    """Weights of a group with defaults filled in; unknown names are an error."""
    out = defaults(group)
    if not weights:
        return out
    bad = [k for k in weights if k not in out]
    if bad:
        raise ChainAtlasError(f"unknown score component(s) {', '.join(bad)}; known: {', '.join(out)}")
    try:
        out.update({k: float(v) for k, v in weights.items()})
    except (TypeError, ValueError) as exc:
        raise ChainAtlasError(f"weights must be numbers: {exc}") from exc
    return out


class _SettingsMethods:
    def with_overrides(self, overrides: dict[str, object] | None):
        """A copy with some thresholds changed; unknown names are an error."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}  # type: ignore[arg-type]
        bad = [k for k in overrides if k not in known]
        if bad:
            raise ChainAtlasError(f"unknown diagnosis setting(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        try:
            return replace(self, **{k: float(v) for k, v in overrides.items()})  # type: ignore[type-var]
        except ValueError as exc:
            raise ChainAtlasError(f"diagnosis settings must be numbers: {exc}") from exc

    def describe(self) -> list[dict]:
        """Each setting with its value in force, default and meaning (for reports)."""
        return [{"name": s.name, "value": getattr(self, s.name), "default": s.default, "meaning": s.meaning}
                for s in BY_GROUP["diagnosis"].values()]

    def key(self) -> tuple:
        """A hashable key of the values in force (for memoising diagnoses)."""
        return tuple(getattr(self, s) for s in BY_GROUP["diagnosis"])


DiagnosisSettings = make_dataclass(
    "DiagnosisSettings",
    [(s.name, float, field(default=float(s.default))) for s in BY_GROUP["diagnosis"].values()],
    bases=(_SettingsMethods,), frozen=True,
    namespace={"__doc__": "The thresholds in force for one diagnosis, derived from :data:`SETTINGS`."},
)
DiagnosisSettings.__module__ = __name__
