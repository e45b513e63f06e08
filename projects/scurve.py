"""The S-curve of a project (planned against actual progress): its points, shared by the
page and the PDF, and the page's Plotly figure dict, drawn in the browser by
static/js/app.js from json_script data. The PDF draws the same points as SVG
(reports/charts.py)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from projects import progress, thaidates
from projects.charts import year_layout

ONE_DAY = dt.timedelta(days=1)
# The PDF's colours (static/css/report.css, templates/reports/_scurve.svg.html), so that a
# printed page and the screen read alike: actual progress solid green, the plan dashed blue.
ACTUAL_COLOUR = "#0f7a4a"
PLANNED_COLOUR = "#2f5fa8"
# The baseline (the plan last approved, issue 18), dotted, beside the current plan.
BASELINE_COLOUR = "#8a4f9e"


def planned_curve(steps, first: dt.date, last: dt.date) -> list[tuple[dt.date, Decimal]]:
    """planned_percent on each day where the curve bends, from ``first`` to ``last``.

    Between two consecutive step boundaries (the day before a step starts, the day it
    ends) the planned percent is linear in the day, so these points draw it exactly.
    """
    days = {first, last}
    for step in steps:
        if step.starts_on and step.ends_on:
            days.update((step.starts_on - ONE_DAY, step.ends_on))
    days = sorted(day for day in days if first <= day <= last)
    return [(day, progress.planned_percent(steps, day)) for day in days]


class CurvePoint(NamedTuple):
    day: dt.date
    percent: Decimal
    # The day the report was written; None for a point of the plan or the year's start.
    reported_on: dt.date | None = None


@dataclass(frozen=True)
class CurvePoints:
    """Both lines of an S-curve, each drawn as straight segments between its points, on
    the page and in the PDF alike: planned progress is linear between the days the plan
    bends (planned_curve), and between two reports nothing is known but that progress
    went from one to the other. Actual progress starts from 0 on the year's first day."""

    first: dt.date
    last: dt.date
    planned: list[CurvePoint]  # empty without a schedule
    actual: list[CurvePoint]  # empty without a report

    def within(self, first: dt.date, last: dt.date) -> "CurvePoints":
        """The same lines cut at ``first`` and ``last`` (the PDF's fiscal year)."""
        return CurvePoints(
            first=first,
            last=last,
            planned=_cut(self.planned, first, last),
            actual=_cut(self.actual, first, last),
        )


def _at(a: CurvePoint, b: CurvePoint, day: dt.date) -> CurvePoint:
    share = Decimal((day - a.day).days) / Decimal((b.day - a.day).days)
    return CurvePoint(day, progress.quantize(a.percent + (b.percent - a.percent) * share))


def _cut(line: list[CurvePoint], first: dt.date, last: dt.date) -> list[CurvePoint]:
    """The part of a line of straight segments from ``first`` to ``last``, with a point
    on each edge where the line crosses it."""
    cut = []
    for a, b in zip(line, line[1:], strict=False):
        if a.day < first < b.day:
            cut.append(_at(a, b, first))
    cut += [point for point in line if first <= point.day <= last]
    for a, b in zip(line, line[1:], strict=False):
        if a.day < last < b.day:
            cut.append(_at(a, b, last))
    return cut


def curve_points(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    steps: Sequence[progress.StepLike],
    points: Sequence[progress.ProgressPoint],
) -> CurvePoints:
    """The S-curve of a fiscal year (``starts_on``–``ends_on``), widened to the plan's
    steps that start before it or end after it: planned progress on each day the plan
    bends (none without a schedule), and actual progress, each report at
    ProgressPoint.day, oldest month first."""
    dated = [s for s in steps if s.starts_on and s.ends_on]
    first = min([starts_on, *(s.starts_on - ONE_DAY for s in dated)])
    last = max([ends_on, *(s.ends_on for s in dated)])
    planned = []
    if progress.has_schedule(steps):
        planned = [CurvePoint(day, percent) for day, percent in planned_curve(steps, first, last)]
    shown = [p for p in points if starts_on <= p.day <= last]
    actual = []
    if shown:
        actual = [CurvePoint(starts_on, Decimal(0))]
        actual += [CurvePoint(p.day, p.percent, p.reported_on) for p in shown]
    return CurvePoints(first=first, last=last, planned=planned, actual=actual)


def _planned_trace(points: list[CurvePoint], *, name: str, colour: str, dash: str) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [p.day.isoformat() for p in points],
        "y": [float(p.percent) for p in points],
        "customdata": [thaidates.format_be(p.day) for p in points],
        "line": {"color": colour, "width": 2.5, "dash": dash},
        "hovertemplate": name + " %{customdata}: %{y:.2f}%<extra></extra>",
    }


def scurve_figure(fiscal_year, steps, points, *, day: dt.date, baseline=None) -> dict:
    """The page's figure: the current plan, the baseline beside it (``baseline``: the plan
    version last approved, its steps prefetched; issue 18) and actual progress."""
    base_steps = list(baseline.steps.all()) if baseline is not None else []
    curve = curve_points(
        starts_on=fiscal_year.starts_on,
        ends_on=fiscal_year.ends_on,
        steps=[*steps, *base_steps] if base_steps else steps,
        points=points,
    )
    data = []
    if baseline is not None and progress.has_schedule(base_steps):
        base_line = planned_curve(base_steps, curve.first, curve.last)
        name = _("แผนฐานที่อนุมัติ (ฉบับที่ %(n)s)") % {"n": baseline.number}
        data.append(
            _planned_trace(
                [CurvePoint(d, p) for d, p in base_line],
                name=name,
                colour=BASELINE_COLOUR,
                dash="dot",
            )
        )
    if progress.has_schedule(steps):
        line = [CurvePoint(d, p) for d, p in planned_curve(steps, curve.first, curve.last)]
        name = _("แผนปัจจุบัน") if baseline is not None else _("แผน")
        data.append(_planned_trace(line, name=name, colour=PLANNED_COLOUR, dash="dash"))
    data.append(_actual_trace(curve.actual))
    return {"data": data, "layout": _layout(fiscal_year, curve.first, curve.last, day)}


def _actual_trace(actual: list[CurvePoint]) -> dict:
    year_start = _("เริ่มปีงบประมาณ")
    report = _("รายงาน")
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": _("ผลการดำเนินงาน"),
        "x": [p.day.isoformat() for p in actual],
        "y": [float(p.percent) for p in actual],
        "customdata": [
            f"{year_start} {thaidates.format_be(p.day)}"
            if p.reported_on is None
            else f"{report} {thaidates.format_be(p.reported_on)}"
            for p in actual
        ],
        "line": {"color": ACTUAL_COLOUR, "width": 3},
        # No marker at the year's start: it is where the line begins, not a report.
        "marker": {"size": [0 if p.reported_on is None else 8 for p in actual]},
        "hovertemplate": "%{customdata}: %{y:.2f}%<extra></extra>",
    }


def _layout(fiscal_year, first: dt.date, last: dt.date, day: dt.date) -> dict:
    months = thaidates.fiscal_months(fiscal_year.year_be)
    return {
        **year_layout(months, first, last),
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": day.isoformat(),
                "x1": day.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#5b6b7b", "width": 1, "dash": "dot"},
            }
        ],
        "annotations": [
            {
                "x": day.isoformat(),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": thaidates.format_thai_short(day),
                "showarrow": False,
                # Inside the plot: left of the line in the second half of the year.
                "xanchor": "right" if day > first + (last - first) / 2 else "left",
                "yanchor": "top",
                "font": {"size": 11, "color": "#5b6b7b"},
            }
        ],
    }
