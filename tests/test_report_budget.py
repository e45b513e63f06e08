"""The budget figures of a monthly report (issue 16): cumulative committed and disbursed,
their rules in the one check (services.progress_entry_check: the direct save, the
submission, the preview), each Thai message, hostile amounts through the form, nothing
saved on refusal, and the figures carried by approval."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import approvals, report_budget, services
from projects.models import BudgetTransfer, ProgressEntry, ReportSubmission, User
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of, text_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 5)  # fiscal year 2569
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


def budget_project(*, approval=False, allocated=Decimal("1000000.00")):
    agency = AgencyFactory(reports_need_approval=approval)
    project = ProjectFactory(
        agency=agency, fiscal_year=FiscalYearFactory(year_be=2569), budget_allocated=allocated
    )
    return project


@pytest.fixture
def project():
    project = budget_project()
    # After transfers: 1,000,000 − 200,000 = 800,000.
    BudgetTransfer.objects.create(
        project=project, transferred_on=JANUARY, amount=Decimal("-200000"), reason="โอนออก"
    )
    return project


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def data(**extra):
    values = {
        "reported_on": TODAY,
        "period": FEBRUARY,
        "manual_percent": Decimal("30"),
        "narrative": "ดำเนินการตามแผน",
    }
    values.update(extra)
    return services.ReportInput(**values)


def check(project, staff, **extra):
    return services.progress_entry_check(
        project=project, user=staff, steps=[], data=data(**extra), today=TODAY
    )


def submit(project, staff, **extra):
    return services.progress_entry_submit(
        project=project,
        user=staff,
        data=data(**extra),
        loaded_entry_id=None,
        loaded_version=0,
        today=TODAY,
    )


# --- The rules ---------------------------------------------------------------------------


def test_figures_within_the_budget_after_transfers_are_saved(project, staff):
    entry = submit(project, staff, committed=Decimal("300000"), disbursed=Decimal("500000"))

    entry.refresh_from_db()
    assert entry.committed == Decimal("300000.00")
    assert entry.disbursed == Decimal("500000.00")
    assert entry.budget_lower_reason == ""


def test_disbursed_over_the_budget_after_transfers_is_refused_in_thai(project, staff):
    result = check(project, staff, disbursed=Decimal("800000.01"))

    assert result.errors["disbursed"] == [
        "เบิกจ่ายสะสม 800,000.01 บาท เกินงบประมาณหลังโอนเปลี่ยนแปลง (800,000.00 บาท)"
    ]
    assert "committed" not in result.errors


def test_committed_plus_disbursed_over_the_budget_is_refused_in_thai(project, staff):
    result = check(project, staff, committed=Decimal("300000"), disbursed=Decimal("500000.01"))

    assert result.errors["committed"] == [
        "ก่อหนี้ผูกพันสะสมรวมกับเบิกจ่ายสะสม (800,000.01 บาท) เกินงบประมาณหลังโอนเปลี่ยนแปลง (800,000.00 บาท)"
    ]
    # Committed alone is held to the budget too (disbursed not reported).
    assert "committed" in check(project, staff, committed=Decimal("800000.01")).errors
    assert check(project, staff, committed=Decimal("800000")).errors == {}


def test_a_figure_lower_than_last_reported_needs_a_reason(project, staff):
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2026, 1, 20),
        percent=Decimal("10"),
        committed=Decimal("400000"),
        disbursed=Decimal("100000"),
    )

    result = check(project, staff, committed=Decimal("300000"), disbursed=Decimal("50000"))

    assert result.errors["budget_lower_reason"] == [
        "ก่อหนี้ผูกพันสะสม 300,000.00 บาท น้อยกว่ารายงานครั้งก่อน (400,000.00 บาท เดือนมกราคม 2569) "
        "กรุณาระบุเหตุผล",
        "เบิกจ่ายสะสม 50,000.00 บาท น้อยกว่ารายงานครั้งก่อน (100,000.00 บาท เดือนมกราคม 2569) กรุณาระบุเหตุผล",
    ]
    entry = submit(
        project,
        staff,
        committed=Decimal("300000"),
        disbursed=Decimal("150000"),
        budget_lower_reason="  ยกเลิกสัญญาบางส่วน  ",
    )
    assert entry.budget_lower_reason == "ยกเลิกสัญญาบางส่วน"


def test_the_reason_is_not_kept_when_nothing_is_lower(project, staff):
    entry = submit(project, staff, disbursed=Decimal("1"), budget_lower_reason="ไม่จำเป็น")

    assert entry.budget_lower_reason == ""


def test_blank_is_not_reported_never_compared_never_zero(project, staff):
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2025, 12, 20),
        percent=Decimal("5"),
        disbursed=Decimal("100000"),
    )
    # January left the figures blank: February is compared with December's.
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 1, 20), percent=Decimal("10"))

    assert check(project, staff).errors == {}
    assert "budget_lower_reason" in check(project, staff, disbursed=Decimal("99999.99")).errors
    entry = submit(project, staff)
    entry.refresh_from_db()
    assert entry.committed is None and entry.disbursed is None


def test_each_figure_is_compared_with_the_latest_month_that_reported_it(
    project, staff, django_assert_num_queries
):
    """December reported only the committed amount, January only the disbursed one: each
    is compared with its own month, both read in one query."""
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2025, 12, 20),
        percent=Decimal("5"),
        committed=Decimal("400000"),
    )
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2026, 1, 20),
        percent=Decimal("10"),
        disbursed=Decimal("100000"),
    )
    with django_assert_num_queries(1):
        previous = report_budget.previous_figures(project, dt.date(2026, 2, 1))
    assert (previous["committed"].period, previous["disbursed"].period) == (
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
    )
    errors = check(project, staff, committed=Decimal("300000"), disbursed=Decimal("50000"))
    assert errors.errors["budget_lower_reason"] == [
        "ก่อหนี้ผูกพันสะสม 300,000.00 บาท น้อยกว่ารายงานครั้งก่อน (400,000.00 บาท เดือนธันวาคม 2568) "
        "กรุณาระบุเหตุผล",
        "เบิกจ่ายสะสม 50,000.00 บาท น้อยกว่ารายงานครั้งก่อน (100,000.00 บาท เดือนมกราคม 2569) กรุณาระบุเหตุผล",
    ]


def test_a_project_without_a_budget_keeps_no_figures(staff):
    project = budget_project(allocated=None)
    user = UserFactory(agency=project.agency)

    entry = submit(project, user, committed=Decimal("5"), disbursed=Decimal("5"))

    entry.refresh_from_db()
    assert entry.committed is None and entry.disbursed is None


def test_nothing_is_saved_on_refusal(project, staff):
    with pytest.raises(ValidationError) as refused:
        submit(project, staff, disbursed=Decimal("900000"))

    assert "disbursed" in refused.value.message_dict
    assert not ProgressEntry.objects.filter(project=project).exists()


# --- Through the form --------------------------------------------------------------------


def form_data(**extra):
    values = {
        "period": FEBRUARY.isoformat(),
        "reported_on": "05/03/2569",
        "percent": "30",
        "narrative": "ดำเนินการตามแผน",
        "entry": "",
        "version": "0",
    }
    values.update(extra)
    return values


def url(project, suffix="report/"):
    return f"/projects/{project.code}/{suffix}"


def test_the_form_has_the_budget_block_only_for_a_project_with_a_budget(client, project, staff):
    client.force_login(staff)
    page = page_of(client.get(url(project)))
    block = page.all("#report-budget")
    assert block and "800,000.00 บาท" in text_of(block[0])
    assert page.all("input[name=committed]") and page.all("input[name=disbursed]")

    routine = budget_project(allocated=None)
    client.force_login(UserFactory(agency=routine.agency))
    page = page_of(client.get(url(routine)))
    assert not page.all("#report-budget")
    assert not page.all("input[name=committed]")


def test_amounts_typed_the_thai_way_are_saved(client, project, staff):
    client.force_login(staff)

    response = client.post(url(project), form_data(committed="1,234.50", disbursed="250,000"))

    assert response.status_code == 302
    entry = ProgressEntry.objects.get(project=project)
    assert (entry.committed, entry.disbursed) == (Decimal("1234.50"), Decimal("250000.00"))


HOSTILE = [
    ("-1", "จำนวนเงินต้องไม่ติดลบ"),
    ("1e30", "«1e30» ไม่ใช่จำนวนเงิน"),
    ("1,2,3", "«1,2,3» ไม่ใช่จำนวนเงิน"),
    ("๑๒๓", "กรุณากรอกจำนวนเงินด้วยเลขอารบิก (0–9)"),
    ("1.234", "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)"),
    ("9" * 13, "จำนวนเงินต้องไม่เกิน 999,999,999,999.99 บาท"),
    ("1" * 5000, "จำนวนเงินยาวเกินไป"),
    ("NaN", "«NaN» ไม่ใช่จำนวนเงิน"),
    ("800,000.01", "เกินงบประมาณหลังโอนเปลี่ยนแปลง (800,000.00 บาท)"),
]


@pytest.mark.parametrize("typed,message", HOSTILE)
@pytest.mark.parametrize("field", ["disbursed", "committed"])
def test_hostile_amounts_are_refused_in_thai_beside_the_field_and_nothing_changes(
    client, project, staff, field, typed, message
):
    client.force_login(staff)

    response = client.post(url(project), form_data(**{field: typed}), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = page_of(response)
    errors = page.all(f"#id_{field}_error")
    assert errors and message in text_of(errors[0])
    assert not ProgressEntry.objects.filter(project=project).exists()


def test_the_preview_says_what_the_save_would_say(client, project, staff):
    client.force_login(staff)

    response = client.get(
        url(project, "report/preview/"), form_data(disbursed="900000"), HTTP_HX_REQUEST="true"
    )

    assert "เกินงบประมาณหลังโอนเปลี่ยนแปลง" in response.content.decode()


def test_editing_a_report_shows_its_figures_and_copy_last_month_copies_them(client, project, staff):
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2026, 1, 20),
        committed=Decimal("1234.5"),
        disbursed=Decimal("99"),
    )
    client.force_login(staff)

    page = page_of(client.get(url(project) + "?period=2026-01-01"))
    assert page.all("input[name=committed]")[0].get("value") == "1,234.50"
    page = page_of(client.get(url(project) + "?period=2026-02-01&copy=last"))
    assert page.all("input[name=disbursed]")[0].get("value") == "99.00"


# --- Approval carries the figures ----------------------------------------------------------


def test_a_submission_carries_the_figures_and_approval_makes_them_the_entry():
    project = budget_project(approval=True)
    staff = UserFactory(agency=project.agency)
    head = UserFactory(role=User.Role.HEAD, agency=project.agency)

    with pytest.raises(ValidationError) as refused:
        approvals.report_save(
            project=project,
            data=data(disbursed=Decimal("1000000.01")),
            user=staff,
            today=TODAY,
            loaded_version=None,
            submit=True,
        )
    assert "disbursed" in refused.value.message_dict
    assert not ReportSubmission.objects.filter(project=project).exists()

    submission = approvals.report_save(
        project=project,
        data=data(committed=Decimal("10.5"), disbursed=Decimal("20")),
        user=staff,
        today=TODAY,
        loaded_version=None,
        submit=True,
    )
    assert (submission.committed, submission.disbursed) == (Decimal("10.5"), Decimal("20"))

    entry = approvals.report_approve(
        submission, user=head, loaded_version=submission.version, today=TODAY
    )
    entry.refresh_from_db()
    assert (entry.committed, entry.disbursed) == (Decimal("10.50"), Decimal("20.00"))


# --- The figures wherever a report's values are shown -----------------------------------------


def test_the_history_on_the_project_page_shows_each_months_figures(client, project, staff):
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2026, 1, 20),
        committed=Decimal("1234567.8"),
        disbursed=None,
    )
    ProgressEntryFactory(project=project, reported_on=dt.date(2025, 12, 20))
    client.force_login(staff)

    page = page_of(client.get(f"/projects/{project.code}/"))

    figures = page.all(".entry__figures")
    assert len(figures) == 1  # December's report carries no figures
    text = text_of(figures[0])
    assert "ก่อหนี้ผูกพันสะสม 1,234,567.80 บาท" in text
    assert "เบิกจ่ายสะสม ไม่ได้รายงาน" in text


def test_the_change_history_shows_amounts_in_baht(client, project, staff):
    submit(project, staff, disbursed=Decimal("1500"))
    client.force_login(staff)

    response = client.get(f"/projects/{project.code}/changes/")

    assert "1,500.00 บาท" in response.content.decode()


def test_the_heads_queue_compares_the_figures_with_last_month():
    project = budget_project(approval=True)
    staff = UserFactory(agency=project.agency)
    head = UserFactory(role=User.Role.HEAD, agency=project.agency)
    approvals.report_save(
        project=project,
        data=data(disbursed=Decimal("20")),
        user=staff,
        today=TODAY,
        loaded_version=None,
        submit=True,
    )
    from django.test import Client

    client = Client()
    client.force_login(head)

    text = page_of(client.get("/approvals/")).text()

    assert "เบิกจ่ายสะสม" in text and "20.00 บาท" in text


def test_a_conflict_shows_the_stored_figures_beside_mine(client, project, staff):
    client.force_login(staff)
    # The form was opened on a new report; somebody saved February's meanwhile.
    loaded = {"entry": "", "version": "0"}
    submit(project, UserFactory(agency=project.agency), disbursed=Decimal("1000"))

    response = client.post(
        url(project),
        form_data(disbursed="2,000", **loaded),
        HTTP_HX_REQUEST="true",
    )

    text = page_of(response).text(".conflict")
    assert "1,000.00" in text and "2,000" in text
    assert ProgressEntry.objects.get(project=project).disbursed == Decimal("1000.00")


def test_the_preview_shows_the_figures_last_reported(client, project, staff):
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2026, 1, 20),
        committed=Decimal("400000"),
        disbursed=Decimal("100000"),
    )
    client.force_login(staff)

    response = client.get(url(project, "report/preview/"), form_data(), HTTP_HX_REQUEST="true")

    text = page_of(response).text(".preview__prev-figures")
    assert "ก่อหนี้ผูกพัน 400,000.00 บาท (เดือนมกราคม 2569)" in text
    assert "เบิกจ่าย 100,000.00 บาท (เดือนมกราคม 2569)" in text


def test_a_report_sent_for_approval_from_the_form_carries_the_figures(client):
    project = budget_project(approval=True)
    client.force_login(UserFactory(agency=project.agency))

    response = client.post(
        url(project),
        form_data(committed="1,000", disbursed="2,000.25", action="submit", submission_version=""),
    )

    assert response.status_code == 302
    submission = ReportSubmission.objects.get(project=project)
    assert submission.state == ReportSubmission.State.SUBMITTED
    assert (submission.committed, submission.disbursed) == (Decimal("1000.00"), Decimal("2000.25"))
    assert not ProgressEntry.objects.filter(project=project).exists()
