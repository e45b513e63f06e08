"""Template filters for Thai dates and numbers, and the progress bar; formatting only.

Dates follow the active language (projects/thaidates.py): BE years and Thai month names
in Thai, CE years and English month names in English."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from projects import money, thaidates

register = template.Library()


def _day(value):
    """A date; an aware datetime is taken in Bangkok time first (a score saved at 06:30
    Bangkok time is on that day, not on the previous UTC day)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    # Anything else (None, or "" from |localtime of None) shows as nothing: a filter must
    # not take the page down.
    return value if isinstance(value, dt.date) else None


# A year of the Common Era in a text that Django wrote (1800-2199, not inside a longer number).
_CE_YEAR = re.compile(r"(?<!\d)(?:1[89]|2[01])\d\d(?!\d)")


@register.filter
def years_as_read(text):
    """A date that Django wrote in CE (the admin's date links above a list: "2026",
    "ธันวาคม 2026") with its years as the reader reads them: BE in Thai ("ธันวาคม 2569")."""
    return _CE_YEAR.sub(lambda year: str(thaidates.display_year(int(year[0]))), str(text))


@register.filter
def be_date(value):
    """22/09/2564"""
    return thaidates.format_be(_day(value))


@register.filter
def thai_date(value):
    """22 ก.ย. 2564"""
    return thaidates.format_thai_short(_day(value))


@register.filter
def as_read(value):
    """A date as the app's pages write it (``22 ก.ย. 2564``), a date and time too (``22 ก.ย.
    2564 09:30 น.``, Bangkok time); anything else as it is. For values that may be either,
    as a change in the admin's history of changes."""
    if isinstance(value, dt.datetime):
        time = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{thai_date(value)} " + _("%(time)s น.") % {"time": f"{time:%H:%M}"}
    return thai_date(value) if isinstance(value, dt.date) else value


@register.filter
def thai_date_long(value):
    """22 กันยายน 2564"""
    return thaidates.format_thai_long(_day(value))


@register.filter
def thai_month(value):
    """กันยายน 2564"""
    return thaidates.month_label(value) if value else ""


@register.filter
def thai_digits(value):
    return thaidates.thai_digits(value)


@register.filter
def be_year(value):
    """A CE year as people read it: 2564 in Thai, 2021 in English."""
    return thaidates.display_year(value) if value is not None else ""


@register.filter
def fiscal_year(value):
    """A fiscal year named by its BE year (``FiscalYear.year_be``): 2564 in Thai, 2021 in
    English."""
    return thaidates.fiscal_year_label(int(value)) if value not in (None, "") else ""


@register.filter
def pct(value, places=2):
    """A percent with fixed decimals, '' for None: 100.00"""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):.{int(places)}f}"
    except (InvalidOperation, ValueError, TypeError):
        return ""


@register.filter
def score(value):
    """A score as the seed prints it: 100, 87.5, and 0 when not scored."""
    if value is None:
        return "0"
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return f"{number.normalize():f}"


@register.filter
def month_abbr(value):
    """ก.ย."""
    return thaidates.month_name(value.month, short=True) if value else ""


@register.simple_tag
def bar(percent):
    """A progress bar filled to ``percent`` (0 to 100; nothing counts as 0): an SVG whose
    fill has a width attribute. Not ``style="width: …"``: the Content-Security-Policy
    refuses inline styles. Decorative: the number stands beside it."""
    try:
        value = min(max(Decimal(percent), Decimal(0)), Decimal(100))
    except (InvalidOperation, ValueError, TypeError):
        value = Decimal(0)
    return format_html(
        '<svg class="bar" aria-hidden="true"><rect width="{}%" height="100%" rx="4"/></svg>',
        f"{value:.1f}",
    )


@register.filter
def baht(value):
    """1,234,567.89 บาท (projects/money.py); nothing for None (not reported)."""
    return money.format_baht(value)


@register.filter
def amount(value):
    """1,234,567.89 without the unit (tables whose header says บาท)."""
    return money.format_amount(value)


@register.filter
def million_baht(value):
    """1.23 ล้านบาท, for dashboards."""
    return money.format_million(value)


@register.simple_tag
def site_languages():
    """settings.LANGUAGES as written there, each name in its own language (ไทย, English),
    for the language menu: Django's {% get_available_languages %} translates the names
    into the current language ("อังกฤษ")."""
    return settings.LANGUAGES
