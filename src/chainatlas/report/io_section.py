"""The report section on input-output multipliers and a what-if scenario (also embedded by the web page).

Why one renderer for both faces: the region report and the dashboard's what-if page show the same
figures from the same ``to_dict()``s, so they cannot drift apart.
"""

from __future__ import annotations

from chainatlas.report.html import _env
from chainatlas.results import jsonable


def render_io_section(io: dict | None = None, whatif: dict | None = None) -> str:
    """HTML for the multipliers of the chain's sectors (``Atlas.io(...).to_dict()``) and/or a what-if."""
    return _env().get_template("io_section.html.j2").render(io=jsonable(io) if io else None,
                                                            w=jsonable(whatif) if whatif else None)
