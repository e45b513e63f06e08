"""The budget of a new project (/projects/new/, ProjectBudgetFields and
services.project_create): allocated (blank: no budget), type (the active ones), source;
hostile amounts refused in Thai beside the field, nothing created."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import BudgetSource, BudgetType, Project
from tests.html import page_of
from tests.test_project_create import URL, error_of, filled, world  # noqa: F401 - the fixture

CODE = "01000000-7002"


def test_a_new_project_with_its_budget(client, world):  # noqa: F811
    client.force_login(world["staff"])
    investment = BudgetType.objects.get(name="งบลงทุน")
    response = client.post(
        URL,
        filled(
            world,
            budget_allocated="1,234,567.89 บาท",
            budget_type=str(investment.pk),
            budget_source="carried_over",
        ),
    )
    assert response.status_code == 302
    project = Project.objects.get(code=CODE)
    assert project.budget_allocated == Decimal("1234567.89")
    assert project.budget_type == investment
    assert project.budget_source == BudgetSource.CARRIED_OVER


def test_blank_is_a_project_without_a_budget(client, world):  # noqa: F811
    client.force_login(world["staff"])
    assert client.post(URL, filled(world, budget_allocated="  ")).status_code == 302
    project = Project.objects.get(code=CODE)
    assert not project.has_budget and project.budget_type is None
    assert project.budget_source == BudgetSource.CURRENT


def test_the_form_offers_only_active_types(client, world):  # noqa: F811
    BudgetType.objects.filter(name="งบกลาง").update(is_active=False)
    client.force_login(world["staff"])
    page = page_of(client.get(URL))
    offered = [option.text for option in page.all("select[name=budget_type] option")][1:]
    assert "งบกลาง" not in offered and "งบลงทุน" in offered
    retired = BudgetType.objects.get(name="งบกลาง")
    response = client.post(URL, filled(world, budget_allocated="5", budget_type=str(retired.pk)))
    assert "เลือกประเภทงบประมาณจากรายการ" in error_of(response, "budget_type")
    assert not Project.objects.filter(code=CODE).exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "จำนวนเงินต้องไม่ติดลบ"),
        ("1e30", "ไม่ใช่จำนวนเงิน"),
        ("1,2,3", "ไม่ใช่จำนวนเงิน"),
        ("๑๒๓", "เลขอารบิก"),
        ("1,000,000,000,000.00", "จำนวนเงินต้องไม่เกิน 999,999,999,999.99 บาท"),
        ("12.345", "ไม่เกิน 2 ตำแหน่ง"),
        ("12\x00", "กรุณากรอกจำนวนเงินเป็นตัวเลข"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_hostile_amounts_are_refused_beside_the_field(client, world, amount, message, htmx):  # noqa: F811
    client.force_login(world["staff"])
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(URL, filled(world, budget_allocated=amount), headers=headers)
    assert response.status_code == 200
    assert message in error_of(response, "budget_allocated")
    assert not Project.objects.filter(code=CODE).exists()


def test_a_type_needs_an_amount(client, world):  # noqa: F811
    client.force_login(world["staff"])
    investment = BudgetType.objects.get(name="งบลงทุน")
    response = client.post(URL, filled(world, budget_type=str(investment.pk)))
    assert "กรุณากรอกงบประมาณที่ได้รับจัดสรร" in error_of(response, "budget_allocated")
    assert not Project.objects.filter(code=CODE).exists()


def test_the_service_checks_the_budget_too(world):  # noqa: F811
    retired = BudgetType.objects.create(name="งบเลิกใช้", is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            user=world["staff"],
            agency=world["a"],
            fiscal_year=world["year"],
            code=CODE,
            name="โครงการ",
            budget_allocated=Decimal("-1.00"),
            budget_type=retired,
            budget_source="elsewhere",
        )
    assert set(refused.value.message_dict) == {"budget_allocated", "budget_type", "budget_source"}
    assert not Project.objects.filter(code=CODE).exists()
