"""Every declared setting is documented in the README with its default, and drives the code."""

from pathlib import Path

from chainatlas.analysis import opportunities, targets
from chainatlas.analysis.settings import SETTINGS, DiagnosisSettings, defaults, limit

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    for s in SETTINGS:
        assert f"`{s.name}`" in README, s.name
        assert s.meaning


def test_defaults_are_declared_once():
    assert opportunities.DEFAULT_WEIGHTS == defaults("opportunity_weights")
    assert targets.TARGET_WEIGHTS == defaults("target_weights")
    assert DiagnosisSettings().strong_share_ratio == defaults("diagnosis")["strong_share_ratio"]
    assert (limit("peer_count"), limit("compare_cap"), limit("substitute_count")) == (8, 10, 3)
    # the README quotes the defaults it documents
    for name in ("value_uplift", "scale", "strong_share_ratio", "min_national_firms"):
        value = next(s.default for s in SETTINGS if s.name == name)
        assert f"`{name}` {value:g}" in README or f"`{name}` ({value:g}" in README, name
