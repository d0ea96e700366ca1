"""The registry classifier on hand-worked records, the vocabulary loader, and measured quality."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chainatlas.analysis.classify import MIN_SCORE, Matcher, build_vocabulary, classify_record
from chainatlas.errors import DataError
from chainatlas.reference.loader import data_dir
from chainatlas.reference.vocabulary import vocabulary_data
from chainatlas.registry.context import build_context
from chainatlas.registry.pipeline import classify_chunks

LABELLED = Path(__file__).parents[1] / "fixtures" / "registry" / "labelled.csv"


@pytest.fixture(scope="module")
def vocab():
    return build_vocabulary(*vocabulary_data())


@pytest.fixture(scope="module")
def matcher(vocab):
    return Matcher(vocab)


def roles(vocab, matcher, **record):
    return {a.node_id: a.role for a in classify_record(record, vocab, matcher)}


def test_clause_verbs_decide_the_role(vocab, matcher):
    got = roles(vocab, matcher, name="滨州市某铝业有限公司",
                scope="一般项目：铝型材制造；铝锭销售；技术服务、技术开发。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）")
    assert got == {"aluminium.profile-construction": "producer", "aluminium.primary": "trader"}


def test_verbs_of_a_later_clause_and_a_colon_apply(vocab, matcher):
    assert roles(vocab, matcher, name="甲公司", scope="铝锭，铝棒，铝型材生产")["aluminium.billet"] == "producer"
    assert roles(vocab, matcher, name="乙公司", scope="生产、销售：铝箔，覆铜板")["copper.ccl"] == "producer"


def test_traders_installers_and_name_only_matches(vocab, matcher):
    assert set(roles(vocab, matcher, name="某金属材料贸易有限公司", scope="铝锭、铝棒销售").values()) == {"trader"}
    assert roles(vocab, matcher, name="某新能源工程有限公司", scope="充电桩安装；光伏发电系统安装") == {
        "nev.charging-pile": "service", "photovoltaics.utility-station": "service"}
    assert roles(vocab, matcher, name="铜锣湾商贸有限公司", scope="日用百货销售") == {}
    assert roles(vocab, matcher, name="上海金丝楠木家具有限公司", scope="金丝楠木家具制造") == {}


def test_context_terms_and_longest_match(vocab, matcher):
    battery = roles(vocab, matcher, name="某科技有限公司", scope="锂电池用铜箔生产")
    assert battery == {"copper.foil-battery": "producer"}  # 锂电池 names the use, not a product
    pcb = roles(vocab, matcher, name="某电子有限公司", scope="铜箔生产")
    assert pcb == {"copper.foil-pcb": "producer"}
    assert roles(vocab, matcher, name="某公司", scope="锂电铝箔制造") == {"aluminium.foil-battery": "producer"}


def test_negations_and_exclusions(vocab, matcher):
    got = classify_record({"name": "某化工有限公司", "scope": "聚丙烯酰胺生产；化工产品销售（不含电石）"}, vocab, matcher)
    assert got == []
    assert roles(vocab, matcher, name="某泵业公司", scope="隔膜泵制造") == {}


def test_industry_code_and_name_raise_the_score(vocab, matcher):
    plain = classify_record({"name": "甲公司", "scope": "电解铝生产"}, vocab, matcher)[0]
    coded = classify_record({"name": "甲电解铝公司", "scope": "电解铝生产", "industry": "C3216 铝冶炼"},
                            vocab, matcher)[0]
    assert plain.score == pytest.approx(0.6) and coded.score == pytest.approx(1.0)
    assert "industry=3216(node)" in coded.evidence and "terms=电解铝" in coded.evidence


def test_unknown_node_in_a_vocabulary_file_is_refused(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[nodes."aluminium.primery"]\nterms = ["铝液"]\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"mine.toml.*aluminium.primery.*unknown node.*aluminium.primary"):
        vocabulary_data([extra])


def test_a_user_file_extends_the_vocabulary(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[nodes."aluminium.primary"]\nterms = ["高品质铝液"]\n', encoding="utf-8")
    vocab = build_vocabulary(*vocabulary_data([extra]))
    assert "高品质铝液" in vocab.by_term and "电解铝" in vocab.by_term


def test_every_chain_ships_a_vocabulary_file():
    chains = {p.stem for p in (data_dir() / "chains").glob("*.toml")}
    files = {p.stem for p in (data_dir() / "vocabulary").glob("*.toml")}
    assert chains <= files


def measured(path: Path) -> tuple[float, float]:
    regions = pd.read_csv(data_dir() / "regions.csv", dtype=str).fillna("").to_dict("records")
    context = build_context(regions)
    labels = pd.read_csv(path, dtype=str).fillna("")
    parts = [assigned for _, assigned, _, _ in classify_chunks(path, context)]
    a = pd.concat(parts)
    pred = {(int(r), n) for r, n, role, s in a[["row", "node_id", "role", "score"]].itertuples(index=False)
            if role == "producer" and s >= MIN_SCORE}
    gold = {(i + 1, n) for i, e in enumerate(labels["expected_producer"]) for n in e.split("|") if n}
    hit = len(pred & gold)
    return hit / len(pred), hit / len(gold)


def test_labelled_registry_precision_and_recall():
    labels = pd.read_csv(LABELLED, dtype=str).fillna("")
    assert len(labels) >= 150
    chains = {n.split(".")[0] for e in labels["expected_producer"] for n in e.split("|") if n}
    assert chains == {"aluminium", "copper", "photovoltaics", "lithium-battery", "nev", "coal-chemicals",
                      "display", "ic-materials"}
    precision, recall = measured(LABELLED)
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)
