"""A report is about a month; its date may fall in the next month (issue 14, item 1).

- September's report written on 5 October, before its deadline (10 October), is accepted:
  a report's date runs from its month's first day to the month's deadline (or the end of
  a reopening), not to the fiscal year's end (services.progress_entry_check).
- Editing a report keeps its date: the form starts from the entry's own date.
- The form opens on the earliest month this person may still report that has no report.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import months, reporting, services
from projects.models import ProgressEntry
from tests.factories import (
    FiscalYearFactory,
    MonthReopeningFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of, text_of

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


# --- Editing keeps the report's date ----------------------------------------------------


TODAY = dt.date(2026, 3, 5)  # February's report is due until 10 March
FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr("projects.views._today", lambda: TODAY)


def form_values(page) -> dict:
    """What the report form would send as it stands (its inputs, ticks and texts)."""
    data: dict = {}
    for field in page.all("#report-form input, #report-form textarea, #report-form select"):
        name, tag = field.get("name"), field.tag.rpartition("}")[2]
        if not name or field.get("type") in ("file", "submit"):
            continue
        if field.get("type") == "checkbox":
            if field.get("checked") is not None:
                data.setdefault(name, []).append(field.get("value"))
        elif tag == "textarea":
            data[name] = text_of(field)
        elif tag == "select":
            chosen = [o.get("value") for o in field.iter() if o.get("selected") is not None]
            data[name] = chosen[0] if chosen else ""
        else:
            data[name] = field.get("value") or ""
    return data


def test_the_form_starts_from_the_entrys_own_date(project, steps):
    entry = ProgressEntryFactory(project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 20))
    initial = reporting.report_initial(entry, today=TODAY, ticks_from=entry)
    assert initial["reported_on"] == "20/02/2569"
    fresh = reporting.report_initial(None, today=TODAY, ticks_from=entry)
    assert fresh["reported_on"] == "05/03/2569"


def test_opening_and_saving_an_old_report_keeps_its_date(
    client, project, steps, staff, fixed_today
):
    entry = ProgressEntryFactory(
        project=project,
        period=FEBRUARY,
        reported_on=dt.date(2026, 2, 20),
        completed_steps=[steps[0].pk],
        percent=Decimal(40),
        narrative="จัดประชุมคณะทำงานแล้ว",
    )
    client.force_login(staff)
    page = page_of(client.get(f"/projects/{project.code}/report/?period=2026-02"))
    assert page.one("#id_reported_on").get("value") == "20/02/2569"
    data = form_values(page)
    data["narrative"] = "จัดประชุมคณะทำงานแล้ว (แก้คำผิด)"
    response = client.post(f"/projects/{project.code}/report/", data)
    assert response.status_code == 302, page_of(response).text(".alert--error, .field__error")
    entry.refresh_from_db()
    assert entry.narrative.endswith("(แก้คำผิด)")
    assert entry.reported_on == dt.date(2026, 2, 20)
    assert entry.version == 2


# --- The form opens on the earliest month still due ---------------------------------------

# Fiscal year 2570: 1 Oct 2026 – 30 Sep 2027. On 5 December, October is past its deadline
# (10 November), November's report is due until 10 December, December is under way.
DECEMBER_5 = dt.date(2026, 12, 5)
OCTOBER_70, NOVEMBER_70, DECEMBER_70 = (
    dt.date(2026, 10, 1),
    dt.date(2026, 11, 1),
    dt.date(2026, 12, 1),
)


@pytest.fixture
def project_2570():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2570))
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    return project


def opened_on(client, project, monkeypatch, today) -> str:
    monkeypatch.setattr("projects.views._today", lambda: today)
    client.force_login(UserFactory(agency=project.agency))
    return (
        page_of(client.get(f"/projects/{project.code}/"))
        .one("#id_period option[selected]")
        .get("value")
    )


def test_with_october_reported_and_november_not_it_opens_on_november(
    client, project_2570, monkeypatch
):
    ProgressEntryFactory(project=project_2570, period=OCTOBER_70, reported_on=dt.date(2026, 11, 6))
    assert opened_on(client, project_2570, monkeypatch, DECEMBER_5) == "2026-11-01"


def test_with_november_reported_and_october_reopened_and_empty_it_opens_on_october(
    client, project_2570, monkeypatch
):
    ProgressEntryFactory(project=project_2570, period=NOVEMBER_70, reported_on=dt.date(2026, 12, 2))
    MonthReopeningFactory(
        project=project_2570,
        period=OCTOBER_70,
        until=dt.date(2026, 12, 12),
        reopened_by=UserFactory(evaluator=True),
    )
    assert opened_on(client, project_2570, monkeypatch, DECEMBER_5) == "2026-10-01"


def test_with_every_month_reported_it_opens_on_the_latest_one_to_edit(project_2570):
    staff = UserFactory(agency=project_2570.agency)
    for period in (OCTOBER_70, NOVEMBER_70, DECEMBER_70):
        ProgressEntryFactory(project=project_2570, period=period, reported_on=DECEMBER_5)
    assert reporting.default_period(project_2570, user=staff, today=DECEMBER_5) == DECEMBER_70


def test_a_locked_empty_month_is_not_where_staff_are_sent(project_2570):
    """October is missing and locked: staff cannot write it; November is what they can do."""
    staff = UserFactory(agency=project_2570.agency)
    assert reporting.default_period(project_2570, user=staff, today=DECEMBER_5) == NOVEMBER_70
