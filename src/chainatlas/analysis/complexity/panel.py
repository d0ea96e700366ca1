"""Several years at once: independent years or one pooled product space, plus entries and exits.

Why pool: a single year's co-presence is noisy for rare products; the literature (e.g. Hidalgo et
al. 2007 average over years) stabilises proximity by pooling, and a fixed space makes densities
comparable across years.  Entry/exit tables are the raw material of relatedness regressions
("does density predict which products a region enters?").
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.analysis.complexity.engine import compute_complexity
from chainatlas.analysis.complexity.matrix import Matrix, as_matrix, presence
from chainatlas.analysis.complexity.result import PanelResult
from chainatlas.analysis.complexity.space import proximity as _proximity
from chainatlas.analysis.complexity.variants import GROWTHLAB_PY, Variant, get_variant

__all__ = ["compute_panel", "presence_transitions"]


def _aligned(data: Mapping[Hashable, object]) -> dict[Hashable, pd.DataFrame | Matrix]:
    """Reindex wide DataFrames onto the union of regions and products (missing = 0)."""
    frames = {y: v for y, v in data.items()}
    if all(isinstance(v, pd.DataFrame) for v in frames.values()):
        regs = pd.Index([])
        prods = pd.Index([])
        for f in frames.values():
            regs = regs.union(f.index, sort=False)
            prods = prods.union(f.columns, sort=False)
        return {y: f.reindex(index=regs, columns=prods, fill_value=0) for y, f in frames.items()}
    shapes = {np.shape(v) if not sp.issparse(v) else v.shape for v in frames.values()}
    if len(shapes) != 1:
        raise ValueError(f"unlabelled yearly matrices must share one shape, got {sorted(shapes)}")
    return frames


def presence_transitions(
    before: Matrix,
    after: Matrix,
    regions: pd.Index,
    products: pd.Index,
    *,
    time_from: Hashable = None,
    time_to: Hashable = None,
) -> pd.DataFrame:
    """Cells whose presence switched on (``"entry"``) or off (``"exit"``) between two years."""
    a = sp.csr_array(before, dtype=float)
    b = sp.csr_array(after, dtype=float)
    diff = sp.coo_array((b > 0).astype(float) - (a > 0).astype(float))
    diff.sum_duplicates()
    keep = diff.data != 0
    rows, cols, data = diff.row[keep], diff.col[keep], diff.data[keep]
    order = np.lexsort((cols, rows))
    return pd.DataFrame(
        {
            "time_from": time_from,
            "time_to": time_to,
            "loc": regions.to_numpy()[rows[order]],
            "prod": products.to_numpy()[cols[order]],
            "change": np.where(data[order] > 0, "entry", "exit"),
        }
    )


def compute_panel(
    data: Mapping[Hashable, pd.DataFrame | Matrix],
    *,
    pooled_proximity: bool = False,
    regions: object = None,
    products: object = None,
    variant: Variant | str = GROWTHLAB_PY,
    **kwargs: object,
) -> PanelResult:
    """Compute every year of a panel and the presence transitions between consecutive years.

    Parameters
    ----------
    data : mapping year -> wide region x product matrix (DataFrames are aligned on the union of
        labels; unlabelled matrices must share a shape).  Years are processed in sorted order.
    pooled_proximity : if True, one proximity is estimated from all years' presence matrices
        stacked (region-years as observations) and used for every year's density/COI/COG; ECI/PCI
        stay year-specific.  If False each year is fully independent.
    regions, products, variant, **kwargs : passed to :func:`compute_complexity`.
    """
    var = get_variant(variant)
    frames = _aligned(data)
    years = sorted(frames)
    pooled = None
    if pooled_proximity:
        test = kwargs.get("presence", "rca")
        ms = []
        for y in years:
            lm = as_matrix(frames[y], regions, products)
            m, _, _ = presence(
                lm.values,
                test=test,  # type: ignore[arg-type]
                threshold=float(kwargs.get("threshold", 1.0)),  # type: ignore[arg-type]
                rpop_threshold=kwargs.get("rpop_threshold"),  # type: ignore[arg-type]
                population=kwargs.get("population"),  # type: ignore[arg-type]
                strict=var.strict,
            )
            ms.append(sp.csr_array(m))
        pooled = _proximity(sp.vstack(ms).tocsr(), diagonal=var.proximity_diagonal)
        kwargs = {**kwargs, "proximity": pooled}
    results = {
        y: compute_complexity(frames[y], regions=regions, products=products, variant=var, **kwargs)  # type: ignore[arg-type]
        for y in years
    }
    trans = [
        presence_transitions(
            results[a].mcp, results[b].mcp, results[a].regions, results[a].products, time_from=a, time_to=b
        )
        for a, b in zip(years[:-1], years[1:], strict=True)
    ]
    transitions = (
        pd.concat(trans, ignore_index=True)
        if trans
        else pd.DataFrame(columns=["time_from", "time_to", "loc", "prod", "change"])
    )
    return PanelResult(years=results, transitions=transitions, pooled_proximity=pooled)
