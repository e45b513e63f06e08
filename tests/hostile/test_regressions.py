"""One plain test per bug the hostile-input tests found (each answered 500 or refused a
form without saying why), so that a fix stays fixed whatever hypothesis draws."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.forms import LoginForm
from projects.models import PlanStep, ProgressEntry
from tests.factories import (
    FiscalYearFactory,
    ProjectFactory,
    QuarterLockFactory,
    UserFactory,
)
from tests.hostile import http, values
from tests.hostile.test_hostile_projects import valid_plan, valid_report
from tests.hostile.test_hostile_reports_imports import SEED_PLACES, seed_page_with
from tests.html import Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def test_plan_editor_weight_snan_is_refused_in_thai(client, project, staff):
    client.force_login(staff)
    before = http.snapshot(PlanStep)
    data = {**valid_plan(project), "steps-0-weight": "sNaN"}
    response = client.post(f"/projects/{project.code}/plan/edit/", data)
    assert response.status_code == 200
    assert "กรุณากรอกตัวเลข" in " ".join(http.thai_errors(response))
    assert http.snapshot(PlanStep) == before


def test_a_step_id_of_100000_digits_is_no_step(client, project, staff):
    client.force_login(staff)
    data = {**valid_report(project), "completed_steps": ["9" * 100_000]}
    response = client.post(f"/projects/{project.code}/report/", data)
    assert response.status_code == 200
    assert "ขั้นตอนที่เลือกไม่ใช่ของโครงการนี้" in " ".join(http.thai_errors(response))


def test_a_tampered_version_is_refused_with_a_thai_message(client, project, staff):
    client.force_login(staff)
    before = http.snapshot(ProgressEntry)
    response = client.post(
        f"/projects/{project.code}/report/", {**valid_report(project), "version": "-1"}
    )
    assert "กรุณาโหลดหน้านี้ใหม่" in " ".join(http.thai_errors(response))
    assert http.snapshot(ProgressEntry) == before


def test_a_percent_posted_for_a_plan_with_steps_is_ignored(client, project, staff):
    """The page shows no percent field when the plan has steps: it cannot refuse one."""
    client.force_login(staff)
    data = {**valid_report(project), "percent": "NaN"}
    response = client.post(f"/projects/{project.code}/report/", data)
    assert response.status_code == 302
    assert ProgressEntry.objects.get(project=project, period=dt.date(2026, 3, 1)).percent == (
        Decimal("55.00")
    )


def test_a_username_over_its_length_never_reaches_authenticate():
    form = LoginForm(data={"username": "x" * 300, "password": "demo"})
    assert not form.is_valid()
    assert form.errors["username"] == ["ข้อความยาว 300 ตัวอักษร เกินกำหนด 150 ตัวอักษร กรุณาตัดให้สั้นลง"]


def test_a_one_megabyte_username_gets_the_login_form_again(client, staff):
    response = client.post("/accounts/login/", {"username": "x" * 1_000_000, "password": "x"})
    assert response.status_code == 200
    assert "ข้อความยาว 1,000,000 ตัวอักษร เกินกำหนด 150 ตัวอักษร" in response.content.decode()


def test_a_nul_in_text_is_refused_in_thai(client, project, staff):
    client.force_login(staff)
    data = {**valid_report(project), "narrative": "ประชุม\x00แล้ว"}
    response = client.post(f"/projects/{project.code}/report/", data)
    assert "มีอักขระที่ใช้ไม่ได้ (อักขระ NUL)" in " ".join(http.thai_errors(response))


@pytest.mark.parametrize("url", ["/projects/?q=a%00b", "/projects/a%00b/", "/indicators/%00/"])
def test_a_nul_in_the_url_is_the_thai_400_page(client, staff, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 400
    assert "อักขระ NUL" in Page(response.content).text(".error-page")


def test_a_body_over_the_upload_limit_is_the_thai_400_page(client, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(staff)
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "x"})
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/projects/{code}/?period=9999-12",
        "/projects/{code}/report/?period=9999-12-01",
        "/projects/my-agency/?month=0001-01",
    ],
)
def test_months_out_of_the_calendars_reach_are_ignored(client, project, staff, url):
    client.force_login(staff)
    assert client.get(url.format(code=project.code)).status_code == 200


@pytest.mark.parametrize("target", ["abc", "%3Cscript%3E/x", "//evil.example/"])
def test_evaluation_next_goes_back_to_the_screen_unless_a_path_of_this_site(client, target):
    evaluated = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2564))
    client.force_login(UserFactory(evaluator=True))
    prefix = f"p{evaluated.pk}"
    response = client.post(
        f"/evaluation/2564/1/projects/{evaluated.code}/",
        {f"{prefix}-version": "0", f"{prefix}-comment": "ดี", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/evaluation/2564/1/"


def test_a_closed_quarter_without_its_time_still_shows_its_reopen_page(client):
    year = FiscalYearFactory(year_be=2564)
    QuarterLockFactory(fiscal_year=year, quarter=1, is_locked=True)  # locked_at unset
    client.force_login(UserFactory(evaluator=True))
    assert client.post("/evaluation/2564/1/reopen/", {"reason": ""}).status_code == 422


def test_thai_filters_show_nothing_for_what_is_not_a_date():
    from projects.templatetags.thai import be_date, thai_date, thai_date_long

    for value in ("", None, "x"):
        assert thai_date(value) == be_date(value) == thai_date_long(value) == ""
    with pytest.raises(ValidationError):
        LoginForm(data={"username": "a\x00", "password": "x"}).fields["username"].clean("a\x00")


@pytest.mark.parametrize("line", values.BACKTRACKING, ids=repr)
def test_pages_of_backtracking_lines_are_read_in_a_moment(line):
    """Issue 12, item 4: ":" + 5,000 spaces + "x" as a step's weight took 92 s."""
    from projects.imports import page_parser

    for place in SEED_PLACES:
        started = time.perf_counter()
        page_parser.parse(seed_page_with(line, place))
        assert time.perf_counter() - started < 1, place
