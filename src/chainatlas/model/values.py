"""What counts as "no value": one definition for every layer.

Why one helper: frames coming from DuckDB, pandas and user files spell absence as ``None``,
``float('nan')``, ``numpy.nan``, ``pd.NA`` or ``pd.NaT`` — and, in text fields, as an empty or
blank string. Seven private variants used to disagree on which of these they caught (one missed
``None``, another ``pd.NA``); a figure shown as "nan" in a report, or a blank unit treated as a
real one, is the kind of slip a director notices.

>>> [is_missing(v) for v in (None, float("nan"), 0.0, "", "  ", "t")]
[True, True, False, False, False, False]
>>> [is_missing(v, blank_text=True) for v in ("", "  ", "t")]
[True, True, False]
"""

from __future__ import annotations

import math


def is_missing(value: object, *, blank_text: bool = False) -> bool:
    """True for None, any NaN (float, numpy, ``pd.NA``/``pd.NaT``) and, with ``blank_text``, empty or blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return blank_text and not value.strip()
    if isinstance(value, float):  # numpy.float64 is a float subclass
        return math.isnan(value)
    kind = type(value).__name__
    if kind in ("NAType", "NaTType"):
        return True
    if kind.startswith("float"):  # numpy.float32/float16
        return math.isnan(float(value))  # type: ignore[arg-type]
    return False
