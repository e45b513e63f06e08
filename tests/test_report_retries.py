"""A report step that fails is tried again, a bounded number of times, with a growing
delay, and the reports page says so (issue 7, faults). django-tasks-db has no retry of
its own: reports/tasks.py puts the step back in the queue.

These tests run django-tasks-db's real worker loop (``db_worker --batch``) in-process on
the test database; its connection housekeeping is switched off, as it would close the
test's transaction."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import services, xlsx
from reports.models import ReportJob
from tests.factories import AgencyFactory, FiscalYearFactory, ProjectFactory, UserFactory
from tests.html import Page

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def worker(settings, media, monkeypatch):
    """Runs every task that is due, as `manage.py db_worker --batch` does."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    return run


@pytest.fixture
def manager(db):
    return UserFactory(username="retry-manager", manager=True)


@pytest.fixture
def agency(db):
    agency = AgencyFactory(code="07010000", name="สำนักงานเขตทดสอบการลองใหม่")
    year = FiscalYearFactory(year_be=2564)
    ProjectFactory(agency=agency, fiscal_year=year, code="07010000-0001")
    return agency


def order_xlsx(client, agency) -> ReportJob:
    response = client.post(
        reverse("reports:index"),
        {
            "kind": "agency",
            "format": "xlsx",
            "quarter": "",
            "agency": agency.pk,
            "fiscal_year": FiscalYearFactory(year_be=2564).pk,
        },
    )
    assert response.status_code == 302
    return ReportJob.objects.get()


def xlsx_tasks():
    return DBTaskResult.objects.filter(task_path="reports.tasks.build_report_xlsx").order_by(
        "enqueued_at"
    )


def job_cell(client, job) -> str:
    page = Page(client.get(reverse("reports:index")).content)
    return page.text(f"#job-{job.pk} td[aria-live]")


def test_a_step_that_fails_once_is_retried_later_and_the_page_says_so(
    worker, client, manager, agency, monkeypatch
):
    real = xlsx.agency_workbook
    calls = []

    def flaky(report):
        calls.append(timezone.now())
        if len(calls) == 1:
            raise OSError("ดิสก์เต็มชั่วคราว")
        return real(report)

    monkeypatch.setattr(xlsx, "agency_workbook", flaky)
    client.force_login(manager)
    job = order_xlsx(client, agency)

    before = timezone.now()
    worker()
    job.refresh_from_db()
    assert len(calls) == 1
    assert job.status == ReportJob.Status.RUNNING and job.retries == 1
    assert "ครั้งที่ 1 ไม่สำเร็จ" in job.error and "ดิสก์เต็มชั่วคราว" in job.error
    # The failed attempt is in the task log with its traceback; the next one waits 10 s.
    first, second = xlsx_tasks()
    assert first.status == "FAILED" and "ดิสก์เต็มชั่วคราว" in first.traceback
    assert second.status == "READY"
    assert second.args_kwargs == {"args": [job.pk], "kwargs": {"attempt": 2}}
    assert (
        before + dt.timedelta(seconds=9)
        < second.run_after
        < timezone.now() + dt.timedelta(seconds=11)
    )
    cell = job_cell(client, job)
    assert "ดิสก์เต็มชั่วคราว" in cell and "ลองใหม่แล้ว 1 ครั้ง" in cell

    # Not yet due: a worker passing by leaves it alone.
    worker()
    assert len(calls) == 1
    DBTaskResult.objects.filter(pk=second.pk).update(run_after=timezone.now())
    worker()
    job.refresh_from_db()
    assert len(calls) == 2
    assert job.status == ReportJob.Status.DONE and job.file
    assert "สำเร็จหลังลองใหม่ 1 ครั้ง" in job_cell(client, job)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200


def test_a_step_that_keeps_failing_stops_after_three_tries_with_the_last_reason(
    worker, client, manager, agency, monkeypatch
):
    attempts = []

    def broken(report):
        attempts.append(1)
        raise ValueError(f"ข้อมูลเสีย ครั้งที่ {len(attempts)}")

    monkeypatch.setattr(xlsx, "agency_workbook", broken)
    client.force_login(manager)
    job = order_xlsx(client, agency)
    for _ in range(5):  # more passes than attempts: the count, not the worker, stops it
        worker()
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    job.refresh_from_db()
    assert len(attempts) == 3
    assert job.status == ReportJob.Status.FAILED and job.finished_at
    assert job.retries == 2
    assert "ลอง 3 ครั้งแล้ว" in job.error and "ข้อมูลเสีย ครั้งที่ 3" in job.error
    assert [t.status for t in xlsx_tasks()] == ["FAILED", "FAILED", "FAILED"]
    assert [t.args_kwargs["kwargs"].get("attempt", 1) for t in xlsx_tasks()] == [1, 2, 3]
    cell = job_cell(client, job)
    assert "ข้อมูลเสีย ครั้งที่ 3" in cell and "ลองใหม่แล้ว 2 ครั้ง" in cell
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_delay_grows(settings):
    settings.BMA_REPORT_RETRY_SECONDS = 10
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [10, 30, 90]


def test_a_pdf_part_that_fails_once_is_retried_and_the_report_is_complete(
    settings, media, client, manager, agency, monkeypatch
):
    """With several parts, only the failed one runs again; the join sees all of them."""
    from reports import pdf

    settings.TASKS = IMMEDIATE
    settings.BMA_REPORT_PART_SIZE = 1
    year = FiscalYearFactory(year_be=2564)
    for n in range(2, 4):
        ProjectFactory(agency=agency, fiscal_year=year, code=f"07010000-000{n}")
    real = pdf.render_pdf
    rendered = []

    def flaky(html):
        rendered.append(1)
        if len(rendered) == 2:
            raise OSError("เครื่องพิมพ์ไม่ว่าง")
        return real(html)

    monkeypatch.setattr(pdf, "render_pdf", flaky)
    client.force_login(manager)
    response = client.post(
        reverse("reports:index"),
        {
            "kind": "agency",
            "format": "pdf",
            "quarter": "",
            "agency": agency.pk,
            "fiscal_year": year.pk,
        },
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.retries == 1
    assert job.parts_done == job.parts_total
    assert job.page_count and job.page_count >= 3
