"""The state of a project's reporting month (domain.md, "Monthly reporting"): the one home of
the deadline and lock rule. The report form, the save, the reopening, my agency, the
dashboard's missing and due counts and the printed reports read it; templates only show
its booleans and label.

A month M (``period``, its first day) is reported on once per project. Its report is due by
its deadline D: the fiscal year's ``report_deadline_day`` of the month after M (October →
10 November), unless a ReportingDeadline row moves that month's date. On day T (``today``):

===============  ==========================================================================
status           when
===============  ==========================================================================
upcoming         T < M: the month has not begun, there is nothing to report yet
open             M ≤ T ≤ the end of M (and T ≤ D), no report: reports may be written
due (รอส่ง)        the end of M < T ≤ D, no report: waiting for a report that is still on time
late (ขาดส่ง)      T > D, no report: missing, and locked for agency staff
reopened         T > D, no report, and สยป. has reopened the month for the project until
                 a day R ≥ T: staff may report it (late)
reported         the month has its report, on time
reported-late    the month has its report, first saved after D (``is_late``) or dated after D
pending          (agencies whose reports need approval, issue 15) no approved report, but one
                 submitted to the head of the agency (รออนุมัติ): not missing
returned         no approved report; the one submitted was returned by the head to be
                 corrected (ส่งกลับแก้ไข): not missing, and open to its staff past D
outside          M is not a month of the project's fiscal year
===============  ==========================================================================

Whatever the status: ``locked`` (T > D and not reopened: staff may not write the month's
report; administrators always may, permissions.can_report_month), ``missing`` (T > D and
no report: what every page counts as ขาดส่ง) and ``past_deadline``.

The month's open submission (``submission``: a report on its way to approval) is read only
by those who ask (``with_submissions=True``): the agency's own pages (the report form, my
agency). Everything that counts reads the approved entry only, and never asks.

Functions: MonthState (pure, the rule itself); month_states / month_state / year_states for
one project's months and month_states_for for many projects, each in a fixed number of
queries; year_closed, whether a project's year takes no more reports from its staff; and
reporting_calendar, the months of a fiscal year that the dashboard's "missing" and "due"
counts are about on a day.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from projects import thaidates
from projects.models import (
    FiscalYear,
    MonthReopening,
    ProgressEntry,
    Project,
    ReportingDeadline,
    ReportSubmission,
)

UPCOMING = "upcoming"
OPEN = "open"
DUE = "due"
LATE = "late"
REOPENED = "reopened"
REPORTED = "reported"
REPORTED_LATE = "reported-late"
OUTSIDE = "outside"
PENDING = "pending"
RETURNED = "returned"

LABELS = {
    UPCOMING: _("ยังไม่ถึงเดือนรายงาน"),
    OPEN: _("อยู่ระหว่างเดือน"),
    DUE: _("รอส่ง"),
    LATE: _("ขาดส่ง (เลยกำหนด)"),
    REOPENED: _("เปิดรับย้อนหลัง"),
    REPORTED: _("ส่งแล้ว"),
    REPORTED_LATE: _("ส่งแล้ว (ล่าช้า)"),
    OUTSIDE: _("นอกปีงบประมาณ"),
    PENDING: _("รออนุมัติ"),
    RETURNED: _("ส่งกลับแก้ไข"),
}

DEFAULT_DEADLINE_DAY = FiscalYear._meta.get_field("report_deadline_day").default


def default_deadline(period: dt.date, deadline_day: int) -> dt.date:
    """The ``deadline_day`` of the month after ``period``: October → 10 November."""
    if (period.year, period.month) == (dt.MAXYEAR, 12):
        return dt.date.max  # the calendar's last month has no next one (a typed 31/12/9999)
    return thaidates.add_months(period, 1).replace(day=deadline_day)


@dataclass(frozen=True)
class MonthState:
    """Where a project's reporting month stands on ``today`` (see the module's table).

    ``entry`` is the month's report (None: none); ``reopened_until`` the last day of the
    reopening in force, if any. Built by the functions below, which always read both;
    ``submission``, the month's open (not approved) submission, only when asked.
    """

    period: dt.date
    deadline: dt.date
    today: dt.date
    entry: ProgressEntry | None = None
    reopened_until: dt.date | None = None
    reopened_by: object = None
    in_year: bool = True
    submission: ReportSubmission | None = None

    @property
    def sent(self) -> bool:
        """An open submission that was sent to the head (submitted, or returned from
        there): the month is not missing while it waits or is being corrected."""
        sub = self.submission
        return sub is not None and sub.state in (sub.State.SUBMITTED, sub.State.RETURNED)

    @property
    def ends_on(self) -> dt.date:
        return thaidates.month_end(self.period)

    @property
    def begun(self) -> bool:
        return self.today >= self.period

    @property
    def ended(self) -> bool:
        return self.today > self.ends_on

    @property
    def reportable(self) -> bool:
        """A month of the project's year that has begun: it may have a report (the lock
        aside)."""
        return self.in_year and self.begun

    @property
    def past_deadline(self) -> bool:
        return self.today > self.deadline

    @property
    def reopened(self) -> bool:
        return self.reopened_until is not None and self.today <= self.reopened_until

    @property
    def locked(self) -> bool:
        """Closed to agency staff: past the deadline and not reopened by สยป. A report the
        head returned to be corrected stays open to them: it was sent in time."""
        if self.submission is not None and self.submission.state == self.submission.State.RETURNED:
            return False
        return self.past_deadline and not self.reopened

    @property
    def reported(self) -> bool:
        return self.entry is not None

    @property
    def reported_late(self) -> bool:
        entry = self.entry
        return entry is not None and (entry.is_late or entry.reported_on > self.deadline)

    @property
    def awaiting(self) -> bool:
        """Begun, not yet reported and still on time (open or due): the page says by when."""
        return self.status in (OPEN, DUE)

    @property
    def missing(self) -> bool:
        """ขาดส่ง: past the deadline without a report (reopened or not)."""
        return self.in_year and self.past_deadline and self.entry is None and not self.sent

    @property
    def status(self) -> str:
        if not self.in_year:
            return OUTSIDE
        if self.entry is not None:
            return REPORTED_LATE if self.reported_late else REPORTED
        if self.sent:
            return PENDING if self.submission.state == self.submission.State.SUBMITTED else RETURNED
        if not self.begun:
            return UPCOMING
        if self.past_deadline:
            return REOPENED if self.reopened else LATE
        return DUE if self.ended else OPEN

    @property
    def label(self) -> str:
        return str(LABELS[self.status])


# --- Reading the states ------------------------------------------------------------------


def deadlines(periods: Iterable[dt.date], *, fiscal_years: Iterable[FiscalYear]) -> dict:
    """The deadline of each month of ``periods``: one query for the moved ones, and one for
    the deadline day of fiscal years not among ``fiscal_years`` (only when some month falls
    in one)."""
    periods = sorted(set(periods))
    moved = dict(
        ReportingDeadline.objects.filter(period__in=periods).values_list("period", "due_on")
    )
    days = {year.year_be: year.report_deadline_day for year in fiscal_years}
    other_years = {thaidates.fiscal_year_of(p) for p in periods} - set(days)
    if other_years:
        days.update(
            FiscalYear.objects.filter(year_be__in=other_years).values_list(
                "year_be", "report_deadline_day"
            )
        )
    return {
        period: moved.get(period)
        or default_deadline(
            period, days.get(thaidates.fiscal_year_of(period), DEFAULT_DEADLINE_DAY)
        )
        for period in periods
    }


def month_states_for(
    projects: Sequence[Project],
    periods: Sequence[dt.date],
    *,
    today: dt.date,
    with_submissions: bool = False,
) -> dict[tuple[int, dt.date], MonthState]:
    """The state of each of ``periods`` for each project (with its fiscal year loaded), by
    (project id, period): four queries (five when the months reach another fiscal year,
    one more ``with_submissions``: the open submissions), whatever the number of projects."""
    if not projects:
        return {}
    due = deadlines(periods, fiscal_years={p.fiscal_year for p in projects})
    entries = {
        (e.project_id, e.period): e
        for e in ProgressEntry.objects.filter(project__in=projects, period__in=periods)
    }
    reopenings = {}
    for reopening in (
        MonthReopening.objects.filter(project__in=projects, period__in=periods, until__gte=today)
        .select_related("reopened_by")
        .order_by("until")
    ):
        # The one that lasts longest wins.
        reopenings[(reopening.project_id, reopening.period)] = reopening
    submissions = {}
    if with_submissions:
        submissions = {
            (s.project_id, s.period): s
            for s in ReportSubmission.objects.filter(
                project__in=projects, period__in=periods, state__in=ReportSubmission.OPEN_STATES
            )
        }
    states = {}
    for project in projects:
        year_be = project.fiscal_year.year_be
        for period in periods:
            key = (project.pk, period)
            reopening = reopenings.get(key)
            states[key] = MonthState(
                period=period,
                deadline=due[period],
                today=today,
                entry=entries.get(key),
                reopened_until=reopening.until if reopening else None,
                reopened_by=reopening.reopened_by if reopening else None,
                in_year=thaidates.fiscal_year_of(period) == year_be,
                submission=submissions.get(key),
            )
    return states


def month_states(
    project: Project,
    periods: Sequence[dt.date],
    *,
    today: dt.date,
    with_submissions: bool = False,
) -> dict[dt.date, MonthState]:
    """The state of several months of one project (month_states_for)."""
    states = month_states_for([project], periods, today=today, with_submissions=with_submissions)
    return {period: states[(project.pk, period)] for period in periods}


def month_state(
    project: Project, period: dt.date, *, today: dt.date, with_submissions: bool = False
) -> MonthState:
    return month_states(project, [period], today=today, with_submissions=with_submissions)[period]


def year_states(
    project: Project, *, today: dt.date, with_submissions: bool = False
) -> dict[dt.date, MonthState]:
    """The state of each of the twelve months of the project's fiscal year (month_states)."""
    return month_states(
        project,
        thaidates.fiscal_months(project.fiscal_year.year_be),
        today=today,
        with_submissions=with_submissions,
    )


