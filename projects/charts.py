"""Plotly figures as plain dicts, drawn in the browser by static/js/charts.js.

Built by hand rather than through plotly.graph_objects: the same JSON, without the cost
of validating a figure object on every request.
"""

import datetime as dt
from decimal import Decimal

from projects import thaidates

GREEN = "#0f7a4a"
AMBER = "#d98c00"
RED = "#c0392b"
FONT = "Sarabun, Tahoma, sans-serif"


def gauge_figure(percent: Decimal | None, *, title: str = "") -> dict:
    value = float(percent) if percent is not None else 0.0
    return {
        "data": [
            {
                "type": "indicator",
                "mode": "gauge+number",
                "value": value,
                "number": {"suffix": "", "valueformat": ".0f", "font": {"size": 40}},
                "title": {"text": title},
                "gauge": {
                    "axis": {"range": [0, 100], "tickwidth": 1, "dtick": 20},
                    "bar": {"color": GREEN, "thickness": 0.3},
                    "bgcolor": "white",
                    "borderwidth": 0,
                    "steps": [
                        {"range": [0, 40], "color": "#fbe3e0"},
                        {"range": [40, 70], "color": "#fdf0d5"},
                        {"range": [70, 100], "color": "#dff3e8"},
                    ],
                },
            }
        ],
        "layout": {
            "height": 190,
            # Room beside the arc for its end labels ("0", "100"), which Plotly draws
            # outside the arc: with 25 px, "100" was cut to "10".
            "margin": {"t": 20, "b": 10, "l": 40, "r": 40},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": FONT, "color": "#1f2d3d"},
        },
    }


def year_layout(months: list, first, last, *, top: float = 100.0) -> dict:
    """The Plotly layout of a chart over a fiscal year's months, in percent (the S-curve,
    the disbursement chart): each month's name in the middle of its month (as in the PDF),
    clear of the "0%" at the corner; gridlines on the months' first days; the y axis up to
    ``top`` and a little room above."""
    return {
        "height": 300,
        "margin": {"t": 10, "b": 50, "l": 45, "r": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#1f2d3d", "size": 13},
        "legend": {"orientation": "h", "y": -0.22},
        "xaxis": {
            "type": "date",
            "range": [first.isoformat(), (last + dt.timedelta(days=1)).isoformat()],
            "tickvals": [(m + dt.timedelta(days=15)).isoformat() for m in months],
            "ticktext": [thaidates.month_name(m.month, short=True) for m in months],
            "ticks": "",
            "showgrid": False,
            "minor": {
                "tickvals": [m.isoformat() for m in months],
                "showgrid": True,
                "gridcolor": "#eef1f4",
                "ticks": "",
            },
        },
        "yaxis": {"range": [0, top * 1.05], "ticksuffix": "%", "gridcolor": "#e5e9ee"},
    }
