"""The five seed diagnoses carry marks that match their sources, and the audited figures are right.

Each headline official figure below was re-read in the publication its source names (the source
row says where and when); figures resting on sources nobody re-read keep the † mark.
"""

from __future__ import annotations

import pytest


def _node(d, node_id: str) -> dict:
    return d.nodes.set_index("node_id").loc[node_id].to_dict()


def test_refined_copper_2023_is_the_associations_published_figure(shipped):
    obs = shipped.table("observations")
    row = obs[(obs["subject_id"] == "100000") & (obs["node_id"] == "copper.cathode") & (obs["year"] == 2023)]
    assert len(row) == 1
    rec = row.iloc[0]
    assert rec["value"] == pytest.approx(12.99e6) and rec["comparator"] == "~"
    assert rec["source_id"] == "out-cnia-bir-2023"
    sources = shipped.table("sources").set_index("id")
    assert sources.loc["out-cnia-bir-2023", "verified"] == True  # noqa: E712
    assert "out-nbs-industry-2023-12" not in sources.index  # the figure typed from memory is gone


def test_miit_2023_pv_totals_are_lower_bounds(shipped):
    obs = shipped.table("observations")
    rows = obs[(obs["subject_id"] == "100000") & (obs["source_id"] == "out-miit-pv-2023")]
    assert len(rows) == 3 and set(rows["comparator"]) == {">="}  # 超过143万吨 / 545GW / 499GW


@pytest.mark.parametrize("region, chain, verified, unverified", [
    # node: figures checked against the original (no mark) / figures not (marked †)
    ("滨州", "aluminium", {"aluminium.alumina": ("quantity", "national", "share"),
                          "aluminium.primary": ("quantity", "national", "share"),
                          "aluminium.recycled": ("national",)},
     {"aluminium.profile-industrial": ("national",)}),
    ("铜陵", "copper", {"copper.cathode": ("national",)},
     {"copper.foil-battery": ("quantity", "national", "share")}),
    ("安徽", "photovoltaics", {"photovoltaics.module": ("quantity", "share"), "photovoltaics.cell": ("quantity", "share"),
                             "photovoltaics.glass": ("share",), "photovoltaics.polysilicon": ("national",)}, {}),
    ("长治", "coal-chemicals", {"coal-chemicals.raw-coal": ("national",)}, {"coal-chemicals.coal-to-liquids": ("national",)}),
])
def test_seed_reports_mark_what_their_sources_warrant(shipped, region, chain, verified, unverified):
    d = shipped.diagnose(region, chain)
    for node, figures in verified.items():
        rec = _node(d, node)
        for fig in figures:
            assert rec[f"{fig}_verified"] is True, (node, fig)
    for node, figures in unverified.items():
        rec = _node(d, node)
        for fig in figures:
            assert rec[f"{fig}_verified"] is False, (node, fig)
    # every firm row and unit value of these reports rests on an unchecked source: all marked
    assert d.firms["verified"].eq(False).all()
