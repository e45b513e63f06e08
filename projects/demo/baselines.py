"""Plan baselines of the demo (issue 18): every demo plan approved as version 1, and the
projects that fixtures/demo/projects.toml marks ``replan`` changed after that through the
plan editor's own service, version 2 approved by the head or still waiting.

Idempotent: a project that has versions already is left as it is."""

import datetime as dt

from django.utils.translation import gettext as _

from projects import plan_editing, plan_versions
from projects.demo import vocabulary
from projects.models import PlanStep, PlanVersion, Project


def ensure_baselines(report, projects: dict, today: dt.date, users: dict) -> None:
    """``projects``: code → (project, spec), as make_demo builds it; the seed project too."""
    ids = [project.pk for project, _spec in projects.values()]
    ids += list(Project.objects.filter(code="01000000-2462").values_list("pk", flat=True))
    versioned = set(
        PlanVersion.objects.filter(project_id__in=ids).values_list("project_id", flat=True)
    )
    fresh = [pk for pk in ids if pk not in versioned]
    made = plan_versions.baselines_from_steps(
        project_ids=fresh, user=users.get("head"), reason=_("แผนตั้งต้นที่อนุมัติแล้ว")
    )
    report.created["plan_versions"] += made
    wanted = {p.code(report.year_be): p for p in vocabulary.current_projects() if p.replan}
    for code, demo in sorted(wanted.items()):
        project = projects.get(code, (None, None))[0]
        if project is None or project.pk not in fresh:
            continue
        _replan(project, demo, today=today, staff=users["staff"], head=users["head"])
        report.created["plan_versions"] += 1


def _replan(project, demo, *, today: dt.date, staff, head) -> None:
    """The steps not yet ended pushed back (45 days for a pending version, 20 for an
    approved one, never past the year's end). Weights stay: the demo's reports, made from
    them, must add up as the report form computes them."""
    steps = list(PlanStep.objects.filter(project=project).order_by("order"))
    shift = dt.timedelta(days=45 if demo.replan == "pending" else 20)
    end = project.fiscal_year.ends_on
    future = [s for s in steps if s.ends_on and s.starts_on and s.ends_on > today]
    rows = []
    for step in steps:
        starts_on, ends_on, weight = step.starts_on, step.ends_on, step.weight
        if step in future:
            starts_on, ends_on = min(starts_on + shift, end), min(ends_on + shift, end)
        rows.append(
            plan_editing.StepInput(step.pk, step.order, step.title, weight, starts_on, ends_on)
        )
    project.refresh_from_db(fields=["plan_version"])
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=project.plan_version,
        rows=rows,
        reason=demo.replan_reason,
    )
    version = plan_versions.open_version_of(project)
    if version is not None and demo.replan == "approved":
        plan_versions.plan_version_approve(version=version, user=head, today=today)
