"""Published-figure oracles for the shipped region observations, through the evaluation engine."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from chainatlas.analysis.evaluation import evaluate, system_from_dict

DATA = Path(__file__).resolve().parents[2] / "src" / "chainatlas" / "reference" / "data"
MIN_PEERS = 5  # fewer Shanxi cities with a figure than this and a rank means nothing


def observations() -> pd.DataFrame:
    return pd.read_csv(
        DATA / "observations" / "regions.csv",
        dtype={"subject_id": str, "node_id": str},
        keep_default_na=False,
        na_values={"value": [""]},
    )


def shanxi_prefectures() -> list[str]:
    with open(DATA / "regions.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["code"] for r in rows if r["parent"] == "140000" and r["level"] == "prefecture"]


def one_indicator(indicator: str):
    return system_from_dict(
        {
            "id": f"only-{indicator}",
            "name_zh": indicator,
            "name_en": indicator,
            "dimensions": [{"id": "d", "name_zh": "维度", "name_en": "dimension"}],
            "indicators": [{"id": indicator, "dimension": "d", "direction": "higher"}],
        }
    )


def city_frame(indicator: str, year: int) -> pd.DataFrame:
    obs = observations()
    rows = obs[
        (obs.subject_kind == "region")
        & obs.subject_id.isin(shanxi_prefectures())
        & (obs.indicator == indicator)
        & (obs.year == year)
        & (obs.node_id == "")
    ]
    return rows.set_index("subject_id")[["value"]].rename(columns={"value": indicator}).astype(float)


def test_shanxi_has_eleven_prefectures():
    assert len(shanxi_prefectures()) == 11


def test_changzhi_rd_spending_above_size_second_in_shanxi():
    """Published: Changzhi's above-size industrial R&D (21.9 亿元) is second in Shanxi, after Taiyuan."""
    frame = city_frame("rd_spending_above_size", 2022)
    if len(frame) < MIN_PEERS:
        pytest.skip(
            f"only {len(frame)} Shanxi prefecture(s) have rd_spending_above_size for 2022 "
            f"({', '.join(frame.index)}); the by-city table of above-size industrial R&D in the "
            "2022 Shanxi science-funding bulletin / yearbook has not been curated yet"
        )
    res = evaluate(frame, one_indicator("rd_spending_above_size"), method="entropy")
    assert res.rank_of("140400") == 2
    assert res.rank_of("140100") == 1


def test_shanxi_total_rd_2021_order_matches_bulletin():
    """Published (2021年山西省科技经费投入统计公报): the cities above 20 亿元 are, in order, Taiyuan,
    Linfen, Changzhi and Jinzhong; Changzhi is third by total R&D (all performers)."""
    frame = city_frame("rd_spending", 2021)
    assert len(frame) == 11
    res = evaluate(frame, one_indicator("rd_spending"), method="entropy")
    top = [r for r in res.regions if frame.at[r, "rd_spending"] > 20]
    assert top == ["140100", "141000", "140400", "140700"]
    assert res.rank_of("140400") == 3
    # the cities' figures add up to the province total (251.9 亿元) within rounding
    total = observations().query("subject_id == '140000' and indicator == 'rd_spending' and year == 2021")
    assert frame["rd_spending"].sum() == pytest.approx(float(total["value"].iloc[0]), abs=0.6)


def test_innovation_system_runs_on_shanxi_2021():
    """All Shanxi cities with the shipped 2021 figures: the bulletin's two indicators, ranked."""
    import tomllib

    system = system_from_dict(tomllib.loads((DATA / "systems" / "innovation.toml").read_text("utf-8")))
    obs = observations()
    rows = obs[obs.subject_id.isin(shanxi_prefectures()) & (obs.year == 2021) & (obs.node_id == "")]
    frame = rows.pivot(index="subject_id", columns="indicator", values="value")
    res = evaluate(frame, system)
    # Changzhi's evaluation figures are of 2022 (a July 2023 report on "last year"), not mixed in here
    assert "rd_spending_above_size" not in frame.columns
    assert list(res.weights.index) == ["rd_spending", "rd_intensity"]
    assert res.rank_of("140100") == 1