def year_closed(states: Iterable[MonthState]) -> bool:
    """A project's fiscal year is closed to agency staff when every month of it (of
    ``states``: give the twelve, year_states) is past its deadline, September's in
    October, and none is reopened for the project: no report can be written or corrected
    but by administrators, or after สยป. reopens a month."""
    states = [state for state in states if state.in_year]
    return bool(states) and all(state.locked for state in states)


# --- A fiscal year's calendar, for counts over many projects -----------------------------


@dataclass(frozen=True)
class ReportingCalendar:
    """The months of a fiscal year that counts over many projects are about on ``today``:

    ``missing_month``, the latest month past its deadline (a project without its report is
    ขาดส่ง, MonthState.missing), and ``due_month``, the latest month that has ended but is
    still before its deadline (a project without its report is รอส่ง, status "due").
    Either is None when no month of the year is in that state."""

    deadlines: dict[dt.date, dt.date]
    missing_month: dt.date | None
    due_month: dt.date | None

    @property
    def missing_deadline(self) -> dt.date | None:
        return self.deadlines[self.missing_month] if self.missing_month else None

    @property
    def due_deadline(self) -> dt.date | None:
        return self.deadlines[self.due_month] if self.due_month else None


def reporting_calendar(fiscal_year: FiscalYear, *, today: dt.date) -> ReportingCalendar:
    """One query (the moved deadlines of the year's months)."""
    due = deadlines(thaidates.fiscal_months(fiscal_year.year_be), fiscal_years=[fiscal_year])
    states = [MonthState(period=p, deadline=d, today=today) for p, d in due.items()]
    past = [s.period for s in states if s.past_deadline]
    waiting = [s.period for s in states if s.ended and not s.past_deadline]
    return ReportingCalendar(
        deadlines=due,
        missing_month=max(past) if past else None,
        due_month=max(waiting) if waiting else None,
    )
