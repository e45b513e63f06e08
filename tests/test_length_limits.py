"""No silent truncation (issue 14, item 3): a text with a length limit is checked by the
server, never cut by the browser. No input or textarea carries ``maxlength`` (which cuts a
paste without a word); each says its limit in ``data-maxlength`` for the live counter
(static/js/forms.js), and the server refuses a longer text with a Thai message that gives
both numbers, keeping all that was typed in the form it sends back."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from indicators.forms import QuarterEvaluationForm
from projects.forms import LoginForm, PlanStepForm, ProgressReportForm
from projects.models import ProgressEntry
from tests.factories import PlanStepFactory, ProjectFactory, UserFactory, current_fiscal_year_be
from tests.html import page_of
from tests.test_permissions_matrix import MATRIX, ROLES, path_of
from tests.test_permissions_matrix import world as world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SIXTY_THOUSAND = ("ผลการดำเนินงานเดือนนี้ " * 3000)[:60_000]


def report_data(client, project, **fields) -> dict:
    """The report form as the page first fills it in, with ``fields`` typed over it."""
    page = page_of(client.get(reverse("projects:report", args=[project.code])))
    data = {
        "period": page.one("#id_period option[selected]").get("value"),
        "reported_on": page.one("#id_reported_on").get("value"),
        "entry": "",
        "version": "0",
        "narrative": "ประชุมคณะทำงานแล้ว",
        "percent": "10",
    }
    return {**data, **fields}


@pytest.fixture
def project():
    return ProjectFactory(fiscal_year__year_be=current_fiscal_year_be())


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def test_the_message_gives_both_lengths_with_thousands_separators():
    from projects.form_helpers import LengthLimitsMixin

    class Form(LengthLimitsMixin, forms.Form):
        text = forms.CharField(max_length=20_000)

    form = Form({"text": SIXTY_THOUSAND})
    assert form.errors["text"] == ["ข้อความยาว 60,000 ตัวอักษร เกินกำหนด 20,000 ตัวอักษร กรุณาตัดให้สั้นลง"]
    assert Form({"text": "ก" * 20_000}).is_valid()


def test_a_line_break_counts_as_one_character_as_the_counter_counts_it():
    """Browsers send a line break as CR LF; the counter sees one character. The server
    counts as the counter does, so text the counter calls within the limit is accepted."""
    from projects.form_helpers import LengthLimitsMixin

    class Form(LengthLimitsMixin, forms.Form):
        text = forms.CharField(max_length=100)

    assert Form({"text": ("ก" * 9 + "\r\n") * 10}).is_valid()  # 99 characters after strip
    assert not Form({"text": ("ก" * 10 + "\r\n") * 10}).is_valid()  # 109


@pytest.mark.parametrize(
    ("form", "names"),
    [
        (lambda: ProgressReportForm(steps=[], months=[]), ("narrative", "problems", "obstacles")),
        (lambda: PlanStepForm(), ("title",)),
        (lambda: QuarterEvaluationForm(prefix="p1"), ("comment",)),
        (lambda: LoginForm(), ("username",)),
    ],
)
def test_limited_fields_say_their_limit_in_data_maxlength_not_maxlength(form, names):
    form = form()
    for name in names:
        html = str(form[name])
        assert "maxlength=" not in html.replace("data-maxlength=", ""), html
        assert f'data-maxlength="{form.fields[name].max_length}"' in html, html


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "normal post"])
def test_a_report_of_60000_characters_is_refused_in_thai_and_kept_whole(
    client, project, staff, htmx
):
    client.force_login(staff)
    data = report_data(client, project, narrative=SIXTY_THOUSAND)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("projects:report", args=[project.code]), data, **headers)
    assert response.status_code == 200
    page = page_of(response)
    assert page.texts("#id_narrative_error .field__error") == [
        "ข้อความยาว 60,000 ตัวอักษร เกินกำหนด 20,000 ตัวอักษร กรุณาตัดให้สั้นลง"
    ]
    narrative = page.one("textarea#id_narrative")
    assert narrative.text == SIXTY_THOUSAND  # all of it, nothing cut
    assert narrative.get("maxlength") is None
    assert narrative.get("data-maxlength") == "20000"
    assert not ProgressEntry.objects.exists()


def test_a_plan_step_title_over_its_limit_is_refused_and_kept(client, project, staff):
    PlanStepFactory(project=project, order=1, weight=Decimal(100), title="ขั้นตอนเดิม")
    client.force_login(staff)
    url = reverse("projects:plan_edit", args=[project.code])
    page = page_of(client.get(url))
    data = {
        element.get("name"): element.get("value") or ""
        for element in page.all("#plan-editor input")
        if element.get("name") and element.get("type") != "checkbox"
    }
    data["steps-0-title"] = "ก" * 2_500
    response = client.post(url, data)
    page = page_of(response)
    assert "ข้อความยาว 2,500 ตัวอักษร เกินกำหนด 2,000 ตัวอักษร กรุณาตัดให้สั้นลง" in page.text(".field__error")
    assert page.one("textarea[name='steps-0-title']").text.removeprefix("\n") == "ก" * 2_500
    assert project.steps.get().title == "ขั้นตอนเดิม"


MAXLENGTH = re.compile(r"<(?:input|textarea)\b[^>]*\smaxlength=", re.IGNORECASE)


def test_no_input_or_textarea_on_any_page_has_a_maxlength(client, world):  # noqa: F811
    """Every page of the permission matrix that anybody may open, as each role sees it
    (forms of the project page, the report form, the plan editor, the evaluation screen,
    the KPI rows and criteria, the imports, the login page)."""
    seen = 0
    for key, (method, spec, _expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(world["users"][role])
            response = client.get(path_of(key, spec, world))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            seen += html.count("<input") + html.count("<textarea")
            found = MAXLENGTH.findall(html)
            assert not found, f"{key} as {role}: {len(found)} field(s) with maxlength"
    assert seen > 100


def test_no_template_writes_a_maxlength():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"\smaxlength=", path.read_text(encoding="utf-8"))
    ]
    assert found == []
