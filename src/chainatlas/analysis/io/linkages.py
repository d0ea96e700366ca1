"""Rasmussen linkages, hypothetical extraction in closed form, and key-sector classification.

Backward linkages use the column sums of the Leontief inverse. Forward linkages use the row sums of
the Ghosh inverse by default (the supply-side measure, Miller & Blair §12.2); ``forward="leontief"``
gives the older row-sum-of-``L`` variant. Both are normalised so that their mean over sectors is 1.

Hypothetical extraction (Miller & Blair §12.2.5; Dietzenbacher & van der Linden 1997) asks how much
total output the economy would lose if a sector were taken out. Re-solving the model once per
sector costs *n* inversions; here every sector's answer comes from the one inverse ``L``:

* total extraction (row and column of *k* removed, its final demand kept as its own output):
  the inverse of ``I − A`` without row and column *k* is ``L₋ₖ₋ₖ − L₋ₖₖ Lₖ₋ₖ / Lₖₖ`` (the Schur
  complement), which gives ``x̄₋ₖ = x₋ₖ − L₋ₖₖ xₖ / Lₖₖ``; the loss is
  ``xₖ (Σᵢ Lᵢₖ − Lₖₖ) / Lₖₖ + xₖ − fₖ``;
* backward extraction (column *k* of ``A`` set to zero, Sherman–Morrison): the loss is
  ``xₖ (Σᵢ Lᵢₖ − 1) / Lₖₖ`` (derived in :func:`extraction`);
* forward extraction (row *k* of ``B`` set to zero, on the Ghosh side): the loss is
  ``xₖ (Σⱼ Gₖⱼ − 1) / Gₖₖ``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY_CLASSES = {
    (True, True): "key",
    (True, False): "backward-oriented",
    (False, True): "forward-oriented",
    (False, False): "weak",
}


def _normalised(sums: np.ndarray) -> np.ndarray:
    n = len(sums)
    total = sums.sum()
    return n * sums / total if total > 0 else np.full(n, np.nan)


def backward_linkages(L: np.ndarray) -> np.ndarray:
    """Rasmussen's power of dispersion: ``n · Σᵢ Lᵢⱼ / Σᵢⱼ Lᵢⱼ``."""
    return _normalised(L.sum(axis=0))


def forward_linkages(L: np.ndarray, G: np.ndarray | None = None, variant: str = "ghosh") -> np.ndarray:
    """Sensitivity of dispersion: ``n · Σⱼ Gᵢⱼ / Σᵢⱼ Gᵢⱼ`` (``variant="leontief"``: rows of ``L``)."""
    if variant == "ghosh":
        if G is None:
            raise ValueError("forward linkages on the Ghosh inverse need G")
        return _normalised(G.sum(axis=1))
    if variant == "leontief":
        return _normalised(L.sum(axis=1))
    raise ValueError(f"forward linkage variant must be 'ghosh' or 'leontief', not {variant!r}")


def key_sectors(backward: np.ndarray, forward: np.ndarray) -> list[str]:
    """Key (both > 1), backward-oriented, forward-oriented or weak (neither)."""
    return [KEY_CLASSES[(bool(b > 1), bool(f > 1))] for b, f in zip(backward, forward, strict=True)]


def extraction(L: np.ndarray, G: np.ndarray, x: np.ndarray, f: np.ndarray) -> pd.DataFrame:
    """Output lost when each sector is extracted, in the table's unit, for every sector at once.

    Columns: ``total`` (row and column removed), ``backward`` (its purchases removed), ``forward``
    (its sales removed, Ghosh), and ``total_share`` (``total`` over total output).

    Backward: with column *k* of ``A`` zeroed, Sherman–Morrison gives
    ``L′ = L − (L·ₖ − eₖ) Lₖ· / Lₖₖ`` (using ``L·ₖ − eₖ = L A·ₖ``), so
    ``x − x′ = (L·ₖ − eₖ) xₖ / Lₖₖ`` and the loss summed over sectors is ``xₖ (Σᵢ Lᵢₖ − 1) / Lₖₖ``.
    Forward is the same on the Ghosh side with value added as the driver: ``xₖ (Σⱼ Gₖⱼ − 1) / Gₖₖ``.
    """
    x = np.asarray(x, float)
    f = np.asarray(f, float)
    d = np.diag(L)
    col = L.sum(axis=0)
    total = x * (col - d) / d + x - f
    backward = x * (col - 1.0) / d
    gd = np.diag(G)
    forward = x * (G.sum(axis=1) - 1.0) / gd
    out = pd.DataFrame({"total": total, "backward": backward, "forward": forward})
    out["total_share"] = out["total"] / x.sum()
    return out
