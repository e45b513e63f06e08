"""Geometry of the report's charts, drawn as SVG by templates (no JavaScript in a PDF).

The functions here only compute coordinates; templates/reports/_gauge.svg.html and
_scurve.svg.html turn them into SVG elements. Labels are HTML around the SVG rather than
SVG <text>: WeasyPrint lays out every SVG text apart, which made the charts cost more
than the rest of a page. static/css/report.css places the labels with the constants
below (PLOT_* and CURVE_*): change both together.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from projects import progress, scurve, thaidates

HUNDRED = Decimal(100)


# --- Gauge -------------------------------------------------------------------------------

GAUGE_CX, GAUGE_CY, GAUGE_R = 100.0, 100.0, 78.0
GAUGE_BANDS = ((0, 40, "band-low"), (40, 70, "band-mid"), (70, 100, "band-high"))


@dataclass(frozen=True)
class Gauge:
    value: Decimal | None
    bands: list[tuple[str, str]]
    value_arc: str | None
    needle: tuple[float, float]
    ticks: str


def _gauge_point(fraction: float, radius: float = GAUGE_R) -> tuple[float, float]:
    angle = math.pi * (1 - fraction)
    return (
        round(GAUGE_CX + radius * math.cos(angle), 2),
        round(GAUGE_CY - radius * math.sin(angle), 2),
    )


def _gauge_arc(start: float, end: float) -> str:
    x0, y0 = _gauge_point(start)
    x1, y1 = _gauge_point(end)
    return f"M {x0} {y0} A {GAUGE_R} {GAUGE_R} 0 0 1 {x1} {y1}"


def gauge(percent: Decimal | None) -> Gauge:
    """A half-circle gauge 0–100 with coloured bands and the value as a thick arc."""
    value = min(max(percent, Decimal(0)), HUNDRED) if percent is not None else None
    fraction = float(value / HUNDRED) if value is not None else 0.0
    return Gauge(
        value=percent,
        bands=[(_gauge_arc(lo / 100, hi / 100), css) for lo, hi, css in GAUGE_BANDS],
        value_arc=_gauge_arc(0, fraction) if fraction > 0 else None,
        needle=_gauge_point(fraction, GAUGE_R - 22),
        ticks=" ".join(
            "M {} {} L {} {}".format(
                *_gauge_point(t / 100, GAUGE_R + 11), *_gauge_point(t / 100, GAUGE_R + 15)
            )
            for t in range(0, 101, 20)
        ),
    )


# --- Planned-vs-actual S-curve -------------------------------------------------------------

# The plot starts 7% from the left of the SVG and is 90% of its width; it spans 4%–96% of
# its height (report.css: .curve-x, .curve-y).
CURVE_WIDTH, CURVE_HEIGHT = 500.0, 150.0
PLOT_LEFT, PLOT_TOP, PLOT_WIDTH, PLOT_HEIGHT = 35.0, 6.0, 450.0, 138.0


@dataclass(frozen=True)
class SCurve:
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    bottom: float
    right: float
    months: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    actual: str
    markers: list[tuple[float, float]]
    planned: str | None
    has_schedule: bool
    as_of_x: float | None
    points: scurve.CurvePoints
    # Issue 18: the baseline (the plan last approved), dotted beside the current plan.
    baseline: str | None = None

    # Every grid line in one path, every marker in another: each SVG element costs
    # WeasyPrint a style cascade and a draw call.
    @property
    def grid(self) -> str:
        lines = [f"M {self.left} {y} H {self.right}" for y, _label in self.y_ticks]
        lines += [f"M {x} {self.top} V {self.bottom}" for x, _label in self.months]
        return " ".join(lines)

    @property
    def marker_path(self) -> str:
        r = 2.2
        return " ".join(
            f"M {round(x - r, 2)} {y} a {r} {r} 0 1 0 {2 * r} 0 a {r} {r} 0 1 0 {-2 * r} 0"
            for x, y in self.markers
        )


def _x(day: dt.date, start: dt.date, span_days: int) -> float:
    return round(PLOT_LEFT + (day - start).days / span_days * PLOT_WIDTH, 2)


def _y(percent: Decimal) -> float:
    percent = min(max(percent, Decimal(0)), HUNDRED)
    return round(PLOT_TOP + PLOT_HEIGHT - float(percent / HUNDRED) * PLOT_HEIGHT, 2)


def s_curve(
    *,
    year_be: int,
    steps: Sequence[progress.StepLike],
    points: Sequence[progress.ProgressPoint],
    as_of: dt.date,
    baseline_steps: Sequence[progress.StepLike] | None = None,
) -> SCurve:
    """Actual progress (the reports, oldest month first, each at ProgressPoint.day) against
    planned progress over the fiscal year: the page's points (projects.scurve.curve_points),
    cut at the year's first and last days, as straight segments. Without a schedule
    (has_schedule) there is no planned line. ``baseline_steps``: the plan last approved,
    drawn beside the current one (issue 18)."""
    start, end = thaidates.fiscal_year_bounds(year_be)
    span = (end - start).days  # the year's last day at the plot's right edge
    curve = scurve.curve_points(starts_on=start, ends_on=end, steps=steps, points=points)
    curve = curve.within(start, end)

    def line(line_points) -> str:
        return " ".join(f"{_x(p.day, start, span)},{_y(p.percent)}" for p in line_points)

    months = [
        (_x(first, start, span), thaidates.month_name(first.month, short=True))
        for first in thaidates.fiscal_months(year_be)
    ]

    return SCurve(
        width=CURVE_WIDTH,
        height=CURVE_HEIGHT,
        left=PLOT_LEFT,
        top=PLOT_TOP,
        plot_width=PLOT_WIDTH,
        plot_height=PLOT_HEIGHT,
        bottom=PLOT_TOP + PLOT_HEIGHT,
        right=PLOT_LEFT + PLOT_WIDTH,
        months=months,
        y_ticks=[(_y(Decimal(t)), t) for t in range(0, 101, 25)],
        actual=line(curve.actual),
        markers=[(_x(p.day, start, span), _y(p.percent)) for p in curve.actual if p.reported_on],
        planned=line(curve.planned) if curve.planned else None,
        has_schedule=progress.has_schedule(steps),
        as_of_x=_x(as_of, start, span) if start <= as_of <= end else None,
        points=curve,
        baseline=line(_baseline_line(baseline_steps, start, end)) if baseline_steps else None,
    )


def _baseline_line(steps, start: dt.date, end: dt.date) -> list:
    if not progress.has_schedule(steps):
        return []
    return (
        scurve.curve_points(starts_on=start, ends_on=end, steps=steps, points=[])
        .within(start, end)
        .planned
    )


# --- Disbursement against the quarter targets (issue 16) ------------------------------------


@dataclass(frozen=True)
class DisbursementCurve:
    """The PDF's drawing of projects.disbursement's chart, on the S-curve's frame: the
    quarter targets (None: the year has none), disbursed % and progress % by month."""

    frame: SCurve  # the grid, the months and the percent ticks
    targets: str | None
    target_markers: str
    disbursed: str
    disbursed_markers: str
    progress: str
    chart: object  # projects.disbursement.DisbursementChart


def _markers(points: list[tuple[float, float]], r: float = 2.2) -> str:
    return " ".join(
        f"M {round(x - r, 2)} {y} a {r} {r} 0 1 0 {2 * r} 0 a {r} {r} 0 1 0 {-2 * r} 0"
        for x, y in points
    )


def disbursement_curve(chart, *, as_of: dt.date) -> DisbursementCurve:
    """Coordinates of ``chart`` (projects.disbursement.disbursement_chart) for the SVG:
    each line starts at 0 on the year's first day."""
    year_be = thaidates.fiscal_year_of(chart.first)
    start, end = thaidates.fiscal_year_bounds(year_be)
    span = (end - start).days
    frame = s_curve(year_be=year_be, steps=[], points=[], as_of=as_of)
    origin = (_x(start, start, span), _y(Decimal(0)))

    def at(day: dt.date, percent: Decimal) -> tuple[float, float]:
        return (_x(day, start, span), _y(percent))

    def line(points) -> str:
        return " ".join(f"{x},{y}" for x, y in [origin, *points])

    targets = [at(t.ends_on, t.percent) for t in chart.targets]
    disbursed = [at(m.day, m.disbursed_percent) for m in chart.disbursed]
    progress_points = [at(m.day, m.progress_percent) for m in chart.months]
    return DisbursementCurve(
        frame=frame,
        targets=line(targets) if targets else None,
        target_markers=_markers(targets),
        disbursed=line(disbursed),
        disbursed_markers=_markers(disbursed),
        progress=line(progress_points),
        chart=chart,
    )
