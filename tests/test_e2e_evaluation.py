"""The evaluation screen in Debian's Chromium: an evaluator scores the seed project with the
keyboard only (Tab between fields, Enter saves the row over htmx), sees a Thai error
inline without losing what was typed, is refused when somebody else saved the row
meanwhile, and the project page's headline follows."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import QuarterEvaluation
from tests.browser import problems_of
from tests.conftest import SEED_CODE
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def problems(page):
    return problems_of(
        page,
        http_from=500,
        expected_console=("status of 409 (Conflict)", "status of 422 (Unprocessable Entity)"),
    )


def test_evaluator_scores_with_the_keyboard_and_the_headline_changes(
    seed_project, live_server, login, page, problems
):
    other = ProjectFactory(fiscal_year=seed_project.fiscal_year, name="โครงการถัดไป")
    evaluator = UserFactory(username="e2e-evaluator", evaluator=True, first_name="สมศรี")
    login(evaluator)

    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    assert "ไตรมาสที่ 1 100" in page.locator(".headline-eval").inner_text()

    # The nav leads evaluators to the screen.
    with page.expect_navigation():
        page.get_by_role("link", name="ประเมินผล", exact=True).click()
    assert page.url.endswith("/evaluation/2564/4/")  # the latest year there is, its last quarter
    page.get_by_role("link", name="ไตรมาสที่ 3", exact=True).click()
    page.wait_for_url("**/evaluation/2564/3/")
    seed = f"p{seed_project.pk}"
    # The result is prefilled from the report at the quarter's end (28/06/2564: 20.00).
    assert page.input_value(f"#id_{seed}-result_value") == "20.00"

    page.focus(f"#id_{seed}-criterion_21")
    page.keyboard.type("80")
    page.keyboard.press("Tab")
    page.keyboard.type("70")
    page.keyboard.press("Tab")
    page.keyboard.type("75")
    page.keyboard.press("Tab")
    page.keyboard.type("ติดตามต่อเนื่อง")
    page.keyboard.press("Enter")

    page.locator(f"#eval-{seed_project.pk}-status", has_text="บันทึกแล้ว").wait_for(timeout=10_000)
    assert "สมศรี" in page.locator(f"#eval-{seed_project.pk} .eval-who").first.inner_text()
    # Focus went on to the next project's first field.
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"id_p{other.pk}-result_value",
    )
    stored = QuarterEvaluation.objects.get(project=seed_project, quarter=3)
    assert (stored.criterion_21, stored.criterion_22, stored.project_score) == (
        Decimal("80.00"),
        Decimal("70.00"),
        Decimal("75.00"),
    )
    assert stored.comment == "ติดตามต่อเนื่อง" and stored.evaluated_by == evaluator

    # An invalid value: a Thai message next to the field, everything typed still there.
    page.keyboard.press("Tab")
    page.keyboard.type("150")
    page.keyboard.press("Tab")
    page.keyboard.type("60")
    page.keyboard.press("Enter")
    error = page.locator(f"#id_p{other.pk}-criterion_21_error")
    error.wait_for(timeout=10_000)
    assert "ต้องไม่เกิน 100" in error.inner_text()
    assert page.input_value(f"#id_p{other.pk}-criterion_21") == "150"
    assert page.input_value(f"#id_p{other.pk}-criterion_22") == "60"
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"id_p{other.pk}-criterion_21",
    )
    assert not QuarterEvaluation.objects.filter(project=other).exists()

    # Somebody else saves the seed row meanwhile; saving over it is refused, theirs shown.
    services.quarter_evaluation_save(
        project=seed_project,
        quarter=3,
        version=stored.version,
        values=services.EvaluationValues(
            result_value=Decimal("20"),
            criterion_21=Decimal("90"),
            criterion_22=Decimal("90"),
            project_score=Decimal("90"),
            comment="ของผู้ประเมินอีกคน",
        ),
        user=UserFactory(username="e2e-other", evaluator=True, first_name="สมชาย"),
    )
    page.fill(f"#id_{seed}-project_score", "77")
    page.focus(f"#id_{seed}-project_score")
    page.keyboard.press("Enter")
    alert = page.locator(f"#eval-{seed_project.pk} .alert")
    alert.wait_for(timeout=10_000)
    assert "มีผู้อื่นบันทึกแถวนี้ก่อนหน้าคุณ" in alert.inner_text()
    assert "สมชาย" in alert.inner_text() and "ของผู้ประเมินอีกคน" in alert.inner_text()
    assert page.input_value(f"#id_{seed}-project_score") == "77"
    assert QuarterEvaluation.objects.get(project=seed_project, quarter=3).project_score == 90

    # The project page's headline is now the latest scored quarter.
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    assert "ไตรมาสที่ 3 90" in page.locator(".headline-eval").inner_text()
    quarter_3 = page.locator("table.quarters tbody tr").nth(2).inner_text()
    assert "90 / 90" in quarter_3 and "สมชาย" in quarter_3

    assert problems == []
