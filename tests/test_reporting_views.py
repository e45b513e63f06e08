"""The report form on the project page, its htmx and normal-POST paths, the live preview,
reopening, "my agency", CSRF and the query budgets of these pages."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.models import MonthReopening, ProgressEntry
from tests.factories import (
    EvidenceFileFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    project_with_steps,
)
from tests.html import page_of, text_of


def within(element, selector) -> list:
    import cssselect2

    wrapper = cssselect2.ElementWrapper.from_html_root(element)
    return [w.etree_element for w in wrapper.query_all(selector)]


pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 5)  # fiscal year 2569
MARCH = dt.date(2026, 3, 1)
FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


@pytest.fixture
def project():
    return project_with_steps((20, 30, 50))


@pytest.fixture
def steps(project):
    return list(project.steps.order_by("order"))


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def url(project, suffix=""):
    return f"/projects/{project.code}/{suffix}"


def form_data(steps=(), **extra):
    data = {
        "period": MARCH.isoformat(),
        "reported_on": "05/03/2569",
        "completed_steps": [str(s.pk) for s in steps],
        "narrative": "จัดประชุมคณะทำงานแล้ว",
        "problems": "ไม่มี",
        "obstacles": "ไม่มี",
        "entry": "",
        "version": "0",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "form", "reopen"),
    [
        ("own staff", True, False),
        ("admin", True, True),
        ("other staff", False, False),
        ("manager", False, False),
        ("evaluator", False, True),
    ],
)
def test_the_report_section_shows_only_to_those_allowed(client, project, who, form, reopen):
    user = {
        "own staff": lambda: UserFactory(agency=project.agency),
        "admin": lambda: UserFactory(admin=True),
        "other staff": lambda: UserFactory(),
        "manager": lambda: UserFactory(manager=True),
        "evaluator": lambda: UserFactory(evaluator=True),
    }[who]()
    client.force_login(user)
    page = page_of(client.get(url(project)))
    assert bool(page.all("#report-form")) is form
    assert bool(page.all("form.reopen__form")) is reopen
    assert bool(page.all(f'a[href="{url(project, "plan/edit/")}"]')) is form


def test_the_form_lists_the_steps_and_defaults_to_today_and_the_month_due(client, project, staff):
    client.force_login(staff)
    page = page_of(client.get(url(project)))
    assert page.one("#id_reported_on").get("value") == "05/03/2569"
    # The 5th of March: February's report is due until 10 March and still missing.
    assert page.one("#id_period option[selected]").get("value") == "2026-02-01"
    assert page.texts(".ticks__title") == [s.title for s in project.steps.order_by("order")]
    assert page.texts(".ticks__weight") == ["20%", "30%", "50%"]


def test_htmx_save_answers_with_the_form_and_updated_gauge_history_and_plan(
    client, project, steps, staff
):
    ProgressEntryFactory(
        project=project,
        period=FEBRUARY,
        reported_on=dt.date(2026, 2, 20),
        percent=Decimal(20),
        completed_steps=[steps[0].pk],
    )
    client.force_login(staff)
    response = client.post(
        url(project, "report/"),
        form_data(steps[:2], in_progress_step=str(steps[2].pk), partial_percent="10"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = page_of(response)
    # Beside the button: the status stays on the page (hx-preserve), the message reaches it
    # out of band (issue 14, item 2).
    assert page.one("#report-form #report-status[role=status]").get("hx-preserve") is not None
    assert page.texts('template #report-status[hx-swap-oob="innerHTML"]') == [
        "บันทึกรายงานเดือนมีนาคม 2569 แล้ว: ความคืบหน้าร้อยละ 55.00"
    ]
    gauge = page.one('#gauge[hx-swap-oob="true"]')
    figure = json.loads(page.one("#gauge-figure").text)
    assert figure["data"][0]["value"] == 55.0
    assert "55" in page.text("#gauge figcaption")
    assert page.one('#history-section[hx-swap-oob="true"]') is not None
    assert page.texts("#history-section .entry__pct") == ["55.00", "20.00"]
    assert page.one('#plan[hx-swap-oob="true"]') is not None
    assert len(page.all("#plan .steps__done")) == 2
    assert page.one('#latest-report[hx-swap-oob="true"]').text.strip() == "5 มีนาคม 2569"
    assert page.one('#change-history[hx-swap-oob="true"]') is not None
    # The S-curve's actual line ends at the saved month's percent (it stayed at February's
    # 20 % until the page was reloaded).
    assert page.one('#scurve[hx-swap-oob="true"]') is not None
    actual = json.loads(page.one("#scurve-figure").text)["data"][-1]
    assert actual["y"][-1] == 55.0
    # The form now edits the saved entry.
    entry = ProgressEntry.objects.get(period=MARCH)
    assert page.one('#report-form-wrap input[name="entry"]').get("value") == str(entry.pk)
    assert page.one('#report-form-wrap input[name="version"]').get("value") == "1"
    assert gauge is not None


def test_normal_post_saves_and_redirects_to_the_history(client, project, steps, staff):
    client.force_login(staff)
    response = client.post(url(project, "report/"), form_data(steps[:1]))
    assert response.status_code == 302
    assert response["Location"] == url(project) + "#history-section"
    entry = ProgressEntry.objects.get()
    assert (entry.period, entry.reported_on, entry.percent) == (MARCH, TODAY, Decimal("20.00"))
    page = page_of(client.get(response["Location"]))
    assert "ความคืบหน้าร้อยละ 20.00" in page.text(".messages")


def test_errors_are_thai_next_to_the_field_and_what_was_typed_stays(client, project, steps, staff):
    client.force_login(staff)
    response = client.post(
        url(project, "report/"),
        form_data(
            steps[:1],
            reported_on="31/02/2569",
            narrative="",
            problems="น้ำท่วมพื้นที่จัดงาน",
            partial_percent="120",
            in_progress_step=str(steps[1].pk),
        ),
    )
    assert response.status_code == 200
    page = page_of(response)
    assert page.text(".field--invalid:has(#id_reported_on) .field__error") == (
        "ไม่มีวันที่ 31/02/2569 ในปฏิทิน"
    )
    assert page.text(".field--invalid:has(#id_narrative) .field__error") == "กรุณากรอกผลการดำเนินงาน"
    assert page.text(".field--invalid:has(#id_partial_percent) .field__error") == "ต้องไม่เกิน 100"
    assert page.one("#id_reported_on").get("value") == "31/02/2569"
    assert page.one("#id_problems").text == "น้ำท่วมพื้นที่จัดงาน"
    assert page.one("#id_partial_percent").get("value") == "120"
    assert (
        page.one(f'input[name="completed_steps"][value="{steps[0].pk}"]').get("checked") is not None
    )
    assert not ProgressEntry.objects.exists()


def test_rules_of_the_service_come_back_next_to_their_field(client, project, steps, staff):
    ProgressEntryFactory(
        project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 20), percent=Decimal(50)
    )
    client.force_login(staff)
    response = client.post(url(project, "report/"), form_data(steps[:1], reported_on="06/03/2569"))
    page = page_of(response)
    assert "ต้องไม่เกินวันนี้" in page.text(".field--invalid:has(#id_reported_on)")
    assert "น้อยกว่ารายงานครั้งก่อน" in page.text(".field--invalid:has(#id_lower_reason)")
    response = client.post(
        url(project, "report/"),
        form_data(steps[:1], period="2026-01-01", reported_on="05/03/2569"),
        HTTP_HX_REQUEST="true",
    )
    page = page_of(response)
    assert "เลยกำหนดส่งรายงานของเดือนมกราคม 2569" in page.text(".field--invalid:has(#id_period)")
    assert ProgressEntry.objects.count() == 1


def test_conflict_shows_the_stored_values_and_keeps_mine(client, project, steps, staff):
    client.force_login(staff)
    page = page_of(client.get(url(project, "report/") + "?period=2026-03-01"))
    assert page.one('input[name="version"]').get("value") == "0"
    # Meanwhile a colleague saves March.
    theirs = ProgressEntryFactory(
        project=project,
        period=MARCH,
        reported_on=TODAY,
        percent=Decimal(50),
        narrative="รายงานของเพื่อนร่วมงาน",
        updated_by=UserFactory(agency=project.agency, first_name="สมศรี"),
    )
    response = client.post(
        url(project, "report/"),
        form_data(steps[:1], narrative="รายงานของฉัน"),
        HTTP_HX_REQUEST="true",
    )
    page = page_of(response)
    conflict = page.text(".conflict")
    assert "มีผู้อื่นบันทึกรายงานของเดือนนี้ก่อนคุณ" in conflict
    assert "สมศรี" in conflict and "รายงานของเพื่อนร่วมงาน" in conflict and "50.00" in conflict
    assert page.one("#id_narrative").text == "รายงานของฉัน"
    assert page.one('input[name="entry"]').get("value") == str(theirs.pk)
    # Said beside the button too, where the person is looking (issue 14, item 2).
    assert page.texts('template #report-status[hx-swap-oob="innerHTML"]') == [
        "ยังไม่ได้บันทึก: มีผู้อื่นบันทึกรายงานของเดือนนี้ก่อนคุณ ดูรายละเอียดด้านบน"
    ]
    theirs.refresh_from_db()
    assert theirs.narrative == "รายงานของเพื่อนร่วมงาน"
    # Saving again, having seen theirs, replaces it.
    data = form_data(
        steps[:1],
        narrative="รายงานของฉัน",
        entry=str(theirs.pk),
        version=str(theirs.version),
        lower_reason="ตรวจสอบแล้ว ขั้นตอน 2 ยังไม่เสร็จ",
    )
    assert client.post(url(project, "report/"), data).status_code == 302
    theirs.refresh_from_db()
    assert theirs.narrative == "รายงานของฉัน"


def test_the_preview_says_how_the_percent_was_computed(client, project, steps, staff):
    ProgressEntryFactory(
        project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 20), percent=Decimal(60)
    )
    client.force_login(staff)
    response = client.get(
        url(project, "report/preview/"),
        form_data(steps[:1], in_progress_step=str(steps[1].pk), partial_percent="50"),
        HTTP_HX_REQUEST="true",
    )
    page = page_of(response)
    assert page.text(".preview__pct") == "35.00"
    assert page.texts(".preview__part") == ["ขั้นตอน 1 (20)", "ขั้นตอน 2: 50% ของ 30 = 15"]
    assert "รายงานครั้งก่อน (20/02/2569): ร้อยละ 60.00" in page.text(".preview__prev")
    # The save's own message (services.progress_entry_check), not a restatement of it.
    assert (
        "ความคืบหน้าร้อยละ 35.00 น้อยกว่ารายงานครั้งก่อน (ร้อยละ 60.00 เมื่อ 20/02/2569) กรุณาระบุเหตุผล"
        in page.text(".preview__error")
    )
    assert "กำหนดส่งรายงานเดือนมีนาคม 2569: 10/04/2569" in page.text()


def test_the_preview_warns_of_a_locked_month_and_of_an_existing_entry(client, project, staff):
    existing = ProgressEntryFactory(
        project=project, period=dt.date(2026, 1, 1), reported_on=dt.date(2026, 1, 28)
    )
    client.force_login(staff)
    page = page_of(
        client.get(
            url(project, "report/preview/"), {"period": "2026-01-01", "reported_on": "28/01/2569"}
        )
    )
    assert "เลยกำหนดส่งรายงานของเดือนมกราคม 2569 (10/02/2569) แล้ว เดือนนี้ปิดรับรายงาน" in page.text(
        ".preview__error"
    )
    assert "มีรายงานอยู่แล้ว" in page.text()
    assert page.one(".alert a").get("href") == url(project, "report/") + "?period=2026-01-01"
    assert existing.pk


def test_a_month_with_a_report_opens_that_report_for_editing(client, project, steps, staff):
    entry = ProgressEntryFactory(
        project=project,
        period=MARCH,
        reported_on=TODAY,
        completed_steps=[steps[0].pk, steps[1].pk],
        narrative="เดิม",
    )
    client.force_login(staff)
    page = page_of(client.get(url(project, "report/") + "?period=2026-03"))
    assert page.one('input[name="entry"]').get("value") == str(entry.pk)
    assert page.one("#id_narrative").text == "เดิม"
    checked = {e.get("value") for e in page.all('input[name="completed_steps"][checked]')}
    assert checked == {str(steps[0].pk), str(steps[1].pk)}
    assert "มีรายงานแล้ว: แบบฟอร์มนี้แก้ไขรายงานนั้น" in page.text(".report__editing")


def test_copy_last_month_prefills_a_new_report(client, project, steps, staff):
    ProgressEntryFactory(
        project=project,
        period=FEBRUARY,
        reported_on=dt.date(2026, 2, 20),
        completed_steps=[steps[0].pk],
        narrative="ทำต่อเนื่อง",
        problems="งบล่าช้า",
        percent=Decimal(20),
    )
    client.force_login(staff)
    page = page_of(client.get(url(project, "report/") + "?period=2026-03-01&copy=last"))
    assert page.one('input[name="entry"]').get("value") in (None, "")
    assert page.one("#id_narrative").text == "ทำต่อเนื่อง"
    assert page.one("#id_problems").text == "งบล่าช้า"
    assert page.one("#id_reported_on").get("value") == "05/03/2569"
    assert page.one("#id_period option[selected]").get("value") == "2026-03-01"
    assert "คัดลอกข้อมูลจากรายงานวันที่ 20/02/2569" in page.text()


def test_an_evaluator_reopens_a_month_from_the_project_page(client, project, staff):
    evaluator = UserFactory(evaluator=True)
    client.force_login(evaluator)
    page = page_of(client.get(url(project)))
    months = [o.get("value") for o in page.all("form.reopen__form select option")]
    assert months[0] == "2026-01-01" and "2026-03-01" not in months
    response = client.post(
        url(project, "reopen/"),
        {"period": "2026-01-01", "until": "12/03/2569", "reason": "ขอแก้ไขตัวเลข"},
    )
    assert response.status_code == 302
    reopening = MonthReopening.objects.get()
    assert (reopening.period, reopening.until, reopening.reopened_by) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 12),
        evaluator,
    )
    client.force_login(staff)
    page = page_of(client.get(url(project)))
    assert "เปิดรับรายงานเดือนมกราคม 2569 ถึง 12 มี.ค. 2569" in page.text(".reopenings")
    response = client.post(url(project, "report/"), form_data(period="2026-01-01"))
    assert response.status_code == 302
    assert ProgressEntry.objects.get().is_late


def test_reopen_refuses_staff_and_explains_bad_input(client, project, staff):
    client.force_login(staff)
    assert client.post(url(project, "reopen/"), {"period": "2026-01-01"}).status_code == 403
    client.force_login(UserFactory(evaluator=True))
    response = client.post(
        url(project, "reopen/"), {"period": "2026-01-01", "until": "", "reason": ""}
    )
    page = page_of(response)
    assert "กรุณากรอกวันที่" in page.text(".field--invalid:has(#id_until)")
    assert "กรุณาระบุเหตุผล" in page.text(".field--invalid:has(#id_reason)")
    assert not MonthReopening.objects.exists()


def test_my_agency_shows_each_projects_status_with_one_click_to_report(client, staff, project):
    on_time = project
    late = ProjectFactory(fiscal_year=project.fiscal_year, agency=project.agency, name="ส่งช้า")
    missing = ProjectFactory(fiscal_year=project.fiscal_year, agency=project.agency, name="ขาดส่ง")
    ProjectFactory(fiscal_year=project.fiscal_year, name="หน่วยงานอื่น")
    ProgressEntryFactory(project=on_time, period=FEBRUARY, reported_on=dt.date(2026, 3, 2))
    ProgressEntryFactory(
        project=late, period=FEBRUARY, reported_on=dt.date(2026, 3, 2), is_late=True
    )
    ProgressEntryFactory(project=on_time, period=MARCH, reported_on=TODAY)
    client.force_login(staff)
    response = client.get("/projects/my-agency/?month=2026-03")
    page = page_of(response)
    rows = {
        text_of(within(row, "th a")[0]): row for row in page.all("table.agency-status tbody tr")
    }
    assert set(rows) == {on_time.name, late.name, missing.name}

    def statuses(name):
        return [c.get("class").split()[1] for c in within(rows[name], "td.status")]

    # On 5 March (projects/months.py): February has ended and is due until 10 March (รอส่ง),
    # March is still under way (open).
    assert statuses(on_time.name) == ["status--reported", "status--reported"]
    assert statuses(late.name) == ["status--reported-late", "status--open"]
    assert statuses(missing.name) == ["status--due", "status--open"]
    assert "รอส่ง" in text_of(within(rows[missing.name], "td.status")[0])
    links = [a.get("href") for a in within(rows[missing.name], "a")]
    assert url(missing, "report/") + "?period=2026-02-01" in links
    assert url(missing, "report/") + "?period=2026-03-01" in links


def test_my_agency_marks_overdue_months_and_hides_their_report_link(
    client, staff, project, monkeypatch
):
    monkeypatch.setattr("projects.view_helpers.today", lambda: dt.date(2026, 3, 12))
    client.force_login(staff)
    page = page_of(client.get("/projects/my-agency/?month=2026-03"))
    cells = page.all("table.agency-status tbody tr td.status")
    assert "status--late" in cells[0].get("class")
    assert "ขาดส่ง (เลยกำหนด)" in page.text("td.status--late")
    assert not page.all("td.status--late a")
    assert page.all("td.status--open a")


def test_my_agency_link_sits_in_the_top_navigation_for_staff(client, staff):
    client.force_login(staff)
    page = page_of(client.get("/projects/?year="))
    assert page.all('.mainnav a[href="/projects/my-agency/"]')


def test_forbidden_pages_are_in_thai(client, project):
    client.force_login(UserFactory())
    response = client.get(url(project, "report/"))
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์เข้าถึงหน้านี้" in page_of(response).text("h1")
    response = client.get("/projects/99999999-0000/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in page_of(response).text("h1")


# --- CSRF --------------------------------------------------------------------------------


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token_of(client, path) -> str:
    return client.get(path).cookies["csrftoken"].value


def test_posts_without_a_csrf_token_are_refused_and_with_one_succeed(project, steps, staff):
    client = csrf_client(staff)
    assert client.post(url(project, "report/"), form_data(steps[:1])).status_code == 403
    assert not ProgressEntry.objects.exists()
    token = token_of(client, url(project))
    response = client.post(url(project, "report/"), form_data(steps[:1], csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert ProgressEntry.objects.count() == 1


def test_htmx_posts_carry_the_token_in_a_header(project, steps, staff):
    client = csrf_client(staff)
    token = token_of(client, url(project))
    page = page_of(client.get(url(project)))
    assert '"X-CSRFToken"' in page.one("body").get("hx-headers")
    response = client.post(
        url(project, "report/"),
        form_data(steps[:1]),
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert ProgressEntry.objects.count() == 1


def test_other_posts_need_the_token_too(project, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluator_client = csrf_client(UserFactory(evaluator=True))
    data = {"period": "2026-01-01", "until": "12/03/2569", "reason": "x"}
    assert evaluator_client.post(url(project, "reopen/"), data).status_code == 403
    token = token_of(evaluator_client, url(project))
    data["csrfmiddlewaretoken"] = token
    assert evaluator_client.post(url(project, "reopen/"), data).status_code == 302

    client = csrf_client(staff)
    plan = {
        "plan_version": str(project.plan_version),
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
    }
    assert client.post(url(project, "plan/edit/"), plan).status_code == 403
    plan["csrfmiddlewaretoken"] = token_of(client, url(project, "plan/edit/"))
    assert client.post(url(project, "plan/edit/"), plan).status_code == 302

    file = EvidenceFileFactory(
        entry=ProgressEntryFactory(project=project, period=MARCH, reported_on=TODAY)
    )
    delete = url(project, f"evidence/{file.pk}/delete/")
    assert client.post(delete).status_code == 403
    assert (
        client.post(delete, {"csrfmiddlewaretoken": token_of(client, url(project))}).status_code
        == 302
    )


# --- Query budgets -----------------------------------------------------------------------


def grow(project, steps_count, months):
    """Give the project more steps and entries (with evidence) without changing its shape."""
    start = project.steps.count()
    for i in range(steps_count):
        PlanStepFactory(project=project, order=start + i + 1, weight=Decimal(1))
    for month in months:
        entry = ProgressEntryFactory(project=project, period=month, reported_on=month)
        EvidenceFileFactory(entry=entry)


def count_queries(client, path, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return len(captured)


PAGES = {
    "project page": lambda p: (url(p), {}),
    "report page": lambda p: (url(p, "report/"), {}),
    "preview": lambda p: (
        url(p, "report/preview/") + "?period=2026-03-01&reported_on=05/03/2569",
        {"HTTP_HX_REQUEST": "true"},
    ),
    "plan editor": lambda p: (url(p, "plan/edit/"), {}),
    "change history": lambda p: (url(p, "changes/"), {}),
    "change history (compact)": lambda p: (
        url(p, "changes/") + "?compact=1",
        {"HTTP_HX_REQUEST": "true"},
    ),
    "my agency": lambda p: ("/projects/my-agency/", {}),
}
# Measured, besides the session (session_queries: none from the shared cache, one from the
# database). The project page for the agency's own staff: user, the user's agency
# (top bar), the page stamp (projects/pagecache.py), project, objectives, strategy links, steps,
# the baseline (issue 18; its steps make one more where there is one), KPIs, quarter evaluations,
# progress points, history count, history page, evidence of the page, then the report
# form: latest entry, deadline overrides, reopenings in force, the month's entry and its
# evidence, the previous entry, recent reopenings. My agency: 9, and 5 for the reporting
# rates (the fiscal year, its moved deadlines, projects, entries, sent submissions). The
# plan editor: 5, and 2 for its baseline and its version waiting (issue 18).
BUDGETS = {
    "project page": 21,
    "report page": 11,
    "preview": 8,
    "plan editor": 7,
    "change history": 12,
    "change history (compact)": 10,
    "my agency": 14,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_query_counts_do_not_grow_with_the_data(
    client, project, staff, settings, tmp_path, name, django_assert_max_num_queries, session_queries
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    path, extra = PAGES[name](project)
    grow(project, 2, [dt.date(2025, 10, 1)])
    small = count_queries(client, path, **extra)
    grow(
        project,
        20,
        [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
    )
    for _ in range(15):
        ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year)
    large = count_queries(client, path, **extra)
    if name.startswith("change history"):
        # Two queries per kind of record on the page (project, step, entry, evidence):
        # bounded by four kinds, but fewer when a page holds fewer kinds.
        budget = BUDGETS[name] + session_queries
        assert small <= budget and large <= budget, (small, large)
    else:
        assert large == small, f"{name}: {small} queries with little data, {large} with more"
    with django_assert_max_num_queries(BUDGETS[name] + session_queries):
        client.get(path, **extra)


@pytest.mark.parametrize("year_be", [2568, 2570])
def test_projects_of_other_fiscal_years_show_their_section_without_error(client, year_be):
    """A past year's months are all locked: the year is closed, and says so instead of
    showing the form (tests/test_closed_years.py); a coming year's have not begun."""
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=year_be))
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    client.force_login(UserFactory(agency=project.agency))
    page = page_of(client.get(url(project)))
    if year_be == 2568:
        assert not page.all("#report-form")
        assert "ปีงบประมาณ 2568 ปิดแล้ว" in page.text("#report .report__closed-year")
    else:
        assert page.all("#report-form")
        assert not page.all("#id_period option")


