"""Business rules of the projects app: monthly progress reports, plan editing, reopening of
locked months, evidence files; and, in the last block, the import of pages of today's
system (its own owner).

Every function is keyword-only and runs in one transaction. Rule violations raise
ValidationError keyed by the form field they belong to, with Thai messages; a save made
from an out-of-date version raises EditConflict carrying what is now stored. Nothing is
ever overwritten silently: versions are checked in the UPDATE's WHERE clause.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from projects import permissions, progress, reporting, thaidates
from projects.evidence import FileKind
from projects.models import (
    EvidenceFile,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    User,
)
from projects.signals import rows_written


class EditConflict(Exception):
    """Somebody else saved first. ``current`` is what is stored now (an entry, or the list
    of plan steps), to show beside what the person typed."""

    def __init__(self, current, *, version: int):
        super().__init__("edit conflict")
        self.current = current
        self.version = version


# --- Monthly progress reports ------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    """What the report form carries, already parsed. ``period`` is the month reported on
    (its first day); ``reported_on`` the date of the report, which may fall in the next
    month: October's report is typically written in early November."""

    reported_on: dt.date
    period: dt.date | None = None
    completed_step_ids: Sequence[int] = ()
    in_progress_step_id: int | None = None
    partial_percent: Decimal | None = None
    # Only for projects without plan steps, where there is nothing to tick.
    manual_percent: Decimal | None = None
    narrative: str = ""
    problems: str = ""
    obstacles: str = ""
    lower_reason: str = ""


def report_period(data: ReportInput) -> dt.date:
    """The month a report is about: as chosen, else the month of its date."""
    return ProgressEntry.period_of(data.period or data.reported_on)


def progress_entry_compute(
    *, steps: Sequence[PlanStep], data: ReportInput
) -> progress.ComputedPercent | None:
    """The percent of a report from its ticked steps; None when the plan has no steps."""
    if not steps:
        return None
    by_id = {step.pk: step for step in steps}
    completed = [by_id[pk] for pk in data.completed_step_ids if pk in by_id]
    return progress.computed_percent(
        steps,
        completed=completed,
        in_progress=by_id.get(data.in_progress_step_id),
        partial_percent=data.partial_percent,
    )


def progress_entry_check(
    *, project: Project, steps: Sequence[PlanStep], data: ReportInput, today: dt.date
) -> tuple[Decimal | None, ProgressEntry | None, dict[str, list[str]]]:
    """The rules of a report that do not depend on who sends it: the percent it comes to,
    the previous month's entry, and the errors by field (empty when it may be saved)."""
    errors: dict[str, list[str]] = {}
    fiscal_year = project.fiscal_year
    period = report_period(data)
    if not fiscal_year.contains(period):
        errors.setdefault("period", []).append(
            _("เดือนที่รายงานต้องอยู่ในปีงบประมาณ %(year)s") % {"year": fiscal_year.year_be}
        )
    elif period > ProgressEntry.period_of(today):
        errors.setdefault("period", []).append(_("ยังรายงานผลของเดือนที่ยังไม่ถึงไม่ได้"))
    if data.reported_on < period:
        errors.setdefault("reported_on", []).append(
            _("วันที่รายงานต้องไม่ก่อนเดือนที่รายงาน (%(month)s)") % {"month": thaidates.month_label(period)}
        )
    if not fiscal_year.contains(data.reported_on):
        errors.setdefault("reported_on", []).append(
            _("วันที่รายงานต้องอยู่ในปีงบประมาณ %(year)s (%(start)s ถึง %(end)s)")
            % {
                "year": fiscal_year.year_be,
                "start": thaidates.format_be(fiscal_year.starts_on),
                "end": thaidates.format_be(fiscal_year.ends_on),
            }
        )
    if data.reported_on > today:
        errors.setdefault("reported_on", []).append(
            _("วันที่รายงานต้องไม่เกินวันนี้ (%(today)s)") % {"today": thaidates.format_be(today)}
        )
    computed = progress_entry_compute(steps=steps, data=data)
    percent = computed.percent if computed is not None else data.manual_percent
    if percent is None:
        errors.setdefault("percent", []).append(_("กรุณากรอกความคืบหน้า (ร้อยละ 0–100)"))
    elif not Decimal(0) <= percent <= Decimal(100):
        errors.setdefault("percent", []).append(_("ความคืบหน้าต้องอยู่ระหว่างร้อยละ 0 ถึง 100"))
    previous = reporting.previous_entry(project, period)
    if (
        percent is not None
        and previous is not None
        and percent < previous.percent
        and not data.lower_reason.strip()
    ):
        errors.setdefault("lower_reason", []).append(
            _("ความคืบหน้าร้อยละ %(new)s น้อยกว่ารายงานครั้งก่อน (ร้อยละ %(old)s เมื่อ %(date)s) กรุณาระบุเหตุผล")
            % {
                "new": f"{percent:.2f}",
                "old": f"{previous.percent:.2f}",
                "date": thaidates.format_be(previous.reported_on),
            }
        )
    return percent, previous, errors


