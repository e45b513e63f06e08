"""Plotly figures of the dashboard as plain dicts, drawn in the browser by static/js/app.js
from json_script data (no inline scripts). Built from the already aggregated rows."""

from django.utils.translation import gettext as _

from projects import thaidates
from projects.charts import AMBER, FONT, GREEN, RED

GREY = "#9aa5b1"
BLUE = "#1d5fa8"
TOP_AGENCIES = 20


def _layout(**extra) -> dict:
    layout = {
        "margin": {"t": 10, "b": 40, "l": 40, "r": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#1f2d3d", "size": 14},
        "legend": {"orientation": "h", "y": -0.15},
    }
    layout.update(extra)
    return layout


def status_figure(total) -> dict:
    labels = [_("ล่าช้ากว่าแผน"), _("เป็นไปตามแผน"), _("แผนยังไม่มีกำหนดวัน")]
    return {
        "data": [
            {
                "type": "pie",
                "hole": 0.55,
                "labels": labels,
                "values": [total.behind, total.on_track, total.unscheduled],
                "marker": {"colors": [RED, GREEN, GREY]},
                "sort": False,
                "textinfo": "value",
                "hovertemplate": "%{label}: %{value} (%{percent})<extra></extra>",
            }
        ],
        "layout": _layout(height=260, margin={"t": 10, "b": 10, "l": 10, "r": 10}),
    }


def monthly_figure(monthly, projects: int, last_month) -> dict:
    """Share of the year's projects that reported on each month, up to the current one."""
    shown = [(month, n) for month, n in monthly if last_month is None or month <= last_month]
    # "ต.ค. 68": twelve labels that fit side by side.
    labels = [thaidates.month_tick(month) for month, _n in shown]
    shares = [round(n * 100 / projects, 1) if projects else 0 for _month, n in shown]
    return {
        "data": [
            {
                "type": "bar",
                "x": labels,
                "y": shares,
                "customdata": [n for _month, n in shown],
                "marker": {"color": BLUE},
                "hovertemplate": "%{x}: %{y}% (%{customdata} " + _("โครงการ") + ")<extra></extra>",
            }
        ],
        "layout": _layout(
            height=260,
            yaxis={"range": [0, 100], "ticksuffix": "%", "gridcolor": "#e5e9ee"},
            xaxis={"type": "category", "tickangle": 0, "automargin": True},
        ),
    }


def agencies_figure(rows) -> dict:
    """The agencies with the most projects behind schedule, stacked by status."""
    top = sorted(rows, key=lambda r: (-r.behind, -r.projects, r.agency_code))[:TOP_AGENCIES]
    top.reverse()  # Plotly draws horizontal bars bottom-up.
    names = [r.agency_short_name or r.agency_name for r in top]
    series = [
        (_("ล่าช้ากว่าแผน"), RED, [r.behind for r in top]),
        (_("เป็นไปตามแผน"), GREEN, [r.on_track for r in top]),
        (_("แผนยังไม่มีกำหนดวัน"), GREY, [r.unscheduled for r in top]),
    ]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": names,
                "x": values,
                "marker": {"color": color},
                "hovertemplate": "%{y}: %{x}<extra>" + name + "</extra>",
            }
            for name, color, values in series
        ],
        "layout": _layout(
            barmode="stack",
            height=max(260, 28 * len(top) + 80),
            margin={"t": 10, "b": 40, "l": 220, "r": 10},
            xaxis={"gridcolor": "#e5e9ee"},
            yaxis={"automargin": True},
        ),
    }


def progress_figure(rows) -> dict:
    """Average progress against average plan, per agency, for the top agencies of the
    agencies figure (same order)."""
    top = sorted(rows, key=lambda r: (-r.behind, -r.projects, r.agency_code))[:TOP_AGENCIES]
    top.reverse()
    names = [r.agency_short_name or r.agency_name for r in top]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("แผนเฉลี่ย"),
                "y": names,
                "x": [float(r.average_planned or 0) for r in top],
                "marker": {"color": GREY},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": _("ผลเฉลี่ย"),
                "y": names,
                "x": [float(r.average_scheduled_actual or 0) for r in top],
                "marker": {"color": AMBER},
            },
        ],
        "layout": _layout(
            barmode="group",
            height=max(260, 28 * len(top) + 80),
            margin={"t": 10, "b": 40, "l": 220, "r": 10},
            xaxis={"range": [0, 100], "ticksuffix": "%", "gridcolor": "#e5e9ee"},
            yaxis={"automargin": True},
        ),
    }


