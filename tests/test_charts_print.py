"""Charts and print (issue 14, item 9): the gauge's labels inside the gauge, the S-curve's
"0%" clear of its first month, one kind of line on the page and in the PDF (drawn from
the same points), and long unbroken text (a URL) wrapped inside the PDF's page."""

import datetime as dt
import re
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest

from projects import scurve
from projects.charts import gauge_figure
from projects.progress import ProgressPoint
from reports import charts, render, selectors
from tests.factories import ProgressEntryFactory, ProjectFactory
from tests.pdfs import nfkc, pdf_text

A4_WIDTH_PT = 595.28
RIGHT_MARGIN_PT = 15 / 25.4 * 72  # report.css: @page margin 20mm 15mm 18mm 18mm


def word_boxes(data: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, text) of every word pdftotext finds."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    boxes = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            boxes.append((number, x0, y0, x1, y1, nfkc(m.group(5))))
    return boxes


@pytest.mark.django_db
def test_a_long_url_in_a_narrative_wraps_inside_the_page():
    # A shared file's link: one run of 260 characters with no place to break a line.
    token = "".join("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_"[i * 7 % 38] for i in range(260))
    url = f"https://drive.google.com/file/d/{token}/view?usp=sharing"
    assert len(url) >= 300 and " " not in url
    project = ProjectFactory(fiscal_year__year_be=2564)
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2021, 3, 22),
        percent=Decimal(30),
        narrative=f"รายละเอียดดูที่ {url} ตามหนังสือที่แนบ",
        problems=url,
    )
    data = render.project_pdf(selectors.project_report_for_code(project.code))
    boxes = word_boxes(data)
    right_edge = A4_WIDTH_PT - RIGHT_MARGIN_PT + 1
    beyond = [(text[:40], x1) for _p, _x0, _y0, x1, _y1, text in boxes if x1 > right_edge]
    assert not beyond, beyond
    # Every character of the URL is on the page (pdftotext leaves out what runs off it),
    # twice (the narrative and the problems), each time over several lines.
    text = pdf_text(data)
    assert "".join(text.split()).count(url) == 2
    url_lines = [line for line in text.splitlines() if line.strip() and line.strip() in url]
    assert len(url_lines) >= 4


# --- One kind of line, from the same points -------------------------------------------------


def step(weight, starts_on, ends_on):
    return SimpleNamespace(weight=Decimal(weight), starts_on=starts_on, ends_on=ends_on)


