"""Background tasks of the reports (django-tasks; `manage.py db_worker` runs them).

Each task is a thin wrapper over reports/services.py. django-tasks-db does not retry a
failed task by itself, so a step that fails puts itself back in the queue with the next
attempt number, after a growing delay (services.report_job_retry), up to
BMA_REPORT_MAX_ATTEMPTS; the ReportJob counts the retries and keeps the last reason, so
the reports page can say so. Every failed attempt also re-raises, so the task log (the
django-tasks-db admin) keeps its traceback.
"""

from contextlib import contextmanager

from django.utils import timezone
from django_tasks import task

from reports import services


@contextmanager
def _retrying(step, job_id: int, args: tuple, attempt: int):
    try:
        yield
    except Exception as exc:

        def enqueue_again(next_attempt, delay):
            again = step
            if step.get_backend().supports_defer and delay:
                again = step.using(run_after=timezone.now() + delay)
            again.enqueue(*args, attempt=next_attempt)

        services.report_job_retry(
            job_id=job_id, error=exc, attempt=attempt, enqueue_again=enqueue_again
        )
        raise


@task()
def build_report_part(job_id: int, part: dict, attempt: int = 1) -> bool:
    with _retrying(build_report_part, job_id, (job_id, part), attempt):
        return services.report_job_render_part(job_id=job_id, part=part)


@task()
def join_report(job_id: int, attempt: int = 1) -> int | None:
    with _retrying(join_report, job_id, (job_id,), attempt):
        return services.report_job_join(job_id=job_id).page_count


@task()
def build_report_xlsx(job_id: int, attempt: int = 1) -> None:
    with _retrying(build_report_xlsx, job_id, (job_id,), attempt):
        services.report_job_build_xlsx(job_id=job_id)


@task(priority=50)  # before the reports' parts: readers see these numbers' age
def refresh_dashboard_numbers(part: str, query: str, today: str, language: str) -> bool:
    """The dashboard's numbers computed again while readers see the old ones
    (reports/dashboard_refresh.py). Not retried: the next reader queues it again."""
    from reports import dashboard_refresh

    return dashboard_refresh.refresh(part, query, today, language)


@task()
def cleanup_reports() -> int:
    return services.report_jobs_cleanup()
