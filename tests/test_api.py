"""The read-only JSON API /api/v1/ (issue 17, item 3): what anonymous and token requests
read, filters, cursor pages, ETags, query counts, the schema and its docs page."""

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from openapi_spec_validator import validate

from projects import pagecache
from projects.models import BudgetTransfer, BudgetType, User
from reports.api import services
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    IndicatorFactory,
    IndicatorLevelFactory,
    IndicatorQuarterResultFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    QuarterEvaluationFactory,
    ReportSubmissionFactory,
    StrategyLinkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "ร่างรายงานที่ยังไม่ส่ง ห้ามเผยแพร่"
EVALUATOR_COMMENT = "ความเห็นภายในของผู้ประเมิน"


def full_project(year, agency, *, internal=False, kpi=None):
    project = ProjectFactory(fiscal_year=year, agency=agency, is_internal=internal)
    ProjectObjectiveFactory(project=project, order=1, text="เพื่อประชาชน")
    StrategyLinkFactory(project=project, order=1, text="ภารกิจงานประจำของหน่วยงาน")
    for order in (1, 2):
        PlanStepFactory(project=project, order=order, weight=Decimal(50))
    ProgressEntryFactory(project=project, reported_on=year.starts_on + dt.timedelta(days=20))
    if kpi is not None:
        kpi.projects.add(project)
    return project


@pytest.fixture
def year():
    return FiscalYearFactory(year_be=2569)


@pytest.fixture
def data(year):
    agency = AgencyFactory(code="50010000")
    public_kpi = IndicatorFactory(code="5001-001")
    internal_kpi = IndicatorFactory(code="5001-002", is_internal=True)
    IndicatorLevelFactory(indicator=public_kpi, level=1)
    IndicatorQuarterResultFactory(indicator=public_kpi, fiscal_year=year, comment=EVALUATOR_COMMENT)
    IndicatorQuarterResultFactory(indicator=internal_kpi, fiscal_year=year)
    public = full_project(year, agency, kpi=public_kpi)
    internal_kpi.projects.add(public)
    internal = full_project(year, agency, internal=True, kpi=public_kpi)
    budget_type, _created = BudgetType.objects.get_or_create(name="งบดำเนินงาน")
    public.budget_allocated = Decimal("1000000.00")
    public.budget_type = budget_type
    public.save()
    BudgetTransfer.objects.create(
        project=public, transferred_on=year.starts_on, amount=Decimal("-2500.50"), reason="โอนออก"
    )
    QuarterEvaluationFactory(project=public, quarter=1, project_score=80, comment=EVALUATOR_COMMENT)
    QuarterEvaluationFactory(project=internal, quarter=1, project_score=70)
    ReportSubmissionFactory(
        project=public, narrative=DRAFT_TEXT, period=year.starts_on.replace(month=11)
    )
    return {"public": public, "internal": internal, "agency": agency}


@pytest.fixture
def reader():
    return UserFactory(role=User.Role.STAFF, agency=AgencyFactory(code="50020000"))


@pytest.fixture
def token_headers(reader):
    _token, key = services.api_token_create(user=reader, name="BI", expires_on=None)
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def every_page(client, url, **headers):
    rows = []
    while url:
        answer = client.get(url, **headers)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        rows += body["results"]
        url = body["next"]
    return rows


# --- who reads what ------------------------------------------------------------------------------


def test_anonymous_reads_only_the_public_data(client, data):
    codes = [row["code"] for row in every_page(client, "/api/v1/projects/")]
    assert codes == [data["public"].code]

    everything = b"".join(
        client.get(f"/api/v1/{name}/").content
        for name in ("projects", "monthly-reports", "quarter-evaluations", "kpis", "kpi-results")
    ).decode()
    for never in (
        data["internal"].code,  # an internal project
        "5001-002",  # an internal KPI
        "นางสาวทดสอบ ใจดี",  # the responsible person (staff names)
        "responsible",
        "ผู้ใช้",  # users' names (who saved, submitted)
        DRAFT_TEXT,  # a report not approved
        EVALUATOR_COMMENT,
        "is_internal",
    ):
        assert never not in everything
    project = client.get(f"/api/v1/projects/{data['public'].code}/").json()
    assert project["kpi_codes"] == ["5001-001"]
    assert client.get(f"/api/v1/projects/{data['internal'].code}/").status_code == 404


