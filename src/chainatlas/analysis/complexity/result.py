"""Typed results of the complexity engine.

A :class:`ComplexityResult` keeps matrices as arrays (sparse when the input was sparse) and
region/product vectors as labelled Series, so it serves notebooks (``_repr_html_``), the CLI
(``__repr__``), JSON (``to_dict``) and long tables (``to_frame``) from one object.  Long-table
column names follow the Growth Lab ``ecomplexity`` package where they overlap, so downstream code
written for it keeps working.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.analysis.complexity.variants import Variant

__all__ = ["ComplexityResult", "PanelResult", "json_safe"]

#: Column order of the reference package's added columns.
REFERENCE_COLUMNS = ("diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca")


def json_safe(value: object) -> object:
    """Convert numpy scalars/arrays and NaN/inf into JSON-serialisable Python (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _flat(x: np.ndarray | sp.sparray | None) -> np.ndarray | None:
    if x is None:
        return None
    # A copy, never a view: the long frame must not share memory with the result's matrices.
    return x.toarray().ravel() if sp.issparse(x) else np.array(x, dtype=float).ravel()


@dataclass(eq=False)
class ComplexityResult:
    """Everything computed for one region x product matrix.

    Attributes
    ----------
    regions, products : labels of rows and columns.
    variant : conventions used (see :mod:`chainatlas.analysis.complexity.variants`).
    presence : presence test (``"rca"``, ``"rpop"``, ``"both"``, ``"manual"``); ``threshold``.
    rca, rpop, mcp : region x product matrices (sparse if the input was sparse; ``rpop`` may be None).
    diversity, ubiquity, eci, pci, coi : Series indexed by region / product.  ECI, PCI and COI are
        NaN exactly for masked units.
    density, cog : dense region x product arrays; NaN in the columns of masked products.
    masked_regions, masked_products : regions with zero diversity and products with zero ubiquity.
        They are excluded from the eigenproblem and the standardisations instead of turning every
        number into NaN as the reference package does.
    eigenvalue : second eigenvalue of the transition matrix (NaN for reflections); close to 1
        means a nearly decomposable network.
    notes : plain-language caveats (disconnected network, undefined units...).
    """

    regions: pd.Index
    products: pd.Index
    variant: Variant
    presence: str
    threshold: float
    rca: np.ndarray | sp.sparray
    rpop: np.ndarray | sp.sparray | None
    mcp: np.ndarray | sp.sparray
    diversity: pd.Series
    ubiquity: pd.Series
    eci: pd.Series
    pci: pd.Series
    density: np.ndarray
    coi: pd.Series
    cog: np.ndarray
    masked_regions: pd.Index
    masked_products: pd.Index
    eigenvalue: float = float("nan")
    notes: tuple[str, ...] = ()
    _proximity: np.ndarray | None = field(default=None, repr=False)
    _proximity_factory: Callable[[], np.ndarray] | None = field(default=None, repr=False)

    @property
    def proximity(self) -> np.ndarray:
        """Product x product proximity used for density and COG.

        For large sparse inputs the engine never builds it (see ``space.times_proximity``); it is
        then computed on first access (P x P floats: 3.2 GB for 20,000 products) and cached.
        """
        if self._proximity is None:
            if self._proximity_factory is None:
                raise ValueError("this result carries no proximity matrix")
            self._proximity = self._proximity_factory()
        return self._proximity

    def proximity_frame(self) -> pd.DataFrame:
        """Proximity as a labelled square DataFrame."""
        return pd.DataFrame(self.proximity, index=self.products, columns=self.products)

    @property
    def distance(self) -> np.ndarray:
        """1 - density."""
        return 1.0 - self.density

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.regions), len(self.products))

    def to_frame(self, *, loc: str = "loc", prod: str = "prod") -> pd.DataFrame:
        """Long table, one row per region x product, reference column names plus ``distance``.

        Columns: ``loc, prod, diversity, ubiquity, mcp, eci, pci, density, coi, cog, rca``
        (``rpop`` when computed) and ``distance``.
        """
        n_r, n_p = self.shape
        out = {
            # Index.take keeps the label dtype (e.g. Arrow strings) without boxing 10^6 objects.
            loc: self.regions.take(np.repeat(np.arange(n_r), n_p)),
            prod: self.products.take(np.tile(np.arange(n_p), n_r)),
            "diversity": np.repeat(self.diversity.to_numpy(), n_p),
            "ubiquity": np.tile(self.ubiquity.to_numpy(), n_r),
            "mcp": _flat(self.mcp),
            "eci": np.repeat(self.eci.to_numpy(), n_p),
            "pci": np.tile(self.pci.to_numpy(), n_r),
            "density": np.array(self.density).ravel(),
            "coi": np.repeat(self.coi.to_numpy(), n_p),
            "cog": np.array(self.cog).ravel(),
            "rca": _flat(self.rca),
        }
        if self.rpop is not None:
            out["rpop"] = _flat(self.rpop)
        out["distance"] = 1.0 - out["density"]
        # copy=False: no consolidation of a dozen 10^6-row columns into one block (a full copy).
        return pd.DataFrame(out, copy=False)

    def regions_frame(self) -> pd.DataFrame:
        """One row per region: diversity, ECI, COI and whether it was masked."""
        return pd.DataFrame(
            {
                "diversity": self.diversity,
                "eci": self.eci,
                "coi": self.coi,
                "masked": self.regions.isin(self.masked_regions),
            }
        )

    def products_frame(self) -> pd.DataFrame:
        """One row per product: ubiquity, PCI and whether it was masked."""
        return pd.DataFrame(
            {"ubiquity": self.ubiquity, "pci": self.pci, "masked": self.products.isin(self.masked_products)}
        )

    def to_dict(self, *, matrices: bool = False) -> dict:
        """JSON-safe summary (NaN -> None); ``matrices=True`` adds mcp/density/cog/rca as lists."""
        d: dict = {
            "variant": self.variant.name,
            "presence": self.presence,
            "threshold": self.threshold,
            "shape": list(self.shape),
            "eigenvalue": self.eigenvalue,
            "regions": [
                {"loc": r, "diversity": dv, "eci": e, "coi": c}
                for r, dv, e, c in zip(
                    self.regions.tolist(), self.diversity.tolist(), self.eci.tolist(), self.coi.tolist(), strict=True
                )
            ],
            "products": [
                {"prod": p, "ubiquity": u, "pci": c}
                for p, u, c in zip(self.products.tolist(), self.ubiquity.tolist(), self.pci.tolist(), strict=True)
            ],
            "masked_regions": self.masked_regions.tolist(),
            "masked_products": self.masked_products.tolist(),
            "notes": list(self.notes),
        }
        if matrices:
            for name in ("mcp", "rca", "density", "cog"):
                m = getattr(self, name)
                d[name] = (m.toarray() if sp.issparse(m) else m).tolist()
        return json_safe(d)  # type: ignore[return-value]

    def _top(self, n: int = 5) -> pd.Series:
        return self.eci.dropna().sort_values(ascending=False).head(n)

    def __repr__(self) -> str:
        n_r, n_p = self.shape
        top = ", ".join(f"{k}={v:.2f}" for k, v in self._top(3).items())
        return (
            f"ComplexityResult(variant={self.variant.name!r}, presence={self.presence!r}, "
            f"regions={n_r} ({len(self.masked_regions)} masked), products={n_p} "
            f"({len(self.masked_products)} masked), top ECI: {top or '-'})"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{v:.3f}</td></tr>" for k, v in self._top(10).items()
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>Complexity</strong> ({html.escape(self.variant.name)}, "
            f"{self.shape[0]} regions x {self.shape[1]} products, "
            f"{len(self.masked_regions)}/{len(self.masked_products)} masked)"
            f"<table><tr><th>region</th><th>ECI</th></tr>{rows}</table>"
            f"{'<ul>' + notes + '</ul>' if notes else ''}</div>"
        )


@dataclass(eq=False)
class PanelResult:
    """Several years computed together.

    Attributes
    ----------
    years : mapping year -> :class:`ComplexityResult` (in time order).
    transitions : long frame of presence changes between consecutive years
        (``time_from, time_to, loc, prod, change`` with change ``"entry"`` or ``"exit"``).
    pooled_proximity : the pooled product proximity when the panel used one, else None.
    """

    years: dict[Hashable, ComplexityResult]
    transitions: pd.DataFrame
    pooled_proximity: np.ndarray | None = None

    def __getitem__(self, year: Hashable) -> ComplexityResult:
        return self.years[year]

    def to_frame(self, *, time: str = "time", loc: str = "loc", prod: str = "prod") -> pd.DataFrame:
        """All years stacked in the reference's long format with a ``time`` column first."""
        frames = []
        for year, res in self.years.items():
            f = res.to_frame(loc=loc, prod=prod)
            f.insert(0, time, year)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def eci_frame(self) -> pd.DataFrame:
        """Region x year ECI table."""
        return pd.DataFrame({y: r.eci for y, r in self.years.items()})

    def entry_counts(self) -> pd.DataFrame:
        """Entries and exits per region and year pair."""
        if self.transitions.empty:
            return pd.DataFrame(columns=["time_from", "time_to", "loc", "entry", "exit"])
        t = self.transitions
        out = t.groupby(["time_from", "time_to", "loc", "change"]).size().unstack("change", fill_value=0)
        for col in ("entry", "exit"):
            if col not in out:
                out[col] = 0
        return out[["entry", "exit"]].reset_index()

    def to_dict(self) -> dict:
        return json_safe(
            {
                "years": {str(y): r.to_dict() for y, r in self.years.items()},
                "transitions": self.transitions.to_dict(orient="records"),
            }
        )  # type: ignore[return-value]

    def __repr__(self) -> str:
        ys = list(self.years)
        span = f"{ys[0]}..{ys[-1]}" if ys else "-"
        return (
            f"PanelResult(years={len(ys)} [{span}], transitions={len(self.transitions)}, "
            f"pooled_proximity={'yes' if self.pooled_proximity is not None else 'no'})"
        )
