"""Which figures rest on verified sources: the rules, on hand-made rows."""

import pandas as pd

from chainatlas.analysis.verification import figure_sources, is_verified, mark_ladder, verified_ids

SOURCES = pd.DataFrame({"id": ["a", "b", "c"], "verified": [True, False, None]})


def test_only_true_counts_as_verified():
    assert verified_ids(SOURCES) == frozenset({"a"})
    assert verified_ids(SOURCES.drop(columns="verified")) == frozenset()


def test_a_figure_needs_a_source_and_every_source_verified():
    v = verified_ids(SOURCES)
    assert is_verified(["a"], v)
    assert is_verified("a / a", v)  # a baseline's "region source / national source" pair
    assert not is_verified([], v) and not is_verified(None, v)
    assert not is_verified(["a", "b"], v)  # one unchecked source taints a derived figure
    assert not is_verified(["c"], v)  # cited as found, never re-checked: not verified
    assert not is_verified("a / c", v)


def _row(basis, evidence, quantity_sources, national_sources):
    return {"quantity_basis": basis, "evidence": evidence, "quantity_sources": quantity_sources,
            "national_sources": national_sources}


def test_each_figure_rests_on_the_sources_of_its_basis():
    firms = {"firm-report"}
    # a firm sum: the quantity rests on the firms' report, the share also on the national statistic
    q, s = figure_sources(_row("firms:output", "firm output sum", ["firm-report"], ["nat"]), firms)
    assert q == ["firm-report"] and s == ["firm-report", "nat"]
    # an official share: the share rests on the share's source alone, the firm quantity on the firms
    q, s = figure_sources(_row("firms:output", "official share", ["firm-report", "share-src"], []), firms)
    assert q == ["firm-report"] and s == ["share-src"]
    # a quantity derived from an official share rests on the share and the national figure
    q, s = figure_sources(_row("official share × national output", "official share", ["share-src"], ["nat"]),
                           firms)
    assert q == ["share-src", "nat"] and s == ["share-src"]
    # an official statistic
    q, s = figure_sources(_row("statistics", "official statistic", ["stat"], ["nat"]), firms)
    assert q == ["stat"] and s == ["stat", "nat"]


def test_ladder_marks_unit_values_and_coefficients():
    ladder = pd.DataFrame({"unit_value": [100.0, None, 300.0], "unit_value_source": ["a", None, "b"],
                           "coefficient_source": [None, "a", "c"]})
    out = mark_ladder(ladder, verified_ids(SOURCES))
    assert out["unit_value_verified"].tolist() == [True, None, False]
    assert out["coefficient_verified"].tolist() == [None, True, False]
