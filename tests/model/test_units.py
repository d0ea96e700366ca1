import numpy as np
import pytest

from chainatlas.errors import UnitError
from chainatlas.model.units import compatible, conversion_factor, convert, parse_unit, to_base


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (2.5, "万吨", "t", 25_000),
        (1, "Mt", "万吨", 100),
        (3, "kt", "吨", 3_000),
        (16015.0, "万千克", "万吨", 16.015),  # 四川 2022 polysilicon as the provincial bureau prints it
        (1, "万公斤", "t", 10),
        (1, "亿元", "万元", 10_000),
        (1.4, "万亿元", "亿元", 14_000),
        (296.74, "亿元", "bn yuan", 29.674),
        (12, "元", "yuan", 12),
        (6, "µm", "mm", 0.006),
        (6, "um", "μm", 6),  # ASCII u and the Greek mu are both micrometres
        (35, "微米", "mm", 0.035),
        (1, "GW", "MW", 1_000),
        (500, "万千瓦", "GW", 5),
        (1, "GWh", "kWh", 1_000_000),
        (50, "%", "ratio", 0.5),
        (3, "万辆", "vehicles", 30_000),
        (1, "万元/吨", "yuan/t", 10_000),
        (0.9, "元/W", "yuan/MW", 900_000),
    ],
)
def test_conversions(value, src, dst, expected):
    assert convert(value, src, dst) == pytest.approx(expected)


def test_vectorised():
    assert np.allclose(convert(np.array([1.0, 2.0]), "万吨", "t"), [10_000, 20_000])


def test_unknown_unit_is_refused():
    with pytest.raises(UnitError, match="unknown unit 'furlongs'"):
        parse_unit("furlongs")


def test_empty_unit_is_refused():
    with pytest.raises(UnitError, match="missing unit"):
        parse_unit("")


def test_incompatible_units_are_refused():
    with pytest.raises(UnitError, match="different quantities"):
        conversion_factor("t", "yuan")
    with pytest.raises(UnitError):
        convert(1, "辆", "片")  # vehicles are not wafers
    assert not compatible("mm", "t")
    assert compatible("mm", "µm")


def test_base_units():
    assert to_base(3, "万吨") == (30_000, "t")
    assert parse_unit("万元/吨").base == "yuan/t"
