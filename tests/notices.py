"""A small world for the notification tests (tests/test_notifications*.py): two agencies
of fiscal year 2570, their staff and heads, and the report rows the notices are computed
from, built with the models (the approval services are written in parallel)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from projects.models import Notification, ReportSubmission, ReportTransition, User
from tests.factories import AgencyFactory, FiscalYearFactory, ProjectFactory, UserFactory

BANGKOK = ZoneInfo("Asia/Bangkok")
NOVEMBER = dt.date(2026, 11, 1)  # fiscal year 2570; its report is due 10 December 2026
State = ReportSubmission.State


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BANGKOK)


def world() -> dict:
    year = FiscalYearFactory(year_be=2570)
    agency, other = AgencyFactory(), AgencyFactory()
    return {
        "agency": agency,
        "other": other,
        "p1": ProjectFactory(agency=agency, fiscal_year=year),
        "p2": ProjectFactory(agency=agency, fiscal_year=year),
        "q1": ProjectFactory(agency=other, fiscal_year=year),
        "s1": UserFactory(agency=agency),
        "s2": UserFactory(agency=agency),
        "head": UserFactory(agency=agency, role=User.Role.HEAD),
        "t1": UserFactory(agency=other),
        "t_head": UserFactory(agency=other, role=User.Role.HEAD),
        # nobody of an agency: never told anything about its reports
        "evaluator": UserFactory(evaluator=True),
    }


def submission(project, state, *, by, period=NOVEMBER, submitted_at=None):
    return ReportSubmission.objects.create(
        project=project,
        period=period,
        state=state,
        reported_on=period + dt.timedelta(days=20),
        percent=Decimal("20.00"),
        narrative="ดำเนินการตามแผน",
        submitted_at=submitted_at or (None if state == State.DRAFT else timezone.now()),
        submitted_by=None if state == State.DRAFT else by,
        created_by=by,
    )


def transition(sub, to_state, *, by, when: dt.datetime, comment=""):
    made = ReportTransition.objects.create(
        submission=sub, from_state=State.SUBMITTED, to_state=to_state, by=by, comment=comment
    )
    ReportTransition.objects.filter(pk=made.pk).update(at=when)
    return made


def notice(user, n=1, **values):
    return Notification.objects.create(
        user=user,
        kind=values.pop("kind", Notification.Kind.RETURNED),
        key=values.pop("key", str(n)),
        title=values.pop("title", f"รายงานถูกส่งกลับแก้ไข {n}"),
        body=values.pop("body", "หัวหน้าหน่วยงานส่งกลับให้แก้ไข: ขอรูป"),
        url=values.pop("url", "/projects/my-agency/"),
        **values,
    )
