"""The budget's columns of the annual-plan workbook (issue 16): the template's headers, the
import (amounts read by projects/money.py, Thai problems by sheet, row and column, nothing
written), the export → import round trip, the kept JSON."""

import json
from decimal import Decimal

import pytest
from openpyxl.utils import get_column_letter

from projects.imports import workbook_read, workbook_rows, workbook_write
from projects.imports.workbook_columns import PROJECT_COLUMNS, PROJECT_SHEET
from projects.models import BudgetSource, BudgetTransfer, BudgetType, Project
from tests.factories import ProjectFactory
from tests.test_plan_xlsx import (  # noqa: F401 - fixtures
    AGENCY,
    YEAR,
    admin,
    agency,
    project_row,
    run,
    step_rows,
    workbook,
    year,
)

CODE = f"{AGENCY}-2462"


def letter(key):
    return get_column_letter(1 + [c.key for c in PROJECT_COLUMNS].index(key))


def test_a_row_brings_its_budget(agency, year, admin):  # noqa: F811
    data = workbook(
        projects=[
            project_row(
                budget_allocated="1,234,567.89",
                budget_type="งบลงทุน",
                budget_source="เงินกันไว้เบิกเหลื่อมปี",
            ),
            project_row(code=f"{AGENCY}-7", budget_allocated=2500000.5),
            project_row(code=f"{AGENCY}-8"),
        ],
        steps=step_rows(),
    )
    plan = run(data, agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    budgeted = Project.objects.get(code=CODE)
    assert budgeted.budget_allocated == Decimal("1234567.89")
    assert budgeted.budget_type.name == "งบลงทุน"
    assert budgeted.budget_source == BudgetSource.CARRIED_OVER
    number = Project.objects.get(code=f"{AGENCY}-7")
    assert (number.budget_allocated, number.budget_source) == (Decimal("2500000.50"), "current")
    assert not Project.objects.get(code=f"{AGENCY}-8").has_budget


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("budget_allocated", "-5", "จำนวนเงินต้องไม่ติดลบ"),
        ("budget_allocated", -5, "จำนวนเงินต้องไม่ติดลบ"),
        ("budget_allocated", "1e30", "ไม่ใช่จำนวนเงิน"),
        ("budget_allocated", 1e30, "จำนวนเงินต้องไม่เกิน 999,999,999,999.99 บาท"),
        ("budget_allocated", "1,2,3", "ไม่ใช่จำนวนเงิน"),
        ("budget_allocated", "๑๒๓", "เลขอารบิก"),
        ("budget_allocated", "12.345", "ไม่เกิน 2 ตำแหน่ง"),
        ("budget_allocated", True, "ไม่ใช่จำนวนเงิน"),
        ("budget_type", "งบพิเศษ", "ไม่มีประเภทงบประมาณ «งบพิเศษ» ในรายการ"),
        ("budget_source", "เงินนอกงบ", "แหล่งงบประมาณ «เงินนอกงบ» ไม่มีในรายการ"),
    ],
)
def test_a_bad_cell_is_a_thai_problem_at_its_place(agency, year, admin, key, value, message):  # noqa: F811
    row = {"budget_allocated": "1000", key: value}
    plan = run(workbook(projects=[project_row(**row)]), agency, year, admin)
    found = [(p.sheet, p.row, p.column) for p in plan.problems]
    assert found == [(PROJECT_SHEET, 2, letter(key))], [str(p) for p in plan.problems]
    assert message in plan.problems[0].message
    assert not plan.applied and not Project.objects.exists()


def test_a_type_needs_an_amount_and_must_be_active(agency, year, admin):  # noqa: F811
    BudgetType.objects.filter(name="งบกลาง").update(is_active=False)
    plan = run(
        workbook(
            projects=[
                project_row(budget_type="งบลงทุน"),
                project_row(code=f"{AGENCY}-7", budget_allocated="5", budget_type="งบกลาง"),
            ]
        ),
        agency,
        year,
        admin,
    )
    assert [(p.row, p.column) for p in plan.problems] == [
        (2, letter("budget_allocated")),
        (3, letter("budget_type")),
    ]
    assert not Project.objects.exists()


