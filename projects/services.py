"""Business rules of the projects app: monthly progress reports, reopening of locked months,
evidence files. (Plan editing is projects/plan_editing.py, plan versions and the baseline
projects/plan_versions.py; the import services projects/imports/services.py: the core
imports no importer.)

Every function is keyword-only and runs in one transaction. Rule violations raise
ValidationError keyed by the form field they belong to, with Thai messages; a save made
from an out-of-date version raises EditConflict carrying what is now stored
(projects/locking.py: versions are checked in the UPDATE's WHERE clause).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from projects import budgets, months, permissions, progress, report_budget, reporting, thaidates
from projects.entries import progress_entry_write
from projects.evidence import FileKind
from projects.locking import EditConflict as EditConflict  # raised by the saves, caught by views
from projects.models import (
    Agency,
    BudgetSource,
    BudgetType,
    EvidenceFile,
    FiscalYear,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    ProjectObjective,
    StrategyLink,
    User,
)
from projects.strategy_services import strategy_links_create

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
    # Projects with a budget (issue 16, projects/report_budget.py): cumulative to the
    # month's end; None is "not reported".
    committed: Decimal | None = None
    disbursed: Decimal | None = None
    budget_lower_reason: str = ""


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


@dataclass(frozen=True)
class ReportCheck:
    """What the rules say of a report before it is saved (progress_entry_check): the month
    it is about, the percent it comes to and how, the report of the month before, the
    month's state (its deadline, lock and report, projects/months.py) and the errors by
    form field, in Thai (none: it may be saved). The save and the live preview both ask."""

    period: dt.date
    computed: progress.ComputedPercent | None
    percent: Decimal | None
    previous: ProgressEntry | None
    state: months.MonthState
    errors: dict[str, list[str]]
    # The budget figures lower than last reported ("committed", "disbursed"), and the
    # reports each was last reported in (report_budget.previous_figures).
    lower_figures: tuple[str, ...] = ()
    previous_figures: dict = field(default_factory=dict)

    @property
    def lower(self) -> bool:
        return _is_lower(self.percent, self.previous)

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


def _is_lower(percent: Decimal | None, previous: ProgressEntry | None) -> bool:
    """Lower than the report of the month before: allowed, with a reason."""
    return percent is not None and previous is not None and percent < previous.percent


def _date_errors(
    fiscal_year, state: months.MonthState, reported_on: dt.date, today: dt.date
) -> dict:
    """The month and the date of a report about ``state.period``.

    The month is one of the project's fiscal year that has begun. The report's date runs
    from the month's first day to today: a report is about its month, and is often written
    in the next one (September's on 5 October, after the fiscal year's end). For agency
    staff it also ends at the month's deadline, or at the end of a reopening in force: the
    month's lock (progress_entry_check, permissions.can_report_month) refuses a save after
    that day, and a date after today is refused here, so no date past the deadline gets
    through unless สยป. reopened the month; administrators, never locked, may date a late
    report up to today."""
    period = state.period
    errors: dict[str, list[str]] = {}
    if not fiscal_year.contains(period):
        errors.setdefault("period", []).append(
            _("เดือนที่รายงานต้องอยู่ในปีงบประมาณ %(year)s") % {"year": fiscal_year.year_be}
        )
    elif period > ProgressEntry.period_of(today):
        errors.setdefault("period", []).append(_("ยังรายงานผลของเดือนที่ยังไม่ถึงไม่ได้"))
    if reported_on < period:
        errors.setdefault("reported_on", []).append(
            _("วันที่รายงานต้องไม่ก่อนเดือนที่รายงาน (%(month)s)") % {"month": thaidates.month_label(period)}
        )
    if reported_on > today:
        errors.setdefault("reported_on", []).append(
            _("วันที่รายงานต้องไม่เกินวันนี้ (%(today)s)") % {"today": thaidates.format_be(today)}
        )
    return errors


def _lower_error(percent: Decimal, previous: ProgressEntry) -> str:
    return _(
        "ความคืบหน้าร้อยละ %(new)s น้อยกว่ารายงานครั้งก่อน (ร้อยละ %(old)s เมื่อ %(date)s) กรุณาระบุเหตุผล"
    ) % {
        "new": f"{percent:.2f}",
        "old": f"{previous.percent:.2f}",
        "date": thaidates.format_be(previous.reported_on),
    }


def _lock_error(state: months.MonthState) -> str:
    return _(
        "เลยกำหนดส่งรายงานของเดือน%(month)s (%(deadline)s) แล้ว เดือนนี้ปิดรับรายงาน "
        "หากต้องการรายงานย้อนหลัง โปรดติดต่อ สยป. เพื่อขอเปิดรับรายงาน"
    ) % {
        "month": thaidates.month_label(state.period),
        "deadline": thaidates.format_be(state.deadline),
    }


def progress_entry_check(
    *,
    project: Project,
    user: User,
    steps: Sequence[PlanStep],
    data: ReportInput,
    today: dt.date,
    states: dict[dt.date, months.MonthState] | None = None,
) -> ReportCheck:
    """Every rule of a report, without writing: the month (in the project's fiscal year,
    begun), its date (_date_errors), the percent, a reason when it is lower than the month
    before's, the budget figures (report_budget.budget_errors) and the month's lock for
    ``user``. ``states`` may hold the month's state already read."""
    period = report_period(data)
    state = (states or {}).get(period) or months.month_state(project, period, today=today)
    errors = _date_errors(project.fiscal_year, state, data.reported_on, today)
    computed = progress_entry_compute(steps=steps, data=data)
    percent = computed.percent if computed is not None else data.manual_percent
    if percent is None:
        errors.setdefault("percent", []).append(_("กรุณากรอกความคืบหน้า (ร้อยละ 0–100)"))
    elif not Decimal(0) <= percent <= Decimal(100):
        errors.setdefault("percent", []).append(_("ความคืบหน้าต้องอยู่ระหว่างร้อยละ 0 ถึง 100"))
    previous = reporting.previous_entry(project, period)
    if _is_lower(percent, previous) and not data.lower_reason.strip():
        errors.setdefault("lower_reason", []).append(_lower_error(percent, previous))
    budget, lower_figures, previous_figures = report_budget.budget_errors(project, period, data)
    for name, messages in budget.items():
        errors.setdefault(name, []).extend(messages)
    if "period" not in errors and not permissions.can_report_month(user, project, state):
        errors.setdefault("period", []).append(_lock_error(state))
    return ReportCheck(
        period,
        computed,
        percent,
        previous,
        state,
        errors,
        tuple(lower_figures),
        previous_figures,
    )


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
        check = progress_entry_check(
            project=project, user=user, steps=steps, data=data, today=today
        )
        if check.errors:
            raise ValidationError(check.errors)
        state = check.state
        values = report_values(project=project, steps=steps, data=data, check=check, user=user)
        entry = progress_entry_write(
            project=project,
            period=period,
            values=values,
            user=user,
            late=state.past_deadline,
            existing=state.entry,
            loaded_entry_id=loaded_entry_id,
            loaded_version=loaded_version,
        )
        for uploaded, kind in evidence:
            _evidence_add(entry=entry, uploaded=uploaded, kind=kind, user=user, written=written)
    return entry


