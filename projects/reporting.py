"""Reads for monthly reporting: locked months and reopenings, the report form's starting
values, each project's state for a month (the rule: projects/months.py), and the readable
change history.

Every function answers in a fixed number of queries, whatever the number of projects,
entries or changes.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import CharField, OuterRef, Prefetch, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import money, months, permissions, thaidates
from projects.models import (
    Agency,
    EvidenceFile,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    ReportSubmission,
    ReportTransition,
)

# --- Locked months (the rule itself: projects/months.py) ----------------------------------


def locked_months(
    project: Project, *, today: dt.date, states: dict[dt.date, months.MonthState] | None = None
) -> list[months.MonthState]:
    """Months of the project's fiscal year, up to today, whose deadline has passed: the
    months สยป. may reopen. Newest first. ``states`` may hold the year's states
    (months.year_states)."""
    periods = [m for m in thaidates.fiscal_months(project.fiscal_year.year_be) if m <= today]
    if states is None or not all(p in states for p in periods):
        states = months.month_states(project, periods, today=today)
    return [states[m] for m in reversed(periods) if states[m].past_deadline]


def recent_reopenings(project: Project, limit: int = 5) -> list[MonthReopening]:
    return list(
        MonthReopening.objects.filter(project=project)
        .select_related("reopened_by")
        .order_by("-reopened_at")[:limit]
    )


def done_steps(project: Project, *, history: Page | None = None) -> set[int]:
    """Ids of the steps ticked as done in the latest entry, to mark them on the plan.
    The first page of the history (newest first) already holds that entry."""
    if history is not None and history.number == 1:
        entries = list(history.object_list)
        return set(entries[0].completed_steps) if entries else set()
    ticked = (
        ProgressEntry.objects.filter(project=project)
        .newest_first()
        .values_list("completed_steps", flat=True)
        .first()
    )
    return set(ticked or [])


def attach_evidence(history: Page) -> None:
    """Give each entry of a history page its evidence files (``entry.evidence_files``):
    one query, and none when no entry of the page has any (``has_evidence``, annotated by
    selectors.progress_history)."""
    entries = list(history.object_list)
    wanted = [e.pk for e in entries if getattr(e, "has_evidence", True)]
    files: dict[int, list[EvidenceFile]] = {}
    if wanted:
        for file in EvidenceFile.objects.filter(entry_id__in=wanted).order_by("uploaded_at", "pk"):
            files.setdefault(file.entry_id, []).append(file)
    for entry in entries:
        entry.evidence_files = files.get(entry.pk, [])
    history.object_list = entries


def last_plan_change(project: Project):
    """The latest recorded change to a step of the plan (who and when), or None."""
    return (
        PlanStep.history.filter(project_id=project.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )


def project_for_report(code: str) -> Project:
    """The project with what the report form and the plan editor need: its agency, year,
    latest progress and steps (two queries)."""
    from django.shortcuts import get_object_or_404

    queryset = (
        Project.objects.select_related("agency", "fiscal_year")
        .with_latest_progress()
        .prefetch_related(Prefetch("steps", queryset=PlanStep.objects.order_by("order")))
    )
    return get_object_or_404(queryset, code=code)


# --- Reports on their way to approval (issue 15): the agency's own readers only -----------


def open_submissions(project: Project) -> list[ReportSubmission]:
    """The project's reports not yet approved (ร่าง, ส่งแล้ว รออนุมัติ, ส่งกลับแก้ไข), newest
    month first, each with its moves (``transitions``: who, when, the comment) and its
    evidence files: three queries, whatever their number. Only for those who may see them
    (permissions.can_see_submissions)."""
    return list(
        ReportSubmission.objects.filter(project=project, state__in=ReportSubmission.OPEN_STATES)
        .select_related("entry", "updated_by", "created_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=ReportTransition.objects.select_related("by").order_by("at", "pk"),
            ),
            Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("-period")
    )


def attach_approvals(history: Page) -> None:
    """Give each entry of a history page who approved it and when (``entry.approval``: the
    latest approved submission that became it, or None for a report saved directly): one
    query, none for an empty page."""
    entries = list(history.object_list)
    approved: dict[int, ReportSubmission] = {}
    if entries:
        for submission in (
            ReportSubmission.objects.filter(
                entry__in=[e.pk for e in entries], state=ReportSubmission.State.APPROVED
            )
            .select_related("decided_by")
            .order_by("decided_at", "pk")
        ):
            approved[submission.entry_id] = submission  # the latest wins
    for entry in entries:
        entry.approval = approved.get(entry.pk)
    history.object_list = entries


# --- The report form ---------------------------------------------------------------------


def report_months(project: Project, *, today: dt.date) -> list[dt.date]:
    """The months of the project's fiscal year that can be reported on today: those that
    have begun (whether still open is the lock's business)."""
    current = ProgressEntry.period_of(today)
    return [m for m in thaidates.fiscal_months(project.fiscal_year.year_be) if m <= current]


def default_period(
    project: Project,
    *,
    user,
    today: dt.date,
    states: dict[dt.date, months.MonthState] | None = None,
) -> dt.date:
    """The month the report form opens on: the earliest month of the project's year that
    ``user`` may still report today (not locked for them, permissions.can_report_month)
    and that has no report yet: November on 5 December when October is reported, October
    while สยป. has reopened it and it is still empty. Else the latest month they may still
    write (its report, to correct it); else the latest month that has begun (the year is
    closed to them); a year not yet begun opens on its first month. ``states`` may hold
    the year's states (months.year_states, with the open submissions where the agency's
    reports need approval: a month waiting for approval counts as reported)."""
    periods = report_months(project, today=today)
    if not periods:
        return project.fiscal_year.starts_on
    if states is None or not all(p in states for p in periods):
        states = months.month_states(project, periods, today=today)
    writable = [p for p in periods if permissions.can_report_month(user, project, states[p])]
    # A month waiting for the head (รออนุมัติ) is done for now; a draft or a returned one is not.
    empty = [p for p in writable if not states[p].reported and states[p].status != months.PENDING]
    if empty:
        return empty[0]
    return writable[-1] if writable else periods[-1]


def entry_for_period(project: Project, period: dt.date) -> ProgressEntry | None:
    return (
        ProgressEntry.objects.filter(project=project, period=period)
        .select_related("updated_by", "created_by")
        .prefetch_related("evidence")
        .first()
    )


def previous_entry(project: Project, period: dt.date) -> ProgressEntry | None:
    """The report of the latest month before ``period``: the one a new percent is compared to."""
    return ProgressEntry.objects.filter(project=project, period__lt=period).latest_month()


def latest_entry(project: Project) -> ProgressEntry | None:
    return ProgressEntry.objects.filter(project=project).latest_month()


def report_initial(
    entry: ProgressEntry | None,
    *,
    today: dt.date,
    ticks_from: ProgressEntry | None,
    copy_from: ProgressEntry | None = None,
    reported_on: dt.date | None = None,
) -> dict:
    """Starting values of the report form.

    Editing the month's report (``entry``) shows it as saved, its date included: opening
    and saving a report again never re-dates it. A new report is dated ``today`` and keeps
    the steps ticked last time (``ticks_from``: progress is cumulative) with an empty
    narrative. "Copy last month" passes the latest report as ``copy_from``: its texts and
    ticks come along, not its date. ``reported_on``: a date asked for (``?date=``).
    """
    day = reported_on or (entry.reported_on if entry is not None else today)
    source = copy_from or entry
    if source is not None:
        return {
            "reported_on": thaidates.format_be(day),
            "completed_steps": list(source.completed_steps),
            "in_progress_step": source.in_progress_step_id,
            "partial_percent": source.partial_percent,
            "percent": source.percent,
            "narrative": source.narrative,
            "problems": source.problems,
            "obstacles": source.obstacles,
            "lower_reason": source.lower_reason,
            # Cumulative: last month's figures are where this month's start.
            "committed": source.committed,
            "disbursed": source.disbursed,
            "budget_lower_reason": source.budget_lower_reason if source is entry else "",
        }
    initial = {"reported_on": thaidates.format_be(day)}
    if ticks_from is not None:
        initial["completed_steps"] = list(ticks_from.completed_steps)
        initial["in_progress_step"] = ticks_from.in_progress_step_id
        initial["partial_percent"] = ticks_from.partial_percent
    return initial


# --- My agency: each project's state for a month ----------------------------------------


@dataclass
class AgencyMonth:
    """One cell of my agency's table: the month's state and whether the person looking may
    write its report (set by the view, through permissions)."""

    state: months.MonthState
    can_report: bool = False


@dataclass
class AgencyRow:
    project: Project
    months: list[AgencyMonth] = field(default_factory=list)


def agency_month_status(
    agency: Agency,
    *,
    periods: list[dt.date],
    today: dt.date,
    page_number,
    with_submissions: bool = False,
) -> tuple[Page, list[AgencyRow]]:
    """One page of the agency's projects of the fiscal year of the last of ``periods``,
    with the state of each period (months.month_states_for): six queries whatever the
    number of projects, seven ``with_submissions`` (the reports on their way to approval,
    for the agency's own people: a month sent to the head is รออนุมัติ, not missing)."""
    year_be = thaidates.fiscal_year_of(periods[-1])
    projects = (
        Project.objects.filter(agency=agency, fiscal_year__year_be=year_be)
        .select_related("fiscal_year")
        .with_latest_progress()
        .order_by("code")
    )
    page = Paginator(projects, settings.BMA_PROJECTS_PAGE_SIZE).get_page(page_number)
    page_projects = list(page.object_list)
    states = months.month_states_for(
        page_projects, periods, today=today, with_submissions=with_submissions
    )
    rows = [
        AgencyRow(
            project=project,
            months=[AgencyMonth(states[(project.pk, period)]) for period in periods],
        )
        for project in page_projects
    ]
    return page, rows


# --- Change history (ประวัติการแก้ไข) -----------------------------------------------------

HistoricalProject = Project.history.model
HistoricalPlanStep = PlanStep.history.model
HistoricalProgressEntry = ProgressEntry.history.model
HistoricalEvidenceFile = EvidenceFile.history.model

# Bookkeeping fields that change on every save and say nothing to a reader.
_HIDDEN_FIELDS = {
    "id",
    "project",
    "entry",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "version",
    "plan_version",
    "file",
    "uploaded_at",
    "uploaded_by",
    "period",
}
_HIDDEN_EVIDENCE_NAMES = _HIDDEN_FIELDS | {"original_name"}
# What a new object is summarised by.
_CREATED_FIELDS = {
    "project": ("code", "name"),
    "step": ("order", "title", "weight", "starts_on", "ends_on"),
    "entry": ("reported_on", "percent", "completed_steps", "narrative", "committed", "disbursed"),
    "evidence": ("original_name", "size"),
}
_ACTIONS = {"+": gettext_lazy("เพิ่ม"), "~": gettext_lazy("แก้ไข"), "-": gettext_lazy("ลบ")}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    long: bool = False


@dataclass(frozen=True)
class ChangeRecord:
    when: dt.datetime
    who: object
    kind: str
    action: str
    action_label: str
    subject: str
    changes: list[FieldChange]


def _sources(project: Project):
    entry_ids = ProgressEntry.objects.filter(project=project).values("pk")
    return {
        "project": HistoricalProject.objects.filter(id=project.pk),
        "step": HistoricalPlanStep.objects.filter(project_id=project.pk),
        "entry": HistoricalProgressEntry.objects.filter(project_id=project.pk),
        "evidence": HistoricalEvidenceFile.objects.filter(entry_id__in=entry_ids),
    }


def change_history(
    project: Project, page_number, *, per_page: int | None = None, evidence_names: bool = True
) -> Page:
    """One page of every recorded change to the project, its steps, entries and evidence,
    newest first, each with its field changes (old → new). Without ``evidence_names``
    (a reader who may not open the files) an evidence file is shown without its name.

    Queries: the count and the page of (kind, history id) over a UNION of the four history
    tables, then per kind on the page one query for its rows with the previous version's
    id and one for those previous versions, and one for the project's steps (to show ticked
    steps by number): at most 11, whatever the number of changes.
    """
    sources = _sources(project)
    union = None
    for kind, queryset in sources.items():
        part = (
            queryset.order_by()
            .annotate(kind=Value(kind, output_field=CharField()))
            .values_list("history_date", "history_id", "kind")
        )
        union = part if union is None else union.union(part, all=True)
    union = union.order_by("-history_date", "-history_id")
    paginator = Paginator(union, per_page or settings.BMA_HISTORY_PAGE_SIZE)
    page = paginator.get_page(page_number)
    keys = list(page.object_list)

    wanted: dict[str, list[int]] = {}
    for _date, history_id, kind in keys:
        wanted.setdefault(kind, []).append(history_id)
    rows: dict[tuple[str, int], object] = {}
    previous: dict[tuple[str, int], object] = {}
    for kind, ids in wanted.items():
        model = sources[kind].model
        older = model.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        found = list(
            model.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(older.values("history_id")[:1]))
        )
        previous_ids = [r.previous_id for r in found if r.previous_id]
        olders = {r.history_id: r for r in model.objects.filter(history_id__in=previous_ids)}
        for record in found:
            rows[(kind, record.history_id)] = record
            previous[(kind, record.history_id)] = olders.get(record.previous_id)

    step_numbers = dict(PlanStep.objects.filter(project=project).values_list("pk", "order"))
    page.object_list = [
        _describe(kind, rows[(kind, hid)], previous[(kind, hid)], step_numbers, evidence_names)
        for _date, hid, kind in keys
        if (kind, hid) in rows
    ]
    return page