YEAR_2569 = SimpleNamespace(
    year_be=2569, starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2026, 9, 30)
)
# The first step starts a month before the year: the page shows it, the PDF its year.
STEPS = [
    step(40, dt.date(2025, 9, 1), dt.date(2025, 12, 31)),
    step(60, dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
]
POINTS = [
    ProgressPoint(dt.date(2025, 10, 1), dt.date(2025, 10, 28), Decimal(10)),
    ProgressPoint(dt.date(2025, 11, 1), dt.date(2025, 12, 5), Decimal(25)),
    ProgressPoint(dt.date(2026, 3, 1), dt.date(2026, 3, 20), Decimal(55)),
]


def on_line(line: list[tuple[dt.date, float]], day: dt.date) -> float:
    """The value of a line of straight segments at ``day``."""
    for (d0, v0), (d1, v1) in zip(line, line[1:], strict=False):
        if d0 <= day <= d1:
            return v0 if d1 == d0 else v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    raise AssertionError(f"{day} is outside the line")


def test_the_page_and_the_pdf_draw_the_same_lines_from_one_function(monkeypatch):
    calls = []
    shared = scurve.curve_points

    def spy(**kwargs):
        calls.append(kwargs)
        return shared(**kwargs)

    monkeypatch.setattr(scurve, "curve_points", spy)
    figure = scurve.scurve_figure(YEAR_2569, STEPS, POINTS, day=dt.date(2026, 3, 31))
    pdf_curve = charts.s_curve(year_be=2569, steps=STEPS, points=POINTS, as_of=dt.date(2026, 3, 31))
    assert len(calls) == 2, "the page and the PDF take their points from curve_points"

    planned, actual = figure["data"]
    # Straight segments between the points on both: no steps ("hv"), no splines.
    for trace in (planned, actual):
        assert trace["line"].get("shape", "linear") == "linear"
    web_planned = [
        (dt.date.fromisoformat(x), y) for x, y in zip(planned["x"], planned["y"], strict=True)
    ]
    web_actual = [
        (dt.date.fromisoformat(x), y) for x, y in zip(actual["x"], actual["y"], strict=True)
    ]
    # Actual progress starts from 0 on the year's first day, then each report.
    assert web_actual == [
        (dt.date(2025, 10, 1), 0.0),
        (dt.date(2025, 10, 28), 10.0),
        (dt.date(2025, 11, 30), 25.0),  # November's report, written on 5 December
        (dt.date(2026, 3, 20), 55.0),
    ]
    # The PDF draws the same lines over its year: each of its points lies on the page's
    # line, and each of the page's points inside the year is one of the PDF's.
    for mine, web in (
        (pdf_curve.points.planned, web_planned),
        (pdf_curve.points.actual, web_actual),
    ):
        pdf_line = [(p.day, float(p.percent)) for p in mine]
        for day, value in pdf_line:
            assert abs(on_line(web, day) - value) <= 0.01, (day, value)
        inside = [(d, v) for d, v in web if YEAR_2569.starts_on <= d <= YEAR_2569.ends_on]
        assert set(inside) <= set(pdf_line)
    # And the SVG's polylines are those points, placed on the plot.
    assert parse(pdf_curve.planned) == [
        (charts._x(p.day, YEAR_2569.starts_on, 364), charts._y(p.percent))
        for p in pdf_curve.points.planned
    ]
    assert parse(pdf_curve.actual) == [
        (charts._x(p.day, YEAR_2569.starts_on, 364), charts._y(p.percent))
        for p in pdf_curve.points.actual
    ]
    assert parse(pdf_curve.planned)[0][0] == charts.PLOT_LEFT
    assert parse(pdf_curve.planned)[-1][0] == charts.PLOT_LEFT + charts.PLOT_WIDTH


def parse(points: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in p.split(",")) for p in points.split()]


# --- Labels that fit --------------------------------------------------------------------------


def test_the_web_gauge_leaves_room_for_its_end_labels():
    """ "100" at the right end of the arc needs room beside the gauge: Plotly draws the
    tick labels outside the arc, and cut "100" to "10" with 25 px margins."""
    layout = gauge_figure(Decimal(100))["layout"]
    assert layout["margin"]["l"] >= 40 and layout["margin"]["r"] >= 40


def test_the_web_s_curve_labels_months_between_their_gridlines():
    """Month names sit in the middle of their month, so "ต.ค." is clear of "0%" at the
    corner; the gridlines stay at the months' first days."""
    layout = scurve.scurve_figure(YEAR_2569, STEPS, POINTS, day=dt.date(2026, 3, 31))["layout"]
    ticks = [dt.date.fromisoformat(v) for v in layout["xaxis"]["tickvals"]]
    assert ticks[0] == dt.date(2025, 10, 16) and layout["xaxis"]["ticktext"][0] == "ต.ค."
    assert all(t.day in (15, 16) for t in ticks)
    assert layout["xaxis"]["minor"]["tickvals"][0] == "2025-10-01"
    assert layout["xaxis"]["minor"]["showgrid"] is True


@pytest.mark.django_db
def test_pdf_chart_labels_do_not_collide(seed_project):
    data = render.project_pdf(selectors.project_report_for_code(seed_project.code))
    boxes = [b for b in word_boxes(data) if b[0] == 1]
    october = next(b for b in boxes if b[5] == nfkc("ต.ค."))
    for other in boxes:
        if other is october:
            continue
        overlap_x = min(october[3], other[3]) - max(october[1], other[1])
        overlap_y = min(october[4], other[4]) - max(october[2], other[2])
        assert overlap_x <= 0 or overlap_y <= 0, f"ต.ค. collides with {other[5]!r}"
    # The gauge's end labels inside its cell (18 mm margin + 58 mm cell).
    cell_right = (18 + 58) / 25.4 * 72
    hundreds = [b for b in boxes if b[5] == "100" and b[2] < october[2] and b[1] < cell_right]
    assert len(hundreds) >= 2, hundreds  # the value and the end label
    assert all(b[3] <= cell_right for b in hundreds), hundreds