def progress_entry_submit(
    *,
    project: Project,
    user: User,
    data: ReportInput,
    loaded_entry_id: int | None,
    loaded_version: int,
    evidence: Sequence[tuple[object, FileKind]] = (),
    today: dt.date,
) -> ProgressEntry:
    """Save the report of the month ``data.period``: create it, or update the entry that
    month already has (one entry per project per month).

    ``loaded_entry_id`` and ``loaded_version`` say which entry the form was showing; if the
    month's entry is another one, or has been saved since, EditConflict is raised and
    nothing is written.
    """
    if not permissions.can_report_progress(user, project):
        raise PermissionDenied
    period = report_period(data)
    written: list[EvidenceFile] = []
    try:
        return _progress_entry_save(
            project=project,
            user=user,
            data=data,
            period=period,
            loaded_entry_id=loaded_entry_id,
            loaded_version=loaded_version,
            evidence=evidence,
            today=today,
            written=written,
        )
    except BaseException:
        # The rows are rolled back; the files written to storage must go with them.
        for item in written:
            item.file.storage.delete(item.file.name)
        raise


def _progress_entry_save(
    *, project, user, data, period, loaded_entry_id, loaded_version, evidence, today, written
) -> ProgressEntry:
    with transaction.atomic():
        steps = list(PlanStep.objects.filter(project=project).order_by("order"))
        percent, previous, errors = progress_entry_check(
            project=project, steps=steps, data=data, today=today
        )
        state = reporting.month_state(project, period, today=today)
        if "period" not in errors and not permissions.can_report_month(user, project, state):
            errors.setdefault("period", []).append(
                _(
                    "เลยกำหนดส่งรายงานของเดือน%(month)s (%(deadline)s) แล้ว เดือนนี้ปิดรับรายงาน "
                    "หากต้องการรายงานย้อนหลัง โปรดติดต่อ สยป. เพื่อขอเปิดรับรายงาน"
                )
                % {
                    "month": thaidates.month_label(period),
                    "deadline": thaidates.format_be(state.deadline),
                }
            )
        if errors:
            raise ValidationError(errors)

        lower = previous is not None and percent < previous.percent
        values = {
            "reported_on": data.reported_on,
            "percent": percent,
            "completed_steps": sorted({s.pk for s in steps} & set(data.completed_step_ids)),
            "in_progress_step_id": (
                data.in_progress_step_id if data.partial_percent is not None else None
            ),
            "partial_percent": (
                data.partial_percent if data.in_progress_step_id is not None else None
            ),
            "narrative": data.narrative.strip(),
            "problems": data.problems.strip(),
            "obstacles": data.obstacles.strip(),
            "lower_reason": data.lower_reason.strip() if lower else "",
            "updated_by": user,
        }
        existing = ProgressEntry.objects.filter(project=project, period=period).first()
        if existing is None:
            entry = _entry_create(
                project=project, period=period, values=values, user=user, late=state.past_deadline
            )
        else:
            entry = _entry_update(
                existing=existing,
                loaded_entry_id=loaded_entry_id,
                loaded_version=loaded_version,
                values=values,
                user=user,
            )
        for uploaded, kind in evidence:
            _evidence_add(entry=entry, uploaded=uploaded, kind=kind, user=user, written=written)
    return entry


def _entry_create(*, project, period, values, user, late) -> ProgressEntry:
    entry = ProgressEntry(
        project=project, period=period, created_by=user, is_late=late, version=1, **values
    )
    entry._history_user = user
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Somebody created this month's entry between our read and our insert.
        current = ProgressEntry.objects.get(project=project, period=period)
        raise EditConflict(current, version=current.version) from None
    return entry