def _subject(kind: str, record, step_numbers: dict[int, int], evidence_names: bool) -> str:
    if kind == "project":
        return _("ข้อมูลโครงการ")
    if kind == "step":
        return _("ขั้นตอนที่ %(order)s") % {"order": record.order}
    if kind == "entry":
        return _("รายงานเดือน%(month)s") % {"month": thaidates.month_label(record.period)}
    if not evidence_names:
        return _("ไฟล์หลักฐาน")
    return _("ไฟล์หลักฐาน %(name)s") % {"name": record.original_name}


def _describe(kind, record, older, step_numbers, evidence_names=True) -> ChangeRecord:
    hidden = _HIDDEN_FIELDS if evidence_names or kind != "evidence" else _HIDDEN_EVIDENCE_NAMES
    fields = [f for f in record.instance_type._meta.fields if f.name not in hidden and f.editable]
    changes = []
    if record.history_type == "~" and older is not None:
        for f in fields:
            old_value = getattr(older, f.attname)
            new_value = getattr(record, f.attname)
            if old_value != new_value:
                changes.append(_change(f, old_value, new_value, step_numbers))
    elif record.history_type == "+":
        wanted = _CREATED_FIELDS[kind]
        for f in fields:
            if f.name in wanted:
                value = getattr(record, f.attname)
                if value not in (None, "", []):
                    changes.append(_change(f, None, value, step_numbers))
    return ChangeRecord(
        when=record.history_date,
        who=record.history_user,
        kind=kind,
        action=record.history_type,
        action_label=_ACTIONS.get(record.history_type, record.history_type),
        subject=_subject(kind, record, step_numbers, evidence_names),
        changes=changes,
    )


