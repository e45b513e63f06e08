"""Plotly figures as plain dicts, drawn in the browser by static/js/charts.js.

Built by hand rather than through plotly.graph_objects: the same JSON, without the cost
of validating a figure object on every request.
"""

from decimal import Decimal

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