def test_the_preview_copes_with_an_empty_form(client, project, staff):
    client.force_login(staff)
    response = client.get(url(project, "report/preview/"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert page_of(response).text(".preview__pct") == "0.00"


@pytest.mark.parametrize(
    "changes",
    [
        {"period": "2026-01-01", "reported_on": "28/01/2569"},  # locked month
        {"reported_on": "06/03/2569"},  # after today
        {"period": "2026-03-01", "reported_on": "27/02/2569"},  # before the month
        {"ticks": 1},  # lower than February, no reason
        {},  # nothing wrong
    ],
)
def test_the_preview_says_what_the_save_says(client, project, steps, staff, changes):
    """The preview asks the save's own check: its messages are the save's errors."""
    ProgressEntryFactory(
        project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 20), percent=Decimal(60)
    )
    client.force_login(staff)
    changes = dict(changes)
    data = {**form_data(steps[: changes.pop("ticks", 3)]), **changes}
    preview = page_of(
        client.get(url(project, "report/preview/"), data, HTTP_HX_REQUEST="true")
    ).texts(".preview__error")
    saved = page_of(client.post(url(project, "report/"), data, HTTP_HX_REQUEST="true"))
    refused = saved.texts(".alert--error p") + saved.texts(".field__error")
    assert bool(preview) == bool(data != form_data(steps)), preview
    for message in preview:
        assert message in refused, (message, refused)
    if not preview:
        assert ProgressEntry.objects.filter(project=project, period=MARCH).exists()
