"""Writing text to Excel so that it stays text: no cell a user's data fills ever becomes a formula.

Why: a firm named ``=HYPERLINK("http://…","click")`` or a note ``=cmd|' /C calc'!A0`` would otherwise
be written as a live formula (openpyxl turns any string starting with ``=`` into one). Following the
OWASP advice on CSV/formula injection, every string cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is stored as a string cell with Excel's quote prefix (the ``'`` a person
types to enter text), so Excel shows and edits it as text while the stored value is unchanged:
an exported sheet imports back to the same records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: object) -> bool:
    """Whether a text value would be taken for a formula by a spreadsheet."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def protect_cells(worksheet) -> int:
    """Make every risky string cell of ``worksheet`` plain text (quote-prefixed); return how many."""
    changed = 0
    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if is_risky(value):
                cell.data_type = "s"  # a formula cell would be evaluated; a string cell never is
                cell.quotePrefix = True
                changed += 1
    return changed


@contextmanager
def excel_writer(path: str | Path) -> Iterator[pd.ExcelWriter]:
    """A pandas ``ExcelWriter`` (openpyxl) whose sheets are protected before the file is saved."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        yield writer
        for worksheet in writer.book.worksheets:
            protect_cells(worksheet)
