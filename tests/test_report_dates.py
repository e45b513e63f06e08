"""A report is about a month; its date may fall in the next month (issue 14, item 1).

- September's report written on 5 October, before its deadline (10 October), is accepted:
  a report's date runs from its month's first day to the month's deadline (or the end of
  a reopening), not to the fiscal year's end (services.progress_entry_check).
- Editing a report keeps its date: the form starts from the entry's own date.
- The form opens on the earliest month this person may still report that has no report.
- The history heads each report with the month it covers, and each item writes its dates
  in one style only.
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
    project_with_steps,
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
    return project_with_steps((40, 60))


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
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


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
    monkeypatch.setattr("projects.view_helpers.today", lambda: today)
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


# --- The history names the month each report covers, in one date style -------------------


def test_the_history_heads_each_report_with_its_month_and_one_date_style(
    client, project_2570, monkeypatch
):
    """The issue's case: October, November and December's reports, all corrected on
    6 December, used to read "6 ธ.ค. 2569" three times and nothing else."""
    for period, day in (
        (OCTOBER_70, dt.date(2026, 11, 5)),
        (NOVEMBER_70, dt.date(2026, 12, 4)),
        (DECEMBER_70, dt.date(2026, 12, 6)),
    ):
        ProgressEntryFactory(project=project_2570, period=period, reported_on=day)
    monkeypatch.setattr("projects.view_helpers.today", lambda: dt.date(2026, 12, 6))
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get(f"/projects/{project_2570.code}/"))
    heads = page.texts("li.entry .entry__month")
    assert heads == ["รายงานเดือนธันวาคม 2569", "รายงานเดือนพฤศจิกายน 2569", "รายงานเดือนตุลาคม 2569"]
    assert page.texts("li.entry .entry__date") == [
        "ส่งเมื่อ 6 ธ.ค. 2569",
        "ส่งเมื่อ 4 ธ.ค. 2569",
        "ส่งเมื่อ 5 พ.ย. 2569",
    ]
    for item in page.all("li.entry"):
        assert date_styles(text_of(item)) == {"prose"}, text_of(item)


def test_the_seed_history_keeps_what_people_wrote_and_reads_in_one_style(
    seed_project, logged_in_client
):
    page = page_of(logged_in_client.get(f"/projects/{seed_project.code}/"))
    first = page.all("li.entry")[0]
    assert text_of(first.find(".//*[@class='entry__month']")) == "รายงานเดือนกันยายน 2564"
    assert text_of(first.find(".//*[@class='entry__date']")) == "ส่งเมื่อ 22 ก.ย. 2564"
    assert text_of(first.find(".//{*}time")) == "22 ก.ย. 2564"
    assert first.find(".//{*}time").get("datetime") == "2021-09-22"
    narrative = text_of(first.find(".//*[@class='entry__text']"))
    assert narrative.startswith("- สำนักงานเลขานุการสภากรุงเทพมหานครได้กำหนดการจัดกิจกรรม")
    for item in page.all("li.entry"):
        assert date_styles(text_of(item)) <= {"prose"}, text_of(item)


def test_the_change_history_heads_reports_with_their_month_in_one_date_style(
    client, project, steps, staff
):
    day = dt.date(2026, 10, 5)
    entry = report(project, staff, steps=steps[:1], period=SEPTEMBER, reported_on=day, today=day)
    report(
        project,
        staff,
        steps=steps,
        period=SEPTEMBER,
        reported_on=day,
        today=dt.date(2026, 10, 6),
        entry=entry.pk,
        version=entry.version,
    )
    records = reporting.change_history(project, 1).object_list
    assert [r.subject for r in records if r.kind == "entry"] == ["รายงานเดือนกันยายน 2569"] * 2
    client.force_login(staff)
    page = page_of(client.get(f"/projects/{project.code}/changes/"))
    items = [i for i in page.all("li.change") if "รายงานเดือนกันยายน 2569" in text_of(i)]
    assert len(items) == 2
    for item in page.all("li.change"):
        assert len(date_styles(text_of(item))) <= 1, text_of(item)
    created = items[-1]
    assert "05/10/2569" in text_of(created)  # วันที่รายงาน, as typed in the form


def test_the_reopenings_list_writes_its_dates_in_one_style(client, project, staff):
    MonthReopeningFactory(
        project=project,
        period=SEPTEMBER,
        until=dt.date(2026, 10, 20),
        reopened_by=UserFactory(evaluator=True),
    )
    client.force_login(UserFactory(evaluator=True))
    for path in (f"/projects/{project.code}/", f"/projects/{project.code}/reopen/"):
        items = page_of(client.get(path)).all(".reopenings li")
        assert items, path
        for item in items:
            assert date_styles(text_of(item)) == {"prose"}, text_of(item)
