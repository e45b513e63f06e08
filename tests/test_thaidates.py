"""projects/thaidates.py and the template filters built on it, at the edges: fiscal-year and
quarter boundaries, 29 February, BE <-> CE both ways, parsing and formatting."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from projects import thaidates
from projects.models import FiscalYear

d = dt.date


# --- BE <-> CE -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ce", "be"), [(2020, 2563), (2021, 2564), (2024, 2567), (1957, 2500), (2000, 2543)]
)
def test_be_and_ce_years_both_ways(ce, be):
    assert thaidates.be_year(ce) == be
    assert thaidates.ce_year(be) == ce


@settings(database=None, max_examples=300)
@given(st.dates(min_value=d(1900, 1, 1), max_value=d(2200, 12, 31)))
def test_every_date_survives_be_format_and_parse(day):
    assert thaidates.parse_date(thaidates.format_be(day)) == day
    assert thaidates.parse_date(thaidates.thai_digits(thaidates.format_be(day))) == day
    assert thaidates.parse_date(day.isoformat()) == day


# --- fiscal year ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year_be"),
    [
        (d(2020, 9, 30), 2563),  # last day of 2563
        (d(2020, 10, 1), 2564),  # first day of 2564
        (d(2020, 12, 31), 2564),
        (d(2021, 1, 1), 2564),  # the calendar year changes, the fiscal year does not
        (d(2021, 9, 22), 2564),  # the seed's last entry
        (d(2021, 9, 30), 2564),
        (d(2021, 10, 1), 2565),
        (d(2020, 2, 29), 2563),
        (d(2024, 2, 29), 2567),
    ],
)
def test_fiscal_year_of(day, year_be):
    assert thaidates.fiscal_year_of(day) == year_be


def test_fiscal_year_bounds_are_1_october_to_30_september():
    assert thaidates.fiscal_year_bounds(2564) == (d(2020, 10, 1), d(2021, 9, 30))
    assert thaidates.fiscal_year_bounds(2567) == (d(2023, 10, 1), d(2024, 9, 30))


def test_fiscal_years_follow_each_other_without_gap():
    for year_be in range(2560, 2575):
        _, end = thaidates.fiscal_year_bounds(year_be)
        next_start, _ = thaidates.fiscal_year_bounds(year_be + 1)
        assert next_start - end == dt.timedelta(days=1)
        assert thaidates.fiscal_year_of(end) == year_be
        assert thaidates.fiscal_year_of(next_start) == year_be + 1


def test_fiscal_year_model_derives_its_start_and_end():
    year = FiscalYear(year_be=2564)
    assert (year.starts_on, year.ends_on) == (d(2020, 10, 1), d(2021, 9, 30))
    assert year.contains(d(2020, 10, 1)) and year.contains(d(2021, 9, 30))
    assert not year.contains(d(2020, 9, 30)) and not year.contains(d(2021, 10, 1))


def test_fiscal_months_run_october_to_september():
    months = thaidates.fiscal_months(2564)
    assert len(months) == 12
    assert months[0] == d(2020, 10, 1)
    assert months[2] == d(2020, 12, 1)
    assert months[3] == d(2021, 1, 1)
    assert months[-1] == d(2021, 9, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (d(2020, 12, 31), 1, d(2021, 1, 1)),
        (d(2021, 1, 31), 1, d(2021, 2, 1)),
        (d(2021, 1, 15), -1, d(2020, 12, 1)),
        (d(2020, 10, 1), 12, d(2021, 10, 1)),
        (d(2024, 2, 29), 0, d(2024, 2, 1)),
    ],
)
def test_add_months_gives_the_first_of_the_month(day, months, expected):
    assert thaidates.add_months(day, months) == expected


# --- quarters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (d(2020, 10, 1), 1),
        (d(2020, 12, 31), 1),
        (d(2021, 1, 1), 2),
        (d(2021, 3, 31), 2),
        (d(2021, 4, 1), 3),
        (d(2021, 6, 30), 3),
        (d(2021, 7, 1), 4),
        (d(2021, 9, 30), 4),
        (d(2021, 10, 1), 1),
        (d(2024, 2, 29), 2),
    ],
)
def test_quarter_of_at_the_boundaries(day, quarter):
    assert thaidates.quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("year_be", "quarter", "bounds"),
    [
        (2564, 1, (d(2020, 10, 1), d(2020, 12, 31))),
        (2564, 2, (d(2021, 1, 1), d(2021, 3, 31))),
        (2564, 3, (d(2021, 4, 1), d(2021, 6, 30))),
        (2564, 4, (d(2021, 7, 1), d(2021, 9, 30))),
        (2567, 2, (d(2024, 1, 1), d(2024, 3, 31))),
    ],
)
def test_quarter_bounds(year_be, quarter, bounds):
    assert thaidates.quarter_bounds(year_be, quarter) == bounds


def test_quarters_cover_the_fiscal_year_day_by_day():
    start, end = thaidates.fiscal_year_bounds(2567)  # a leap year: 366 days
    day, seen = start, 0
    while day <= end:
        first, last = thaidates.quarter_bounds(2567, thaidates.quarter_of(day))
        assert first <= day <= last
        day += dt.timedelta(days=1)
        seen += 1
    assert seen == 366


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_quarter_bounds_refuses_a_fifth_quarter(quarter):
    with pytest.raises(ValueError, match="ไตรมาส"):
        thaidates.quarter_bounds(2564, quarter)


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22/09/2564", d(2021, 9, 22)),
        ("1/10/2563", d(2020, 10, 1)),
        (" 22 / 09 / 2564 ", d(2021, 9, 22)),
        ("22-09-2564", d(2021, 9, 22)),
        ("22.09.2564", d(2021, 9, 22)),
        ("2021-09-22", d(2021, 9, 22)),
        ("๒๒/๐๙/๒๕๖๔", d(2021, 9, 22)),
        ("๒๐๒๑-๐๙-๒๒", d(2021, 9, 22)),
        ("29/02/2563", d(2020, 2, 29)),
        ("29/02/2567", d(2024, 2, 29)),
        ("22/09/2021", d(2021, 9, 22)),  # a CE year in the dd/mm/yyyy form stays CE
        ("30/09/2564", d(2021, 9, 30)),
        ("01/10/2564", d(2021, 10, 1)),
    ],
)
def test_parse_date_reads_be_iso_and_thai_digits(text, expected):
    assert thaidates.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2564", "29/02/2564", "29/02/2566", "31/04/2564", "00/01/2564", "15/13/2564"],
)
def test_parse_date_refuses_impossible_days_in_thai(text):
    with pytest.raises(ValueError) as error:
        thaidates.parse_date(text)
    assert str(error.value) == f"ไม่มีวันที่ {text} ในปฏิทิน"


def test_parse_date_refuses_impossible_iso_days():
    with pytest.raises(ValueError, match="ไม่มีวันที่ 2021-02-29 ในปฏิทิน"):
        thaidates.parse_date("2021-02-29")


@pytest.mark.parametrize("text", ["", "   ", "22/09", "22/09/64", "พรุ่งนี้", "2564/09/22", None])
def test_parse_date_refuses_other_forms_with_a_thai_hint(text):
    with pytest.raises(ValueError, match="รูปแบบวันที่ไม่ถูกต้อง") as error:
        thaidates.parse_date(text)
    assert "22/09/2564" in str(error.value)


# --- formatting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "be", "short", "long"),
    [
        (d(2021, 9, 22), "22/09/2564", "22 ก.ย. 2564", "22 กันยายน 2564"),
        (d(2020, 10, 1), "01/10/2563", "1 ต.ค. 2563", "1 ตุลาคม 2563"),
        (d(2020, 12, 31), "31/12/2563", "31 ธ.ค. 2563", "31 ธันวาคม 2563"),
        (d(2021, 1, 1), "01/01/2564", "1 ม.ค. 2564", "1 มกราคม 2564"),
        (d(2020, 2, 29), "29/02/2563", "29 ก.พ. 2563", "29 กุมภาพันธ์ 2563"),
        (d(2024, 2, 29), "29/02/2567", "29 ก.พ. 2567", "29 กุมภาพันธ์ 2567"),
    ],
)
def test_formats(day, be, short, long):
    assert thaidates.format_be(day) == be
    assert thaidates.format_thai_short(day) == short
    assert thaidates.format_thai_long(day) == long


def test_format_of_none_is_empty():
    assert thaidates.format_be(None) == ""
    assert thaidates.format_thai_short(None) == ""
    assert thaidates.format_thai_long(None) == ""


def test_month_names_full_and_short_in_calendar_order():
    assert thaidates.MONTHS_FULL[0] == "มกราคม" and thaidates.MONTHS_FULL[11] == "ธันวาคม"
    assert thaidates.MONTHS_SHORT[1] == "ก.พ." and thaidates.MONTHS_SHORT[8] == "ก.ย."
    assert len(set(thaidates.MONTHS_FULL)) == len(set(thaidates.MONTHS_SHORT)) == 12
    assert thaidates.month_label(d(2021, 9, 22)) == "กันยายน 2564"
    assert thaidates.month_label(d(2021, 9, 22), short=True) == "ก.ย. 2564"


def test_thai_digits_both_ways():
    assert thaidates.thai_digits("22/09/2564") == "๒๒/๐๙/๒๕๖๔"
    assert thaidates.thai_digits(1234567890) == "๑๒๓๔๕๖๗๘๙๐"
    assert thaidates.arabic_digits("๒๒/๐๙/๒๕๖๔") == "22/09/2564"
    assert thaidates.thai_digits("ร้อยละ 100.00") == "ร้อยละ ๑๐๐.๐๐"


# --- template filters (builtins: no {% load %} needed) -------------------------------------


def render(source, **context):
    return Template(source).render(Context(context))


def test_date_filters():
    day = d(2021, 9, 22)
    assert render("{{ day|be_date }}", day=day) == "22/09/2564"
    assert render("{{ day|thai_date }}", day=day) == "22 ก.ย. 2564"
    assert render("{{ day|thai_date_long }}", day=day) == "22 กันยายน 2564"
    assert render("{{ day|thai_month }}", day=day) == "กันยายน 2564"
    assert render("{{ day|month_abbr }}", day=day) == "ก.ย."
    assert render("{{ day|be_date|thai_digits }}", day=day) == "๒๒/๐๙/๒๕๖๔"
    assert render("{{ year|be_year }}", year=2024) == "2567"


def test_date_filters_leave_missing_dates_empty():
    for name in ("be_date", "thai_date", "thai_date_long", "thai_month", "month_abbr"):
        assert render(f"{{{{ day|{name} }}}}", day=None) == ""
    assert render("{{ year|be_year }}", year=None) == ""


def test_datetime_is_formatted_by_its_date():
    moment = dt.datetime(2024, 2, 29, 23, 59)
    assert render("{{ moment|be_date }}", moment=moment) == "29/02/2567"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("100"), "100.00"),
        (Decimal("15"), "15.00"),
        ("20.5", "20.50"),
        (0, "0.00"),
        (None, ""),
        ("", ""),
        ("abc", ""),
    ],
)
def test_pct(value, expected):
    assert render("{{ value|pct }}", value=value) == expected


def test_pct_with_places():
    assert render("{{ value|pct:0 }}", value=Decimal("100.00")) == "100"
    assert render("{{ value|pct:1 }}", value=Decimal("87.26")) == "87.3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("100.00"), "100"), (Decimal("87.50"), "87.5"), (Decimal("0"), "0"), (None, "0")],
)
def test_score_prints_as_the_seed_does(value, expected):
    assert render("{{ value|score }}", value=value) == expected


def test_filters_take_aware_datetimes_in_bangkok_time():
    import datetime as dt

    from projects.templatetags.thai import be_date, thai_date

    early_morning_bangkok = dt.datetime(
        2021, 9, 21, 23, 30, tzinfo=dt.UTC
    )  # 06:30 on 22 Sep in Bangkok
    assert be_date(early_morning_bangkok) == "22/09/2564"
    assert thai_date(early_morning_bangkok) == "22 ก.ย. 2564"
