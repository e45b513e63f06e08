"""Import of project pages of today's system into the database (issue 8).

``page_import`` turns one saved page (see projects/imports/page_parser.py) into the
agency, fiscal year, project, its objectives, strategy links, plan steps, progress
entries, KPIs (with the project linked) and quarter evaluations. ``pages_import`` does
the same for several files at once. The public entry points are
``services.bma_page_import`` and ``services.bma_pages_import``
(projects/imports/services.py).

Safe by design:

- A dry run (``dry_run=True``) only reads: it returns the plan of what would be created,
  updated, deleted or left alone, and the problems. Nothing is written.
- A page with any problem is not written at all. Otherwise everything is written in one
  transaction: all or nothing (and, for several files, all files or none).
- Writing the same page again changes nothing: values are compared first and a row is
  saved only when a value differs.

What a page owns and what it leaves alone:

- The project's fields, its objectives, strategy links and plan steps are what the page
  shows: rows beyond the page's (an objective 4 when the page has 3) are deleted.
- Progress entries are matched by month (one per project per month) and quarter
  evaluations by quarter. Entries and quarters the page does not show are left alone:
  they may have been reported in the new system since.
- A KPI is matched by its code and linked to the project; links of the project to other
  KPIs are left alone.
- The headline "สยป. ประเมินโครงการ : ไตรมาสที่ 1 100" is quarter 1's project score; the
  other quarters of the page's table get no project score (the headline is the latest
  quarter that has one).
- A quarter closed by สยป. (QuarterLock) is not changed: a page that would change it is a
  problem.
- Saved rows bump the optimistic-locking versions the edit forms use (ProgressEntry and
  QuarterEvaluation ``version``, Project ``plan_version`` when a step changes), so that a
  form opened before the import cannot overwrite it silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils.translation import gettext

from indicators.models import Indicator, QuarterEvaluation, QuarterLock
from projects import freshness, plan_versions, strategy_services, thaidates
from projects.imports import page_parser
from projects.imports.changes import ACTIONS, ImportChange
from projects.imports.page_data import BmaPage, ParseResult, Problem
from projects.models import (
    Agency,
    FiscalYear,
    PlanStep,
    ProgressEntry,
    Project,
    ProjectObjective,
    StrategyLink,
)
from projects.signals import rows_written

CHANGE_REASON = "นำเข้าจากหน้าโครงการของระบบเดิม"


@dataclass
class ImportPlan:
    """What importing one file does (or would do, in a dry run), and its problems."""

    source: str
    dry_run: bool
    project_code: str = ""
    problems: list[Problem] = field(default_factory=list)
    changes: list[ImportChange] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        """Rows per action: created, updated, deleted, unchanged, kept."""
        counter = Counter(change.action for change in self.changes)
        return {action: counter.get(action, 0) for action in ACTIONS}

    def counts_by_model(self, action: str) -> dict[str, int]:
        counter = Counter(c.model for c in self.changes if c.action == action)
        return dict(counter)


class _Abort(Exception):
    """Roll the transaction back: a problem was found while comparing with the database."""


def page_import(
    *, page: bytes | str | ParseResult, dry_run: bool, source: str = "", user=None
) -> ImportPlan:
    """Import one saved page, or only plan the import when ``dry_run``."""
    result = page if isinstance(page, ParseResult) else page_parser.parse(page)
    plan = ImportPlan(source=source, dry_run=dry_run)
    if result.page is not None:
        plan.project_code = result.page.header.code
    plan.problems.extend(result.problems)
    if not result.ok:
        return plan
    try:
        with transaction.atomic():
            _Importer(plan, write=not dry_run, user=user).run(result.page)
    except _Abort:
        pass
    except DatabaseError as exc:
        plan.problems.append(
            Problem(
                None,
                gettext("ฐานข้อมูล"),
                gettext("บันทึกลงฐานข้อมูลไม่สำเร็จ จึงไม่ได้บันทึกข้อมูลใดจากไฟล์นี้ (%(error)s)")
                % {"error": f"{exc.__class__.__name__}: {exc}"},
            )
        )
    plan.applied = not dry_run and plan.ok
    return plan


def pages_import(
    *, pages: Sequence[tuple[str, bytes | str]], dry_run: bool, user=None
) -> list[ImportPlan]:
    """Import several files: all of them in one transaction, or none when any file has a
    problem (including two files of the same project). ``pages`` is (name, content)."""
    parsed = [(name, page_parser.parse(data)) for name, data in pages]
    duplicates: dict[str, Problem] = {}
    first_file: dict[str, str] = {}
    for name, result in parsed:
        if result.page is None or not result.page.header.code:
            continue
        code = result.page.header.code
        if code in first_file:
            duplicates[name] = Problem(
                result.page.header.line,
                gettext("รหัสโครงการ"),
                gettext("รหัสโครงการ %(code)s ซ้ำกับไฟล์ %(file)s นำเข้าโครงการเดียวกันได้ครั้งละหนึ่งไฟล์")
                % {"code": code, "file": first_file[code]},
            )
        else:
            first_file[code] = name
    clean = not duplicates and all(result.ok for _name, result in parsed)
    if dry_run or not clean:
        plans = []
        for name, result in parsed:
            plan = page_import(page=result, dry_run=True, source=name, user=user)
            if name in duplicates:
                plan.problems.append(duplicates[name])
            plans.append(plan)
        return plans
    with transaction.atomic():
        plans = [
            page_import(page=result, dry_run=False, source=name, user=user)
            for name, result in parsed
        ]
        if not all(plan.ok for plan in plans):
            transaction.set_rollback(True)
            for plan in plans:
                plan.applied = False
    return plans


# --- the comparison with the database ----------------------------------------------------


def _name(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


class _Importer:
    def __init__(self, plan: ImportPlan, *, write: bool, user):
        self.plan = plan
        self.write = write
        self.user = user
        # New child rows, inserted together by flush(): one INSERT per table instead of
        # one per row (and one for their history), which makes a new page ~3× faster.
        self.pending: dict[type[models.Model], list[models.Model]] = {}
        self.new_baselines: list[Project] = []

    def record(self, model, key: str, action: str, fields: Sequence[str] = ()) -> None:
        self.plan.changes.append(ImportChange(_name(model), key, action, tuple(fields)))

    def save(self, instance: models.Model) -> None:
        if self.write:
            instance._history_user = self.user
            instance._change_reason = CHANGE_REASON
            instance.save()

    def sync(
        self,
        model,
        instance,
        *,
        key: str,
        values: dict,
        create: dict | None = None,
        later: bool = False,
    ) -> tuple[models.Model, str]:
        """Create ``instance`` (None) from ``values`` and ``create``, or update the values
        that differ. Returns the row and what was done with it. ``later``: a new row is
        inserted by flush(), with the other new rows of its table."""
        if instance is None:
            instance = model(**values, **(create or {}))
            if later:
                self.pending.setdefault(model, []).append(instance)
            else:
                self.save(instance)
            self.record(model, key, "created")
            return instance, "created"
        changed = [name for name, value in values.items() if _differs(instance, name, value)]
        if not changed:
            self.record(model, key, "unchanged")
            return instance, "unchanged"
        for name in changed:
            setattr(instance, name, values[name])
        if hasattr(instance, "version"):
            instance.version += 1
        self.save(instance)
        self.record(
            model, key, "updated", [str(model._meta.get_field(n).verbose_name) for n in changed]
        )
        return instance, "updated"

    def flush(self) -> None:
        if not self.write:
            return
        for model, rows in self.pending.items():
            model.objects.bulk_create(rows)
            history = getattr(model, "history", None)
            if history is not None:
                history.bulk_history_create(
                    rows, default_user=self.user, default_change_reason=CHANGE_REASON
                )
            if model._meta.label in freshness.PUBLISHED_WITH_PROJECT:
                freshness.touch(row.project_id for row in rows)  # bulk: no post_save
        self.pending.clear()

    def delete(self, model, instance, *, key: str) -> None:
        if self.write:
            instance._history_user = self.user
            instance._change_reason = CHANGE_REASON
            instance.delete()
        self.record(model, key, "deleted")

    # --- one page -------------------------------------------------------------------

    def run(self, page: BmaPage) -> None:
        header = page.header
        if self.write:
            # Rows are written in bulk, without post_save: say so (kept pages show them).
            rows_written.send(sender=Project, project_ids=None)
        fiscal_year, _ = self.sync(
            FiscalYear,
            FiscalYear.objects.filter(year_be=header.fiscal_year_be).first(),
            key=str(header.fiscal_year_be),
            values={"year_be": header.fiscal_year_be},
        )
        agency, _ = self.sync(
            Agency,
            Agency.objects.filter(code=header.agency_code).first(),
            key=f"{header.agency_code} {header.agency_name}",
            values={"name": header.agency_name},
            create={"code": header.agency_code},
        )
        existing = Project.objects.select_for_update().filter(code=header.code).first()
        values = {
            "name": header.name,
            "agency": agency,
            "fiscal_year": fiscal_year,
            "responsible": page.responsible,
            "rationale": page.rationale,
            "budget_code": page.budget_code,
            "organisation_code": page.organisation_code,
            "targets": page.targets,
        }
        if page.responsible_phone:
            # A page without a phone says nothing about it: keep one entered since.
            values["responsible_phone"] = page.responsible_phone
        project, _ = self.sync(
            Project, existing, key=header.code, values=values, create={"code": header.code}
        )
        new = existing is None
        self.sync_texts(ProjectObjective, project, new, page.objectives, gettext("วัตถุประสงค์"))
        self.sync_texts(
            StrategyLink,
            project,
            new,
            page.strategy,
            gettext("ยุทธศาสตร์"),
            nodes=self.strategy_nodes(),
        )
        self.sync_steps(project, new, page)
        self.sync_entries(project, new, page)
        self.sync_indicators(project, new, page)
        self.sync_quarters(project, new, page, fiscal_year)
        self.flush()
        plan_versions.baselines_from_steps(
            project_ids=[p.pk for p in self.new_baselines], user=self.user
        )

    def strategy_nodes(self) -> dict[str, int]:
        """The tree's codes and ids, read once per import (strategy_services.node_for_text)."""
        if getattr(self, "_strategy_nodes", None) is None:
            self._strategy_nodes = strategy_services.node_ids_by_code()
        return self._strategy_nodes

    def sync_texts(
        self, model, project, new: bool, texts: Sequence[str], noun: str, nodes=None
    ) -> None:
        """Objectives or strategy links: the page's list, in order, replaces the stored one.
        A strategy line new or changed is linked to the node its text names (``nodes``); an
        unchanged one keeps its node (an administrator may have picked it)."""
        stored = {} if new else {row.order: row for row in model.objects.filter(project=project)}
        for order, text in enumerate(texts, start=1):
            row = stored.pop(order, None)
            values = {"text": text}
            if nodes is not None and (row is None or row.text != text):
                values["node_id"] = strategy_services.node_for_text(text, nodes)
            self.sync(
                model,
                row,
                key=f"{noun} {order}",
                values=values,
                create={"project": project, "order": order},
                later=True,
            )
        for order, row in sorted(stored.items()):
            self.delete(model, row, key=f"{noun} {order}")

    def sync_steps(self, project, new: bool, page: BmaPage) -> None:
        stored = {} if new else {s.order: s for s in PlanStep.objects.filter(project=project)}
        changed = False
        for step in page.steps:
            _row, action = self.sync(
                PlanStep,
                stored.pop(step.order, None),
                key=gettext("ขั้นตอน %(order)s") % {"order": step.order},
                values={
                    "title": step.title,
                    "weight": step.weight,
                    "starts_on": step.starts_on,
                    "ends_on": step.ends_on,
                },
                create={"project": project, "order": step.order},
                later=True,
            )
            changed = changed or action != "unchanged"
        for order, row in sorted(stored.items()):
            self.delete(PlanStep, row, key=gettext("ขั้นตอน %(order)s") % {"order": order})
            changed = True
        if changed and not new and self.write:
            # The plan editor's optimistic lock: a form opened before the import is stale.
            Project.objects.filter(pk=project.pk).update(plan_version=F("plan_version") + 1)
        if changed and self.write:
            self.new_baselines.append(project)  # an imported plan is approved (issue 18)

    def sync_entries(self, project, new: bool, page: BmaPage) -> None:
        stored = {} if new else {e.period: e for e in ProgressEntry.objects.filter(project=project)}
        for entry in page.entries:
            period = entry.reported_on.replace(day=1)
            self.sync(
                ProgressEntry,
                stored.pop(period, None),
                key=gettext("%(date)s ร้อยละ %(percent)s")
                % {"date": thaidates.format_be(entry.reported_on), "percent": entry.percent},
                values={
                    "reported_on": entry.reported_on,
                    "percent": entry.percent,
                    "narrative": entry.narrative,
                    "problems": entry.problems,
                    "obstacles": entry.obstacles,
                },
                create={"project": project, "period": period, "created_by": self.user},
                later=True,
            )
        for _period, row in sorted(stored.items()):
            self.record(ProgressEntry, thaidates.format_be(row.reported_on), "kept")

    def sync_indicators(self, project, new: bool, page: BmaPage) -> None:
        codes = [indicator.code for indicator in page.indicators]
        stored = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        linked = set()
        if not new:
            linked = set(
                Indicator.projects.through.objects.filter(
                    project=project, indicator__code__in=codes
                ).values_list("indicator__code", flat=True)
            )
        link_name = gettext("ตัวชี้วัดของโครงการ")
        for item in page.indicators:
            indicator, _ = self.sync(
                Indicator,
                stored.get(item.code),
                key=item.code,
                values={
                    "label": item.label,
                    "name": item.name,
                    "kind": item.kind,
                    "result_level": item.result_level,
                    "unit": item.unit,
                    "target_level": item.target_level,
                    "achieved_level": item.achieved_level,
                },
                create={"code": item.code},
            )
            key = f"{item.code} ↔ {project.code}"
            if item.code in linked:
                self.plan.changes.append(ImportChange(link_name, key, "unchanged"))
                continue
            if self.write:
                indicator.projects.add(project)
            self.plan.changes.append(ImportChange(link_name, key, "created"))

    def sync_quarters(self, project, new: bool, page: BmaPage, fiscal_year) -> None:
        stored = (
            {} if new else {q.quarter: q for q in QuarterEvaluation.objects.filter(project=project)}
        )
        scores = {}
        if page.evaluation is not None:
            scores[page.evaluation.quarter] = page.evaluation.score
        rows = {
            row.quarter: {
                "result_value": row.result_value,
                "criterion_21": row.criterion_21,
                "criterion_22": row.criterion_22,
                "project_score": scores.get(row.quarter),
            }
            for row in page.quarters
        }
        for quarter, score in scores.items():
            # A headline quarter missing from the table: the score alone.
            rows.setdefault(quarter, {"project_score": score})
        changed = []
        for quarter, values in sorted(rows.items()):
            _row, action = self.sync(
                QuarterEvaluation,
                stored.pop(quarter, None),
                key=gettext("ไตรมาสที่ %(quarter)s") % {"quarter": quarter},
                values=values,
                create={"project": project, "quarter": quarter, "version": 1},
                later=True,
            )
            if action != "unchanged":
                changed.append(quarter)
        for quarter in sorted(stored):
            self.record(
                QuarterEvaluation, gettext("ไตรมาสที่ %(quarter)s") % {"quarter": quarter}, "kept"
            )
        if not changed or fiscal_year.pk is None:
            return
        locks = QuarterLock.objects.filter(
            fiscal_year=fiscal_year, quarter__in=changed, is_locked=True
        )
        if self.write:
            locks = locks.select_for_update()
        locked = sorted(lock.quarter for lock in locks)
        if locked:
            for quarter in locked:
                self.plan.problems.append(
                    Problem(
                        next((row.line for row in page.quarters if row.quarter == quarter), None),
                        gettext("ตารางรายไตรมาส ไตรมาสที่ %(quarter)s") % {"quarter": quarter},
                        gettext(
                            "ไตรมาสที่ %(quarter)s ปีงบประมาณ %(year)s ปิดแล้ว "
                            "ผลประเมินในหน้านี้ต่างจากที่บันทึกไว้ จึงนำเข้าไม่ได้ "
                            "(ขอให้ สยป. เปิดไตรมาสก่อน)"
                        )
                        % {"quarter": quarter, "year": fiscal_year.year_be},
                    )
                )
            raise _Abort


def _differs(instance: models.Model, name: str, value) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) != getattr(value, "pk", value)
    return getattr(instance, name) != value