def report_values(*, project, steps, data: ReportInput, check: ReportCheck, user) -> dict:
    """The fields of a checked report as stored (a ProgressEntry's, a ReportSubmission's)."""
    return {
        "reported_on": data.reported_on,
        "percent": check.percent,
        "completed_steps": sorted({s.pk for s in steps} & set(data.completed_step_ids)),
        "in_progress_step_id": (
            data.in_progress_step_id if data.partial_percent is not None else None
        ),
        "partial_percent": data.partial_percent if data.in_progress_step_id is not None else None,
        "narrative": data.narrative.strip(),
        "problems": data.problems.strip(),
        "obstacles": data.obstacles.strip(),
        "lower_reason": data.lower_reason.strip() if check.lower else "",
        # No figures for a project without a budget, whatever was posted.
        "committed": data.committed if project.has_budget else None,
        "disbursed": data.disbursed if project.has_budget else None,
        "budget_lower_reason": (data.budget_lower_reason.strip() if check.lower_figures else ""),
        "updated_by": user,
    }


# --- Evidence files ----------------------------------------------------------------------


def _evidence_add(
    *, entry=None, submission=None, uploaded, kind: FileKind, user, written: list
) -> EvidenceFile:
    """A file of a report: of its entry, or of its submission while it awaits approval."""
    evidence = EvidenceFile(
        entry=entry,
        submission=submission,
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
    state = months.month_state(project, entry.period, today=today)
    if not permissions.can_report_month(user, project, state):
        raise PermissionDenied
    if project.agency.reports_need_approval and not permissions.is_admin(user):
        raise PermissionDenied  # an approved report changes only through approval
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
        state = months.month_state(project, period, today=today)
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


# --- A new project from the screen ---------------------------------------------------------
# Many projects at once come from the annual-plan workbook (plan_spreadsheet_import).
# Its KPIs are indicators' business: the view links them (indicators.services.
# project_indicators_add) in the same transaction.

STRATEGY_LINK_MAX = StrategyLink._meta.get_field("text").max_length


def project_create(
    *,
    user: User,
    agency: Agency,
    fiscal_year: FiscalYear,
    code: str,
    name: str,
    responsible: str = "",
    responsible_phone: str = "",
    rationale: str = "",
    targets: str = "",
    objectives: Sequence[str] = (),
    strategy_links: Sequence[str] = (),
    budget_code: str = "",
    organisation_code: str = "",
    budget_allocated: Decimal | None = None,
    budget_type: BudgetType | None = None,
    budget_source: str = BudgetSource.CURRENT,
) -> Project:
    """A new project of ``agency`` in ``fiscal_year``, its objectives and strategy links
    numbered 1..n in the order given. The code is the agency's code, a dash and a number,
    and no other project has it (project_code_errors). Its budget: none allocated is a
    project without one (and without a type). Its plan steps come next, in the plan editor."""
    if not permissions.can_create_project(user, agency):
        raise PermissionDenied
    code, name = code.strip(), name.strip()
    objectives = [text.strip() for text in objectives if text.strip()]
    strategy_links = [text.strip() for text in strategy_links if text.strip()]
    errors: dict[str, list] = {}
    if code_errors := project_code_errors(agency=agency, code=code, year_be=fiscal_year.year_be):
        errors["code"] = code_errors
    if not name:
        errors["name"] = [_("กรุณากรอกชื่อโครงการ")]
    for number, text in enumerate(strategy_links, start=1):
        if len(text) > STRATEGY_LINK_MAX:
            errors.setdefault("strategy_links", []).append(
                _("บรรทัดที่ %(number)s ยาวเกิน %(limit)s ตัวอักษร")
                % {"number": number, "limit": STRATEGY_LINK_MAX}
            )
    errors.update(budgets.budget_errors(budget_allocated, budget_type, budget_source))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = Project(
            budget_allocated=budget_allocated,
            budget_type=budget_type,
            budget_source=budget_source,
            code=code,
            name=name,
            agency=agency,
            fiscal_year=fiscal_year,
            responsible=responsible.strip(),
            responsible_phone=responsible_phone.strip(),
            rationale=rationale.strip(),
            targets=targets.strip(),
            budget_code=budget_code.strip(),
            organisation_code=organisation_code.strip(),
        )
        project._history_user = user
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            # Somebody created a project of this code between our check and our insert.
            raise ValidationError({"code": [_taken(code)]}) from None
        # In bulk, without post_save: project.save() above already says that this
        # project and the lists changed (kept pages are bumped when this commits).
        ProjectObjective.objects.bulk_create(
            ProjectObjective(project=project, order=order, text=text)
            for order, text in enumerate(objectives, start=1)
        )
        strategy_links_create(project=project, texts=strategy_links)
    return project


def project_code_errors(*, agency: Agency, code: str, year_be: int) -> list[ValidationError]:
    """What stops ``code`` from being the code of a new project of ``agency``: it is not
    the agency's code, a dash and a number (``year_be`` makes the example), or another
    project has it (code "duplicate", ``params`` name the code: the page links to it).
    The form asks too when something else is wrong, so that all is said at once."""
    code = code.strip()
    if not agency.owns_project_code(code):
        message = _("รหัสโครงการต้องเป็นรหัสหน่วยงาน %(agency)s ตามด้วยขีดและตัวเลข เช่น %(example)s")
        return [
            ValidationError(
                message % {"agency": agency.code, "example": f"{agency.code}-{year_be}"},
                code="prefix",
            )
        ]
    if Project.objects.filter(code=code).exists():
        return [_taken(code)]
    return []


def _taken(code: str) -> ValidationError:
    return ValidationError(_("มีโครงการรหัสนี้แล้ว: %(code)s"), code="duplicate", params={"code": code})
