"""Feedback where the person is looking (issue 14, item 2), as the server writes it: every
form that saves over htmx has a status beside its button (templates/includes/form_status.html);
an htmx save keeps that live region in place (hx-preserve) and sends its message out of band;
the plan editor saves over htmx too. The browser's side is tests/test_e2e_form_feedback.py."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from projects.models import PlanStep
from tests.factories import PlanStepFactory, ProjectFactory, UserFactory, current_fiscal_year_be
from tests.html import page_of
from tests.test_plan_editor import formset_data

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
HTMX_POST_FORM = re.compile(r"<form\b[^>]*\bhx-post=.*?</form>", re.DOTALL)


def test_every_form_that_saves_over_htmx_has_a_status_beside_its_button():
    forms = []
    for path in TEMPLATES.rglob("*.html"):
        for form in HTMX_POST_FORM.findall(path.read_text(encoding="utf-8")):
            forms.append((path.relative_to(TEMPLATES), "includes/form_status.html" in form))
    assert len(forms) >= 5  # report, evidence removal, plan editor, evaluation row, KPI row
    assert [str(path) for path, has_status in forms if not has_status] == []


def test_htmx_waits_30_seconds_for_an_answer_on_every_page():
    for name in ("base.html", "indicators/_head.html"):
        config = re.search(
            r'name="htmx-config" content=\'([^\']+)\'', (TEMPLATES / name).read_text()
        )
        assert '"timeout": 30000' in config.group(1).replace(":30000", ": 30000"), name


def test_every_text_the_script_says_is_in_the_page():
    script = (ROOT / "static" / "js" / "forms.js").read_text()
    said = set(re.findall(r'say\("([a-z-]+)"', script)) | set(
        re.findall(r'name = "([a-z-]+)"', script)
    )
    texts = set(
        re.findall(r'data-text="([a-z-]+)"', (TEMPLATES / "includes/form_texts.html").read_text())
    )
    assert said and said <= texts, said - texts


@pytest.fixture
def project(db):
    project = ProjectFactory(fiscal_year__year_be=current_fiscal_year_be())
    for order, weight in enumerate((40, 60), start=1):
        PlanStepFactory(
            project=project, order=order, title=f"ขั้นตอน {order}", weight=Decimal(weight)
        )
    return project


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def plan_rows(project, *, first_title="ขั้นตอน 1"):
    one, two = project.steps.order_by("order")
    return [(one, 1, first_title, "40", "", "", False), (two, 2, "ขั้นตอน 2", "60", "", "", False)]


def test_the_page_has_a_status_without_keeping_it(client, project, staff):
    """On a page load the status is there, empty, and not kept across swaps (hx-preserve is
    only for the answer to its own save)."""
    client.force_login(staff)
    page = page_of(client.get(f"/projects/{project.code}/"))
    status = page.one("#report-form #report-status")
    assert status.get("role") == "status" and status.get("data-form-status") is not None
    assert status.get("hx-preserve") is None
    assert page.all("template #report-status") == []
    edit = page_of(client.get(f"/projects/{project.code}/plan/edit/"))
    assert edit.one("#plan-editor #plan-save-status").get("role") == "status"
    assert edit.one("#plan-editor").get("hx-post") == f"/projects/{project.code}/plan/edit/"


def test_the_plan_editor_refused_over_htmx_answers_with_itself_and_says_so(client, project, staff):
    client.force_login(staff)
    data = formset_data(project, plan_rows(project, first_title=""))
    response = client.post(f"/projects/{project.code}/plan/edit/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith("<form")
    page = page_of(response)
    assert (
        page.one("#plan-editor #plan-save-status[data-form-status]").get("hx-preserve") is not None
    )
    assert page.texts('template #plan-save-status[hx-swap-oob="innerHTML"]') == [
        "ยังไม่ได้บันทึก: กรุณาแก้ไขแถวที่แจ้งข้อผิดพลาดไว้ด้านบน"
    ]
    assert "กรุณากรอกชื่อขั้นตอน" in page.text(".field__error")
    assert list(PlanStep.objects.order_by("order").values_list("title", flat=True)) == [
        "ขั้นตอน 1",
        "ขั้นตอน 2",
    ]


def test_the_plan_editor_saved_over_htmx_sends_the_browser_to_the_project(client, project, staff):
    client.force_login(staff)
    data = formset_data(project, plan_rows(project, first_title="ขออนุมัติโครงการ"))
    response = client.post(f"/projects/{project.code}/plan/edit/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/projects/{project.code}/#plan"
    assert project.steps.order_by("order").first().title == "ขออนุมัติโครงการ"
    page = page_of(client.get(f"/projects/{project.code}/"))
    assert "บันทึกแผนการดำเนินงานแล้ว" in page.text(".messages")


def test_a_refused_report_says_so_beside_the_button(client, project, staff):
    client.force_login(staff)
    url = f"/projects/{project.code}/report/"
    page = page_of(client.get(url))
    data = {
        "period": page.one("#id_period option[selected]").get("value"),
        "reported_on": "31/02/2569",
        "narrative": "",
        "entry": "",
        "version": "0",
    }
    refused = page_of(client.post(url, data, HTTP_HX_REQUEST="true"))
    assert refused.texts('template #report-status[hx-swap-oob="innerHTML"]') == [
        "ยังไม่ได้บันทึก: กรุณาแก้ไขช่องที่แจ้งข้อผิดพลาดไว้ด้านบน"
    ]
    # Without JavaScript, the page again with the same words beside the button.
    standalone = page_of(client.post(url, data))
    assert standalone.texts("#report-status") == ["ยังไม่ได้บันทึก: กรุณาแก้ไขช่องที่แจ้งข้อผิดพลาดไว้ด้านบน"]
