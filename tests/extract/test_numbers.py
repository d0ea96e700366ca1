"""The number parser on the spellings reports use (hand-checked values)."""

import pytest

from chainatlas.extract import numbers


@pytest.mark.parametrize("text,value", [("三", 3), ("十", 10), ("十二", 12), ("二十三", 23), ("一百零五", 105),
                                        ("三千", 3000), ("千", 1000), ("两", 2)])
def test_chinese_integers(text, value):
    assert numbers.chinese_integer(text) == value


def test_not_a_chinese_integer():
    assert numbers.chinese_integer("铜") is None
    assert numbers.chinese_integer("") is None


@pytest.mark.parametrize("text,share", [("一半", 50.0), ("三分之一", 100 / 3), ("四分之三", 75.0), ("1/3", 100 / 3),
                                        ("1/4", 25.0), ("半数", 50.0)])
def test_chinese_fractions_are_shares_in_percent(text, share):
    assert numbers.chinese_fraction(text) == pytest.approx(share)


@pytest.mark.parametrize("text,pos", [("第十位", 10), ("第3位", 3), ("第二", 2), ("第 10 位", 10)])
def test_chinese_ordinals(text, pos):
    assert numbers.chinese_ordinal(text) == pos


@pytest.mark.parametrize("text,pos", [("10th", 10), ("1st", 1), ("third", 3), ("No. 2", 2)])
def test_english_ordinals(text, pos):
    assert numbers.english_ordinal(text) == pos


@pytest.mark.parametrize("text,share", [("one-third", 100 / 3), ("half", 50.0), ("two-thirds", 200 / 3),
                                        ("a quarter", 25.0)])
def test_english_fractions(text, share):
    assert numbers.english_fraction(text) == pytest.approx(share)


def test_arabic_separators_and_decimal_commas():
    assert numbers.arabic("2,967.4") == 2967.4
    assert numbers.arabic("2 834") == 2834
    assert numbers.arabic("855,000") == 855000
    assert numbers.arabic("24,38", decimal_comma=True) == 24.38  # translated text: a decimal comma
    assert numbers.arabic("855,000", decimal_comma=True) == 855000  # three digits: a thousands separator
    assert numbers.arabic("abc") is None


def test_scale_words():
    assert numbers.scaled(1.4, "万亿") == pytest.approx(1.4e12)
    assert numbers.scaled(2.2, "万") == pytest.approx(22000)
    assert numbers.scaled(1.4, "trillion") == pytest.approx(1.4e12)
    assert numbers.scaled(5.3, "million") == pytest.approx(5.3e6)