def test_a_token_reads_what_its_user_reads_on_the_pages(client, data, token_headers):
    rows = every_page(client, "/api/v1/projects/", **token_headers)
    assert {row["code"] for row in rows} == {data["public"].code, data["internal"].code}
    public = next(row for row in rows if row["code"] == data["public"].code)
    assert public["responsible"] == "นางสาวทดสอบ ใจดี"
    assert public["kpi_codes"] == ["5001-001", "5001-002"]
    assert public["objectives"] == ["เพื่อประชาชน"]
    assert public["strategy_links"] == ["ภารกิจงานประจำของหน่วยงาน"]
    assert [step["weight"] for step in public["steps"]] == ["50.00", "50.00"]
    assert public["budget"] == {
        "allocated": "1000000.00",
        "after_transfers": "997499.50",
        "type": "งบดำเนินงาน",
        "source": "current",
        "transfers": [
            {
                "transferred_on": str(data["public"].fiscal_year.starts_on),
                "amount": "-2500.50",
                "reason": "โอนออก",
            }
        ],
    }
    internal = next(row for row in rows if row["code"] == data["internal"].code)
    assert internal["budget"] is None
    reports = client.get("/api/v1/monthly-reports/", **token_headers).content.decode()
    assert DRAFT_TEXT not in reports  # approved entries only, for readers too
    results = client.get("/api/v1/kpi-results/", **token_headers).json()["results"]
    assert {row["kpi"] for row in results} == {"5001-001", "5001-002"}


def test_without_the_public_site_anonymous_requests_are_refused(
    client, data, token_headers, settings
):
    settings.BMA_PUBLIC_SITE = False
    answer = client.get("/api/v1/projects/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    assert client.get("/api/v1/projects/", **token_headers).status_code == 200


# --- filters and pages ------------------------------------------------------------------------


def test_filters(client, data, year):
    other_year = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2568), agency=data["agency"])
    other_agency = ProjectFactory(fiscal_year=year)

    def codes(query):
        return {row["code"] for row in every_page(client, f"/api/v1/projects/?{query}")}

    assert codes("year=2569") == {data["public"].code, other_agency.code}
    assert codes("year=2568") == {other_year.code}
    assert codes("agency=50010000") == {data["public"].code, other_year.code}
    assert codes(f"code={other_agency.code}") == {other_agency.code}
    assert codes("updated_since=2999-01-01T00:00:00%2B07:00") == set()
    assert codes("updated_since=2000-01-01") == {
        data["public"].code,
        other_year.code,
        other_agency.code,
    }
    answer = client.get("/api/v1/projects/?year=abc")
    assert answer.status_code == 400
    assert "พ.ศ." in answer.json()["year"][0]
    assert client.get("/api/v1/projects/?updated_since=yesterday").status_code == 400
    kpis = client.get("/api/v1/kpis/?year=2569&agency=50010000").json()["results"]
    assert [kpi["code"] for kpi in kpis] == ["5001-001"]
    assert kpis[0]["levels"] == [{"level": 1, "description": "ดำเนินการได้ระดับ 1"}]
    reports = client.get(f"/api/v1/monthly-reports/?code={data['public'].code}").json()
    assert [row["project"] for row in reports["results"]] == [data["public"].code]


def test_a_token_client_pages_through_every_project_of_a_year(client, year, token_headers):
    agencies = [AgencyFactory() for _ in range(3)]
    for n in range(23):
        ProjectFactory(fiscal_year=year, agency=agencies[n % 3], is_internal=n % 4 == 0)
    ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2568))

    rows = every_page(client, "/api/v1/projects/?year=2569&page_size=5", **token_headers)

    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 23
    assert set(codes) == set(year.projects.values_list("code", flat=True))


def test_page_size_has_a_maximum(client, year, settings):
    settings.BMA_API_MAX_PAGE_SIZE = 3
    for _ in range(5):
        ProjectFactory(fiscal_year=year)
    assert len(client.get("/api/v1/projects/?page_size=100").json()["results"]) == 3


@pytest.mark.parametrize("rows", [5, 50])
def test_queries_do_not_grow_with_the_page(
    client, year, rows, django_assert_num_queries, token_headers
):
    kpi = IndicatorFactory()
    agency = AgencyFactory()
    for _ in range(rows):
        full_project(year, agency, kpi=kpi)
    client.get("/api/v1/agencies/", **token_headers)  # the token's first use is written once
    # The projects (with agency, year, budget type); objectives, strategy links, steps,
    # budget transfers, KPI codes. (The token is kept: api.authentication.)
    with django_assert_num_queries(6):
        answer = client.get("/api/v1/projects/?page_size=50", **token_headers)
    assert len(answer.json()["results"]) == rows
    # The reports with their projects.
    with django_assert_num_queries(1):
        client.get("/api/v1/monthly-reports/?page_size=50", **token_headers)
    # The KPIs; their levels (anonymous: no token).
    with django_assert_num_queries(2):
        client.get("/api/v1/kpis/?page_size=50")


