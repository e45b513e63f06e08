"""Issue 16's walk through the services, as far as the entry of a budget goes: a project
created with its budget, a transfer from the page's service, two monthly reports with
figures; the block's numbers by hand on the project page and in the print view."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import budgets, services
from projects.models import BudgetType
from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory
from tests.html import page_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 5)  # fiscal year 2569: January's report is open till 10 February


def report(project, staff, period, **figures):
    return services.progress_entry_submit(
        project=project,
        user=staff,
        data=services.ReportInput(
            reported_on=min(period + dt.timedelta(days=25), TODAY),
            period=period,
            manual_percent=Decimal("30"),
            narrative="ดำเนินการตามแผน",
            **figures,
        ),
        loaded_entry_id=None,
        loaded_version=0,
        today=TODAY,
    )


def test_budget_transfer_and_two_reports_give_the_block(client, monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)
    agency = AgencyFactory(reports_need_approval=False)
    staff = UserFactory(agency=agency)
    project = services.project_create(
        user=staff,
        agency=agency,
        fiscal_year=FiscalYearFactory(year_be=2569),
        code=f"{agency.code}-1",
        name="โครงการปรับปรุงทางเท้า",
        budget_allocated=Decimal("2400000.00"),
        budget_type=BudgetType.objects.get(name="งบลงทุน"),
    )
    budgets.budget_transfer_create(
        user=staff,
        project=project,
        transferred_on=dt.date(2026, 1, 20),
        amount=Decimal("100000.00"),
        reason="โอนเพิ่มจากงบกลาง",
    )
    report(project, staff, dt.date(2026, 1, 1), committed=Decimal("900000.00"))
    report(
        project,
        staff,
        dt.date(2026, 2, 1),
        committed=Decimal("1200000.00"),
        disbursed=Decimal("625000.00"),
    )

    summary = budgets.budget_summary(project)
    # After transfers 2,400,000 + 100,000 = 2,500,000; used 1,200,000 + 625,000 = 1,825,000;
    # remaining 675,000; disbursed 625,000 / 2,500,000 = 25 %.
    assert (summary.after_transfers, summary.total_used, summary.remaining) == (
        Decimal("2500000.00"),
        Decimal("1825000.00"),
        Decimal("675000.00"),
    )
    assert summary.disbursed_percent == Decimal("25.00")
    assert summary.period == dt.date(2026, 2, 1)

    client.force_login(UserFactory(manager=True))
    for url in (
        reverse("projects:detail", args=[project.code]),
        reverse("print:project", args=[project.code]),
    ):
        page = page_of(client.get(url))
        shown = {
            cell.get("data-budget"): " ".join(cell.itertext()).strip()
            for cell in page.all("#budget td[data-budget]")
        }
        assert shown == {
            "allocated": "2,400,000.00 บาท",
            "after": "2,500,000.00 บาท",
            "committed": "1,200,000.00 บาท",
            "disbursed": "625,000.00 บาท",
            "used": "1,825,000.00 บาท",
            "remaining": "675,000.00 บาท",
            "percent": "25.00",
        }, url
