"""A project's disbursement against the year's quarterly targets (issue 16): each month's
disbursed percent (cumulative disbursed over the amount after transfers) and physical
progress percent, and the quarter targets (DisbursementTarget of the project's budget
type where the year has one for the quarter, else the overall one). The points are shared
by the page's Plotly figure (disbursement_figure, drawn by static/js/app.js) and the
PDF's SVG (reports/charts.py). A year without targets has none: nothing is invented."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import thaidates
from projects.charts import year_layout
from projects.models import DisbursementTarget, ProgressEntry, Project
from projects.money import percent_of

DISBURSED_COLOUR = "#b5651d"
PROGRESS_COLOUR = "#0f7a4a"
TARGET_COLOUR = "#6b3fa0"


@dataclass(frozen=True)
class MonthPoint:
    """A month's report at its month's last day: disbursed % (None: not reported) and
    physical progress %."""

    period: dt.date
    day: dt.date
    disbursed_percent: Decimal | None
    progress_percent: Decimal


@dataclass(frozen=True)
class QuarterTarget:
    quarter: int
    ends_on: dt.date
    percent: Decimal


@dataclass(frozen=True)
class DisbursementChart:
    first: dt.date
    last: dt.date
    budget: Decimal  # the amount after transfers
    months: list[MonthPoint]
    targets: list[QuarterTarget]  # empty: the year has no targets

    @property
    def disbursed(self) -> list[MonthPoint]:
        return [m for m in self.months if m.disbursed_percent is not None]


def quarter_targets(project: Project) -> list[QuarterTarget]:
    """The project's year's targets by quarter: its budget type's where set, else the
    overall one; quarters without either are left out. One query."""
    year = project.fiscal_year
    rows = DisbursementTarget.objects.filter(fiscal_year=year).values_list(
        "quarter", "budget_type_id", "percent"
    )
    overall, typed = {}, {}
    for quarter, type_id, percent in rows:
        if type_id is None:
            overall[quarter] = percent
        elif type_id == project.budget_type_id:
            typed[quarter] = percent
    targets = []
    for quarter in (1, 2, 3, 4):
        percent = typed.get(quarter, overall.get(quarter))
        if percent is not None:
            ends_on = thaidates.quarter_bounds(year.year_be, quarter)[1]
            targets.append(QuarterTarget(quarter, ends_on, percent))
    return targets


def disbursement_chart(project: Project, entries=None) -> DisbursementChart | None:
    """The chart's points of ``project``'s year; None without a budget. Three queries (the
    transfers, the reports' figures, the targets); two given ``entries`` (its reports,
    oldest month first, as the PDF has them prefetched)."""
    if not project.has_budget:
        return None
    budget = project.budget_after_transfers()
    year = project.fiscal_year
    if entries is None:
        rows = (
            ProgressEntry.objects.filter(project=project)
            .oldest_first()
            .values_list("period", "percent", "disbursed")
        )
    else:
        rows = [(e.period, e.percent, e.disbursed) for e in entries]
    months = [
        MonthPoint(
            period=period,
            day=thaidates.month_end(period),
            disbursed_percent=percent_of(disbursed, budget) if disbursed is not None else None,
            progress_percent=percent,
        )
        for period, percent, disbursed in rows
        if year.starts_on <= period <= year.ends_on
    ]
    return DisbursementChart(
        first=year.starts_on,
        last=year.ends_on,
        budget=budget,
        months=months,
        targets=quarter_targets(project),
    )


def _line(name, points, colour, *, dash=None) -> dict:
    """A Plotly line from (day, percent, label) points, starting at 0 on the year's start."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [day.isoformat() for day, _percent, _label in points],
        "y": [float(percent) for _day, percent, _label in points],
        "customdata": [label for _day, _percent, label in points],
        "line": {"color": colour, "width": 2.5, **({"dash": dash} if dash else {})},
        "marker": {"size": [0 if not label else 8 for _day, _percent, label in points]},
        "hovertemplate": "%{customdata}: %{y:.2f}%<extra></extra>",
    }


def disbursement_figure(chart: DisbursementChart) -> dict:
    """The page's Plotly figure: disbursed % and progress % by month, the quarter targets."""
    start = (chart.first, Decimal(0), "")
    data = []
    if chart.targets:
        data.append(
            _line(
                _("เป้าหมายการเบิกจ่าย"),
                [start]
                + [
                    (t.ends_on, t.percent, _("เป้าหมายไตรมาส %(q)s") % {"q": t.quarter})
                    for t in chart.targets
                ],
                TARGET_COLOUR,
                dash="dash",
            )
        )
    data.append(
        _line(
            _("เบิกจ่าย (ร้อยละของงบหลังโอน)"),
            [start]
            + [
                (m.day, m.disbursed_percent, thaidates.month_label(m.period, short=True))
                for m in chart.disbursed
            ],
            DISBURSED_COLOUR,
        )
    )
    data.append(
        _line(
            _("ความคืบหน้า"),
            [start]
            + [
                (m.day, m.progress_percent, thaidates.month_label(m.period, short=True))
                for m in chart.months
            ],
            PROGRESS_COLOUR,
            dash="dot",
        )
    )
    return {"data": data, "layout": _layout(chart)}


def _layout(chart: DisbursementChart) -> dict:
    months = thaidates.fiscal_months(thaidates.fiscal_year_of(chart.first))
    top = max([100.0, *(float(m.disbursed_percent) for m in chart.disbursed)])
    return year_layout(months, chart.first, chart.last, top=top)
