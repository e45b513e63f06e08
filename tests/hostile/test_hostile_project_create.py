"""Hostile input on โครงการใหม่ (/projects/new/): every field of the form, as a normal and
as an htmx post, by the agency's staff. Refused: a Thai message next to the field and
nothing stored; accepted: the project holds exactly what was sent (stripped, the lists one
item a line) and its page shows it escaped."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Indicator
from projects.forms import typed_lines
from projects.models import Project, ProjectObjective, StrategyLink
from projects.money import parse_baht
from tests.hostile import http, values
from tests.hostile.test_hostile_projects import received, some_of, text_refused
from tests.hostile.values import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

AGENCY = "{agency}"  # the staff's agency code, put in by the test
TEXTS = {  # field: (max_length, required)
    "name": (500, True),
    "responsible": (255, False),
    "responsible_phone": (50, False),
    "budget_code": (30, False),
    "organisation_code": (30, False),
    "rationale": (20000, False),
    "targets": (20000, False),
    "objectives": (20000, False),
    "strategy_links": (20000, False),
}
FIELDS = {
    **{name: values.texts() for name in TEXTS},
    "code": st.one_of(
        values.anything(),
        st.text(alphabet="0123456789๑٣ -", max_size=10).map(lambda n: f"{AGENCY}-{n}"),
        st.sampled_from([f"{AGENCY}-7002", f"{AGENCY}-", AGENCY, f" {AGENCY}-1 "]),
    ),
    "fiscal_year": values.anything(),
    "indicators": st.lists(values.anything(), min_size=1, max_size=3),
    "agency": values.anything(),
    "budget_allocated": st.one_of(values.numbers(), st.sampled_from(values.AMOUNTS)),
    "budget_type": values.anything(),
    "budget_source": st.one_of(values.anything(), st.sampled_from(["current", "carried_over"])),
}


def amount_refused(sent: str | None) -> bool:
    if sent is None:
        return False
    try:
        parse_baht(received(sent))
    except ValidationError:
        return True
    return "\x00" in sent


def stored():
    return http.snapshot(Project, ProjectObjective, StrategyLink, Indicator.projects.through)


def must_be_refused(data: dict, hostile: dict, agency) -> str | None:
    """The field no project can be created with, if any (None: it may be either)."""
    for name, (max_length, required) in TEXTS.items():
        if name in hostile and text_refused(
            hostile[name], max_length=max_length, required=required
        ):
            return name
    if amount_refused(hostile.get("budget_allocated")):
        return "budget_allocated"
    lines = typed_lines(received(hostile.get("strategy_links", "")))
    if any(len(line) > 500 for line in lines):
        return "strategy_links"
    code = received(data["code"]).strip()
    if "\x00" in code or len(code) > 30 or not agency.owns_project_code(code):
        return "code"
    if Project.objects.filter(code=code).exists():
        return "code"
    return None


@HOSTILE
@given(hostile=some_of(FIELDS), htmx=st.booleans())
def test_new_project(client, project, staff, hostile, htmx):
    agency = project.agency
    hostile = {
        name: (
            [v.replace(AGENCY, agency.code) for v in value]
            if isinstance(value, list)
            else value.replace(AGENCY, agency.code)
        )
        for name, value in hostile.items()
    }
    client.force_login(staff)
    data = {
        "fiscal_year": "2569",
        "code": f"{agency.code}-7001",
        "name": "โครงการใหม่ทดสอบ",
        "objectives": "เพื่อทดสอบ",
        **hostile,
    }
    with http.rolled_back():
        # A code that is taken.
        Project.objects.create(
            code=f"{agency.code}-7002",
            name="มีอยู่แล้ว",
            agency=agency,
            fiscal_year=project.fiscal_year,
        )
        bad = must_be_refused(data, hostile, agency)
        before = stored()
        response = http.post(
            client,
            "/projects/new/",
            data,
            htmx="kpi-slot" if htmx else None,
            form="new project (POST)",
        )
        after = stored()
        if bad or response.status_code != 302:
            # A field the form refuses for a reason not modelled here (a year that is not
            # 2569, a KPI not offered, another agency named: 403) is refused all the same.
            http.assert_refused(response, before, after, field=bad)
            return
        created = Project.objects.get(code=received(data["code"]).strip())
        assert created.agency == agency
        assert created.fiscal_year == project.fiscal_year
        for name in TEXTS.keys() - {"objectives", "strategy_links"}:
            if name in hostile:
                assert getattr(created, name) == received(hostile[name]).strip()
        for name, related in (("objectives", "objectives"), ("strategy_links", "strategy_links")):
            if name in hostile:
                texts = list(getattr(created, related).values_list("text", flat=True))
                assert texts == typed_lines(received(hostile[name]).strip())
        if "budget_allocated" in hostile:
            assert created.budget_allocated == parse_baht(received(hostile["budget_allocated"]))
        http.get(client, f"/projects/{created.code}/", form="new project (POST)")
