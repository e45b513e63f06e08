"""The budget in the admin (projects/budget_admin.py): a project's allocated amount, type
and source with its transfers inline (amounts read by projects/money.py, a transfer that
leaves the budget below 0 refused in Thai), the budget types, the quarterly targets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import BudgetTransfer, BudgetType, DisbursementTarget, Project
from tests.factories import FiscalYearFactory, ProjectFactory, UserFactory
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin-budget", admin=True, is_superuser=True))
    return client


def change_form_data(client, url) -> dict:
    """The admin form at ``url`` as a browser would post it back unchanged."""
    context = client.get(url).context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = ["on"]
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = [str(value)]
    return data


@pytest.fixture
def project():
    return ProjectFactory(budget_allocated=Decimal("100000.00"))


def _change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def _with_transfer(data, *, amount, reason="โอนเพิ่ม", date="2026-01-15"):
    prefix = "budget_transfers"
    data = dict(data)
    data[f"{prefix}-TOTAL_FORMS"] = ["1"]
    data[f"{prefix}-0-transferred_on"] = [date]
    data[f"{prefix}-0-amount"] = [amount]
    data[f"{prefix}-0-reason"] = [reason]
    return data


def test_the_change_form_has_the_budget_and_the_transfers(admin_client, project):
    page = page_of(admin_client.get(_change_url(project)))
    assert page.one("input[name=budget_allocated]").get("value") == "100000.00"
    assert page.all("select[name=budget_type]") and page.all("select[name=budget_source]")
    assert page.all("input[name=budget_transfers-TOTAL_FORMS]")


def test_an_administrator_sets_the_budget_and_a_transfer_out(admin_client, project):
    data = change_form_data(admin_client, _change_url(project))
    data["budget_allocated"] = ["1,234,567.89"]
    data["budget_type"] = [str(BudgetType.objects.get(name="งบลงทุน").pk)]
    data = _with_transfer(data, amount="-234,567.89", reason="โอนออก")
    response = admin_client.post(_change_url(project), data)
    assert response.status_code == 302, page_of(response).text(".errornote, .errorlist")
    project.refresh_from_db()
    assert project.budget_allocated == Decimal("1234567.89")
    assert project.budget_type.name == "งบลงทุน"
    transfer = BudgetTransfer.objects.get(project=project)
    assert (transfer.amount, transfer.transferred_on) == (
        Decimal("-234567.89"),
        dt.date(2026, 1, 15),
    )
    assert project.budget_after_transfers() == Decimal("1000000.00")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget_allocated", "-5", "จำนวนเงินต้องไม่ติดลบ"),
        ("budget_allocated", "1e30", "ไม่ใช่จำนวนเงิน"),
        ("budget_allocated", "1,2,3", "ไม่ใช่จำนวนเงิน"),
        ("budget_allocated", "๑๒๓", "เลขอารบิก"),
        ("transfer", "-100,000.01", "งบประมาณหลังโอนเปลี่ยนแปลงติดลบ"),
        ("transfer", "0", "ต้องไม่เป็น 0"),
        ("transfer", "--5", "จำนวนเงินต้องไม่ติดลบ"),
    ],
)
def test_hostile_amounts_are_refused_in_thai(admin_client, project, field, value, message):
    data = change_form_data(admin_client, _change_url(project))
    if field == "transfer":
        data = _with_transfer(data, amount=value)
    else:
        data[field] = [value]
    response = admin_client.post(_change_url(project), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.budget_allocated == Decimal("100000.00")
    assert not BudgetTransfer.objects.exists()


def test_a_project_without_a_budget_takes_no_transfer(admin_client):
    project = ProjectFactory()
    data = _with_transfer(change_form_data(admin_client, _change_url(project)), amount="5")
    response = admin_client.post(_change_url(project), data)
    assert "บันทึกการโอนไม่ได้" in response.content.decode()
    assert not BudgetTransfer.objects.exists()
    assert Project.objects.get(pk=project.pk).budget_allocated is None


def test_budget_types_are_kept_from_the_list(admin_client):
    response = admin_client.get(reverse("admin:projects_budgettype_changelist"))
    assert response.status_code == 200
    assert "งบลงทุน" in response.content.decode()
    admin_client.post(
        reverse("admin:projects_budgettype_add"),
        {"name": "งบทดลอง", "order": "9", "is_active": "on"},
    )
    assert BudgetType.objects.filter(name="งบทดลอง", is_active=True).exists()


def test_targets_by_year_quarter_and_type(admin_client):
    year = FiscalYearFactory()
    add = reverse("admin:projects_disbursementtarget_add")
    fields = {"fiscal_year": str(year.pk), "quarter": "2", "budget_type": "", "percent": "54"}
    assert admin_client.post(add, fields).status_code == 302
    target = DisbursementTarget.objects.get()
    assert (target.quarter, target.budget_type, target.percent) == (2, None, Decimal("54.00"))
    again = admin_client.post(add, {**fields, "percent": "60"}).content.decode()
    assert "มีเป้าหมายรวมทุกประเภทของปีงบประมาณและไตรมาสนี้แล้ว" in again
    investment = str(BudgetType.objects.get(name="งบลงทุน").pk)
    assert (
        admin_client.post(add, {**fields, "budget_type": investment, "percent": "40"}).status_code
        == 302
    )
    too_much = admin_client.post(
        add, {**fields, "quarter": "3", "percent": "100.5"}
    ).content.decode()
    assert "ต้องไม่เกิน 100" in too_much
    assert DisbursementTarget.objects.count() == 2
    listing = admin_client.get(reverse("admin:projects_disbursementtarget_changelist"))
    assert listing.status_code == 200


def test_the_admin_keeps_the_budget_at_least_what_was_used(admin_client, project):
    from tests.factories import ProgressEntryFactory

    ProgressEntryFactory(project=project, committed=Decimal("60000.00"), disbursed=Decimal("30000"))
    data = change_form_data(admin_client, _change_url(project))
    data["budget_allocated"] = ["89,999.99"]
    response = admin_client.post(_change_url(project), data)
    assert "น้อยกว่าที่ก่อหนี้ผูกพันและเบิกจ่ายแล้ว 90,000.00 บาท" in response.content.decode()
    data = _with_transfer(change_form_data(admin_client, _change_url(project)), amount="-10,000.01")
    response = admin_client.post(_change_url(project), data)
    assert "น้อยกว่าที่ก่อหนี้ผูกพันและเบิกจ่ายแล้ว" in response.content.decode()
    project.refresh_from_db()
    assert project.budget_allocated == Decimal("100000.00")
    assert not BudgetTransfer.objects.exists()
