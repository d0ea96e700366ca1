"""Scoring regions against a product space and PCI computed elsewhere.

Sub-national work often lacks the data to estimate a credible product space or PCI locally (a
province has few counties; a county makes few products).  The usual remedy is to borrow both from
the national (or world) level and only *measure* the regions locally: which products they have,
how close the missing ones are (density), and how complex their basket is (mean PCI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.analysis.complexity import space
from chainatlas.analysis.complexity.engine import align_proximity, outlook
from chainatlas.analysis.complexity.matrix import Matrix, PresenceTest, as_matrix, presence
from chainatlas.analysis.complexity.result import json_safe
from chainatlas.analysis.complexity.variants import GROWTHLAB_PY, Variant, get_variant

__all__ = ["ExternalScores", "score_with_proximity", "subnational_eci"]


@dataclass(eq=False)
class ExternalScores:
    """Density, COI, COG and mean-PCI ECI of regions scored against an external space."""

    regions: pd.Index
    products: pd.Index
    mcp: np.ndarray | sp.sparray
    density: np.ndarray
    coi: pd.Series
    cog: np.ndarray
    eci: pd.Series

    @property
    def distance(self) -> np.ndarray:
        return 1.0 - self.density

    def to_frame(self, *, loc: str = "loc", prod: str = "prod") -> pd.DataFrame:
        n_r, n_p = len(self.regions), len(self.products)
        m = self.mcp.toarray() if sp.issparse(self.mcp) else np.asarray(self.mcp)
        return pd.DataFrame(
            {
                loc: np.repeat(self.regions.to_numpy(), n_p),
                prod: np.tile(self.products.to_numpy(), n_r),
                "mcp": m.ravel(),
                "eci": np.repeat(self.eci.to_numpy(), n_p),
                "density": self.density.ravel(),
                "distance": 1.0 - self.density.ravel(),
                "coi": np.repeat(self.coi.to_numpy(), n_p),
                "cog": self.cog.ravel(),
            }
        )

    def to_dict(self) -> dict:
        return json_safe(
            {"regions": [{"loc": r, "eci": e, "coi": c} for r, e, c in
                         zip(self.regions.tolist(), self.eci.tolist(), self.coi.tolist(), strict=True)]}
        )  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"ExternalScores(regions={len(self.regions)}, products={len(self.products)})"


def _align_pci(pci: pd.Series | np.ndarray, products: pd.Index) -> np.ndarray:
    if isinstance(pci, pd.Series):
        return pci.reindex(products).to_numpy(dtype=float)
    arr = np.asarray(pci, dtype=float).ravel()
    if arr.shape[0] != len(products):
        raise ValueError(f"PCI has {arr.shape[0]} entries for {len(products)} products")
    return arr


def subnational_eci(mcp: pd.DataFrame | Matrix, pci: pd.Series | np.ndarray) -> pd.Series:
    r"""ECI of regions as the mean external PCI of the products they have.

    .. math:: ECI_c = \frac{\sum_p M_{cp} PCI_p}{\sum_p M_{cp}}

    over products with a known PCI.  This is the identity that holds for the eigenvector ECI (with
    PCI standardised by ECI's moments), used to place regions on a national scale.  Regions with
    no known product get NaN.
    """
    lm = as_matrix(mcp)
    p = _align_pci(pci, lm.products)
    known = np.isfinite(p)
    m = lm.values
    num = np.asarray(m @ np.where(known, p, 0.0)).ravel()
    den = np.asarray(m @ known.astype(float)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        eci = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return pd.Series(eci, index=lm.regions, name="eci")


def score_with_proximity(
    values: pd.DataFrame | Matrix,
    proximity: pd.DataFrame | np.ndarray,
    pci: pd.Series | np.ndarray,
    *,
    variant: Variant | str = GROWTHLAB_PY,
    presence_test: PresenceTest = "rca",
    threshold: float = 1.0,
) -> ExternalScores:
    """Density, COI, COG and ECI of local regions using an external proximity and PCI.

    ``values`` gives local presence (RCA against the local total, or ``presence_test="manual"``
    for a ready M).  Products unknown to the external PCI count as PCI 0 in COI/COG and are
    ignored by the mean-PCI ECI.  COI is reported raw (not standardised): the scale is the external
    PCI's, which is the point of borrowing it.
    """
    var = get_variant(variant)
    lm = as_matrix(values)
    mcp, _, _ = presence(lm.values, test=presence_test, threshold=threshold, strict=var.strict)
    phi = align_proximity(proximity, lm.products, diagonal=var.proximity_diagonal)
    p = np.nan_to_num(_align_pci(pci, lm.products))
    dens, base = outlook(mcp, p, phi=phi)
    cog = space.finish_cog(base, mcp, p, dens, var.cog_mask_present, var.cog_loss_term)
    coi = space.coi(dens, mcp, p)
    return ExternalScores(
        regions=lm.regions,
        products=lm.products,
        mcp=mcp,
        density=dens,
        coi=pd.Series(coi, index=lm.regions, name="coi"),
        cog=cog,
        eci=subnational_eci(pd.DataFrame(_dense(mcp), index=lm.regions, columns=lm.products), pci),
    )


def _dense(m: Matrix) -> np.ndarray:
    return m.toarray() if sp.issparse(m) else np.asarray(m)
