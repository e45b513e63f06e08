"""The public pages (issue 17): what a visitor without a login may read at /public/, and
what never reaches them (PUBLIC_NEVER_SHOWS), in the HTML and in the PDF's text."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ProgressEntry, ReportSubmission
from tests.factories import (
    AgencyFactory,
    EvidenceFileFactory,
    FiscalYearFactory,
    IndicatorFactory,
    IndicatorQuarterResultFactory,
    MonthReopeningFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    QuarterEvaluationFactory,
    ReportSubmissionFactory,
    StrategyLinkFactory,
    SubmittedReportFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.html import page_of
from tests.pdfs import nfkc, pdf_text

# Texts that only the data a visitor may not read hold (each is written into exactly one
# such place by the ``world`` fixture), and pieces of the logged-in UI that a public page
# never carries.
SECRETS = {
    "responsible person": "นางสาวลับเฉพาะ ผู้รับผิดชอบ",
    "responsible phone": "0812345678",
    "draft report": "ร่างรายงานลับยังไม่ส่งหัวหน้า",
    "submitted report": "รายงานรออนุมัติห้ามเผยแพร่",
    "evidence file": "หลักฐานลับเฉพาะ.pdf",
    "reopen reason": "เหตุผลเปิดรับรายงานลับ",
    "internal project": "โครงการภายในห้ามเผยแพร่",
    "internal KPI": "ตัวชี้วัดภายในห้ามเผยแพร่",
    "evaluator's name": "ผู้ประเมินชื่อลับ",
    "evaluator's comment": "ความเห็นผู้ประเมินลับ",
    "staff's name": "เจ้าหน้าที่ชื่อลับ",
    "KPI result comment": "ความเห็นผลตัวชี้วัดลับ",
}
UI_NEVER_SHOWN = {
    "CSRF token field": "csrfmiddlewaretoken",
    "CSRF header": "X-CSRFToken",
    "a form that posts": 'method="post"',
    "logout": "ออกจากระบบ",
    "evidence download": "/evidence/",
    "change history": "/changes/",
    "plan editor": "/plan/edit",
    "report form": "/report/",
    "approvals": "/approvals/",
    "notifications": "/notifications/",
    "edit plan button": "แก้ไขแผนการดำเนินงาน",
    "approval badge": "อนุมัติแล้ว</span>",
    "waiting for approval": "รออนุมัติ",
    "evidence files": "ไฟล์หลักฐาน",
}
PUBLIC_NEVER_SHOWS = {**SECRETS, **UI_NEVER_SHOWN}
PUBLIC_TEXT = "รายงานที่อนุมัติแล้วเผยแพร่ได้"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BMA_PUBLIC_SITE = True
    year = FiscalYearFactory(year_be=current_fiscal_year_be())
    agency = AgencyFactory(reports_need_approval=True)
    staff = UserFactory(agency=agency, first_name=SECRETS["staff's name"])
    evaluator = UserFactory(evaluator=True, first_name=SECRETS["evaluator's name"])
    project = ProjectFactory(
        agency=agency,
        fiscal_year=year,
        name="โครงการสาธารณะทดสอบการค้นหา",
        responsible=SECRETS["responsible person"],
        responsible_phone=SECRETS["responsible phone"],
    )
    for order, weight in enumerate((20, 30, 50), start=1):
        PlanStepFactory(project=project, order=order, weight=Decimal(weight))
    ProjectObjectiveFactory(project=project, order=1, text="วัตถุประสงค์สาธารณะ")
    StrategyLinkFactory(project=project, order=1)
    october = year.starts_on
    entry = ProgressEntryFactory(
        project=project,
        period=october,
        reported_on=october + dt.timedelta(days=20),
        percent=Decimal(20),
        narrative=PUBLIC_TEXT,
        problems="ปัญหาสาธารณะ",
        created_by=staff,
        updated_by=staff,
    )
    EvidenceFileFactory(entry=entry, original_name=SECRETS["evidence file"], uploaded_by=staff)
    november = dt.date(october.year, 11, 1)
    december = dt.date(october.year, 12, 1)
    ReportSubmissionFactory(
        project=project, period=november, narrative=SECRETS["draft report"], created_by=staff
    )
    SubmittedReportFactory(
        project=project,
        period=december,
        narrative=SECRETS["submitted report"],
        submitted_by=staff,
    )
    MonthReopeningFactory(
        project=project, period=october, reason=SECRETS["reopen reason"], reopened_by=evaluator
    )
    QuarterEvaluationFactory(
        project=project,
        quarter=1,
        result_value=Decimal(20),
        criterion_21=Decimal(80),
        criterion_22=Decimal(90),
        project_score=Decimal(85),
        comment=SECRETS["evaluator's comment"],
        evaluated_by=evaluator,
        evaluated_at=timezone.now(),
    )
    kpi = IndicatorFactory(name="ตัวชี้วัดสาธารณะทดสอบ", projects=[project])
    IndicatorQuarterResultFactory(
        indicator=kpi,
        fiscal_year=year,
        achieved_level=3,
        comment=SECRETS["KPI result comment"],
        evaluated_by=evaluator,
        evaluated_at=timezone.now(),
    )
    internal_kpi = IndicatorFactory(
        name=SECRETS["internal KPI"], label="ลับ.1", is_internal=True, projects=[project]
    )
    internal = ProjectFactory(
        agency=agency, fiscal_year=year, name=SECRETS["internal project"], is_internal=True
    )
    return {
        "project": project,
        "internal": internal,
        "kpi": kpi,
        "internal_kpi": internal_kpi,
        "agency": agency,
        "year": year,
    }


def public_urls(world) -> dict[str, str]:
    project, year = world["project"], world["year"].year_be
    return {
        "list": reverse("public:projects") + f"?year={year}",
        "search": reverse("public:projects") + "?year=&q=สาธารณะทดสอบ",
        "agency list": reverse("public:projects") + f"?year={year}&agency={project.agency.code}",
        "project": reverse("public:project", args=[project.code]),
        "agency": reverse("public:agency", args=[project.agency.code]) + f"?year={year}",
        "indicator": reverse("public:indicator", args=[world["kpi"].code]),
    }


def never_shown(text: str) -> dict[str, str]:
    text = nfkc(text)
    return {name: mark for name, mark in PUBLIC_NEVER_SHOWS.items() if nfkc(mark) in text}


@pytest.mark.parametrize(
    "name", ["list", "search", "agency list", "project", "agency", "indicator"]
)
def test_an_anonymous_visitor_reads_each_public_page(client, world, name):
    response = client.get(public_urls(world)[name])
    assert response.status_code == 200
    html = response.content.decode()
    assert never_shown(html) == {}
    # The header has no staff menu, a link to log in.
    assert page_of(response).one("#login-link").get("href") == reverse("login")


def test_the_public_project_page_shows_what_the_public_may_read(client, world):
    project = world["project"]
    page = page_of(client.get(reverse("public:project", args=[project.code])))
    text = page.text("main")
    for expected in (
        project.name,
        PUBLIC_TEXT,
        "ปัญหาสาธารณะ",
        "วัตถุประสงค์สาธารณะ",
        "ขั้นตอนทดสอบ",
        "ตัวชี้วัดสาธารณะทดสอบ",
        "80 / 90",
    ):
        assert expected in text, expected
    assert page.one("#public-pdf").get("href") == reverse("public:project_pdf", args=[project.code])


def test_the_search_finds_the_project_and_not_the_internal_one(client, world):
    page = page_of(client.get(reverse("public:projects") + "?year=&q=ทดสอบ"))
    links = [a.get("href") for a in page.all("table.projects a")]
    assert reverse("public:project", args=[world["project"].code]) in links
    assert reverse("public:project", args=[world["internal"].code]) not in links


def test_the_pdf_text_holds_the_project_and_none_of_the_private_data(client, world):
    project = world["project"]
    response = client.get(reverse("public:project_pdf", args=[project.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert nfkc(PUBLIC_TEXT) in text
    assert never_shown(text) == {}
    assert nfkc("ลงชื่อ") not in text  # no signature block


def test_the_logged_in_pages_do_show_the_secrets(client, world):
    """The check above can fail: the same data are on the logged-in page and print."""
    client.force_login(UserFactory(admin=True))
    project = world["project"]
    html = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert SECRETS["responsible person"] in html
    assert SECRETS["evidence file"] in html
    assert SECRETS["internal KPI"] in html
    pdf = pdf_text(client.get(reverse("print:project_pdf", args=[project.code])).content)
    assert nfkc(SECRETS["responsible person"]) in pdf
    assert nfkc(SECRETS["evaluator's name"]) in pdf


@pytest.mark.parametrize("name", ["project", "pdf"])
def test_an_internal_project_is_not_found(client, world, name):
    code = world["internal"].code
    view = {"project": "public:project", "pdf": "public:project_pdf"}[name]
    assert client.get(reverse(view, args=[code])).status_code == 404


def test_an_internal_kpi_is_not_found(client, world):
    url = reverse("public:indicator", args=[world["internal_kpi"].code])
    assert client.get(url).status_code == 404


def test_every_public_page_is_not_found_while_the_public_site_is_off(client, world, settings):
    settings.BMA_PUBLIC_SITE = False
    urls = {
        **public_urls(world),
        "pdf": reverse("public:project_pdf", args=[world["project"].code]),
    }
    assert {name: client.get(url).status_code for name, url in urls.items()} == dict.fromkeys(
        urls, 404
    )
    assert client.get(reverse("sitemap")).status_code == 404
    assert "Disallow: /\n" in client.get("/robots.txt").content.decode()


def test_reports_not_yet_approved_are_never_entries(world):
    """What the page lists are ProgressEntry rows: the draft and the submission are
    ReportSubmission rows, which no public query reads."""
    project = world["project"]
    assert list(
        ProgressEntry.objects.filter(project=project).values_list("narrative", flat=True)
    ) == [PUBLIC_TEXT]
    assert ReportSubmission.objects.filter(project=project).count() == 2


# --- The root, the header, what browsers may keep -----------------------------------------


def test_the_root_shows_the_public_list_to_an_anonymous_visitor(client, world):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("public:projects") + "?year=")
    assert response.status_code == 200


def test_the_root_asks_for_a_login_while_the_public_site_is_off(client, world, settings):
    settings.BMA_PUBLIC_SITE = False
    response = client.get("/")
    assert response["Location"] == reverse("login") + "?next=/"


def test_people_logged_in_keep_their_home(client, world):
    client.force_login(UserFactory(manager=True))
    assert client.get("/")["Location"] == reverse("dashboard:index")


def test_the_logged_in_project_page_links_to_its_public_address(client, world):
    client.force_login(UserFactory(manager=True))
    project = world["project"]
    page = page_of(client.get(reverse("projects:detail", args=[project.code])))
    assert page.one("#public-link").get("href") == reverse("public:project", args=[project.code])
    internal = page_of(client.get(reverse("projects:detail", args=[world["internal"].code])))
    assert internal.all("#public-link") == []


def test_a_public_page_may_be_kept_a_minute_by_anonymous_visitors_only(client, world):
    url = public_urls(world)["project"]
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=60"
    assert {"Cookie", "Accept-Language", "HX-Request"} <= {
        v.strip() for v in response["Vary"].split(",")
    }
    assert response.cookies == {}  # no session, no CSRF cookie
    client.force_login(UserFactory(manager=True))
    response = client.get(url)
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_canonical_address_and_open_graph_tags(client, world, settings):
    settings.BMA_SITE_URL = "https://progress.bangkok.go.th"
    project = world["project"]
    page = page_of(client.get(reverse("public:project", args=[project.code])))
    url = f"https://progress.bangkok.go.th/public/projects/{project.code}/"
    assert page.one('link[rel="canonical"]').get("href") == url
    meta = {m.get("property"): m.get("content") for m in page.all("meta[property]")}
    assert meta["og:title"] == f"{project.code} {project.name}"
    assert meta["og:url"] == url
    assert meta["og:type"] == "website"
    assert meta["og:locale"] == "th_TH"
    assert project.agency.name in meta["og:description"]


def test_robots_and_sitemap(client, world, settings):
    settings.BMA_SITE_URL = "https://progress.bangkok.go.th"
    robots = client.get("/robots.txt").content.decode()
    assert "Allow: /public/\nDisallow: /\n" in robots
    assert "Sitemap: https://progress.bangkok.go.th/sitemap.xml" in robots
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert f"https://progress.bangkok.go.th/public/projects/{world['project'].code}/" in sitemap
    assert world["internal"].code not in sitemap


# --- Rate limits ------------------------------------------------------------------------------


def test_too_many_requests_from_one_address_get_the_thai_429_page(client, world, settings):
    settings.BMA_PUBLIC_RATE = "3/m"
    url = public_urls(world)["list"]
    statuses = [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert "เรียกใช้บ่อยเกินไป" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    # Another address is counted on its own.
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_the_rate_limit_counts_the_address_the_proxy_saw(client, world, settings):
    """The client address rule of the lockouts (BMA_PROXY_COUNT): a client writing its own
    X-Forwarded-For entries does not escape the limit."""
    settings.BMA_PUBLIC_RATE = "2/m"
    settings.BMA_PROXY_COUNT = 1
    url = public_urls(world)["list"]
    statuses = [
        client.get(
            url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_pdfs_have_their_own_lower_rate(client, world, settings):
    settings.BMA_PUBLIC_PDF_RATE = "1/m"
    url = reverse("public:project_pdf", args=[world["project"].code])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    assert client.get(public_urls(world)["project"]).status_code == 200


# --- Query counts -----------------------------------------------------------------------------


def test_the_public_project_page_reads_a_bounded_number_of_queries(
    client, world, settings, django_assert_max_num_queries
):
    settings.BMA_PAGE_CACHE_SECONDS = 0  # rendered every time
    project = world["project"]
    for month in range(2, 12):
        ProgressEntryFactory(
            project=project,
            period=dt.date(project.fiscal_year.starts_on.year + 1, month % 12 or 12, 1),
            percent=Decimal(30),
        )
    # The project with its agency, year and latest report; objectives; strategy links (with
    # their nodes); steps; the baseline plan (issue 18); the reports' points (S-curve);
    # KPIs; quarter evaluations; the history's count and page: 10, whatever the number of
    # reports (a project with a budget adds its transfers and the year's disbursement
    # targets).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("public:project", args=[project.code]))
    assert response.status_code == 200


def test_the_public_list_reads_a_bounded_number_of_queries(
    client, world, settings, django_assert_max_num_queries
):
    settings.BMA_PAGE_CACHE_SECONDS = 0
    for _ in range(30):
        ProjectFactory(agency=world["agency"], fiscal_year=world["year"])
    # Fiscal years, agencies, the page's count, the page of projects with their latest
    # report: 4, whatever the number of projects.
    with django_assert_max_num_queries(4):
        response = client.get(public_urls(world)["list"])
    assert response.status_code == 200


def test_the_agency_summary_reads_a_bounded_number_of_queries(
    client, world, settings, django_assert_max_num_queries
):
    settings.BMA_PAGE_CACHE_SECONDS = 0
    for _ in range(30):
        ProjectFactory(agency=world["agency"], fiscal_year=world["year"])
    # The agency; fiscal years; the year's deadlines; the projects' values (average,
    # behind); the approved reports of the ended months; the page's count and projects: 7.
    with django_assert_max_num_queries(7):
        response = client.get(public_urls(world)["agency"])
    assert response.status_code == 200
    text = page_of(response).text("main")
    assert "31" in page_of(response).text("#agency-count")
    assert SECRETS["internal project"] not in text


def test_a_kept_public_page_is_served_without_rendering_again(
    client, world, django_assert_max_num_queries
):
    url = public_urls(world)["project"]
    client.get(url)
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


# --- Admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["admin:projects_project_changelist", "admin:indicators_indicator_changelist"]
)
def test_administrators_filter_and_edit_is_internal_in_the_admin(client, world, url):
    client.force_login(UserFactory(admin=True, is_superuser=True))
    html = client.get(reverse(url) + "?is_internal__exact=1").content.decode()
    assert "is_internal__exact=0" in html  # the filter
    assert 'name="form-0-is_internal"' in html  # editable in the list


def test_the_kpi_page_reads_a_bounded_number_of_queries(
    client, world, settings, django_assert_max_num_queries
):
    settings.BMA_PAGE_CACHE_SECONDS = 0
    for _ in range(30):
        world["kpi"].projects.add(ProjectFactory(agency=world["agency"], fiscal_year=world["year"]))
    # The KPI; fiscal years; the default year; its levels; the year's results and locks;
    # the page's count and projects: 8, whatever the number of projects.
    with django_assert_max_num_queries(8):
        response = client.get(public_urls(world)["indicator"])
    assert response.status_code == 200
    assert SECRETS["internal project"] not in response.content.decode()


def test_the_list_answers_htmx_with_its_results_only(client, world):
    response = client.get(public_urls(world)["search"], HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert world["project"].code in html


def test_a_project_marked_internal_leaves_the_kept_pages_at_once(client, world):
    project = world["project"]
    url = reverse("public:project", args=[project.code])
    list_url = public_urls(world)["list"]
    assert client.get(url).status_code == 200
    assert project.code in client.get(list_url).content.decode()
    project.is_internal = True
    project.save()
    assert client.get(url).status_code == 404
    assert project.code not in client.get(list_url).content.decode()


def test_a_kept_pdf_is_served_without_rendering_again_until_the_project_changes(
    client, world, django_assert_max_num_queries
):
    project = world["project"]
    url = reverse("public:project_pdf", args=[project.code])
    first = client.get(url).content
    with django_assert_max_num_queries(1):  # the project's head: public or not
        assert client.get(url).content == first
    project.is_internal = True
    project.save()
    assert client.get(url).status_code == 404


def test_an_english_visitor_gets_english_page_metadata(client, world):
    response = client.get(public_urls(world)["project"], HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = page_of(response)
    assert page.one("html").get("lang") == "en"
    meta = {m.get("property"): m.get("content") for m in page.all("meta[property]")}
    assert meta["og:locale"] == "en_US"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    ("query", "found"),
    [(PUBLIC_TEXT, True), (SECRETS["draft report"], False), (SECRETS["submitted report"], False)],
)
def test_the_search_reads_approved_reports_only(client, world, query, found):
    """A search by words of a report not yet approved does not tell a visitor it exists."""
    response = client.get(reverse("public:projects"), {"year": "", "q": query})
    assert (world["project"].code in response.content.decode()) is found


def test_the_not_found_page_leads_a_visitor_back_to_the_public_list(client, world):
    response = client.get(reverse("public:project", args=[world["internal"].code]))
    assert response.status_code == 404
    links = [a.get("href") for a in page_of(response).all("main a")]
    assert reverse("public:projects") in links