def _entry_update(*, existing, loaded_entry_id, loaded_version, values, user) -> ProgressEntry:
    if loaded_entry_id != existing.pk:
        # The form showed a new report (or another month's) but this month has one already.
        raise EditConflict(existing, version=existing.version)
    claimed = ProgressEntry.objects.filter(pk=existing.pk, version=loaded_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = ProgressEntry.objects.get(pk=existing.pk)
        raise EditConflict(current, version=current.version)
    existing.refresh_from_db(fields=["version"])
    for name, value in values.items():
        setattr(existing, name, value)
    existing._history_user = user
    existing.save()
    return existing


# --- Evidence files ----------------------------------------------------------------------


def _evidence_add(*, entry, uploaded, kind: FileKind, user, written: list) -> EvidenceFile:
    evidence = EvidenceFile(
        entry=entry,
        original_name=uploaded.name[:255],
        content_type=kind.content_type,
        extension=kind.extension,
        size=uploaded.size,
        uploaded_by=user,
    )
    evidence.file.save("upload", uploaded, save=False)
    written.append(evidence)
    evidence._history_user = user
    evidence.save()
    return evidence


def evidence_file_remove(*, evidence: EvidenceFile, user: User, today: dt.date) -> None:
    """Remove an evidence file, under the same month lock as the report it belongs to."""
    entry = evidence.entry
    project = entry.project
    state = reporting.month_state(project, entry.period, today=today)
    if not permissions.can_report_month(user, project, state):
        raise PermissionDenied
    with transaction.atomic():
        name, storage = evidence.file.name, evidence.file.storage
        evidence._history_user = user
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- Reopening a locked month ------------------------------------------------------------


def month_reopen(
    *, project: Project, period: dt.date, user: User, until: dt.date, reason: str, today: dt.date
) -> MonthReopening:
    """สยป. reopens a month whose deadline has passed, for this project only, until ``until``."""
    if not permissions.can_reopen_month(user, project):
        raise PermissionDenied
    period = ProgressEntry.period_of(period)
    errors: dict[str, list[str]] = {}
    if not project.fiscal_year.contains(period):
        errors["period"] = [_("เดือนที่เลือกไม่อยู่ในปีงบประมาณของโครงการ")]
    else:
        state = reporting.month_state(project, period, today=today)
        if not state.past_deadline:
            errors["period"] = [
                _("เดือนนี้ยังไม่ปิดรับรายงาน (กำหนดส่ง %(deadline)s)")
                % {"deadline": thaidates.format_be(state.deadline)}
            ]
    if until < today:
        errors["until"] = [_("วันที่ปิดรับต้องไม่ก่อนวันนี้")]
    if not reason.strip():
        errors["reason"] = [_("กรุณาระบุเหตุผลที่เปิดรับรายงานย้อนหลัง")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return MonthReopening.objects.create(
            project=project, period=period, until=until, reason=reason.strip(), reopened_by=user
        )


# --- Plan editing ------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    step_id: int | None
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None
    delete: bool = False


@dataclass
class PlanSaveResult:
    version: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    steps: list[PlanStep] = field(default_factory=list)


_STEP_FIELDS = ("order", "title", "weight", "starts_on", "ends_on")
# Orders are unique per project; steps are moved out of the way before renumbering.
_PARKING = 20000


def plan_save(
    *, project: Project, user: User, loaded_version: int, rows: Sequence[StepInput]
) -> PlanSaveResult:
    """Replace the project's plan with ``rows``: add, change, reorder and remove steps.

    Steps are renumbered 1..n in the order of their ``order`` (ties keep the form's order).
    Weights need not sum to 100: such a plan is shown as incomplete. Refused with
    EditConflict when the plan was saved by somebody else since ``loaded_version``.
    """
    if not permissions.can_edit_plan(user, project):
        raise PermissionDenied
    with transaction.atomic():
        # The steps are moved with QuerySet.update() below, which sends no post_save.
        rows_written.send(sender=PlanStep, project_ids=[project.pk])
        claimed = Project.objects.filter(pk=project.pk, plan_version=loaded_version).update(
            plan_version=F("plan_version") + 1
        )
        if not claimed:
            current = Project.objects.get(pk=project.pk)
            steps = list(PlanStep.objects.filter(project=project).order_by("order"))
            raise EditConflict(steps, version=current.plan_version)
        existing = {s.pk: s for s in PlanStep.objects.filter(project=project)}
        unknown = [r.step_id for r in rows if r.step_id is not None and r.step_id not in existing]
        if unknown:
            # A step removed by somebody else would have bumped the version; this is tampering.
            raise ValidationError(_("ขั้นตอนที่แก้ไขไม่ใช่ของโครงการนี้"))
        kept = [r for r in rows if not r.delete]
        kept = [r for _, _, r in sorted((r.order, i, r) for i, r in enumerate(kept))]
        result = PlanSaveResult(version=loaded_version + 1)

        seen = set()
        for row in rows:
            if row.delete and row.step_id is not None:
                step = existing[row.step_id]
                step._history_user = user
                step.delete()
                result.removed += 1
                seen.add(row.step_id)
        # Park every step that remains (those the form keeps and any it does not mention),
        # so that renumbering never meets the unique order.
        PlanStep.objects.filter(project=project).update(order=F("order") + _PARKING)
        for number, row in enumerate(kept, start=1):
            values = {
                "order": number,
                "title": row.title.strip(),
                "weight": row.weight,
                "starts_on": row.starts_on,
                "ends_on": row.ends_on,
            }
            if row.step_id is None:
                step = PlanStep(project=project, **values)
                step._history_user = user
                step.save()
                result.added += 1
            else:
                step = existing[row.step_id]
                changed = any(getattr(step, k) != v for k, v in values.items())
                for name, value in values.items():
                    setattr(step, name, value)
                if changed:
                    step._history_user = user
                    step.save()
                    result.changed += 1
                else:
                    # Back from the parking order without a history record.
                    PlanStep.objects.filter(pk=step.pk).update(order=number)
                seen.add(row.step_id)
            result.steps.append(step)
        # Steps the form did not mention (there should be none) are left as they were but
        # renumbered after the others.
        for step in sorted(
            (s for pk, s in existing.items() if pk not in seen), key=lambda s: s.order
        ):
            number = len(result.steps) + 1
            PlanStep.objects.filter(pk=step.pk).update(order=number)
            step.order = number
            result.steps.append(step)
    return result


# --- Import of project pages of today's system (issue 8) ---------------------------------
# Owner: the page importer. The parser is projects/bma_page.py, the comparison with the
# database projects/bma_import.py; these two functions are the entry points.


def bma_page_import(*, page: bytes | str, dry_run: bool, source: str = "", user=None):
    """Create or update the project of one saved page of today's system, in one
    transaction; with ``dry_run`` only say what would change. Returns an ImportPlan
    (changes: created / updated / deleted / unchanged / kept, problems in Thai). A page
    with problems writes nothing; importing the same page twice changes nothing."""
    from projects import bma_import

    return bma_import.page_import(page=page, dry_run=dry_run, source=source, user=user)


def bma_pages_import(*, pages: Sequence[tuple[str, bytes | str]], dry_run: bool, user=None):
    """``bma_page_import`` for several (name, content) files: all in one transaction, or
    nothing at all when any file has a problem (two files of one project included)."""
    from projects import bma_import

    return bma_import.pages_import(pages=pages, dry_run=dry_run, user=user)


# --- The annual-plan spreadsheet (issue 8) -----------------------------------------------
# The template, reader, comparison and writer are projects/plan_xlsx.py.


def plan_spreadsheet_import(
    *,
    data: bytes,
    agency,
    fiscal_year,
    dry_run: bool,
    user,
    expected_digest: str | None = None,
):
    """Create or update the agency's projects of ``fiscal_year`` from an annual-plan
    workbook, in one transaction; with ``dry_run`` only say what would change. Returns a
    PlanImport (per project: created / updated / unchanged / kept; problems by sheet, row
    and column in Thai). Any problem writes nothing; the same file twice changes nothing.
    ``expected_digest`` (a preview's digest) refuses a confirmation made from a preview
    the database has moved on from. PermissionDenied unless the user may import for the
    agency."""
    from projects import plan_xlsx

    return plan_xlsx.plan_import(
        data=data,
        agency=agency,
        fiscal_year=fiscal_year,
        dry_run=dry_run,
        user=user,
        expected_digest=expected_digest,
    )


def plan_spreadsheet_export(*, agency, fiscal_year) -> bytes:
    """The agency's plan of ``fiscal_year`` as the import template, filled: importing it
    back changes nothing."""
    from projects import plan_xlsx

    return plan_xlsx.export_workbook(agency=agency, fiscal_year=fiscal_year)