def _change(model_field, old, new, step_numbers) -> FieldChange:
    long = model_field.get_internal_type() == "TextField"
    return FieldChange(
        label=str(model_field.verbose_name),
        old=_display(model_field, old, step_numbers),
        new=_display(model_field, new, step_numbers),
        long=long,
    )


def _display(model_field, value, step_numbers) -> str:
    if value is None or value == "" or value == []:
        return "-"
    name = model_field.name
    if name == "completed_steps":
        numbers = sorted(step_numbers.get(pk, 0) for pk in value)
        shown = [str(n) for n in numbers if n]
        gone = sum(1 for n in numbers if not n)
        if gone:
            shown.append(_("ขั้นตอนที่ลบแล้ว %(n)s ขั้นตอน") % {"n": gone})
        return ", ".join(shown)
    if name == "in_progress_step":
        number = step_numbers.get(value)
        return str(number) if number else _("ขั้นตอนที่ลบแล้ว")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, dt.datetime):
        return thaidates.format_be(value.date())
    if isinstance(value, dt.date):
        return thaidates.format_be(value)
    if isinstance(value, Decimal) and money.is_amount_field(model_field):
        return money.format_baht(value)  # an amount of money (issue 16)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if name == "size":
        return f"{value / 1024:.0f} KB"
    return str(value)
