"""Background tasks of the reports (django-tasks; `manage.py db_worker` runs them).

Each task is a thin wrapper over reports/services.py. A task that fails records why on
its ReportJob, so the reports page can say so, and re-raises for the task log.
"""

from contextlib import contextmanager

from django_tasks import task

from reports import services


@contextmanager
def _failing_job(job_id: int):
    try:
        yield
    except Exception as exc:
        services.report_job_fail(job_id=job_id, error=exc)
        raise


@task()
def build_report_part(job_id: int, part: dict) -> bool:
    with _failing_job(job_id):
        return services.report_job_render_part(job_id=job_id, part=part)


@task()
def join_report(job_id: int) -> int | None:
    with _failing_job(job_id):
        return services.report_job_join(job_id=job_id).page_count


@task()
def build_report_xlsx(job_id: int) -> None:
    with _failing_job(job_id):
        services.report_job_build_xlsx(job_id=job_id)


@task()
def cleanup_reports() -> int:
    return services.report_jobs_cleanup()
