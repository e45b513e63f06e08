"""A report is about a month; its date may fall in the next month (issue 14, item 1).

- September's report written on 5 October, before its deadline (10 October), is accepted:
  a report's date runs from its month's first day to the month's deadline (or the end of
  a reopening), not to the fiscal year's end (services.progress_entry_check).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import months, services
from projects.models import ProgressEntry
from tests.factories import (
    FiscalYearFactory,
    MonthReopeningFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Fiscal year 2569: 1 Oct 2025 – 30 Sep 2026. September 2026 is its last month, due by
# 10 October 2026 (the 10th of the next month, the default).
SEPTEMBER = dt.date(2026, 9, 1)
DEADLINE = dt.date(2026, 10, 10)

LIST_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
PROSE_DATE = re.compile(
    r"\b\d{1,2} (?:ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.)"
    r" \d{4}"
)


def date_styles(text: str) -> set[str]:
    """Which date styles ``text`` writes: "list" (22/09/2564), "prose" (22 ก.ย. 2564)."""
    found = set()
    if LIST_DATE.search(text):
        found.add("list")
    if PROSE_DATE.search(text):
        found.add("prose")
    return found


@pytest.fixture
def project():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    for order, weight in enumerate((40, 60), start=1):
        PlanStepFactory(project=project, order=order, weight=Decimal(weight))
    return project


@pytest.fixture
def steps(project):
    return list(project.steps.order_by("order"))


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def report(project, user, *, steps=(), period, reported_on, today, entry=None, version=0):
    return services.progress_entry_submit(
        project=project,
        user=user,
        data=services.ReportInput(
            reported_on=reported_on,
            period=period,
            completed_step_ids=[s.pk for s in steps],
            narrative="จัดกิจกรรมครบตามแผน",
        ),
        loaded_entry_id=entry,
        loaded_version=version,
        today=today,
    )


# --- The date rule (services.progress_entry_check) ------------------------------------------


def test_septembers_report_dated_5_october_before_the_deadline_is_accepted(project, steps, staff):
    day = dt.date(2026, 10, 5)
    entry = report(project, staff, steps=steps, period=SEPTEMBER, reported_on=day, today=day)
    assert (entry.period, entry.reported_on) == (SEPTEMBER, day)
    assert not entry.is_late
    assert months.month_state(project, SEPTEMBER, today=day).status == months.REPORTED


def test_on_the_deadline_itself_it_is_still_accepted(project, steps, staff):
    entry = report(
        project, staff, steps=steps, period=SEPTEMBER, reported_on=DEADLINE, today=DEADLINE
    )
    assert entry.reported_on == DEADLINE and not entry.is_late


def test_dated_11_october_it_is_refused_naming_the_deadline(project, steps, staff):
    day = dt.date(2026, 10, 11)
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, steps=steps, period=SEPTEMBER, reported_on=day, today=day)
    messages = [m for ms in excinfo.value.message_dict.values() for m in ms]
    assert any("กันยายน 2569" in m and "10/10/2569" in m for m in messages), messages
    # Not the fiscal year's end: that rule misled people writing September's report.
    assert not any("ปีงบประมาณ" in m for m in messages), messages
    assert not ProgressEntry.objects.exists()


def test_reopened_until_20_october_it_is_accepted_on_15_october(project, steps, staff):
    MonthReopeningFactory(
        project=project,
        period=SEPTEMBER,
        until=dt.date(2026, 10, 20),
        reopened_by=UserFactory(evaluator=True),
    )
    day = dt.date(2026, 10, 15)
    entry = report(project, staff, steps=steps, period=SEPTEMBER, reported_on=day, today=day)
    assert entry.reported_on == day
    assert entry.is_late  # after the deadline: sent late, as reopened months are
    with pytest.raises(ValidationError):  # and after the reopening's end, no more
        report(
            project,
            staff,
            steps=steps[:1],
            period=SEPTEMBER,
            reported_on=day,
            today=dt.date(2026, 10, 21),
            entry=entry.pk,
            version=entry.version,
        )


def test_administrators_may_still_date_a_late_report_after_the_year(project, steps):
    admin = UserFactory(admin=True)
    day = dt.date(2026, 11, 3)
    entry = report(project, admin, steps=steps, period=SEPTEMBER, reported_on=day, today=day)
    assert entry.reported_on == day and entry.is_late


def test_a_report_is_never_dated_before_its_month_nor_after_today(project, steps, staff):
    day = dt.date(2026, 10, 5)
    with pytest.raises(ValidationError) as excinfo:
        report(
            project,
            staff,
            steps=steps,
            period=SEPTEMBER,
            reported_on=dt.date(2026, 8, 31),
            today=day,
        )
    assert "ไม่ก่อนเดือนที่รายงาน (กันยายน 2569)" in excinfo.value.message_dict["reported_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        report(
            project,
            staff,
            steps=steps,
            period=SEPTEMBER,
            reported_on=dt.date(2026, 10, 6),
            today=day,
        )
    assert "ต้องไม่เกินวันนี้ (05/10/2569)" in excinfo.value.message_dict["reported_on"][0]
