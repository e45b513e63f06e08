"""Reads of the month's workbook (issue 18 item 3): which months an agency may fill in one
workbook, and its projects of a month with what the report form would start from.

A fixed number of queries whatever the number of projects (the steps, the months' states,
the latest reports and the budget transfers are prefetched)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from projects import months, reporting, thaidates
from projects.imports.month_columns import Token, token_of
from projects.models import (
    Agency,
    FiscalYear,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    ReportSubmission,
)


def open_months(agency: Agency, *, today: dt.date) -> list[dt.date]:
    """The months the agency's staff may still report today in the current fiscal year,
    newest first: begun and not past their deadline (projects/months.py), and past it
    those that are open again for some of its projects (reopened by สยป. until a day not
    yet gone, or a report the head returned to be corrected). Last month is usually among
    them until its deadline (October's report in early November)."""
    year_be = thaidates.fiscal_year_of(today)
    current = ProgressEntry.period_of(today)
    periods = [p for p in thaidates.fiscal_months(year_be) if p <= current]
    # The month before the year began (September's report is written in October).
    periods.insert(0, thaidates.add_months(periods[0], -1))
    years = FiscalYear.objects.filter(year_be__in={year_be, year_be - 1})
    due = months.deadlines(periods, fiscal_years=list(years))
    open_again = set(
        MonthReopening.objects.filter(
            project__agency=agency, period__in=periods, until__gte=today
        ).values_list("period", flat=True)
    ) | set(
        ReportSubmission.objects.filter(
            project__agency=agency, period__in=periods, state=ReportSubmission.State.RETURNED
        ).values_list("period", flat=True)
    )
    return [p for p in reversed(periods) if today <= due[p] or p in open_again]


def writable(rows: list[MonthProject]) -> list[MonthProject]:
    """The rows staff may write: a month past its deadline has only the projects open
    again (MonthState.locked says which); before it, all of them."""
    return [row for row in rows if not row.state.locked]


@dataclass
class MonthProject:
    """A project's row of the workbook: its steps, the month's state (with its open
    submission where reports need approval), the form's starting values and the token."""

    project: Project
    steps: list[PlanStep]
    state: months.MonthState
    initial: dict
    token: Token

    @property
    def stored(self):
        """The report the row starts from: the open submission, else the month's entry."""
        return self.state.submission or self.state.entry


def agency_projects(agency: Agency, period: dt.date):
    """The agency's projects of the fiscal year of ``period``, by code, with what every
    row needs prefetched."""
    return (
        Project.objects.filter(agency=agency, fiscal_year__year_be=thaidates.fiscal_year_of(period))
        .select_related("agency", "fiscal_year")
        .prefetch_related(
            Prefetch("steps", queryset=PlanStep.objects.order_by("order")),
            "budget_transfers",
        )
        .order_by("code")
    )


def month_projects(
    agency: Agency, period: dt.date, *, today: dt.date, projects=None
) -> list[MonthProject]:
    """Each project of ``agency`` due to report ``period`` (or ``projects``, already read
    with ``agency_projects``), as the report form would open it: the month's report (its
    open submission first), else the steps ticked in the latest report (reporting.
    report_initial)."""
    if projects is None:
        projects = list(agency_projects(agency, period))
    approval = agency.reports_need_approval
    states = months.month_states_for(projects, [period], today=today, with_submissions=approval)
    latest: dict[int, ProgressEntry] = {}
    for entry in (
        ProgressEntry.objects.filter(project__in=projects)
        .only("project_id", "period", "completed_steps", "in_progress_step_id", "partial_percent")
        .order_by("project_id", "-period", "-pk")
    ):
        latest.setdefault(entry.project_id, entry)
    rows = []
    for project in projects:
        state = states[(project.pk, period)]
        stored = state.submission or state.entry
        rows.append(
            MonthProject(
                project=project,
                steps=list(project.steps.all()),
                state=state,
                initial=reporting.report_initial(
                    stored, today=today, ticks_from=latest.get(project.pk)
                ),
                token=token_of(state, project.plan_version, approval=approval),
            )
        )
    return rows
