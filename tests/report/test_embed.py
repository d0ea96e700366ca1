"""JSON embedded in HTML: no character the HTML parser reacts to inside <script>, same values decoded."""

import json

from chainatlas.report.embed import script_json


def test_markup_characters_are_escaped_and_decode_back():
    value = {"name": "<!--<script></script>&amp;", "line": "a\u2028b", "n": 1.5}
    text = script_json(value)
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == value
