"""The one "no value" test every layer uses."""

import math

import numpy as np
import pandas as pd
import pytest

from chainatlas.model.values import is_missing


@pytest.mark.parametrize("value", [None, math.nan, np.nan, np.float32("nan"), pd.NA, pd.NaT])
def test_every_spelling_of_absence_is_missing(value):
    assert is_missing(value)
    assert is_missing(value, blank_text=True)


@pytest.mark.parametrize("value", [0, 0.0, np.int64(0), np.float32(1.5), "0", "t", False])
def test_values_are_not_missing(value):
    assert not is_missing(value)
    assert not is_missing(value, blank_text=True)


def test_blank_text_only_counts_when_asked():
    assert not is_missing("")
    assert not is_missing("  ")
    assert is_missing("", blank_text=True)
    assert is_missing(" \t", blank_text=True)


def test_a_frame_cell_read_back_from_pandas():
    frame = pd.DataFrame({"v": [1.0, None], "s": pd.array(["a", None], dtype="string")})
    assert [is_missing(v) for v in frame["v"]] == [False, True]
    assert [is_missing(v) for v in frame["s"]] == [False, True]
