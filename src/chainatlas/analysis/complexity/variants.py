"""Named conventions for the complexity engine.

Three widely used implementations of economic complexity disagree on small details (is presence
``RCA >= 1`` or ``RCA > 1``? does a product's proximity to itself count in density? population or
sample standard deviation?).  Each detail shifts every number slightly, so results are only
comparable with a published source computed the same way.  Rather than scattering flags over the
API, every convention lives in one frozen :class:`Variant`, and the three references are presets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["GROWTHLAB_PY", "GROWTHLAB_STATA", "OEC", "VARIANTS", "Variant", "get_variant"]


@dataclass(frozen=True)
class Variant:
    """One complete set of conventions for RCA presence, ECI/PCI, proximity and outlook measures.

    Attributes
    ----------
    name : str
        Short identifier (used in reports and ``to_dict``).
    strict : bool
        Presence is ``RCA > threshold`` when True, ``RCA >= threshold`` when False.
    proximity_diagonal : float
        Value put on the proximity diagonal before density and COG are computed (1 keeps a
        product's proximity to itself, 0 drops it).
    ddof : int
        Delta degrees of freedom of the standard deviations used to standardise ECI, PCI and COI
        (0: population, as numpy; 1: sample, as Stata and pandas).
    method : {"eigen", "reflections"}
        ECI/PCI from the second eigenvector, or from the iterated method of reflections.
    iterations : int
        Number of reflection steps (only used when ``method == "reflections"``); the OEC library
        uses 20 and reads ECI from step ``iterations - 2`` and PCI from step ``iterations - 1``.
    pci_moments : {"eci", "own"}
        Standardise PCI with ECI's mean and standard deviation (keeps "ECI = mean PCI of present
        products") or with its own.
    outlook_pci : {"scaled", "standardised"}
        PCI fed into COI/COG: the raw eigenvector divided by ECI's standard deviation, as the
        Growth Lab packages do, or the final standardised PCI, as the OEC library does.
    cog_mask_present : bool
        Multiply COG by ``(1 - M_cp)`` so products already present gain nothing (Growth Lab).
    cog_loss_term : bool
        Subtract ``(1 - d_cp) * PCI_p`` from COG (Hidalgo's opportunity gain, used by the OEC).
    coi_standardise : bool
        Standardise COI to mean 0 and unit standard deviation over unmasked regions.
    """

    name: str
    strict: bool = False
    proximity_diagonal: float = 1.0
    ddof: int = 0
    method: Literal["eigen", "reflections"] = "eigen"
    iterations: int = 20
    pci_moments: Literal["eci", "own"] = "eci"
    outlook_pci: Literal["scaled", "standardised"] = "scaled"
    cog_mask_present: bool = True
    cog_loss_term: bool = False
    coi_standardise: bool = True

    def __post_init__(self) -> None:
        if self.method not in ("eigen", "reflections"):
            raise ValueError(f"Variant {self.name!r}: method must be 'eigen' or 'reflections', got {self.method!r}")
        if self.pci_moments not in ("eci", "own"):
            raise ValueError(f"Variant {self.name!r}: pci_moments must be 'eci' or 'own'")
        if self.outlook_pci not in ("scaled", "standardised"):
            raise ValueError(f"Variant {self.name!r}: outlook_pci must be 'scaled' or 'standardised'")
        if self.ddof not in (0, 1):
            raise ValueError(f"Variant {self.name!r}: ddof must be 0 or 1")
        if self.method == "reflections" and self.iterations < 2:
            raise ValueError(f"Variant {self.name!r}: reflections need at least 2 iterations")

    def with_(self, **changes: object) -> Variant:
        """Return a copy with some conventions changed (e.g. ``OEC.with_(iterations=40)``)."""
        return replace(self, **changes)  # type: ignore[arg-type]


#: Growth Lab ``ecomplexity`` Python package (0.5.x): RCA >= t, proximity diagonal 1, population
#: std, PCI standardised with ECI's moments, COG without the ``-(1-d) PCI`` term.
GROWTHLAB_PY = Variant(name="growthlab-py")

#: Growth Lab Stata ``ecomplexity``: RCA > t, proximity diagonal 0 (``... - I(Np)``), sample std.
GROWTHLAB_STATA = Variant(name="growthlab-stata", strict=True, proximity_diagonal=0.0, ddof=1)

#: OEC / Datawheel ``economic-complexity`` library: method of reflections (20 steps), proximity
#: diagonal 0, sample std (pandas/polars default), each index standardised with its own moments, and
#: opportunity gain with the ``-(1-d) PCI`` term and no ``(1-M)`` mask.
OEC = Variant(
    name="oec",
    proximity_diagonal=0.0,
    ddof=1,
    method="reflections",
    iterations=20,
    pci_moments="own",
    outlook_pci="standardised",
    cog_mask_present=False,
    cog_loss_term=True,
)

VARIANTS: dict[str, Variant] = {v.name: v for v in (GROWTHLAB_PY, GROWTHLAB_STATA, OEC)}


def get_variant(variant: Variant | str) -> Variant:
    """Resolve a preset name (``"growthlab-py"``, ``"growthlab-stata"``, ``"oec"``) or pass through."""
    if isinstance(variant, Variant):
        return variant
    key = str(variant).lower().replace("_", "-")
    if key not in VARIANTS:
        raise ValueError(f"Unknown complexity variant {variant!r}; choose one of {sorted(VARIANTS)}")
    return VARIANTS[key]
