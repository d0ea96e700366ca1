"""Relatedness and economic complexity over a region x activity matrix (pure functions).

Entry point: :func:`compute_complexity`.  Building blocks live in submodules: ``matrix`` (RCA,
RPOP, presence, degrees), ``eigen`` (ECI/PCI), ``space`` (proximity, density, COI, COG),
``external`` (scoring with a proximity or PCI from elsewhere), ``panel`` (several years) and
``variants`` (the conventions switch).
"""

from chainatlas.analysis.complexity.engine import align_proximity, compute_complexity, outlook
from chainatlas.analysis.complexity.external import score_with_proximity, subnational_eci
from chainatlas.analysis.complexity.matrix import as_matrix, diversity, presence, rca, rpop, ubiquity
from chainatlas.analysis.complexity.panel import compute_panel, presence_transitions
from chainatlas.analysis.complexity.result import ComplexityResult, PanelResult
from chainatlas.analysis.complexity.space import (
    cog,
    coi,
    continuous_proximity,
    density,
    density_for,
    distance,
    proximity,
)
from chainatlas.analysis.complexity.variants import GROWTHLAB_PY, GROWTHLAB_STATA, OEC, VARIANTS, Variant

__all__ = [
    "GROWTHLAB_PY",
    "GROWTHLAB_STATA",
    "OEC",
    "VARIANTS",
    "ComplexityResult",
    "PanelResult",
    "Variant",
    "align_proximity",
    "as_matrix",
    "cog",
    "coi",
    "compute_complexity",
    "compute_panel",
    "continuous_proximity",
    "density",
    "density_for",
    "distance",
    "diversity",
    "outlook",
    "presence",
    "presence_transitions",
    "proximity",
    "rca",
    "rpop",
    "score_with_proximity",
    "subnational_eci",
    "ubiquity",
]