# --- polling ----------------------------------------------------------------------------------


def test_an_unchanged_poll_is_304_without_a_query(client, data, django_assert_num_queries):
    first = client.get("/api/v1/projects/?year=2569")
    tag = first["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/api/v1/projects/?year=2569", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again["ETag"] == tag
    assert client.get("/api/v1/projects/?year=2568", HTTP_IF_NONE_MATCH=tag).status_code == 200

    data["public"].name = "ชื่อใหม่"
    data["public"].save()
    changed = client.get("/api/v1/projects/?year=2569", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["results"][0]["name"] == "ชื่อใหม่"


def test_readers_and_the_public_get_different_etags(client, data, token_headers):
    public = client.get("/api/v1/projects/")["ETag"]
    answer = client.get("/api/v1/projects/", HTTP_IF_NONE_MATCH=public, **token_headers)
    assert answer.status_code == 200
    assert "Authorization" in answer["Vary"]


def test_a_site_wide_change_changes_the_etag(client, data):
    tag = client.get("/api/v1/kpis/")["ETag"]
    pagecache.bump(pagecache.SITE)
    assert client.get("/api/v1/kpis/", HTTP_IF_NONE_MATCH=tag).status_code == 200


# --- schema and docs --------------------------------------------------------------------------


def test_the_schema_is_valid_openapi(client):
    answer = client.get("/api/v1/schema/")
    assert answer.status_code == 200
    spec = yaml.safe_load(answer.content)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/projects/", "/api/v1/monthly-reports/", "/api/v1/kpi-results/"} <= set(
        spec["paths"]
    )
    assert "โครงการ" in spec["info"]["description"] and "projects" in spec["info"]["description"]


def test_the_docs_page_is_served_from_our_static_files(client, settings):
    settings.BMA_PUBLIC_SITE = False  # the docs show no data
    answer = client.get("/api/v1/docs/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<style" not in html and "<script>" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    csp = answer["Content-Security-Policy"]
    assert "unsafe-inline" not in csp


def test_a_token_answer_is_private_no_store(client, data, token_headers):
    answer = client.get("/api/v1/projects/", **token_headers)
    assert {"private", "no-store"} <= {part.strip() for part in answer["Cache-Control"].split(",")}
    assert client.get("/api/v1/projects/")["Cache-Control"] == "no-cache"


def test_a_kept_answer_costs_no_query_and_is_kept_apart_per_reader(
    client, data, token_headers, django_assert_num_queries
):
    public = client.get("/api/v1/projects/").json()["results"]
    client.get("/api/v1/agencies/", **token_headers)  # the token's first use is written once
    read = client.get("/api/v1/projects/", **token_headers).json()["results"]
    assert len(public) == 1 and len(read) == 2
    with django_assert_num_queries(0):  # the token and the body are kept
        again = client.get("/api/v1/projects/", **token_headers)
    assert again.json()["results"] == read
    with django_assert_num_queries(0):
        assert client.get("/api/v1/projects/").json()["results"] == public


@pytest.mark.parametrize("change", ["step", "step deleted", "objective", "kpi link", "kpi unlink"])
def test_updated_since_sees_a_change_to_a_row_published_with_the_project(client, year, change):
    """A client polling with updated_since gets a project back when only one of the rows
    the API shows with it changed (projects.freshness): its steps, objectives, KPI links."""
    from django.utils import timezone

    from projects.models import Project, ProjectObjective

    project = ProjectFactory(fiscal_year=year)
    step = PlanStepFactory(project=project, order=1)
    kpi = IndicatorFactory()
    if change == "kpi unlink":
        kpi.projects.add(project)
    since = timezone.now()
    Project.objects.filter(pk=project.pk).update(updated_at=since - dt.timedelta(hours=1))
    url = "/api/v1/projects/?updated_since=" + since.isoformat().replace("+", "%2B")
    assert client.get(url).json()["results"] == []

    if change == "step":
        step.title = "ขั้นตอนที่แก้แล้ว"
        step.save()
    elif change == "step deleted":
        step.delete()
    elif change == "objective":
        ProjectObjective.objects.create(project=project, order=1, text="วัตถุประสงค์ใหม่")
    elif change == "kpi link":
        project.indicators.add(kpi)
    else:
        kpi.projects.remove(project)
    assert [row["code"] for row in client.get(url).json()["results"]] == [project.code]
