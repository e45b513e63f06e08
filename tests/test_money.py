"""Amounts of money read and written the Thai way (projects/money.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import money


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("1234567.89", Decimal("1234567.89")),
        ("1,234,567.89", Decimal("1234567.89")),
        (" 1,234,567 บาท ", Decimal("1234567.00")),
        ("0", Decimal("0.00")),
        ("12.5", Decimal("12.50")),
        ("999,999,999,999.99", Decimal("999999999999.99")),
    ],
)
def test_amounts_typed_the_usual_ways(typed, amount):
    assert money.parse_baht(typed) == amount


@pytest.mark.parametrize("typed", ["", "   ", None, "บาท"])
def test_blank_is_not_reported_not_zero(typed):
    assert money.parse_baht(typed) is None


@pytest.mark.parametrize(
    "typed, says",
    [
        ("-5", "ติดลบ"),
        ("1e30", "ไม่ใช่จำนวนเงิน"),
        ("1,2,3", "ไม่ใช่จำนวนเงิน"),
        ("12,34.5", "ไม่ใช่จำนวนเงิน"),
        ("๑๒๓", "เลขอารบิก"),
        ("1.234", "ทศนิยม"),
        ("1000000000000", "ไม่เกิน 999,999,999,999.99"),
        ("NaN", "ไม่ใช่จำนวนเงิน"),
        ("Infinity", "ไม่ใช่จำนวนเงิน"),
        ("1 000", "ไม่ใช่จำนวนเงิน"),
        ("٣", "ไม่ใช่จำนวนเงิน"),
        ("9" * 50, "ยาวเกินไป"),
        # More digits than Decimal's 28 of precision: refused, not a 500 (InvalidOperation).
        ("1" + "0" * 30, "ไม่เกิน 999,999,999,999.99"),
        ("9" * 29 + ".5", "ไม่เกิน 999,999,999,999.99"),
    ],
)
def test_hostile_amounts_are_refused_in_thai(typed, says):
    with pytest.raises(ValidationError) as refused:
        money.parse_baht(typed)
    assert says in refused.value.messages[0]


def test_written_the_thai_way():
    assert money.format_baht(Decimal("1234567.891")) == "1,234,567.89 บาท"
    assert money.format_baht(Decimal("0")) == "0.00 บาท"
    assert money.format_baht(None) == ""
    assert money.format_million(Decimal("1234567.89")) == "1.23 ล้านบาท"
    assert money.format_million(Decimal("987654321000")) == "987,654.32 ล้านบาท"


def test_check_amount_refuses_what_a_workbook_cell_may_hold():
    with pytest.raises(ValidationError):
        money.check_amount(Decimal("NaN"))
    with pytest.raises(ValidationError):
        money.check_amount(Decimal("-0.01"))
    assert money.check_amount(Decimal("5")) == Decimal("5.00")
    with pytest.raises(ValidationError):
        money.check_amount(Decimal("1e30"))  # a float cell of 1e30
