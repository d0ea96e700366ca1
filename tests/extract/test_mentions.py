"""Numbers found in sentences, with scale and unit converted to the base unit."""

import pytest

from chainatlas.extract.mentions import find_mentions


def one(sentence, english=False):
    found = find_mentions(sentence, english)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("sentence,value,unit", [
    ("规上工业企业达2.2万家", 22000, "firms"),
    ("工业增加值1.4万亿元", 1.4e12, "yuan"),
    ("全国10种有色金属产量2 834万t", 2.834e7, "t"),
    ("营业收入2967.4亿元", 2.9674e11, "yuan"),
    ("累计装机3223万千瓦", 3.223e10, "W"),
    ("锂电池产量超过400GWh", 4e8, "kWh"),
    ("隔膜产量24.5亿平方米", 2.45e9, "m²"),
])
def test_chinese_quantities_in_base_units(sentence, value, unit):
    m = one(sentence)
    assert m.value == pytest.approx(value)
    assert m.unit == unit


@pytest.mark.parametrize("sentence,value,unit", [
    ("output reached 24,38 million tons", 2.438e7, "t"),
    ("revenue of 1.4 trillion yuan", 1.4e12, "yuan"),
    ("2.35 million mt in November", 2.35e6, "t"),  # mt after million is metric tons, not megatonnes
    ("wafers of 105gw", 1.05e11, "W"),
    ("foil only 6 mm thick", 0.006, "m"),
])
def test_english_quantities_in_base_units(sentence, value, unit):
    m = one(sentence, english=True)
    assert m.value == pytest.approx(value)
    assert m.unit == unit


def test_shares_ranks_and_multiples():
    share = one("光伏玻璃产量占全国一半以上")
    assert (share.kind, share.value, share.comparator_after) == ("share", 50.0, ">=")
    assert one("逆变器占三分之一").value == pytest.approx(100 / 3)
    rank = one("居全国第十位")
    assert (rank.kind, rank.value) == ("rank", 10)
    assert one("ranking 10th in the country", english=True).value == 10
    assert one("同比增长1.45倍").value == pytest.approx(145)  # 增长1.45倍 is +145 %
    assert one("a 1.8-fold increase", english=True).value == pytest.approx(180)
    assert one("one-third of national output", english=True).value == pytest.approx(100 / 3)


def test_not_facts():
    assert find_mentions("提高1.2个百分点", False) == []  # percentage points are differences
    assert find_mentions("2023年3月11日", False) == []
    assert find_mentions("in the first half of 2021", True) == []  # "half" of a year is no share
    assert find_mentions("55 percentage points higher", True) == []


def test_news_abbreviations_and_foreign_currency():
    found = find_mentions("The total output value exceeded ¥1.2 trln (about $174.06 bln).", True)
    assert [(m.value, m.unit) for m in found] == [(1.2e12, "yuan")]
