"""The budget's data (projects/models/budget.py): the amount after transfers in Python and
in SQL agree; the seeded budget types; targets one per quarter and type."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from projects.models import BudgetTransfer, BudgetType, DisbursementTarget, Project
from tests.factories import FiscalYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_after_transfers_is_the_allocation_plus_every_transfer_in_python_and_sql():
    with_transfers = ProjectFactory(budget_allocated=Decimal("1000000.00"))
    BudgetTransfer.objects.create(
        project=with_transfers,
        transferred_on="2026-01-15",
        amount=Decimal("250000.50"),
        reason="โอนเพิ่ม",
    )
    BudgetTransfer.objects.create(
        project=with_transfers,
        transferred_on="2026-03-01",
        amount=Decimal("-100000.00"),
        reason="โอนออก",
    )
    plain = ProjectFactory(budget_allocated=Decimal("5.00"))
    routine = ProjectFactory()  # no budget

    expected = {
        with_transfers.pk: Decimal("1150000.50"),
        plain.pk: Decimal("5.00"),
        routine.pk: None,
    }
    in_sql = dict(Project.objects.with_budget().values_list("pk", "budget_after"))
    in_python = {
        p.pk: p.budget_after_transfers()
        for p in Project.objects.prefetch_related("budget_transfers")
    }
    assert in_sql == expected == in_python
    assert not routine.has_budget and plain.has_budget


def test_budget_types_start_with_the_budget_law_categories():
    assert list(BudgetType.objects.values_list("name", flat=True)) == [
        "งบบุคลากร",
        "งบดำเนินงาน",
        "งบลงทุน",
        "งบเงินอุดหนุน",
        "งบรายจ่ายอื่น",
        "งบกลาง",
    ]


def test_one_target_per_quarter_overall_and_per_type():
    year = FiscalYearFactory()
    investment = BudgetType.objects.get(name="งบลงทุน")
    DisbursementTarget.objects.create(fiscal_year=year, quarter=2, percent=Decimal("54"))
    DisbursementTarget.objects.create(
        fiscal_year=year, quarter=2, budget_type=investment, percent=Decimal("40")
    )
    for budget_type in (None, investment):
        with pytest.raises(IntegrityError), transaction.atomic():
            DisbursementTarget.objects.create(
                fiscal_year=year, quarter=2, budget_type=budget_type, percent=Decimal("60")
            )
