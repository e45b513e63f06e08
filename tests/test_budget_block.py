"""The project's budget block (projects/budgets.py budget_summary, the project page) and
transfers from the page (บันทึกการโอนเปลี่ยนแปลงงบประมาณ): the numbers by hand, who may
transfer, a transfer out below 0 and hostile amounts refused in Thai with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import budgets
from projects.models import BudgetTransfer, BudgetType, ReportSubmission
from tests.factories import (
    ProgressEntryFactory,
    ProjectFactory,
    ReportSubmissionFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory(
        budget_allocated=Decimal("1000000.00"),
        budget_type=BudgetType.objects.get(name="งบลงทุน"),
    )
    BudgetTransfer.objects.create(
        project=project,
        transferred_on=dt.date(2026, 1, 15),
        amount=Decimal("200000.00"),
        reason="โอนเพิ่มจากงบกลาง",
    )
    BudgetTransfer.objects.create(
        project=project,
        transferred_on=dt.date(2026, 2, 1),
        amount=Decimal("-50000.50"),
        reason="โอนออกไปโครงการอื่น",
    )
    start = project.fiscal_year.starts_on
    ProgressEntryFactory(
        project=project,
        reported_on=start + dt.timedelta(days=20),
        committed=Decimal("100000.00"),
        disbursed=Decimal("50000.00"),
    )
    ProgressEntryFactory(
        project=project,
        reported_on=start + dt.timedelta(days=50),
        committed=Decimal("300000.00"),
        disbursed=Decimal("287489.87"),
    )
    # The latest month reported no figures: the block keeps the month before's.
    ProgressEntryFactory(project=project, reported_on=start + dt.timedelta(days=80))
    return project


def test_the_numbers_by_hand(project):
    summary = budgets.budget_summary(project)
    assert summary.allocated == Decimal("1000000.00")
    assert summary.after_transfers == Decimal("1149999.50")  # 1,000,000 + 200,000 − 50,000.50
    assert summary.committed == Decimal("300000.00")
    assert summary.disbursed == Decimal("287489.87")
    assert summary.total_used == Decimal("587489.87")
    assert summary.remaining == Decimal("562509.63")  # 1,149,999.50 − 587,489.87
    assert summary.disbursed_percent == Decimal("25.00")  # 287,489.87 / 1,149,999.50 = 24.9991 %
    assert [t.reason for t in summary.transfers] == ["โอนเพิ่มจากงบกลาง", "โอนออกไปโครงการอื่น"]
    assert summary.period == project.fiscal_year.starts_on.replace(month=11)


def test_no_figures_reported_is_not_zero():
    project = ProjectFactory(budget_allocated=Decimal("500.00"))
    ProgressEntryFactory(project=project)
    summary = budgets.budget_summary(project)
    assert summary.committed is summary.disbursed is summary.total_used is None
    assert summary.remaining is None and summary.disbursed_percent is None
    assert summary.after_transfers == Decimal("500.00")


def test_a_report_waiting_for_approval_does_not_count(project):
    ReportSubmissionFactory(
        project=project,
        period=project.fiscal_year.starts_on.replace(month=12),
        committed=Decimal("900000.00"),
        disbursed=Decimal("900000.00"),
        state=ReportSubmission.State.SUBMITTED,
    )
    assert budgets.budget_summary(project).disbursed == Decimal("287489.87")


def test_a_project_without_a_budget_has_no_block(client):
    project = ProjectFactory()
    assert budgets.budget_summary(project).has_budget is False
    client.force_login(UserFactory(agency=project.agency))
    page = page_of(client.get(reverse("projects:detail", args=[project.code])))
    assert page.all("#budget") == []


@pytest.mark.parametrize("who", ["reader", "staff"])
def test_the_page_shows_the_block_to_every_reader(client, project, who):
    user = UserFactory(agency=project.agency) if who == "staff" else UserFactory(manager=True)
    client.force_login(user)
    page = page_of(client.get(reverse("projects:detail", args=[project.code])))
    values = {
        cell.get("data-budget"): " ".join(cell.itertext()).strip()
        for cell in page.all("#budget td[data-budget]")
    }
    assert values == {
        "allocated": "1,000,000.00 บาท",
        "after": "1,149,999.50 บาท",
        "committed": "300,000.00 บาท",
        "disbursed": "287,489.87 บาท",
        "used": "587,489.87 บาท",
        "remaining": "562,509.63 บาท",
        "percent": "25.00",
    }
    assert "โอนเพิ่มจากงบกลาง" in page.text("#budget")
    assert "-50,000.50" in page.text("#budget")
    assert bool(page.all("#budget form")) == (who == "staff")


def _post(client, project, htmx=False, **data):
    fields = {
        "transferred_on": "01/03/2569",
        "direction": "out",
        "amount": "100.00",
        "reason": "ปรับแผน",
    }
    fields.update(data)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("projects:budget_transfer", args=[project.code]), fields, headers=headers
    )


def test_staff_record_a_transfer_plain_post_then_the_page(client, project):
    client.force_login(UserFactory(agency=project.agency))
    response = _post(client, project, direction="in", amount="1,000.25")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/projects/{project.code}/#budget")
    transfer = project.budget_transfers.latest("pk")
    assert (transfer.amount, transfer.transferred_on, transfer.reason) == (
        Decimal("1000.25"),
        dt.date(2026, 3, 1),
        "ปรับแผน",
    )
    assert budgets.budget_summary(project).after_transfers == Decimal("1150999.75")


def test_an_htmx_transfer_answers_with_the_block(client, project):
    client.force_login(UserFactory(admin=True))
    response = _post(client, project, htmx=True, amount="49.50")
    page = page_of(response)
    assert page.one("#budget td[data-budget=after]").text.strip() == "1,149,950.00 บาท"
    assert "บันทึกการโอนแล้ว" in response.content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "จำนวนเงินต้องไม่ติดลบ"),
        ("1e30", "ไม่ใช่จำนวนเงิน"),
        ("1,2,3", "ไม่ใช่จำนวนเงิน"),
        ("๑๐๐", "เลขอารบิก"),
        ("0", "ต้องมากกว่า 0"),
        ("", "กรุณากรอกจำนวนเงินที่โอน"),
        ("1.234", "ไม่เกิน 2 ตำแหน่ง"),
        ("1,149,999.51", "โอนออกได้ไม่เกินงบประมาณหลังโอนเปลี่ยนแปลง (1,149,999.50 บาท)"),
    ],
)
def test_hostile_amounts_are_refused_in_thai_and_nothing_changes(client, project, amount, message):
    client.force_login(UserFactory(agency=project.agency))
    for htmx in (False, True):
        response = _post(client, project, htmx=htmx, amount=amount)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "ยังไม่ได้บันทึก" in response.content.decode()
    assert project.budget_transfers.count() == 2


def test_a_transfer_in_beyond_the_money_limit_is_refused(client, project):
    client.force_login(UserFactory(agency=project.agency))
    response = _post(client, project, direction="in", amount="999,999,999,999.99")
    assert "จำนวนเงินต้องไม่เกิน" in response.content.decode()
    assert project.budget_transfers.count() == 2


def test_bad_date_and_no_reason_are_said_by_field(client, project):
    client.force_login(UserFactory(agency=project.agency))
    page = page_of(_post(client, project, transferred_on="31/02/2569", reason="  "))
    assert page.all("#id_transferred_on_error") and page.all("#id_reason_error")
    assert project.budget_transfers.count() == 2


def test_a_bad_date_and_too_much_out_are_both_said_at_once(client, project):
    """Every error at once (tests/hostile found it): a transfer out beyond the budget with a
    date that does not exist showed only the date's error, and the amount's after the date
    was mended."""
    client.force_login(UserFactory(agency=project.agency))
    page = page_of(
        _post(
            client, project, direction="out", amount="999,999,999.00", transferred_on="31/02/2569"
        )
    )
    assert page.all("#id_transferred_on_error")
    assert "โอนออกได้ไม่เกินงบประมาณหลังโอนเปลี่ยนแปลง" in page.text("#id_amount_error")
    assert project.budget_transfers.count() == 2


def test_a_project_without_a_budget_takes_no_transfer(client):
    project = ProjectFactory()
    client.force_login(UserFactory(agency=project.agency))
    response = _post(client, project, direction="in")
    assert "ยังไม่มีงบประมาณที่ได้รับจัดสรร" in response.content.decode()
    assert not BudgetTransfer.objects.filter(project=project).exists()


@pytest.mark.parametrize("who", ["other_agency", "manager", "evaluator", "head"])
def test_others_may_not_transfer(client, project, who):
    users = {
        "other_agency": lambda: UserFactory(),
        "manager": lambda: UserFactory(manager=True),
        "evaluator": lambda: UserFactory(evaluator=True),
        "head": lambda: UserFactory(head=True, agency=project.agency),
    }
    client.force_login(users[who]())
    assert _post(client, project, direction="in").status_code == 403
    assert project.budget_transfers.count() == 2


def test_get_is_not_allowed(client, project):
    client.force_login(UserFactory(agency=project.agency))
    assert client.get(reverse("projects:budget_transfer", args=[project.code])).status_code == 405


def test_a_reader_sees_a_new_transfer_on_the_kept_page(client, project):
    client.force_login(UserFactory(manager=True))
    url = reverse("projects:detail", args=[project.code])
    assert "1,149,999.50 บาท" in client.get(url).content.decode()
    budgets.budget_transfer_create(
        user=UserFactory(agency=project.agency),
        project=project,
        transferred_on=dt.date(2026, 3, 1),
        amount=Decimal("0.50"),
        reason="ปัดเศษ",
    )
    page = client.get(url).content.decode()
    assert "1,150,000.00 บาท" in page and "ปัดเศษ" in page


@pytest.mark.parametrize("transfers", [1, 30])
def test_the_block_costs_the_same_queries_whatever_the_transfers(
    client, transfers, django_assert_max_num_queries
):
    project = ProjectFactory(budget_allocated=Decimal("1000.00"))
    BudgetTransfer.objects.bulk_create(
        BudgetTransfer(
            project=project, transferred_on=dt.date(2026, 1, 1), amount=Decimal("1.00"), reason="x"
        )
        for _ in range(transfers)
    )
    ProgressEntryFactory(project=project, disbursed=Decimal("10.00"))
    with django_assert_max_num_queries(2):  # its transfers, its latest figures
        summary = budgets.budget_summary(project)
    assert summary.after_transfers == Decimal(1000 + transfers)


def test_a_transfer_out_may_not_leave_less_than_committed_and_disbursed(client, project):
    # After transfers 1,149,999.50; the latest figures: 300,000 + 287,489.87 = 587,489.87.
    client.force_login(UserFactory(agency=project.agency))
    response = _post(client, project, amount="562,509.64")
    assert "น้อยกว่าที่ก่อหนี้ผูกพันและเบิกจ่ายแล้ว 587,489.87 บาท" in response.content.decode()
    assert project.budget_transfers.count() == 2
    assert _post(client, project, amount="562,509.63").status_code == 302
    assert budgets.budget_summary(project).remaining == Decimal("0.00")