def _month_label(month) -> str:
    """ "ต.ค. 68": twelve labels that fit side by side."""
    return thaidates.month_tick(month)


def rates_figure(reporting_rates) -> dict:
    """Reporting rates of each ended month (projects/rates.py): submitted, on time and
    approved, as shares of the reports expected."""
    monthly = reporting_rates.monthly
    labels = [_month_label(month.period) for month, _counts in monthly]
    series = [
        (_("ส่งแล้ว"), BLUE, "submitted", "submitted_rate"),
        (_("ส่งตรงเวลา"), GREEN, "on_time", "on_time_rate"),
        (_("อนุมัติแล้ว"), AMBER, "approved", "approved_rate"),
    ]
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": [float(getattr(counts, rate) or 0) for _month, counts in monthly],
                "customdata": [
                    [getattr(counts, count), counts.expected] for _month, counts in monthly
                ],
                "marker": {"color": color},
                "hovertemplate": "%{x}: %{y}% (%{customdata[0]}/%{customdata[1]})<extra>"
                + name
                + "</extra>",
            }
            for name, color, count, rate in series
        ],
        "layout": _layout(
            barmode="group",
            height=280,
            # A little above 100 so that a full bar and the 100% tick are not cut off.
            yaxis={
                "range": [0, 105],
                "tickvals": [0, 20, 40, 60, 80, 100],
                "ticksuffix": "%",
                "gridcolor": "#e5e9ee",
            },
            xaxis={"type": "category", "tickangle": 0, "automargin": True},
        ),
    }


def budget_figure(monthly, target, last_month) -> dict:
    """Disbursed percent by month (up to the current one) against the year's overall
    quarter targets, drawn at each quarter's last month (issue 16)."""
    shown = [(m, p) for m, p in monthly if last_month is None or m <= last_month]
    months = [m for m, _p in monthly]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("เบิกจ่ายสะสม"),
            "x": [_month_label(m) for m, _p in shown],
            "y": [None if p is None else float(p) for _m, p in shown],
            "line": {"color": BLUE},
            "connectgaps": True,
            "hovertemplate": "%{x}: %{y:.2f}%<extra></extra>",
        }
    ]
    if target is not None and target.overall_by_quarter:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": _("เป้าหมายสิ้นไตรมาส"),
                "x": [_month_label(months[3 * q - 1]) for q, _p in target.overall_by_quarter],
                "y": [float(p) for _q, p in target.overall_by_quarter],
                "text": [f"{float(p):.0f}%" for _q, p in target.overall_by_quarter],
                "textposition": "top center",
                "marker": {"color": RED, "symbol": "diamond", "size": 11},
                "hovertemplate": "%{x}: " + _("เป้าหมาย") + " %{y}%<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": _layout(
            height=280,
            yaxis={"range": [0, 105], "ticksuffix": "%", "gridcolor": "#e5e9ee"},
            xaxis={
                "type": "category",
                "categoryarray": [_month_label(m) for m in months],
                "tickangle": 0,
                "automargin": True,
            },
        ),
    }


def figures(summary, filters) -> dict:
    charts = {
        "status": status_figure(summary.total),
        "monthly": monthly_figure(summary.monthly, summary.total.projects, filters.current_month),
    }
    if any(percent is not None for _month, percent in summary.budget_monthly):
        charts["budget"] = budget_figure(
            summary.budget_monthly, summary.budget_target, filters.current_month
        )
    if summary.reporting_rates is not None and summary.reporting_rates.counted_months:
        charts["rates"] = rates_figure(summary.reporting_rates)
    if filters.agency is None and summary.rows:
        # No bars of late projects when none is late: the page says so in words instead.
        if summary.total.behind:
            charts["agencies"] = agencies_figure(summary.rows)
        charts["progress"] = progress_figure(summary.rows)
    return charts
