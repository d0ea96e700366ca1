"""JSON embedded in HTML, safe in any ``<script>`` element (reports and the web dashboard share it).

Why escape ``<``, ``>`` and ``&``: inside ``<script>`` the HTML parser still looks for ``</script``
and, after ``<!--``, for ``<script`` (the "script data double escaped" state), where a region named
``<!--<script>`` would swallow the rest of the page's scripts. Writing those three characters as the
JSON escapes ``\\u003c``, ``\\u003e`` and ``\\u0026`` leaves the parser nothing to see while every
JSON reader decodes the same values. U+2028/U+2029 are escaped for old JavaScript parsers.
"""

from __future__ import annotations

import json
from typing import Any

from chainatlas.results import jsonable

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON text that can sit inside ``<script>`` unchanged (mark it safe in templates).

    >>> script_json({"name": "<!--<script>&"})
    '{"name": "\\\\u003c!--\\\\u003cscript\\\\u003e\\\\u0026"}'
    """
    return json.dumps(jsonable(value), ensure_ascii=False, indent=indent).translate(_ESCAPES)
