"""Background reports: ordering a job, rendering its parts, joining them, failing it and
cleaning up old files. The tasks in reports/tasks.py call these; so can tests.

A PDF job is split so that several workers share it: part 0 is the cover and the summary,
parts 1..n hold the sections of ``BMA_REPORT_PART_SIZE`` projects each, and the worker
that finishes the last part queues the join, which numbers the pages of the whole file.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects import languages
from projects.models import Agency, FiscalYear
from reports import pdf, render, selectors, xlsx
from reports.models import ReportJob

logger = logging.getLogger(__name__)


def _part_size() -> int:
    return max(1, int(getattr(settings, "BMA_REPORT_PART_SIZE", 10)))


def report_job_parts(project_ids: list[int]) -> list[dict]:
    """The parts of a PDF job, in order: ``{"index", "project_ids", "front", "signatures"}``."""
    size = _part_size()
    chunks = [project_ids[i : i + size] for i in range(0, len(project_ids), size)]
    parts = [{"index": 0, "project_ids": [], "front": True, "signatures": not chunks}]
    for number, chunk in enumerate(chunks, start=1):
        parts.append(
            {
                "index": number,
                "project_ids": chunk,
                "front": False,
                "signatures": number == len(chunks),
            }
        )
    return parts


@transaction.atomic
def report_job_request(
    *,
    requested_by,
    kind: str,
    fiscal_year: FiscalYear,
    quarter: int | None,
    agency: Agency | None,
    file_format: str,
    thai_digits: bool = False,
    language: str | None = None,
) -> ReportJob:
    """Record the order and queue its tasks (in the same transaction: a worker sees both
    or neither). ``language``: the requester's (their page's), in which the workers render
    the file; the site's when not given."""
    from reports import tasks

    if kind == ReportJob.Kind.BMA:
        agency = None
    project_ids = selectors.report_project_ids(fiscal_year=fiscal_year, agency=agency)
    parts = report_job_parts(project_ids) if file_format == ReportJob.Format.PDF else []
    job = ReportJob.objects.create(
        kind=kind,
        format=file_format,
        fiscal_year=fiscal_year,
        quarter=quarter,
        agency=agency,
        thai_digits=thai_digits,
        language=languages.or_default(language),
        project_ids=project_ids,
        parts_total=len(parts) + 1 if parts else 1,
        requested_by=requested_by,
    )
    if file_format == ReportJob.Format.PDF:
        for part in parts:
            tasks.build_report_part.enqueue(job.pk, part)
    else:
        tasks.build_report_xlsx.enqueue(job.pk)
    tasks.cleanup_reports.enqueue()
    return job


def _part_name(job_id: int, index: int) -> str:
    return f"reports/parts/{job_id}/{index:04d}.pdf"


def _mark_running(job_id: int) -> None:
    now = timezone.now()
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, started_at=now, progressed_at=now
    )


def _agency_report(job: ReportJob, project_ids: list[int] | None) -> selectors.AgencyReport:
    return selectors.agency_report(
        fiscal_year=job.fiscal_year,
        quarter=job.quarter,
        agency=job.agency,
        project_ids=project_ids if project_ids is not None else job.project_ids,
        today=timezone.localdate(job.created_at),
    )


def report_job_render_part(*, job_id: int, part: dict) -> bool:
    """Render one part to a file; the worker finishing the last part queues the join.
    Returns False when the job has already failed (nothing rendered)."""
    from reports import tasks

    job = ReportJob.objects.select_related("fiscal_year", "agency", "requested_by").get(pk=job_id)
    if job.status in (ReportJob.Status.FAILED, ReportJob.Status.DONE):
        return False
    _mark_running(job_id)
    with translation.override(languages.or_default(job.language)):
        report = _agency_report(job, None if part["front"] else part["project_ids"])
        html = render.agency_part_html(
            report,
            front=part["front"],
            sections=not part["front"],
            signatures=part["signatures"],
            thai_digits=job.thai_digits,
            numbered=False,
            printed_at=job.created_at,
            requested_by=job.requested_by,
        )
        data = pdf.render_pdf(html)
    name = _part_name(job_id, part["index"])
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(data))

    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ReportJob.Status.FAILED:
            return False
        job.parts_done += 1
        job.progressed_at = timezone.now()
        job.save(update_fields=["parts_done", "progressed_at"])
        if job.parts_done == job.parts_total - 1:
            tasks.join_report.enqueue(job_id)
    return True


