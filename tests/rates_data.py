"""A small, hand-built set of reports for the reporting rates (projects/rates.py), shared
by tests/test_rates.py and tests/test_rates_views.py.

Fiscal year 2569 (October 2025 – September 2026), counted on 5 January 2026: October,
November and December have ended (December's deadline, 10 January, has not passed);
January has not. November's deadline is moved to 15 December 2025.

Agency A (reports need approval): A1, A2, A3. Agency B (no approval): B1, B2. Agency C
has a project of 2568 only (no row). Their codes start with 7, clear of AgencyFactory's.
Per month, with the reason of each count:

=========  ==================================================  ============================
month      what exists                                         exp / sub / on time / appr.
=========  ==================================================  ============================
Oct  A     A1 entry on time; A2 submitted on time (pending);   3 / 2 / 2 / 1
           A3 a draft only (missing)
Oct  B     B1 entry is_late; B2 entry not is_late but dated    2 / 2 / 0 / 2
           12 Nov, after the 10 Nov deadline (late, months.py)
Nov  A     A1 entry late, from its approved late submission;   3 / 3 / 2 / 2
           A2 entry on time + a late change pending;
           A3 returned, had been sent on time
Nov  B     B1 entry dated 12 Dec, on time with the moved       2 / 1 / 1 / 1
           deadline (15 Dec); B2 nothing
Dec  A     A1 entry on time; A2 entry late + a sent on-time    3 / 2 / 2 / 2
           submission; A3 nothing
Dec  B     nothing                                             2 / 0 / 0 / 0
Jan        B1 entry (month not ended: not counted)             - (expected 0)
=========  ==================================================  ============================

Totals: A 9 / 7 / 6 / 5 (submitted 77.8 %), B 6 / 3 / 1 / 3 (50.0 %), all 15 / 10 / 7 / 8.
Missing: October A3; November B2; December A3, B1, B2.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from projects.models import ReportSubmission
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ReportingDeadlineFactory,
)

YEAR = 2569
TODAY = dt.date(2026, 1, 5)
OCT, NOV, DEC, JAN = (
    dt.date(2025, 10, 1),
    dt.date(2025, 11, 1),
    dt.date(2025, 12, 1),
    dt.date(2026, 1, 1),
)
State = ReportSubmission.State


def entry(project, period, reported_on, *, late=False):
    return ProgressEntryFactory(
        project=project, period=period, reported_on=reported_on, is_late=late
    )


def submission(project, period, state, *, sent_on=None, late=False, entry=None):
    """A ReportSubmission row as the approval services leave it (sent at noon of
    ``sent_on``; a draft never sent has no ``submitted_at``)."""
    sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(12))) if sent_on else None
    return ReportSubmission.objects.create(
        project=project,
        period=period,
        state=state,
        reported_on=sent_on or period + dt.timedelta(days=20),
        percent=Decimal("20.00"),
        narrative="ดำเนินการตามแผน",
        submitted_at=sent_at,
        is_late=late,
        entry=entry,
    )


@dataclass
class RatesData:
    fiscal_year: object
    a: object
    b: object
    c: object
    projects: dict


def build() -> RatesData:
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    a = AgencyFactory(code="70100000", name="สำนักงานเขตทดสอบเอ", short_name="เขตเอ")
    b = AgencyFactory(
        code="70200000",
        name="สำนักทดสอบบี",
        short_name="สนบ.",
        reports_need_approval=False,
    )
    c = AgencyFactory(code="70300000", name="สำนักทดสอบซี", short_name="สนซ.")
    p = {
        name: ProjectFactory(agency=agency, fiscal_year=fiscal_year, code=f"{agency.code}-{name}")
        for agency, name in ((a, "A1"), (a, "A2"), (a, "A3"), (b, "B1"), (b, "B2"))
    }
    old = ProjectFactory(agency=c, fiscal_year=FiscalYearFactory(year_be=YEAR - 1), code="C-old")
    entry(old, dt.date(2025, 9, 1), dt.date(2025, 9, 20))
    ReportingDeadlineFactory(period=NOV, due_on=dt.date(2025, 12, 15))

    # October (deadline 10 Nov 2025)
    entry(p["A1"], OCT, dt.date(2025, 11, 5))
    submission(p["A2"], OCT, State.SUBMITTED, sent_on=dt.date(2025, 11, 8))
    submission(p["A3"], OCT, State.DRAFT)
    entry(p["B1"], OCT, dt.date(2025, 11, 15), late=True)
    entry(p["B2"], OCT, dt.date(2025, 11, 12))
    # November (deadline moved to 15 Dec 2025)
    late_one = entry(p["A1"], NOV, dt.date(2025, 12, 18), late=True)
    submission(
        p["A1"], NOV, State.APPROVED, sent_on=dt.date(2025, 12, 18), late=True, entry=late_one
    )
    on_time = entry(p["A2"], NOV, dt.date(2025, 12, 1))
    submission(
        p["A2"], NOV, State.SUBMITTED, sent_on=dt.date(2025, 12, 20), late=True, entry=on_time
    )
    submission(p["A3"], NOV, State.RETURNED, sent_on=dt.date(2025, 12, 10))
    entry(p["B1"], NOV, dt.date(2025, 12, 12))
    # December (deadline 10 Jan 2026, not yet passed on 5 Jan)
    entry(p["A1"], DEC, dt.date(2026, 1, 2))
    late_entry = entry(p["A2"], DEC, dt.date(2026, 1, 3), late=True)
    submission(p["A2"], DEC, State.SUBMITTED, sent_on=dt.date(2026, 1, 4), entry=late_entry)
    # January: not ended on 5 Jan
    entry(p["B1"], JAN, dt.date(2026, 1, 4))
    return RatesData(fiscal_year=fiscal_year, a=a, b=b, c=c, projects=p)
