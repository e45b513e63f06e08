"""Geometry of the server-drawn charts and the HTML helpers of the printed reports."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from projects.progress import ProgressPoint
from reports import charts, render


def step(weight, starts_on, ends_on):
    return SimpleNamespace(weight=Decimal(weight), starts_on=starts_on, ends_on=ends_on)


def test_gauge_arcs_and_needle():
    empty = charts.gauge(None)
    assert empty.value_arc is None
    assert empty.needle == (charts.GAUGE_CX - (charts.GAUGE_R - 22), charts.GAUGE_CY)
    full = charts.gauge(Decimal(100))
    assert full.value_arc.endswith(f"{charts.GAUGE_CX + charts.GAUGE_R} {charts.GAUGE_CY}")
    half = charts.gauge(Decimal(50))
    assert half.needle == (charts.GAUGE_CX, charts.GAUGE_CY - (charts.GAUGE_R - 22))
    # Out-of-range values are drawn at the ends, and the three bands cover 0–100.
    assert charts.gauge(Decimal(130)).needle == full.needle
    assert [css for _d, css in full.bands] == ["band-low", "band-mid", "band-high"]
    assert full.ticks.count("M ") == 6


def parse(points: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in p.split(",")) for p in points.split()]


def test_s_curve_actual_inside_the_year_and_planned_line():
    steps = [
        step(40, dt.date(2020, 10, 1), dt.date(2020, 12, 31)),
        step(60, dt.date(2021, 1, 1), dt.date(2021, 6, 30)),
    ]
    points = [
        # before the year: not drawn
        ProgressPoint(dt.date(2020, 9, 1), dt.date(2020, 9, 1), Decimal(5)),
        ProgressPoint(dt.date(2020, 11, 1), dt.date(2020, 11, 15), Decimal(20)),
        ProgressPoint(dt.date(2021, 3, 1), dt.date(2021, 3, 15), Decimal(55)),
    ]
    curve = charts.s_curve(year_be=2564, steps=steps, points=points, as_of=dt.date(2021, 3, 31))
    actual = parse(curve.actual)
    assert actual[0] == (charts.PLOT_LEFT, charts.PLOT_TOP + charts.PLOT_HEIGHT)  # 0 at the start
    assert len(actual) == 3 and len(curve.markers) == 2
    assert actual[-1][1] == charts._y(Decimal(55))
    planned = parse(curve.planned)
    # The plan on the year's first day (its first of 92 days of 40 points: 0.43).
    assert planned[0] == (charts.PLOT_LEFT, charts._y(Decimal("0.43")))
    # 40 on the last day of December, 100 from the last day of June to the year's end,
    # each point at its day, as on the project page (projects.scurve.curve_points).
    start = dt.date(2020, 10, 1)
    assert (charts._x(dt.date(2020, 12, 31), start, 364), charts._y(Decimal(40))) in planned
    assert (charts._x(dt.date(2021, 6, 30), start, 364), charts._y(Decimal(100))) in planned
    assert planned[-1] == (charts.PLOT_LEFT + charts.PLOT_WIDTH, charts._y(Decimal(100)))
    assert [label for _x, label in curve.months][:3] == ["ต.ค.", "พ.ย.", "ธ.ค."]
    assert curve.as_of_x is not None


def test_s_curve_without_schedule_has_no_planned_line():
    placeholder = dt.date(2020, 10, 1)
    steps = [step(50, placeholder, placeholder), step(50, placeholder, placeholder)]
    curve = charts.s_curve(year_be=2564, steps=steps, points=[], as_of=dt.date(2021, 9, 30))
    assert curve.planned is None and not curve.has_schedule
    assert curve.actual == "" and curve.markers == []


def test_thai_digits_skip_styles_and_character_references():
    html = '<style>p{margin:10px}</style><p data-n="5">5 &#x27;</p>'
    assert (
        render.thai_digits_html(html) == '<style>p{margin:10px}</style><p data-n="5">๕ &#x27;</p>'
    )


def test_bma_name_is_kept_whole_in_text_only():
    html = '<title>กรุงเทพมหานคร</title><p title="กรุงเทพมหานคร">สภากรุงเทพมหานคร</p>'
    assert render.keep_names_whole(html) == (
        '<title>กรุงเทพมหานคร</title><p title="กรุงเทพมหานคร">สภา'
        '<span class="nw">กรุงเทพมหานคร</span></p>'
    )