def report_job_join(*, job_id: int) -> ReportJob:
    """Join the parts in order, number the pages, keep the file, drop the parts."""
    job = ReportJob.objects.select_related("fiscal_year", "agency").get(pk=job_id)
    if job.status == ReportJob.Status.FAILED:
        return job
    count = job.parts_total - 1
    parts = []
    for index in range(count):
        with default_storage.open(_part_name(job_id, index), "rb") as handle:
            parts.append(handle.read())
    with translation.override(languages.or_default(job.language)):
        data, pages = pdf.merge_parts(parts, thai_digits=job.thai_digits)
    _finish(job, data, page_count=pages)
    _delete_parts(job_id, count)
    return job


def report_job_build_xlsx(*, job_id: int) -> ReportJob:
    job = ReportJob.objects.select_related("fiscal_year", "agency").get(pk=job_id)
    if job.status in (ReportJob.Status.FAILED, ReportJob.Status.DONE):
        return job
    _mark_running(job_id)
    with translation.override(languages.or_default(job.language)):
        data = xlsx.agency_workbook(_agency_report(job, None))
    _finish(job, data, page_count=None)
    return job


def _finish(job: ReportJob, data: bytes, *, page_count: int | None) -> None:
    job.file.save(job.download_name, ContentFile(data), save=False)
    with transaction.atomic():
        ReportJob.objects.filter(pk=job.pk).update(
            file=job.file.name,
            page_count=page_count,
            parts_done=job.parts_total,
            status=ReportJob.Status.DONE,
            finished_at=timezone.now(),
        )


def _delete_parts(job_id: int, count: int) -> None:
    for index in range(count):
        name = _part_name(job_id, index)
        if default_storage.exists(name):
            default_storage.delete(name)


def max_attempts() -> int:
    return max(1, int(getattr(settings, "BMA_REPORT_MAX_ATTEMPTS", 3)))


def retry_delay(attempt: int) -> dt.timedelta:
    """Wait before attempt ``attempt + 1``: BMA_REPORT_RETRY_SECONDS, then three times more
    for each further attempt (10 s, 30 s, 90 s…)."""
    base = int(getattr(settings, "BMA_REPORT_RETRY_SECONDS", 10))
    return dt.timedelta(seconds=base * 3 ** (attempt - 1))


def _reason(error: BaseException | str) -> str:
    return error if isinstance(error, str) else f"{type(error).__name__}: {error}"


def report_job_retry(
    *, job_id: int, error: BaseException | str, attempt: int, enqueue_again
) -> bool:
    """After a failed attempt of one of the job's steps: put the step back in the queue
    (``enqueue_again(next_attempt, delay)``, in the same transaction as the count) and
    return True, or, once the step has had its BMA_REPORT_MAX_ATTEMPTS tries, fail the job
    with the last reason and return False. A job already finished is left alone."""
    reason = _reason(error)
    if attempt >= max_attempts():
        with translation.override(_language_of(job_id)):
            error = _("ลอง %(count)d ครั้งแล้ว ครั้งสุดท้าย %(reason)s") % {
                "count": attempt,
                "reason": reason,
            }
        report_job_fail(job_id=job_id, error=error)
        return False
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return False
        job.retries += 1
        with translation.override(languages.or_default(job.language)):
            job.error = _("ครั้งที่ %(attempt)d ไม่สำเร็จ (%(reason)s) ระบบจะลองใหม่") % {
                "attempt": attempt,
                "reason": reason,
            }
        job.progressed_at = timezone.now()
        job.save(update_fields=["retries", "error", "progressed_at"])
        logger.warning(
            "Report job %s: attempt %s failed (%s); trying again", job_id, attempt, reason
        )
        enqueue_again(attempt + 1, retry_delay(attempt))
    return True


def _language_of(job_id: int) -> str:
    """The language the job's requester reads (their file and its messages are in it)."""
    code = ReportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    return languages.or_default(code)


def report_job_fail(*, job_id: int, error: BaseException | str) -> None:
    """Mark the job failed with a reason a person can read, and drop its parts."""
    reason = _reason(error)
    with translation.override(_language_of(job_id)):
        message = _("สร้างรายงานไม่สำเร็จ: %(reason)s") % {"reason": reason}
    updated = ReportJob.objects.filter(pk=job_id).exclude(status=ReportJob.Status.DONE)
    updated.update(status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now())
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is not None:
        _delete_parts(job_id, job.parts_total)


def report_jobs_cleanup(*, older_than: dt.timedelta | None = None) -> int:
    """Delete finished jobs older than BMA_REPORT_RETENTION_DAYS, with their files."""
    if older_than is None:
        older_than = dt.timedelta(days=getattr(settings, "BMA_REPORT_RETENTION_DAYS", 7))
    removed = 0
    for job in ReportJob.objects.finished_before(timezone.now() - older_than):
        if job.file:
            job.file.delete(save=False)
        _delete_parts(job.pk, job.parts_total)
        job.delete()
        removed += 1
    return removed