def test_the_amount_keeps_the_transfers_at_zero_or_more(agency, year, admin):  # noqa: F811
    project = ProjectFactory(
        code=CODE, agency=agency, fiscal_year=year, budget_allocated=Decimal("1000.00")
    )
    BudgetTransfer.objects.create(
        project=project, transferred_on=year.starts_on, amount=Decimal("-600.00"), reason="โอนออก"
    )
    for amount, message in (("500", "จะติดลบ"), ("", "ต้องกรอกงบประมาณที่ได้รับจัดสรร")):
        plan = run(workbook(projects=[project_row(budget_allocated=amount)]), agency, year, admin)
        assert [p.column for p in plan.problems] == [letter("budget_allocated")]
        assert message in plan.problems[0].message
    assert run(
        workbook(projects=[project_row(budget_allocated="600")]), agency, year, admin
    ).applied
    project.refresh_from_db()
    assert project.budget_after_transfers() == Decimal("0.00")


def test_round_trip_with_budgets_changes_nothing(agency, year, admin):  # noqa: F811
    retired = BudgetType.objects.create(name="งบเลิกใช้", is_active=False)
    amounts = [Decimal("1234567.89"), Decimal("999999999999.99"), Decimal("0.01"), None]
    types = [BudgetType.objects.get(name="งบลงทุน"), retired, None, None]
    for n, (amount, budget_type) in enumerate(zip(amounts, types, strict=True), start=1):
        ProjectFactory(
            code=f"{AGENCY}-{n}",
            agency=agency,
            fiscal_year=year,
            budget_allocated=amount,
            budget_type=budget_type,
            budget_source=BudgetSource.CARRIED_OVER if n == 2 else BudgetSource.CURRENT,
        )
    data = workbook_write.export_workbook(agency=agency, fiscal_year=year)
    plan = run(data, agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    assert not plan.has_changes, [str(c) for c in plan.changes if c.action != "unchanged"]
    stored = Project.objects.order_by("code").values_list(
        "budget_allocated", "budget_type", "budget_source"
    )
    assert [row[0] for row in stored] == amounts
    assert not Project.history.filter(history_user=admin).exists()


def test_a_changed_amount_is_an_update(agency, year, admin):  # noqa: F811
    ProjectFactory(code=CODE, agency=agency, fiscal_year=year, budget_allocated=Decimal("10.00"))
    run(workbook(projects=[project_row()]), agency, year, admin)  # the other fields
    plan = run(workbook(projects=[project_row(budget_allocated="20")]), agency, year, admin)
    updated = [c for c in plan.changes if c.action == "updated"]
    assert any("งบประมาณที่ได้รับจัดสรร" in " ".join(c.fields) for c in updated)
    assert Project.objects.get(code=CODE).budget_allocated == Decimal("20.00")


def test_the_budget_is_kept_as_json_and_comes_back_the_same():
    data = workbook(projects=[project_row(budget_allocated="1,234.50", budget_type="งบลงทุน")])
    result = workbook_read.read(data, agency_code=AGENCY, fiscal_year_be=YEAR)
    assert result.projects[0].budget_allocated == Decimal("1234.50")
    kept = json.loads(json.dumps(result.as_json()))
    assert workbook_rows.ReadResult.from_json(kept) == result


def test_the_amount_keeps_at_least_what_was_used(agency, year, admin):  # noqa: F811
    from tests.factories import ProgressEntryFactory

    project = ProjectFactory(
        code=CODE, agency=agency, fiscal_year=year, budget_allocated=Decimal("1000.00")
    )
    ProgressEntryFactory(project=project, committed=Decimal("400.00"), disbursed=Decimal("300.00"))
    plan = run(workbook(projects=[project_row(budget_allocated="699.99")]), agency, year, admin)
    assert [p.column for p in plan.problems] == [letter("budget_allocated")]
    assert "น้อยกว่าที่ก่อหนี้ผูกพันและเบิกจ่ายแล้ว 700.00 บาท" in plan.problems[0].message
    assert run(
        workbook(projects=[project_row(budget_allocated="700")]), agency, year, admin
    ).applied
