"""A project of a closed fiscal year (issue 14, item 4): no report form, one line that says
the year is closed and who can reopen a month, and no warning that contradicts it.

A fiscal year is closed when today is past the deadline of each of its months (September's
in October) and no month is reopened for the project (projects/months.py: year_closed).
"""

import datetime as dt
from decimal import Decimal

import pytest

from projects import months
from projects.models import ProgressEntry
from tests.conftest import SEED_CODE
from tests.factories import (
    FiscalYearFactory,
    MonthReopeningFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db

SEED_URL = f"/projects/{SEED_CODE}/"
CLOSED_LINE = "ปีงบประมาณ 2564 ปิดแล้ว ไม่รับรายงานเพิ่ม"
WHO_REOPENS = "ให้ติดต่อ สยป. (ผู้ประเมิน) เพื่อเปิดรับรายงานย้อนหลัง"
# Warnings that would contradict "the year is closed" or alarm staff for nothing.
CONTRADICTIONS = ("ขาดส่ง", "เลยกำหนด", "ปิดรับรายงานแล้ว", "กำหนดส่งรายงานเดือน", "รอส่ง")


@pytest.fixture
def seed_staff(seed_project):
    """As the demo's ``staff``: staff of the seed project's agency."""
    return UserFactory(username="staff", agency=seed_project.agency)


def test_the_seed_project_shows_its_own_staff_the_closed_year_instead_of_the_form(
    client, seed_staff
):
    client.force_login(seed_staff)
    response = client.get(SEED_URL)
    page = page_of(response)
    assert not page.all("#report-form")
    assert not page.all(f'form[action="{SEED_URL}report/"]')
    assert b'name="reported_on"' not in response.content
    line = page.text("#report .report__closed-year")
    assert CLOSED_LINE in line and WHO_REOPENS in line
    section = page.text("#report")
    for warning in CONTRADICTIONS:
        assert warning not in section, warning
    # Nothing else of the page raises the alarm either.
    assert "ขาดส่ง" not in page.text("main")
    # Staff still edit the plan of their project (only reports are closed).
    assert page.all(f'a[href="{SEED_URL}plan/edit/"]')


def test_the_report_page_says_the_same_and_a_post_saves_nothing(client, seed_staff):
    client.force_login(seed_staff)
    page = page_of(client.get(f"{SEED_URL}report/"))
    assert not page.all("#report-form")
    assert CLOSED_LINE in page.text(".report__closed-year")
    count = ProgressEntry.objects.count()
    response = client.post(
        f"{SEED_URL}report/",
        {
            "period": "2021-09-01",
            "reported_on": "22/09/2564",
            "narrative": "แก้ไข",
            "entry": "",
            "version": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert ProgressEntry.objects.count() == count
    assert CLOSED_LINE in page_of(response).text(".report__closed-year")


def test_evaluators_see_the_closed_year_and_reopen_a_month_as_today(client, seed_project):
    client.force_login(UserFactory(evaluator=True))
    page = page_of(client.get(SEED_URL))
    assert CLOSED_LINE in page.text("#report .report__closed-year")
    assert WHO_REOPENS not in page.text("#report")  # they are สยป.
    assert page.all("form.reopen__form")
    assert not page.all("#report-form")


def test_administrators_keep_the_form_of_a_closed_year(client, seed_project):
    client.force_login(UserFactory(admin=True))
    page = page_of(client.get(SEED_URL))
    assert page.all("#report-form")
    assert page.all("form.reopen__form")
    assert not page.all(".report__closed-year")
    assert "ปิดรับรายงานแล้ว" not in page.text("#report")


def test_readers_kept_page_shows_no_report_section(client, seed_staff):
    """Editors' pages are rendered each time; what they see stays out of readers' kept pages."""
    client.force_login(seed_staff)
    client.get(SEED_URL)
    for reader in (UserFactory(manager=True), UserFactory(), UserFactory(manager=True)):
        client.force_login(reader)
        page = page_of(client.get(SEED_URL))
        assert not page.all("#report")
        assert CLOSED_LINE not in page.text()


# Fiscal year 2568: 1 Oct 2024 – 30 Sep 2025; on 5 March 2026 every deadline has passed.
TODAY = dt.date(2026, 3, 5)
AUGUST_68 = dt.date(2025, 8, 1)


@pytest.fixture
def past_project(monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2568))
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    return project


def test_a_reopened_month_opens_the_year_again_on_that_month(client, past_project):
    MonthReopeningFactory(
        project=past_project,
        period=AUGUST_68,
        until=dt.date(2026, 3, 12),
        reopened_by=UserFactory(evaluator=True),
    )
    client.force_login(UserFactory(agency=past_project.agency))
    page = page_of(client.get(f"/projects/{past_project.code}/"))
    assert not page.all(".report__closed-year")
    assert page.one("#id_period option[selected]").get("value") == "2025-08-01"
    assert "ปิดรับรายงานแล้ว" not in page.text("#report")


def test_year_closed_follows_the_deadlines_and_reopenings(past_project):
    periods = [dt.date(2024, 10, 1), AUGUST_68, dt.date(2025, 9, 1)]

    def closed(today):
        return months.year_closed(months.month_states(past_project, periods, today=today).values())

    assert not closed(dt.date(2025, 10, 10))  # September's report is due until 10 October
    assert closed(dt.date(2025, 10, 11))
    MonthReopeningFactory(
        project=past_project,
        period=AUGUST_68,
        until=dt.date(2025, 10, 20),
        reopened_by=UserFactory(evaluator=True),
    )
    assert not closed(dt.date(2025, 10, 20))
    assert closed(dt.date(2025, 10, 21))
