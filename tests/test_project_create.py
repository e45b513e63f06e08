"""โครงการใหม่ (/projects/new/): staff of an agency and administrators create a project in
a form (its code the agency's prefix and unique), then land on the plan editor. The
service (projects.services.project_create) and the KPI link (indicators.services.
project_indicators_add) are tried on their own too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators import services as indicator_services
from projects import services
from projects.models import Project
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    IndicatorFactory,
    IndicatorQuarterResultFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.html import page_of, text_of

URL = reverse("projects:create")


@pytest.fixture
def world(db):
    """Agency A (with its KPIs of this year, of last year and a new one) and agency B, a
    user per role."""
    year = FiscalYearFactory(year_be=current_fiscal_year_be())
    last_year = FiscalYearFactory(year_be=current_fiscal_year_be() - 1)
    a = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    b = AgencyFactory(code="09000000", name="สำนักการโยธา")
    existing = ProjectFactory(agency=a, fiscal_year=year, code="01000000-7001")
    kpis = {
        "this year": IndicatorFactory(code="0100-701", label="อ.5/1", projects=[existing]),
        "scored this year": IndicatorFactory(code="0100-702"),
        "new": IndicatorFactory(code="0100-703"),
        "last year": IndicatorFactory(
            code="0100-601", projects=[ProjectFactory(agency=a, fiscal_year=last_year)]
        ),
        "other agency": IndicatorFactory(code="0900-701"),
    }
    IndicatorQuarterResultFactory(indicator=kpis["scored this year"], fiscal_year=year)
    return {
        "year": year,
        "last year": last_year,
        "a": a,
        "b": b,
        "existing": existing,
        "kpis": kpis,
        "staff": UserFactory(agency=a),
        "other staff": UserFactory(agency=b),
        "evaluator": UserFactory(evaluator=True),
        "manager": UserFactory(manager=True),
        "admin": UserFactory(admin=True),
    }


def filled(world, **changes) -> dict:
    data = {
        "fiscal_year": str(world["year"].year_be),
        "code": "01000000-7002",
        "name": "โครงการอบรมสมาชิกสภากรุงเทพมหานคร",
        "responsible": "นางสุดา ใจดี",
        "responsible_phone": "1234",
        "rationale": "เพื่อพัฒนาความรู้ของสมาชิกสภา",
        "objectives": "1. เพื่อเพิ่มพูนความรู้\n2. เพื่อแลกเปลี่ยนประสบการณ์\n\n3. เพื่อสร้างเครือข่าย",
        "targets": "สมาชิกสภา 50 คน",
        "strategy_links": "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.5\n**** ภารกิจงานประจำของหน่วยงาน ****",
        "budget_code": "01000800",
        "organisation_code": "01000800",
        "indicators": [str(world["kpis"]["this year"].pk), str(world["kpis"]["new"].pk)],
    }
    data.update(changes)
    return data


def error_of(response, field: str) -> str:
    return " ".join(page_of(response).texts(f"#id_{field}_error"))


# --- Staff ---------------------------------------------------------------------------------


def test_staff_create_a_project_and_land_on_the_plan_editor(client, world):
    client.force_login(world["staff"])
    response = client.post(URL, filled(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:plan_edit", args=["01000000-7002"])

    project = Project.objects.get(code="01000000-7002")
    assert project.agency == world["a"]
    assert project.fiscal_year == world["year"]
    assert (project.responsible, project.responsible_phone) == ("นางสุดา ใจดี", "1234")
    assert [o.text for o in project.objectives.order_by("order")] == [
        "เพื่อเพิ่มพูนความรู้",
        "เพื่อแลกเปลี่ยนประสบการณ์",
        "เพื่อสร้างเครือข่าย",
    ]
    assert [(s.order, s.text) for s in project.strategy_links.order_by("order")] == [
        (1, "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.5"),
        (2, "**** ภารกิจงานประจำของหน่วยงาน ****"),
    ]
    assert sorted(project.indicators.values_list("code", flat=True)) == ["0100-701", "0100-703"]
    assert project.history.get().history_user == world["staff"]

    editor = client.get(response["Location"])
    assert "สร้างโครงการ 01000000-7002 แล้ว" in page_of(editor).text(".messages")


def test_staff_see_their_agency_this_year_and_its_kpis(client, world):
    client.force_login(world["staff"])
    page = page_of(client.get(URL))
    assert not page.all("select[name=agency]")
    assert "สำนักงานเลขานุการสภากรุงเทพมหานคร" in page.text(".new-project__agency")
    assert page.one("#id_code").get("value") == "01000000-"
    selected = page.one("#id_fiscal_year option[selected]").get("value")
    assert selected == str(current_fiscal_year_be())
    offered = page.texts(".new-project__kpi-code")
    # This year's (supported or scored) and the new one; not last year's, not B's.
    assert offered == ["0100-701", "0100-702", "0100-703"]


def test_the_kpis_offered_follow_the_year_chosen(client, world):
    client.force_login(world["staff"])
    response = client.get(
        URL,
        {"fiscal_year": world["last year"].year_be},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="kpi-slot",
    )
    fragment = page_of(response)
    assert not fragment.all("form")  # the fragment alone
    assert fragment.texts(".new-project__kpi-code") == ["0100-601", "0100-703"]


def test_another_agencys_prefix_is_refused_and_nothing_typed_is_lost(client, world):
    client.force_login(world["staff"])
    response = client.post(URL, filled(world, code="09000000-7002"))
    assert response.status_code == 200
    assert not Project.objects.filter(code="09000000-7002").exists()
    assert "รหัสโครงการต้องเป็นรหัสหน่วยงาน 01000000 ตามด้วยขีดและตัวเลข" in error_of(response, "code")
    page = page_of(response)
    assert page.one("#id_code").get("value") == "09000000-7002"
    assert text_of(page.one("#id_name")) == "โครงการอบรมสมาชิกสภากรุงเทพมหานคร"
    assert "เพื่อแลกเปลี่ยนประสบการณ์" in text_of(page.one("#id_objectives"))
    checked = [i.get("value") for i in page.all("input[name=indicators][checked]")]
    assert sorted(checked) == sorted(filled(world)["indicators"])
    assert "id_code_error" in page.one("#id_code").get("aria-describedby").split()


@pytest.mark.parametrize("code", ["01000000", "01000000-", "01000000-12a", "0100000-1234"])
def test_a_code_not_of_the_agencys_form_is_refused(client, world, code):
    client.force_login(world["staff"])
    response = client.post(URL, filled(world, code=code))
    assert response.status_code == 200
    assert "ตามด้วยขีดและตัวเลข" in error_of(response, "code")
    assert Project.objects.count() == 2


def test_a_taken_code_is_refused_with_a_link_to_its_project(client, world):
    client.force_login(world["staff"])
    response = client.post(URL, filled(world, code="01000000-7001"))
    assert response.status_code == 200
    assert "มีโครงการรหัสนี้แล้ว: 01000000-7001" in error_of(response, "code")
    link = page_of(response).one("#id_code_error a")
    assert link.get("href") == reverse("projects:detail", args=["01000000-7001"])
    assert Project.objects.count() == 2


def test_required_fields_are_said_in_thai(client, world):
    client.force_login(world["staff"])
    response = client.post(URL, filled(world, code="", name="  ", fiscal_year=""))
    assert response.status_code == 200
    assert error_of(response, "code") == "กรุณากรอกรหัสโครงการ"
    assert error_of(response, "name") == "กรุณากรอกชื่อโครงการ"
    assert error_of(response, "fiscal_year") == "เลือกปีงบประมาณ"


def test_a_kpi_not_offered_is_refused(client, world):
    client.force_login(world["staff"])
    other = str(world["kpis"]["other agency"].pk)
    response = client.post(URL, filled(world, indicators=[other]))
    assert response.status_code == 200
    assert "เลือกได้เฉพาะตัวชี้วัดของหน่วยงาน" in page_of(response).text("#kpi-error")
    assert not Project.objects.filter(code="01000000-7002").exists()


def test_staff_cannot_choose_another_agency(client, world):
    client.force_login(world["staff"])
    assert client.get(URL, {"agency": "09000000"}).status_code == 403
    response = client.post(URL, filled(world, agency="09000000", code="09000000-7002"))
    assert response.status_code == 403
    assert not Project.objects.filter(agency=world["b"]).exists()


# --- Administrators and the others ----------------------------------------------------------


def test_administrators_create_for_any_agency(client, world):
    client.force_login(world["admin"])
    page = page_of(client.get(URL))
    assert page.all("select[name=agency]")
    assert "เลือกหน่วยงานและปีงบประมาณ" in page.text("#kpi-choices")

    page = page_of(client.get(URL, {"agency": "09000000"}))
    assert page.one("#id_agency option[selected]").get("value") == "09000000"
    assert page.one("#id_code").get("value") == "09000000-"
    assert page.texts(".new-project__kpi-code") == ["0900-701"]

    data = filled(
        world,
        agency="09000000",
        code="09000000-7001",
        indicators=[str(world["kpis"]["other agency"].pk)],
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    project = Project.objects.get(code="09000000-7001")
    assert project.agency == world["b"]
    assert list(project.indicators.values_list("code", flat=True)) == ["0900-701"]


def test_administrators_must_choose_an_agency(client, world):
    client.force_login(world["admin"])
    response = client.post(URL, filled(world, agency=""))
    assert response.status_code == 200
    assert error_of(response, "agency") == "เลือกหน่วยงาน"


@pytest.mark.parametrize("role", ["evaluator", "manager"])
def test_evaluators_and_managers_create_no_project(client, world, role):
    client.force_login(world[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, filled(world, agency="01000000")).status_code == 403
    assert Project.objects.count() == 2


def test_the_new_project_button_is_shown_to_those_who_may(client, world):
    for role, shown in (
        ("staff", True),
        ("admin", True),
        ("manager", False),
        ("evaluator", False),
    ):
        client.force_login(world[role])
        for path in (
            reverse("projects:list") + "?year=",
            reverse("projects:my_agency") + "?agency=01000000",
        ):
            links = page_of(client.get(path)).all(f"a[href^='{URL}']")
            assert bool(links) == shown, (role, path)


def test_an_administrator_creates_from_an_agencys_page_for_that_agency(client, world):
    client.force_login(world["admin"])
    page = page_of(client.get(reverse("projects:my_agency"), {"agency": "09000000"}))
    assert page.one(f"a[href^='{URL}']").get("href") == f"{URL}?agency=09000000"


# --- The services on their own -------------------------------------------------------------


def create(world, **changes):
    values = {
        "user": world["staff"],
        "agency": world["a"],
        "fiscal_year": world["year"],
        "code": "01000000-7002",
        "name": "โครงการทดสอบ",
    }
    values.update(changes)
    return services.project_create(**values)


def test_the_service_refuses_another_agencys_staff(world):
    with pytest.raises(PermissionDenied):
        create(world, user=world["other staff"])
    with pytest.raises(PermissionDenied):
        create(world, user=world["manager"])


def test_the_service_says_what_is_wrong_by_field(world):
    with pytest.raises(ValidationError) as refused:
        create(world, code="09000000-1", name=" ", strategy_links=["ก" * 501])
    assert set(refused.value.message_dict) == {"code", "name", "strategy_links"}
    with pytest.raises(ValidationError) as refused:
        create(world, code=" 01000000-7001 ")
    assert refused.value.message_dict == {"code": ["มีโครงการรหัสนี้แล้ว: 01000000-7001"]}


def test_the_service_keeps_the_order_of_the_lists(world):
    project = create(world, objectives=["ข้อ ข", " ", "ข้อ ก"], strategy_links=["ก", "ข", "ค"])
    assert list(project.objectives.values_list("order", "text")) == [(1, "ข้อ ข"), (2, "ข้อ ก")]
    assert list(project.strategy_links.values_list("text", flat=True)) == ["ก", "ข", "ค"]


def test_only_the_agencys_kpis_of_the_year_may_be_linked(world):
    project = create(world)
    with pytest.raises(ValidationError) as refused:
        indicator_services.project_indicators_add(
            project=project, indicators=[world["kpis"]["last year"]], user=world["staff"]
        )
    assert "indicators" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        indicator_services.project_indicators_add(
            project=project, indicators=[world["kpis"]["new"]], user=world["other staff"]
        )
    indicator_services.project_indicators_add(
        project=project, indicators=[world["kpis"]["new"]], user=world["staff"]
    )
    assert list(project.indicators.all()) == [world["kpis"]["new"]]


def test_a_taken_code_is_said_with_the_other_mistakes_at_once(client, world):
    """The code is checked even when the form refuses something else (seen on the page: a
    missing name first, then, on the next try, the code)."""
    client.force_login(world["staff"])
    response = client.post(URL, filled(world, code="01000000-7001", name=""))
    assert error_of(response, "name") == "กรุณากรอกชื่อโครงการ"
    assert "มีโครงการรหัสนี้แล้ว: 01000000-7001" in error_of(response, "code")
    assert page_of(response).one("#id_code_error a").get("href") == "/projects/01000000-7001/"
    response = client.post(URL, filled(world, code="09000000-1", name=""))
    assert "ต้องเป็นรหัสหน่วยงาน 01000000" in error_of(response, "code")


def test_no_new_project_button_before_an_agency_is_chosen(client, world):
    """An administrator's my-agency page without an agency has nothing to create for."""
    client.force_login(world["admin"])
    page = page_of(client.get(reverse("projects:my_agency")))
    assert not page.all(f"a[href^='{URL}']")
