"""The S-curve of a project (planned against actual progress) as a Plotly figure dict,
drawn in the browser by static/js/app.js from json_script data."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import progress, thaidates
from projects.charts import AMBER, FONT, GREEN

ONE_DAY = dt.timedelta(days=1)


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


def scurve_figure(fiscal_year, steps, points, *, day: dt.date) -> dict:
    start, end = fiscal_year.starts_on, fiscal_year.ends_on
    dated = [s for s in steps if s.starts_on and s.ends_on]
    first = min([start, *(s.starts_on - ONE_DAY for s in dated)])
    last = max([end, *(s.ends_on for s in dated)])
    data = []
    if progress.has_schedule(steps):
        curve = planned_curve(steps, first, last)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("แผน"),
                "x": [d.isoformat() for d, _v in curve],
                "y": [float(v) for _d, v in curve],
                "customdata": [thaidates.format_be(d) for d, _v in curve],
                "line": {"color": GREEN, "width": 3, "dash": "dot"},
                "hovertemplate": _("แผน") + " %{customdata}: %{y:.2f}%<extra></extra>",
            }
        )
    # Each report at the end of its month at the latest (ProgressPoint.day), oldest first.
    shown = [p for p in points if first <= p.day <= last]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("ผลการดำเนินงาน"),
            "x": [p.day.isoformat() for p in shown],
            "y": [float(p.percent) for p in shown],
            "customdata": [thaidates.format_be(p.reported_on) for p in shown],
            "line": {"color": AMBER, "width": 3, "shape": "hv"},
            "marker": {"size": 8},
            "hovertemplate": _("รายงาน") + " %{customdata}: %{y:.2f}%<extra></extra>",
        }
    )
    return {"data": data, "layout": _layout(fiscal_year, first, last, day)}


def _layout(fiscal_year, first: dt.date, last: dt.date, day: dt.date) -> dict:
    months = thaidates.fiscal_months(fiscal_year.year_be)
    return {
        "height": 300,
        "margin": {"t": 10, "b": 50, "l": 45, "r": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#1f2d3d", "size": 13},
        "legend": {"orientation": "h", "y": -0.22},
        "xaxis": {
            "type": "date",
            "range": [first.isoformat(), (last + ONE_DAY).isoformat()],
            "tickvals": [m.isoformat() for m in months],
            "ticktext": [thaidates.MONTHS_SHORT[m.month - 1] for m in months],
            "gridcolor": "#eef1f4",
        },
        "yaxis": {"range": [0, 105], "ticksuffix": "%", "gridcolor": "#e5e9ee"},
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": day.isoformat(),
                "x1": day.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#5b6b7b", "width": 1, "dash": "dash"},
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
