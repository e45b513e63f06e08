"""Thai dates: Buddhist Era years, Thai month names, fiscal years and quarters.

Django's ``th`` locale prints CE years, so every date shown to a person goes through
these helpers. The fiscal year (ปีงบประมาณ) runs 1 Oct – 30 Sep and is named by the BE
year in which it ends: 2564 = 1 Oct 2020 – 30 Sep 2021. Q1 = Oct–Dec, Q2 = Jan–Mar,
Q3 = Apr–Jun, Q4 = Jul–Sep.
"""

import calendar
import datetime as dt
import re

from django.utils.translation import gettext as _

BE_OFFSET = 543

MONTHS_FULL = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def thai_digits(text: object) -> str:
    """Write Arabic digits as Thai digits (๐–๙), as BMA's plan documents do."""
    return str(text).translate(_THAI_DIGITS)


def arabic_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)


def format_be(day: dt.date | None) -> str:
    """``22/09/2564``: the list form."""
    if day is None:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}"


def format_thai_short(day: dt.date | None) -> str:
    """``22 ก.ย. 2564``: prose, short month."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day.year)}"


def format_thai_long(day: dt.date | None) -> str:
    """``22 กันยายน 2564``: prose, full month."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS_FULL[day.month - 1]} {be_year(day.year)}"


def month_label(day: dt.date, *, short: bool = False) -> str:
    """``กันยายน 2564`` or ``ก.ย. 2564`` for the month of ``day``."""
    names = MONTHS_SHORT if short else MONTHS_FULL
    return f"{names[day.month - 1]} {be_year(day.year)}"


_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_date(text: str) -> dt.date:
    """Read ``22/09/2564`` (dd/mm/BE, Thai or Arabic digits) or ``2021-09-22`` (ISO, CE).

    A four-digit year above 2400 in the dd/mm/yyyy form is BE; below, CE. Raises
    ValueError with a Thai message for anything else, including impossible days
    such as 31/02/2564.
    """
    value = arabic_digits(text or "")
    if match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(value):
        day, month, year = (int(g) for g in match.groups())
        if year > 2400:
            year = ce_year(year)
    else:
        raise ValueError(_("รูปแบบวันที่ไม่ถูกต้อง ให้ใช้ วว/ดด/ปปปป (พ.ศ.) เช่น 22/09/2564"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("ไม่มีวันที่ %(date)s ในปฏิทิน") % {"date": text.strip()}) from None


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year that contains ``day``: 1 Oct 2020 → 2564."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year ``year_be``: 2564 → (2020-10-01, 2021-09-30)."""
    end_ce = ce_year(year_be)
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def quarter_of(day: dt.date) -> int:
    """Fiscal quarter 1–4 of ``day``: Oct–Dec is 1, Jan–Mar 2, Apr–Jun 3, Jul–Sep 4."""
    return ((day.month - 10) % 12) // 3 + 1


def quarter_bounds(year_be: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of ``quarter`` of fiscal year ``year_be``."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("ไตรมาสต้องเป็น 1 ถึง 4")
    start, _ = fiscal_year_bounds(year_be)
    first_month = start.month + 3 * (quarter - 1)
    year = start.year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    first = dt.date(year, month, 1)
    next_first = _add_months(first, 3)
    return first, next_first - dt.timedelta(days=1)


def fiscal_months(year_be: int) -> list[dt.date]:
    """The first day of each of the twelve months of fiscal year ``year_be``, Oct first."""
    start, _ = fiscal_year_bounds(year_be)
    return [_add_months(start, i) for i in range(12)]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """First day of the month ``months`` after the month of ``day``."""
    return _add_months(day, months)


def month_end(day: dt.date) -> dt.date:
    """Last day of the month of ``day``: 2024-02-10 → 2024-02-29 (and 9999-12-31, which
    has no next month)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
