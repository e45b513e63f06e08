"""Baht, read and written the Thai way: the one home for amounts of money (issue 16).

Written ``1,234,567.89 บาท`` (two places of satang, commas between thousands); on dashboards
``1.23 ล้านบาท``. Read from what a person types: ``1234567.89``, ``1,234,567.89`` (commas
only between groups of three) or ``1234567``; refused, with a Thai message and nothing
stored: a negative amount, more than two places of satang, more than MONEY_MAX, exponents
(``1e30``), misplaced commas (``1,2,3``), Thai digits (๑๒๓: we ask for 0–9, which every
form and the workbook use), anything else that is not a plain amount."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The columns of amounts (projects/models/budget.py money_field): 999,999,999,999.99 baht
# at most, far above any project's budget.
MONEY_DIGITS = 15
MONEY_PLACES = 2
MONEY_MAX = Decimal("999999999999.99")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MILLION = Decimal("1000000")
# Digits 0-9 only (\d would take Thai and other digits), commas between groups of three.
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})++|[0-9]++)(?:\.[0-9]++)?+")
_THAI_DIGITS = re.compile(r"[๐-๙]")


def parse_baht(text: str) -> Decimal | None:
    """The amount typed in ``text`` (None when blank: "not reported"), or ValidationError."""
    value = (text or "").strip()
    for suffix in ("บาท",):
        value = value.removesuffix(suffix).strip()
    if not value:
        return None
    if len(value) > 40:
        raise ValidationError(_("จำนวนเงินยาวเกินไป กรุณากรอกเป็นตัวเลข เช่น 1,234,567.89"))
    if _THAI_DIGITS.search(value):
        raise ValidationError(_("กรุณากรอกจำนวนเงินด้วยเลขอารบิก (0–9) เช่น 1,234,567.89"))
    if value.startswith("-"):
        raise ValidationError(_("จำนวนเงินต้องไม่ติดลบ"))
    if not _AMOUNT.fullmatch(value):
        raise ValidationError(
            _("«%(value)s» ไม่ใช่จำนวนเงิน กรุณากรอกเป็นตัวเลข เช่น 1,234,567.89") % {"value": value}
        )
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise ValidationError(_("กรุณากรอกจำนวนเงินเป็นตัวเลข")) from None
    return check_amount(amount)


def check_amount(amount: Decimal) -> Decimal:
    """An amount from anywhere (a form, a workbook's cell): not negative, satang at most,
    not over MONEY_MAX."""
    if not amount.is_finite():
        raise ValidationError(_("กรุณากรอกจำนวนเงินเป็นตัวเลข"))
    if amount < 0:
        raise ValidationError(_("จำนวนเงินต้องไม่ติดลบ"))
    # The limit first: quantizing more digits than Decimal's precision raises InvalidOperation.
    if amount > MONEY_MAX:
        raise ValidationError(_("จำนวนเงินต้องไม่เกิน %(max)s บาท") % {"max": format_amount(MONEY_MAX)})
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(_("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)"))
    return amount.quantize(CENT)


def is_amount_field(field) -> bool:
    """Whether a model field holds an amount of money (made by models.budget.money_field)."""
    return getattr(field, "max_digits", None) == MONEY_DIGITS


def format_amount(amount: Decimal | None) -> str:
    """``1,234,567.89`` (no unit); "" for None."""
    if amount is None:
        return ""
    return f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def format_baht(amount: Decimal | None) -> str:
    """``1,234,567.89 บาท``; "" for None (not reported)."""
    if amount is None:
        return ""
    return _("%(amount)s บาท") % {"amount": format_amount(amount)}


def format_million(amount: Decimal | None, places: int = 2) -> str:
    """``1.23 ล้านบาท`` for dashboards; "" for None."""
    if amount is None:
        return ""
    millions = (Decimal(amount) / MILLION).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return _("%(amount)s ล้านบาท") % {"amount": f"{millions:,.{places}f}"}


def percent_of(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """``part`` as a percent of ``whole`` (disbursed of the amount after transfers), two
    places; None when there is no positive whole to divide by."""
    if not whole or whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def sql_cents(value) -> Decimal:
    """A number the database summed, as a Decimal to the cent; 0 for None. SQLite hands
    sums back as int or float, PostgreSQL as Decimal (the dashboard's sums)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
