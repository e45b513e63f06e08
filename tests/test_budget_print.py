"""The budget block in the print view and the PDF (templates/reports/_budget.html): the
numbers of projects.budgets.budget_summary, as on the project page; none without a budget."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import BudgetTransfer
from tests.factories import ProgressEntryFactory, ProjectFactory, UserFactory
from tests.html import page_of
from tests.pdfs import nfkc, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory(budget_allocated=Decimal("2000000.00"))
    BudgetTransfer.objects.create(
        project=project,
        transferred_on=project.fiscal_year.starts_on + dt.timedelta(days=40),
        amount=Decimal("-500000.00"),
        reason="โอนออกไปงานซ่อมถนน",
    )
    ProgressEntryFactory(
        project=project, committed=Decimal("400000.00"), disbursed=Decimal("350000.25")
    )
    return project


def test_the_print_view_has_the_block(client, project):
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get(reverse("print:project", args=[project.code])))
    values = {
        cell.get("data-budget"): " ".join(cell.itertext()).strip()
        for cell in page.all("#budget td[data-budget]")
    }
    assert values == {
        "allocated": "2,000,000.00 บาท",
        "after": "1,500,000.00 บาท",
        "committed": "400,000.00 บาท",
        "disbursed": "350,000.25 บาท",
        "used": "750,000.25 บาท",
        "remaining": "749,999.75 บาท",
        "percent": "23.33",
    }
    assert "โอนออกไปงานซ่อมถนน" in page.text("#budget")
    assert "-500,000.00" in page.text("#budget")


def test_the_pdf_has_the_block(client, project):
    client.force_login(UserFactory(manager=True))
    response = client.get(reverse("print:project_pdf", args=[project.code]))
    text = nfkc(pdf_text(response.content))
    for shown in (
        "งบประมาณหลังโอนเปลี่ยนแปลง",
        "1,500,000.00",
        "749,999.75",
        "23.33",
        "โอนออกไปงานซ่อมถนน",
    ):
        assert nfkc(shown) in text, shown


def test_no_block_without_a_budget(client):
    project = ProjectFactory()
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get(reverse("print:project", args=[project.code])))
    assert page.all("#budget") == []
