"""Importing the annual-plan workbook (issue 8): the rows read from it
(projects/imports/workbook_read.py) compared with the database, then written.

Safe by design, like the page importer (projects/imports/page_import.py):

- ``plan_import(dry_run=True)`` only reads and returns what would be created, updated,
  deleted or left alone, per project, and every problem by sheet, row and column in Thai.
- Any problem and nothing is written; otherwise everything is written in one
  transaction. Importing the same file twice changes nothing the second time.
- The file is for one agency and one fiscal year chosen by the person importing: rows
  of another agency or year, and codes that belong to a project of another agency or
  year, are problems.
- What a project row owns: the project's fields, its objectives and strategy lines (the
  cell replaces the stored list) and, when the steps sheet has rows for it, its plan
  steps (matched by order; steps beyond the sheet's are deleted). A project without
  step rows keeps its plan. Projects of the agency and year that the file does not
  list are left alone.
- Weights of a plan that the import writes must sum to 100; a stored plan that the
  file leaves as it is is only noted when its weights do not.
- Optimistic locking: a project whose steps change gets its ``plan_version`` bumped, so
  a plan editor opened before the import cannot overwrite it. History (simple_history)
  records every created, updated and deleted project and step with the importing user.
- An imported plan is approved (issue 18): each plan the import writes becomes its
  project's baseline (projects/plan_versions.py, baselines_from_steps).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects import freshness, permissions, plan_versions, strategy_services
from projects.imports import workbook_read
from projects.imports.changes import ACTIONS, ImportChange
from projects.imports.workbook_budgets import WorkbookBudgets
from projects.imports.workbook_columns import PROJECT_SHEET, STEP_SHEET
from projects.imports.workbook_rows import ReadResult, SheetProblem, StepRow
from projects.models import (
    Agency,
    FiscalYear,
    PlanStep,
    Project,
    ProjectObjective,
    StrategyLink,
)
from projects.signals import rows_written

CHANGE_REASON = "นำเข้าจากไฟล์แผนปฏิบัติราชการประจำปี (Excel)"

OUTCOME_LABELS = {**ACTIONS, "kept": gettext_lazy("คงไว้ (ไม่มีในไฟล์)")}


@dataclass
class ProjectOutcome:
    """What the import does to one project: ``action`` is created, updated, unchanged or
    kept (a project of the agency and year that the file does not list)."""

    code: str
    name: str
    row: int | None
    action: str
    changes: list[ImportChange] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(change.action for change in self.changes)
        return {action: counter.get(action, 0) for action in ACTIONS}

    @property
    def action_label(self) -> str:
        return OUTCOME_LABELS[self.action]


@dataclass
class PlanImport:
    """What importing a workbook does (or would do, in a dry run), and its problems."""

    agency_code: str
    fiscal_year_be: int
    dry_run: bool
    problems: list[SheetProblem] = field(default_factory=list)
    notes: list[SheetProblem] = field(default_factory=list)
    projects: list[ProjectOutcome] = field(default_factory=list)
    applied: bool = False
    # The confirmed preview no longer matches the database: nothing was written.
    stale: bool = False
    state: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stale

    @property
    def changes(self) -> list[ImportChange]:
        return [change for outcome in self.projects for change in outcome.changes]

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(change.action for change in self.changes)
        return {action: counter.get(action, 0) for action in ACTIONS}

    @property
    def project_counts(self) -> dict[str, int]:
        counter = Counter(outcome.action for outcome in self.projects)
        return {action: counter.get(action, 0) for action in ACTIONS}

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(counts["created"] or counts["updated"] or counts["deleted"])

    @property
    def digest(self) -> str:
        """Fingerprint of what the import would do and of the stored rows it read: a
        confirmation carrying another digest was made from an out-of-date preview."""
        text = repr((self.state, [(c.model, c.key, c.action, c.fields) for c in self.changes]))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Abort(Exception):
    pass


def plan_import(
    *,
    data: bytes | None = None,
    read_result: ReadResult | None = None,
    agency: Agency,
    fiscal_year: FiscalYear,
    dry_run: bool,
    user,
    expected_digest: str | None = None,
) -> PlanImport:
    """Import an annual-plan workbook for ``agency`` and ``fiscal_year``, or only plan the
    import when ``dry_run``: the workbook's bytes (``data``, read here) or what ``read``
    made of them (``read_result``, kept from the upload; it must have been read for this
    agency and year). With ``expected_digest`` (the preview's ``digest``), nothing is
    written when the database has changed since the preview: ``stale`` is set and the
    returned plan is the new preview."""
    if not permissions.can_import_plan(user, agency):
        raise PermissionDenied
    plan = PlanImport(agency_code=agency.code, fiscal_year_be=fiscal_year.year_be, dry_run=dry_run)
    if read_result is None:
        if data is None:
            raise TypeError("plan_import needs data or read_result")
        read_result = workbook_read.read(
            data, agency_code=agency.code, fiscal_year_be=fiscal_year.year_be
        )
    elif (read_result.agency_code, read_result.fiscal_year_be) != (
        agency.code,
        fiscal_year.year_be,
    ):
        raise ValueError(
            f"rows read for {read_result.agency_code}/{read_result.fiscal_year_be}, "
            f"imported for {agency.code}/{fiscal_year.year_be}"
        )
    result = read_result
    plan.problems.extend(result.problems)
    if not result.ok:
        return plan
    try:
        with transaction.atomic():
            importer = _PlanImporter(
                plan, result, agency=agency, fiscal_year=fiscal_year, user=user, lock=not dry_run
            )
            importer.compare()
            if plan.problems:
                raise _Abort
            if expected_digest is not None and expected_digest != plan.digest:
                plan.stale = True
                raise _Abort
            if not dry_run:
                importer.write()
    except _Abort:
        pass
    except DatabaseError as exc:
        plan.problems.append(
            SheetProblem(
                "",
                None,
                "",
                _("ฐานข้อมูล"),
                _("บันทึกลงฐานข้อมูลไม่สำเร็จ จึงไม่ได้บันทึกข้อมูลใดจากไฟล์นี้ (%(error)s)")
                % {"error": exc.__class__.__name__},
            )
        )
    plan.applied = not dry_run and plan.ok
    return plan


_PROJECT_FIELDS = (
    "name",
    "responsible",
    "responsible_phone",
    "rationale",
    "budget_code",
    "organisation_code",
    "targets",
    "budget_allocated",
    "budget_type_id",
    "budget_source",
)
_STEP_FIELDS = ("title", "weight", "starts_on", "ends_on")


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


class _PlanImporter:
    """Compares the rows read with the database (``compare``), then writes (``write``)."""

    def __init__(self, plan: PlanImport, result: ReadResult, *, agency, fiscal_year, user, lock):
        self.plan = plan
        self.result = result
        self.agency = agency
        self.fiscal_year = fiscal_year
        self.user = user
        self.lock = lock
        self.create: dict[type, list] = defaultdict(list)
        self.update: dict[type, list] = defaultdict(list)
        self.delete: dict[type, list] = defaultdict(list)
        self.bump: list[int] = []
        self.nodes: dict[str, int] | None = None  # the strategy tree, read when needed

    def compare(self) -> None:
        rows = self.result.projects
        codes = [row.code for row in rows]
        stored = Project.objects.filter(code__in=codes)
        if self.lock:
            stored = stored.select_for_update()
        existing = {project.code: project for project in stored}
        mine_qs = Project.objects.filter(agency=self.agency, fiscal_year=self.fiscal_year)
        mine = dict(mine_qs.values_list("code", "name"))
        self.check_foreign(rows, existing)
        ids = [p.pk for p in existing.values() if p.code in mine]
        objectives = self.children(ProjectObjective, ids)
        strategy = self.children(StrategyLink, ids)
        steps = self.children(PlanStep, ids)
        state = sorted(
            (p.code, p.pk, p.plan_version, p.updated_at.isoformat())
            for p in existing.values()
            if p.code in mine
        )
        steps_by_code: dict[str, list[StepRow]] = defaultdict(list)
        for step in self.result.steps:
            steps_by_code[step.project_code].append(step)

        budgets = WorkbookBudgets(self, ids)
        for row in rows:
            project = existing.get(row.code)
            if project is not None and row.code not in mine:
                continue  # another agency's or year's: a problem already
            outcome = ProjectOutcome(row.code, row.name, row.row, "unchanged")
            self.plan.projects.append(outcome)
            values = {name: getattr(row, name) for name in _PROJECT_FIELDS if hasattr(row, name)}
            values["budget_type_id"] = budgets.check(row, project)
            if project is None:
                project = Project(
                    code=row.code, agency=self.agency, fiscal_year=self.fiscal_year, **values
                )
                self.create[Project].append(project)
                self.record(outcome, Project, row.code, "created")
                outcome.action = "created"
            else:
                changed = [n for n in _PROJECT_FIELDS if getattr(project, n) != values[n]]
                if changed:
                    for name in changed:
                        setattr(project, name, values[name])
                    self.update[Project].append(project)
                    self.record(
                        outcome, Project, row.code, "updated", [_label(Project, n) for n in changed]
                    )
                else:
                    self.record(outcome, Project, row.code, "unchanged")
            self.sync_texts(
                outcome, ProjectObjective, project, objectives, row.objectives, _("วัตถุประสงค์")
            )
            self.sync_texts(outcome, StrategyLink, project, strategy, row.strategy, _("ยุทธศาสตร์"))
            self.sync_steps(outcome, project, steps, steps_by_code.get(row.code))
            if outcome.action == "unchanged" and any(
                c.action in ("created", "updated", "deleted") for c in outcome.changes
            ):
                outcome.action = "updated"

        listed = set(codes)
        for code, name in sorted(mine.items()):
            if code not in listed:
                self.plan.projects.append(
                    ProjectOutcome(
                        code, name, None, "kept", [ImportChange(_name(Project), code, "kept")]
                    )
                )
        self.plan.state = hashlib.sha256(repr(state).encode()).hexdigest()

    def check_foreign(self, rows, existing) -> None:
        foreign = [
            p
            for p in existing.values()
            if p.agency_id != self.agency.pk or p.fiscal_year_id != self.fiscal_year.pk
        ]
        if not foreign:
            return
        owners = {
            code: (agency_code, agency_name, year)
            for code, agency_code, agency_name, year in Project.objects.filter(
                pk__in=[p.pk for p in foreign]
            ).values_list("code", "agency__code", "agency__name", "fiscal_year__year_be")
        }
        for row in rows:
            if row.code in owners:
                agency_code, agency_name, year = owners[row.code]
                self.plan.problems.append(
                    SheetProblem(
                        PROJECT_SHEET,
                        row.row,
                        self.result.letter(PROJECT_SHEET, "code"),
                        _("รหัสโครงการ"),
                        _(
                            "รหัสโครงการ %(code)s เป็นโครงการของ%(agency)s (%(agency_code)s) "
                            "ปีงบประมาณ %(year)s อยู่แล้ว ไฟล์ของหน่วยงาน %(file_agency)s "
                            "ปีงบประมาณ %(file_year)s แก้ไขโครงการนี้ไม่ได้"
                        )
                        % {
                            "code": row.code,
                            "agency": agency_name,
                            "agency_code": agency_code,
                            "year": year,
                            "file_agency": self.agency.code,
                            "file_year": self.fiscal_year.year_be,
                        },
                    )
                )

    def children(self, model, ids) -> dict[int, dict[int, object]]:
        found: dict[int, dict[int, object]] = defaultdict(dict)
        if ids:
            for child in model.objects.filter(project_id__in=ids):
                found[child.project_id][child.order] = child
        return found

    def record(self, outcome, model, key, action, fields=()) -> None:
        outcome.changes.append(ImportChange(_name(model), key, action, tuple(fields)))

    def sync_texts(self, outcome, model, project, stored_all, texts, noun) -> None:
        stored = dict(stored_all.get(project.pk, {})) if project.pk else {}
        for order, text in enumerate(texts, start=1):
            key = f"{project.code} {noun} {order}"
            row = stored.pop(order, None)
            if row is None:
                row = model(project=project, order=order, text=text)
                self.link_node(row)
                self.create[model].append(row)
                self.record(outcome, model, key, "created")
            elif row.text != text:
                row.text = text
                self.link_node(row)
                self.update[model].append(row)
                self.record(outcome, model, key, "updated", [_label(model, "text")])
            else:
                self.record(outcome, model, key, "unchanged")
        for order, row in sorted(stored.items()):
            self.delete[model].append(row)
            self.record(outcome, model, f"{project.code} {noun} {order}", "deleted")

    def link_node(self, row) -> None:
        """A strategy line new or changed names its node (strategy_services.node_for_text)."""
        if isinstance(row, StrategyLink):
            if self.nodes is None:
                self.nodes = strategy_services.node_ids_by_code()
            row.node_id = strategy_services.node_for_text(row.text, self.nodes)

    def sync_steps(self, outcome, project, stored_all, rows: list[StepRow] | None) -> None:
        stored = dict(stored_all.get(project.pk, {})) if project.pk else {}
        if rows is None:
            for order, _step in sorted(stored.items()):
                self.record(outcome, PlanStep, _step_key(project.code, order), "kept")
            self.check_weights(project, stored.values(), None, changed=False)
            return
        changed = False
        for row in sorted(rows, key=lambda r: r.order):
            key = _step_key(project.code, row.order)
            values = {name: getattr(row, name) for name in _STEP_FIELDS}
            step = stored.pop(row.order, None)
            if step is None:
                self.create[PlanStep].append(PlanStep(project=project, order=row.order, **values))
                self.record(outcome, PlanStep, key, "created")
                changed = True
                continue
            differ = [n for n in _STEP_FIELDS if getattr(step, n) != values[n]]
            if differ:
                for name in differ:
                    setattr(step, name, values[name])
                self.update[PlanStep].append(step)
                self.record(
                    outcome, PlanStep, key, "updated", [_label(PlanStep, n) for n in differ]
                )
                changed = True
            else:
                self.record(outcome, PlanStep, key, "unchanged")
        for order, step in sorted(stored.items()):
            self.delete[PlanStep].append(step)
            self.record(outcome, PlanStep, _step_key(project.code, order), "deleted")
            changed = True
        if changed and project.pk:
            self.bump.append(project.pk)
        self.check_weights(project, rows, rows, changed=changed or project.pk is None)

    def check_weights(self, project, steps, rows, *, changed: bool) -> None:
        steps = list(steps)
        if not steps:
            return
        total = sum((step.weight for step in steps), Decimal(0))
        if total == 100:
            return
        message = _(
            "น้ำหนักของขั้นตอนทั้ง %(count)s ขั้นตอนของโครงการ %(code)s "
            "รวมกันได้ร้อยละ %(total)s ต้องรวมกันได้ร้อยละ 100"
        ) % {"count": len(steps), "code": project.code, "total": _plain(total)}
        first = min(rows, key=lambda r: r.row).row if rows else None
        problem = SheetProblem(
            STEP_SHEET if rows else PROJECT_SHEET,
            first,
            self.result.letter(STEP_SHEET, "weight") if rows else "",
            _("น้ำหนัก (ร้อยละ)"),
            message,
        )
        if changed:
            self.plan.problems.append(problem)
        else:
            # Stored as it is and not changed by this file: say so, do not block the import.
            self.plan.notes.append(
                SheetProblem(
                    problem.sheet,
                    problem.row,
                    problem.column,
                    problem.field,
                    message + _(" (แผนที่บันทึกไว้แล้ว ไฟล์นี้ไม่ได้เปลี่ยน)"),
                )
            )

    def write(self) -> None:
        # Bulk writes send no post_save: say so (kept pages show these rows).
        rows_written.send(sender=Project, project_ids=None)
        history = {"default_user": self.user, "default_change_reason": CHANGE_REASON}
        now = timezone.now()
        if self.create[Project]:
            bulk_create_with_history(self.create[Project], Project, batch_size=500, **history)
        if self.update[Project]:
            for project in self.update[Project]:
                project.updated_at = now
            bulk_update_with_history(
                self.update[Project],
                Project,
                [*_PROJECT_FIELDS, "updated_at"],
                batch_size=500,
                **history,
            )
        for model in (ProjectObjective, StrategyLink):
            if self.delete[model]:
                model.objects.filter(pk__in=[row.pk for row in self.delete[model]]).delete()
            if self.create[model]:
                model.objects.bulk_create(self.create[model], batch_size=1000)
            if self.update[model]:
                fields = ["text", "node"] if model is StrategyLink else ["text"]
                model.objects.bulk_update(self.update[model], fields, batch_size=500)
        for step in self.delete[PlanStep]:
            step._history_user = self.user
            step._change_reason = CHANGE_REASON
            step.delete()
        if self.create[PlanStep]:
            bulk_create_with_history(self.create[PlanStep], PlanStep, batch_size=500, **history)
        if self.update[PlanStep]:
            bulk_update_with_history(
                self.update[PlanStep], PlanStep, list(_STEP_FIELDS), batch_size=500, **history
            )
        if self.bump:
            # The plan editor's optimistic lock: a form opened before the import is stale.
            Project.objects.filter(pk__in=self.bump).update(plan_version=F("plan_version") + 1)
        # Rows written in bulk send no post_save: their projects' records changed now.
        freshness.touch(
            row.project_id
            for model in (ProjectObjective, StrategyLink, PlanStep)
            for kind in ("create", "update", "delete")
            for row in getattr(self, kind)[model]
        )
        # An imported plan is approved: the baseline of each project whose plan it wrote.
        written = {
            s.project_id
            for model in (self.create, self.update, self.delete)
            for s in model[PlanStep]
        }
        plan_versions.baselines_from_steps(project_ids=sorted(written), user=self.user)


def _name(model) -> str:
    return str(model._meta.verbose_name)


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _step_key(code: str, order: int) -> str:
    return _("%(code)s ขั้นตอน %(order)s") % {"code": code, "order": order}
