"""Where each role lands after the login form, in Debian's Chromium: staff on หน่วยงานของฉัน,
สยป. on the current quarter's evaluation, executives and administrators on the dashboard;
a page asked for before logging in still wins."""

import pytest
from django.utils import timezone

from projects import thaidates
from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory, current_fiscal_year_be

pytestmark = pytest.mark.e2e


def current_quarter_path() -> str:
    today = timezone.localdate()
    return f"/evaluation/{thaidates.fiscal_year_of(today)}/{thaidates.quarter_of(today)}/"


@pytest.fixture
def people(db):
    FiscalYearFactory(year_be=current_fiscal_year_be())
    return {
        "staff": UserFactory(username="land-staff", agency=AgencyFactory(code="01000000")),
        "evaluator": UserFactory(username="land-evaluator", evaluator=True),
        "manager": UserFactory(username="land-manager", manager=True),
        "admin": UserFactory(username="land-admin", admin=True),
    }


@pytest.mark.parametrize(
    ("role", "path", "heading"),
    [
        ("staff", "/projects/my-agency/", "สำนักงานทดสอบ"),
        ("evaluator", None, "ประเมินผลโครงการ"),
        ("manager", "/dashboard/", None),
        ("admin", "/dashboard/", None),
    ],
)
def test_each_role_lands_where_its_work_is(people, live_server, login, page, role, path, heading):
    page = login(people[role])
    expected = path or current_quarter_path()
    assert page.url == f"{live_server.url}{expected}"
    if heading:
        assert heading in page.locator("h1").inner_text()


def test_a_page_asked_for_first_wins(people, live_server, page):
    page.goto(f"{live_server.url}/indicators/?year=")
    assert "/accounts/login/?next=" in page.url
    page.fill("#id_username", "land-staff")
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{live_server.url}/indicators/?year="
