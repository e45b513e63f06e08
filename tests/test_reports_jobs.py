"""Agency and whole-BMA reports as background jobs: ordering, parts, joining, numbering,
failures, polling, permissions and cleanup."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.models import QuarterEvaluation
from projects.models import BudgetTransfer, Project, ReportingDeadline
from reports import selectors, services
from reports.models import ReportJob
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    IndicatorFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import Page
from tests.pdfs import nfkc, page_count, pdf_fonts, pdf_pages, pdf_text

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def immediate(settings, media):
    settings.TASKS = IMMEDIATE
    settings.BMA_REPORT_PART_SIZE = 2


def make_project(agency, year, n, *, entries=3):
    project = ProjectFactory(
        agency=agency, fiscal_year=year, code=f"{agency.code}-{n:04d}", name=f"โครงการทดสอบลำดับ {n}"
    )
    start = year.starts_on
    for order in range(1, 5):
        PlanStepFactory(
            project=project,
            order=order,
            weight=Decimal(25),
            starts_on=start + dt.timedelta(days=90 * (order - 1)),
            ends_on=start + dt.timedelta(days=90 * order - 1),
        )
    for month in range(entries):
        day = dt.date(
            start.year + (start.month + month - 1) // 12, (start.month + month - 1) % 12 + 1, 5
        )
        ProgressEntryFactory(
            project=project,
            reported_on=day,
            percent=Decimal(10 * (month + 1)),
            narrative=f"ผลการดำเนินงานเดือนที่ {month + 1} ของโครงการลำดับ {n}",
        )
    return project


@pytest.fixture
def year(db):
    return FiscalYearFactory(year_be=2564)


@pytest.fixture
def agency(year):
    agency = AgencyFactory(code="05010000", name="สำนักงานเขตทดสอบรายงาน")
    projects = [make_project(agency, year, n) for n in range(1, 6)]
    IndicatorFactory(projects=projects[:2], label="อ.1/1")
    QuarterEvaluation.objects.create(
        project=projects[0], quarter=1, criterion_21=90, criterion_22=80, project_score=85
    )
    return agency


@pytest.fixture
def manager(db):
    return UserFactory(manager=True, username="manager-test")


def fragment(client, url) -> Page:
    """The htmx answer: a table row, read inside a table as the browser swaps it in."""
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return Page("<table><tbody>" + response.content.decode() + "</tbody></table>")


def order(client, **data):
    payload = {"kind": "agency", "format": "pdf", "quarter": ""} | data
    return client.post(reverse("reports:index"), payload)


def test_manager_orders_agency_pdf_built_in_parts_and_numbered(
    immediate, client, manager, agency, year, media
):
    client.force_login(manager)
    response = order(client, agency=agency.pk, fiscal_year=year.pk)
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE, job.error
    # Cover + summary, three parts of two projects, and the join.
    assert job.parts_total == 5 and job.parts_done == 5 and job.percent == 100
    assert job.requested_by == manager

    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert page_count(data) == job.page_count
    pages = pdf_pages(data)
    # One numbering over the joined parts: every page says where it is.
    for number, page in enumerate(pages, start=1):
        assert nfkc(f"หน้า {number} / {job.page_count}") in page, number
        # Only the joined numbering: no part (the cover included) numbers its own pages.
        assert re.findall(r"หน้า \d+ / \d+", page) == [f"หน้า {number} / {job.page_count}"]
    text = pdf_text(data)
    # The cover first, then the summary; no part starts with a blank page.
    assert nfkc(f"รายงานความคืบหน้าโครงการ {agency.name}") in pages[0].replace("\n", "")
    assert nfkc("สรุปความคืบหน้าโครงการ") in pages[1]
    for number, page in enumerate(pages, start=1):
        assert len(page.strip().splitlines()) > 4, f"page {number} is empty: {page!r}"
    assert nfkc("ปีงบประมาณ 2564") in text
    for project in agency.projects.all():
        # In the summary and in its own section.
        assert text.count(nfkc(project.name)) >= 2, project.name
    # BE dates of the entries and the signatures at the end.
    assert nfkc("ส่งเมื่อ 5 ต.ค. 2563") in text
    assert nfkc("ผู้ตรวจสอบ") in pages[-1]
    for font in pdf_fonts(data):
        assert "Sarabun" in font["name"] and font["emb"] == "yes", font
    # The parts are gone once joined.
    assert not list((media / "reports" / "parts").rglob("*.pdf"))


def test_summary_rows_show_progress_planned_score_and_late(immediate, agency, year):
    first = agency.projects.order_by("code").first()
    report = selectors.agency_report(
        fiscal_year=year, quarter=None, agency=agency, today=dt.date(2021, 2, 20)
    )
    row = report.projects[0]
    assert row.project == first
    assert row.actual == Decimal(30)  # the third report, 5 Dec 2020
    # 20 Feb 2021: step 1 (25, ended 29 Dec) + 53 of 90 days of step 2.
    assert row.planned == Decimal("39.72")
    assert row.score == Decimal(85) and row.score_row.quarter == 1
    # Oct–Dec reported on the 5th; January (due 10 Feb) missing; February not yet due.
    assert (row.late.due, row.late.late, row.late.missing) == (4, 0, 1)
    assert report.totals.projects == 5


def test_bma_report_covers_every_agency(immediate, client, agency, year):
    other = AgencyFactory(code="06020000", name="สำนักทดสอบอีกแห่ง")
    make_project(other, year, 1)
    client.force_login(UserFactory(evaluator=True))
    order(client, kind="bma", fiscal_year=year.pk)
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.agency is None and len(job.project_ids) == 6
    text = pdf_text(job.file.read())
    assert nfkc("รายงานความคืบหน้าโครงการ กรุงเทพมหานคร") in text
    assert nfkc(agency.name) in text and nfkc(other.name) in text


def test_quarter_report_lists_only_that_quarters_entries(immediate, manager, agency, year):
    job = services.report_job_request(
        requested_by=manager,
        kind="agency",
        fiscal_year=year,
        quarter=2,
        agency=agency,
        file_format="pdf",
    )
    job.refresh_from_db()
    text = pdf_text(job.file.read())
    assert nfkc("ไตรมาสที่ 2 ปีงบประมาณ 2564") in text
    # Entries of October–December (quarter 1) are not in a quarter-2 report.
    assert nfkc("ส่งเมื่อ 5 ต.ค. 2563") not in text


def test_thai_digits_numbers_pages_in_thai(immediate, manager, agency, year):
    job = services.report_job_request(
        requested_by=manager,
        kind="agency",
        fiscal_year=year,
        quarter=None,
        agency=agency,
        file_format="pdf",
        thai_digits=True,
    )
    job.refresh_from_db()
    pages = pdf_pages(job.file.read())
    assert nfkc("หน้า ๑ / ") in pages[0]
    assert nfkc("ส่งเมื่อ ๕ ต.ค. ๒๕๖๓") in "".join(pages)


def test_failed_job_says_why(immediate, client, manager, agency, year, monkeypatch):
    from reports import pdf

    def broken(html):
        raise RuntimeError("ไม่พบแบบอักษร Sarabun")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    client.force_login(manager)
    # The task backend records the task's failure; the job says why.
    assert order(client, agency=agency.pk, fiscal_year=year.pk).status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED
    assert "ไม่พบแบบอักษร Sarabun" in job.error and job.finished_at
    page = Page(client.get(reverse("reports:index")).content)
    assert "ไม่พบแบบอักษร Sarabun" in page.text(f"#job-{job.pk} .alert--error")
    assert not page.all(f'#job-{job.pk} a[href$="/download/"]')


def test_row_polls_while_running_and_offers_the_file_when_done(
    settings, media, client, manager, agency, year
):
    settings.TASKS = DUMMY  # queued, never run
    settings.BMA_REPORT_PART_SIZE = 2
    client.force_login(manager)
    order(client, agency=agency.pk, fiscal_year=year.pk)
    job = ReportJob.objects.get()
    url = reverse("reports:job", args=[job.pk])
    row = fragment(client, url).one(f"#job-{job.pk}")
    assert row.get("hx-get") == url and row.get("hx-trigger") == "every 2s"
    assert "รอคิว" in fragment(client, url).text()

    ReportJob.objects.filter(pk=job.pk).update(status="running", parts_done=2)
    assert fragment(client, url).one("progress").get("value") == "40"  # 2 of 5 steps

    ReportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5), status="queued"
    )
    assert "worker" in fragment(client, url).text()

    # A worker that stopped in the middle of a part leaves the job running: say so.
    long_ago = timezone.now() - dt.timedelta(minutes=20)
    ReportJob.objects.filter(pk=job.pk).update(status="running", progressed_at=long_ago)
    assert "ไม่คืบหน้ามากว่า 10 นาที" in fragment(client, url).text()

    services._finish(ReportJob.objects.get(pk=job.pk), b"%PDF-1.7 test", page_count=1)
    row = fragment(client, url).one(f"#job-{job.pk}")
    assert row.get("hx-trigger") is None
    assert Page(client.get(url).content).all(
        f'a[href="{reverse("reports:download", args=[job.pk])}"]'
    )


def test_staff_order_their_own_agency_only(immediate, client, agency, year):
    staff = UserFactory(agency=agency)
    other = AgencyFactory(code="07030000")
    client.force_login(staff)
    page = Page(client.get(reverse("reports:index")).content)
    assert [o.get("value") for o in page.all("#id_agency option")] == [str(agency.pk)]
    assert [o.get("value") for o in page.all("#id_kind option")] == ["agency"]

    response = order(client, agency=other.pk, fiscal_year=year.pk)
    assert response.status_code == 200 and not ReportJob.objects.exists()
    response = order(client, kind="bma", fiscal_year=year.pk)
    assert response.status_code == 200 and not ReportJob.objects.exists()
    assert "field__error" in response.content.decode()

    assert order(client, agency=agency.pk, fiscal_year=year.pk, format="xlsx").status_code == 302
    job = ReportJob.objects.get()
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200

    stranger = UserFactory(agency=other)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 403
    assert f"job-{job.pk}" not in client.get(reverse("reports:index")).content.decode()


@pytest.mark.parametrize(
    ("role", "index", "agency_job", "bma_job"),
    [
        ("anonymous", 302, 302, 302),
        ("staff_own", 200, 200, 403),
        ("staff_other", 200, 403, 403),
        ("staff_no_agency", 403, 403, 403),
        ("evaluator", 200, 200, 200),
        ("manager", 200, 200, 200),
        ("admin", 200, 200, 200),
    ],
)
def test_report_urls_by_role(
    settings, media, client, agency, year, role, index, agency_job, bma_job
):
    settings.TASKS = DUMMY
    agency_report = ReportJob.objects.create(
        kind="agency", format="pdf", fiscal_year=year, agency=agency
    )
    bma_report = ReportJob.objects.create(kind="bma", format="pdf", fiscal_year=year)
    users = {
        "staff_own": lambda: UserFactory(agency=agency),
        "staff_other": lambda: UserFactory(agency=AgencyFactory(code="08040000")),
        "staff_no_agency": lambda: UserFactory(agency=None),
        "evaluator": lambda: UserFactory(evaluator=True),
        "manager": lambda: UserFactory(manager=True),
        "admin": lambda: UserFactory(admin=True),
    }
    if role != "anonymous":
        client.force_login(users[role]())
    assert client.get(reverse("reports:index")).status_code == index
    assert client.get(reverse("reports:job", args=[agency_report.pk])).status_code == agency_job
    assert client.get(reverse("reports:job", args=[bma_report.pk])).status_code == bma_job


def test_order_form_errors_are_thai_and_keep_the_choice(settings, media, client, manager, year):
    settings.TASKS = DUMMY
    client.force_login(manager)
    response = order(client, fiscal_year=year.pk, format="xlsx")
    page = Page(response.content)
    assert "กรุณาเลือกหน่วยงาน" in page.text(".field__error")
    assert page.one("#id_format option[selected]").get("value") == "xlsx"


def test_order_requires_csrf(settings, media, manager, year, agency):
    from django.test import Client

    settings.TASKS = DUMMY
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert order(client, agency=agency.pk, fiscal_year=year.pk).status_code == 403
    assert not ReportJob.objects.exists()


def test_cleanup_removes_old_files_and_jobs(immediate, manager, agency, year, media):
    old = services.report_job_request(
        requested_by=manager,
        kind="agency",
        fiscal_year=year,
        quarter=None,
        agency=agency,
        file_format="xlsx",
    )
    old.refresh_from_db()
    path = old.file.path
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    recent = services.report_job_request(
        requested_by=manager,
        kind="agency",
        fiscal_year=year,
        quarter=None,
        agency=agency,
        file_format="xlsx",
    )
    call_command("cleanup_reports", "--days", "7", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not ReportJob.objects.filter(pk=old.pk).exists()
    assert not __import__("os").path.exists(path)
    assert ReportJob.objects.filter(pk=recent.pk).exists()


def test_a_real_worker_runs_the_job(transactional_db, media, manager, agency, year, settings):
    """With the database backend of the settings: queued tasks, then `manage.py db_worker`.

    Outside a test transaction, as a worker runs: it closes and reopens its connection
    between tasks, which PostgreSQL refuses inside one."""
    settings.BMA_REPORT_PART_SIZE = 3
    job = services.report_job_request(
        requested_by=manager,
        kind="agency",
        fiscal_year=year,
        quarter=None,
        agency=agency,
        file_format="pdf",
    )
    assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    assert page_count(job.file.read()) == job.page_count


@pytest.mark.parametrize("count", [3, 12])
def test_agency_report_queries_do_not_grow_with_projects(year, count, django_assert_num_queries):
    agency = AgencyFactory()
    for n in range(count):
        project = make_project(agency, year, n + 1, entries=2)
        Project.objects.filter(pk=project.pk).update(budget_allocated=Decimal("1000.00"))
        BudgetTransfer.objects.create(
            project=project, transferred_on=year.starts_on, amount=Decimal("5.00"), reason="โอน"
        )
    # projects, 8 prefetches (budget transfers among them; the baselines, issue 18; their
    # steps when there are any), reporting-deadline overrides, the year's disbursement
    # targets (issue 16)
    with django_assert_num_queries(11):
        report = selectors.agency_report(fiscal_year=year, quarter=None, agency=agency)
    assert len(report.projects) == count


# --- Late reports (deadline rule of issue 3: 10th of the next month by default) --------


def entry(period, reported_on, *, is_late=False):
    return type("Entry", (), {"period": period, "reported_on": reported_on, "is_late": is_late})


def test_late_reports_counts_late_and_missing_months_past_their_deadline(year):
    months = [dt.date(2020, 10, 1), dt.date(2020, 11, 1), dt.date(2020, 12, 1), dt.date(2021, 1, 1)]
    deadlines = selectors.reporting_deadlines(year, months)
    assert deadlines[dt.date(2020, 10, 1)] == dt.date(2020, 11, 10)
    late = selectors.late_reports(
        [
            entry(dt.date(2020, 10, 1), dt.date(2020, 11, 10)),  # on the deadline: on time
            entry(dt.date(2020, 11, 1), dt.date(2020, 12, 11)),  # a day late
        ],
        deadlines=deadlines,
        today=dt.date(2021, 1, 11),
    )
    # December was due on 10 January and is missing; January is not due yet.
    assert (late.due, late.late, late.missing) == (3, 1, 1)
    assert late.late_months == (dt.date(2020, 11, 1),)
    assert late.missing_months == (dt.date(2020, 12, 1),)


def test_late_reports_follow_the_years_deadline_day_overrides_and_late_flag(year):
    year.report_deadline_day = 5
    year.save()
    ReportingDeadline.objects.create(period=dt.date(2020, 11, 1), due_on=dt.date(2020, 12, 20))
    months = [dt.date(2020, 10, 1), dt.date(2020, 11, 1), dt.date(2020, 12, 1)]
    deadlines = selectors.reporting_deadlines(year, months)
    assert deadlines == {
        dt.date(2020, 10, 1): dt.date(2020, 11, 5),
        dt.date(2020, 11, 1): dt.date(2020, 12, 20),
        dt.date(2020, 12, 1): dt.date(2021, 1, 5),
    }
    late = selectors.late_reports(
        [
            entry(dt.date(2020, 10, 1), dt.date(2020, 11, 6)),
            entry(dt.date(2020, 11, 1), dt.date(2020, 12, 15)),
            entry(dt.date(2020, 12, 1), dt.date(2020, 12, 28), is_late=True),
        ],
        deadlines=deadlines,
        today=dt.date(2021, 3, 1),
    )
    assert late.late_months == (dt.date(2020, 10, 1), dt.date(2020, 12, 1))
    assert late.missing == 0


@pytest.mark.parametrize("count", [2, 25])
def test_reports_page_queries_do_not_grow_with_jobs(
    settings, client, manager, agency, year, count, django_assert_num_queries, session_queries
):
    settings.TASKS = DUMMY
    ReportJob.objects.bulk_create(
        ReportJob(
            kind="agency", format="pdf", fiscal_year=year, agency=agency, requested_by=manager
        )
        for _ in range(count)
    )
    client.force_login(manager)
    # the session (session_queries), its user, count, one page of jobs with
    # agency/year/requester, the form's agencies, its fiscal years (read twice while the
    # form renders)
    with django_assert_num_queries(session_queries + 6):
        response = client.get(reverse("reports:index"))
    assert len(Page(response.content).all("tr[id^=job-]")) == min(count, 20)


def test_the_admin_links_a_done_report_through_the_checked_download(settings, media, client, year):
    from django.core.files.base import ContentFile

    settings.TASKS = DUMMY
    job = ReportJob.objects.create(
        kind="bma", format="pdf", fiscal_year=year, status=ReportJob.Status.DONE
    )
    job.file.save("bma.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    client.force_login(UserFactory(admin=True, is_superuser=True))
    page = client.get(reverse("admin:reports_reportjob_change", args=[job.pk])).content.decode()
    assert reverse("reports:download", args=[job.pk]) in page
    assert "/media/" not in page
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200
