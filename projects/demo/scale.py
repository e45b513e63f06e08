"""Scale data for `manage.py generate_demo --projects 20000`: the whole BMA over several
fiscal years, written with bulk inserts.

About 80 agencies (the departments and the 50 district offices), projects spread over the
last few fiscal years, each with 10 plan steps, its monthly reports (12 in a closed year,
those due so far in the current one), objectives, strategy links, a KPI, and สยป.'s
quarter evaluations. The words and the shape of the plans and reports come from
specs.py (``project_spec``), so a generated project reads like a demo project.

Generated rows are recognisable by their codes: projects ``<agency>-<yy><nnnn>`` (six
digits after the dash, where the demo uses four and the seed 2462) and KPIs
``<agency[:4]>-<yy>9<nn>``. Nothing is recorded in simple-history: these rows were
never typed by anybody.

``generate`` runs its steps in a fixed order on one random generator: the same seed and
``today`` give the same rows.
"""

import dataclasses
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from projects import strategy_services, thaidates
from projects.demo import budgets, strategy, vocabulary
from projects.demo.kpis import kpi_definition, level_criteria
from projects.demo.specs import SCORES, ProjectSpec, project_spec, report_deadline
from projects.demo.vocabulary import Theme
from projects.signals import rows_written

SEED = "bma-progress-scale"
STEPS_PER_PROJECT = 10
GENERATED_PROJECT_CODE = r"^[0-9]{8}-[0-9]{6}$"
GENERATED_KPI_CODE = r"^[0-9]{4}-[0-9]{2}9[0-9]{2}$"


@dataclass
class ScaleReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, step: Callable[[], int]) -> None:
        started = time.perf_counter()
        self.counts[name] = self.counts.get(name, 0) + step()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def agency_specs(count: int) -> list[tuple[str, str, str]]:
    """``count`` agencies: the 50 district offices and departments, departments first."""
    districts = [
        (vocabulary.district_agency_code(i), f"สำนักงานเขต{name}", f"เขต{name}")
        for i, name in enumerate(vocabulary.districts())
    ]
    wanted_departments = max(count - len(districts), 0)
    departments = [(a.code, a.name, a.short_name) for a in vocabulary.departments()]
    agencies = departments[:wanted_departments] + districts
    return agencies[:count]


def ten_step_theme(theme: Theme) -> Theme:
    steps = list(theme.steps)
    extras = iter(vocabulary.extra_steps())
    while len(steps) < STEPS_PER_PROJECT:
        steps.insert(len(steps) - 1, next(extras))
    return dataclasses.replace(theme, steps=tuple(steps[:STEPS_PER_PROJECT]))


def themes() -> tuple[Theme, ...]:
    """The demo's themes, each with ten steps."""
    return tuple(ten_step_theme(theme) for theme in vocabulary.themes())


def kpi_code(agency_code: str, year_be: int, number: int) -> str:
    return f"{agency_code[:4]}-{year_be % 100:02d}9{number:02d}"


def _year_list(current_year_be: int, years: int) -> list[int]:
    return list(range(current_year_be - years + 1, current_year_be + 1))


def generated_projects():
    from projects.models import Project

    return Project.objects.filter(code__regex=GENERATED_PROJECT_CODE)


def delete_generated() -> dict[str, int]:
    """Remove earlier generated data with plain DELETEs (no per-row signals or history):
    the rows that point at generated projects, one level further down, then the projects
    and the generated KPIs."""
    from indicators.models import Indicator

    counts: dict[str, int] = {}
    projects = generated_projects()
    ids = projects.values("pk")
    with transaction.atomic():
        for relation in projects.model._meta.related_objects:
            model = relation.related_model
            if relation.many_to_many:
                through = relation.through
                column = relation.field.m2m_reverse_field_name()
                rows = through.objects.filter(**{f"{column}__in": ids})
                counts[through._meta.db_table] = rows._raw_delete(rows.db)
                continue
            if model._meta.label.startswith("projects.Historical"):
                continue
            # Foreign keys are checked at commit (deferred), so the order of the deletes
            # inside the transaction does not matter.
            rows = model.objects.filter(**{f"{relation.field.name}__in": ids})
            for child in model._meta.related_objects:
                if child.many_to_many or child.related_model._meta.label.startswith(
                    "projects.Historical"
                ):
                    continue
                below = child.related_model.objects.filter(
                    **{f"{child.field.name}__in": rows.values("pk")}
                )
                counts[child.related_model._meta.db_table] = below._raw_delete(below.db)
            counts[model._meta.db_table] = rows._raw_delete(rows.db)
        counts["projects_project"] = projects._raw_delete(projects.db)
        kpis = Indicator.objects.filter(code__regex=GENERATED_KPI_CODE)
        for relation in Indicator._meta.related_objects:
            if relation.many_to_many or relation.related_model._meta.label.endswith("Historical"):
                continue
            rows = relation.related_model.objects.filter(**{f"{relation.field.name}__in": kpis})
            counts[relation.related_model._meta.db_table] = rows._raw_delete(rows.db)
        counts["indicators_indicator"] = kpis._raw_delete(kpis.db)
    return counts


# --- generate: its steps, in the order they run ----------------------------------------


@dataclass
class Run:
    """What the steps of one ``generate`` share; filled in as the steps go."""

    rng: random.Random
    today: dt.date
    current_year: int
    year_list: list[int]
    batch_size: int
    codes: list[str] = field(default_factory=list)  # agency codes
    agencies: dict = field(default_factory=dict)  # code → Agency
    fiscal_years: dict = field(default_factory=dict)  # year_be → FiscalYear
    specs: list[ProjectSpec] = field(default_factory=list)
    unscheduled: set[str] = field(default_factory=set)  # codes of plans without dates
    project_ids: dict[str, int] = field(default_factory=dict)
    step_ids: dict[tuple[int, int], int] = field(default_factory=dict)  # (project, order)
    budgets: dict = field(default_factory=dict)  # code → budgets.BudgetPlan | None


def generate(
    *,
    projects: int,
    agencies: int = 80,
    years: int = 5,
    today: dt.date | None = None,
    seed: str = SEED,
    batch_size: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> ScaleReport:
    """Create ``projects`` projects spread over the ``years`` fiscal years up to the current
    one, and everything that belongs to them, in bulk. Reports and evaluations are kept
    only when they are due by ``today``."""
    say = progress or (lambda message: None)
    today = today or timezone.localdate()
    current_year = thaidates.fiscal_year_of(today)
    run = Run(
        rng=random.Random(seed),
        today=today,
        current_year=current_year,
        year_list=_year_list(current_year, years),
        batch_size=batch_size,
    )
    report = ScaleReport()
    with transaction.atomic():
        report.timed("agencies", lambda: _ensure_agencies(agencies))
        _find_agencies_and_years(run, agencies)
        plan = _plan(run, projects)
        say(
            f"{len(plan)} projects over {years} fiscal years {run.year_list[0]}–{run.year_list[-1]}"
        )

        started = time.perf_counter()
        run.specs = _project_specs(run, plan)
        report.seconds["specs"] = time.perf_counter() - started
        run.unscheduled = {spec.code for spec in run.specs if run.rng.random() < 0.03}

        run.budgets = {spec.code: budgets.plan_for(spec.code, spec.year_be) for spec in run.specs}
        report.timed("projects", lambda: _insert_projects(run))
        run.project_ids = dict(generated_projects().values_list("code", "pk"))
        report.timed("budgets", lambda: _insert_budgets(run))
        say(f"projects inserted ({report.seconds['projects']:.1f} s)")
        report.timed("objectives_and_strategies", lambda: _insert_texts(run))
        report.timed("steps", lambda: _insert_steps(run))
        run.step_ids = _step_ids()
        say(f"steps inserted ({report.seconds['steps']:.1f} s)")
        report.timed("baselines", lambda: _insert_baselines(run))
        report.timed("entries", lambda: _insert_entries(run))
        say(f"entries inserted ({report.seconds['entries']:.1f} s)")
        report.timed("quarter_evaluations", lambda: _insert_evaluations(run))
        report.timed("kpis_links_levels_results", lambda: _insert_kpis(run))

    from projects.models import Project

    rows_written.send(sender=Project, project_ids=None)  # bulk inserts send no post_save
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report


def _ensure_agencies(count: int) -> int:
    """Agencies: a handful of rows, found or created."""
    from projects.models import Agency

    existing = {a.code: a for a in Agency.objects.all()}
    new = [
        Agency(code=code, name=name, short_name=short)
        for code, name, short in agency_specs(count)
        if code not in existing
    ]
    Agency.objects.bulk_create(new)
    return len(new)


def _find_agencies_and_years(run: Run, count: int) -> None:
    from projects.models import Agency, FiscalYear

    run.codes = [code for code, _name, _short in agency_specs(count)]
    run.agencies = {a.code: a for a in Agency.objects.filter(code__in=run.codes)}
    for year_be in run.year_list:
        FiscalYear.objects.get_or_create(year_be=year_be)
    run.fiscal_years = {y.year_be: y for y in FiscalYear.objects.filter(year_be__in=run.year_list)}


def _plan(run: Run, projects: int) -> list[tuple[int, str, int]]:
    """(year, agency code, number) of each project: evenly over the years, unevenly over
    the agencies (big departments run more projects than small offices)."""
    years = len(run.year_list)
    weights = [run.rng.uniform(0.5, 2.0) for _ in run.codes]
    per_year = [projects // years + (1 if i < projects % years else 0) for i in range(years)]
    plan: list[tuple[int, str, int]] = []
    for year_be, count in zip(run.year_list, per_year, strict=True):
        numbers: dict[str, int] = {}
        for code in run.rng.choices(run.codes, weights=weights, k=count):
            numbers[code] = numbers.get(code, 0) + 1
            plan.append((year_be, code, numbers[code]))
    return plan


def _project_specs(run: Run, plan: list[tuple[int, str, int]]) -> list[ProjectSpec]:
    ten_step_themes = themes()
    districts = vocabulary.districts()
    return [
        project_spec(
            code=f"{agency_code}-{year_be % 100:02d}{number:04d}",
            agency_code=agency_code,
            year_be=year_be,
            theme=run.rng.choice(ten_step_themes),
            place=run.rng.choice(districts),
        )
        for year_be, agency_code, number in plan
    ]


def _insert_projects(run: Run) -> int:
    from projects.models import BudgetType, Project

    types = {t.name: t.pk for t in BudgetType.objects.all()}

    def budget(spec) -> dict:
        plan = run.budgets.get(spec.code)
        if plan is None:
            return {}
        return {
            "budget_allocated": plan.allocated,
            "budget_type_id": types.get(plan.type_name),
            "budget_source": plan.source,
        }

    rows = [
        Project(
            **budget(spec),
            code=spec.code,
            name=spec.name,
            agency=run.agencies[spec.agency_code],
            fiscal_year=run.fiscal_years[spec.year_be],
            responsible=spec.responsible,
            responsible_phone=spec.responsible_phone,
            rationale=spec.rationale,
            budget_code=spec.budget_code,
            organisation_code=spec.organisation_code,
            targets=spec.targets,
        )
        for spec in run.specs
    ]
    Project.objects.bulk_create(rows, batch_size=run.batch_size)
    return len(rows)


def _insert_budgets(run: Run) -> int:
    """The transfers of the projects with a budget, and the demo years' DEMO targets."""
    from projects.models import BudgetTransfer

    rows = [
        BudgetTransfer(
            project_id=run.project_ids[code], transferred_on=day, amount=amount, reason=reason
        )
        for code, plan in run.budgets.items()
        if plan is not None
        for day, amount, reason in plan.transfers
    ]
    BudgetTransfer.objects.bulk_create(rows, batch_size=run.batch_size)
    return len(rows) + budgets.ensure_targets(list(run.fiscal_years.values()))


def _insert_texts(run: Run) -> int:
    from projects.models import ProjectObjective, StrategyLink

    # The themes' lines name nodes under every ด้าน but one: the projects spread over them.
    strategy.ensure_tree()
    nodes = strategy_services.node_ids_by_code()
    objectives = [
        ProjectObjective(project_id=run.project_ids[spec.code], order=i, text=text)
        for spec in run.specs
        for i, text in enumerate(spec.objectives, start=1)
    ]
    links = [
        StrategyLink(
            project_id=run.project_ids[spec.code],
            order=i,
            text=text,
            node_id=strategy_services.node_for_text(text, nodes),
        )
        for spec in run.specs
        for i, text in enumerate(spec.strategies, start=1)
    ]
    ProjectObjective.objects.bulk_create(objectives, batch_size=run.batch_size)
    StrategyLink.objects.bulk_create(links, batch_size=run.batch_size)
    return len(objectives) + len(links)


def _insert_steps(run: Run) -> int:
    from projects.models import PlanStep

    rows = []
    for spec in run.specs:
        placeholder = spec.code in run.unscheduled
        fy_start = thaidates.fiscal_year_bounds(spec.year_be)[0]
        for step in spec.steps:
            rows.append(
                PlanStep(
                    project_id=run.project_ids[spec.code],
                    order=step.order,
                    title=step.title,
                    weight=step.weight,
                    # A few plans carry one placeholder date on every step, as the old
                    # system's do: no schedule, never "behind".
                    starts_on=fy_start if placeholder else step.starts_on,
                    ends_on=fy_start if placeholder else step.ends_on,
                )
            )
    PlanStep.objects.bulk_create(rows, batch_size=run.batch_size)
    return len(rows)


def _insert_baselines(run: Run) -> int:
    """Every generated plan approved as its project's baseline (issue 18), in chunks."""
    from projects import plan_versions

    ids = sorted(run.project_ids.values())
    chunk = 2000
    return sum(
        plan_versions.baselines_from_steps(project_ids=ids[i : i + chunk], user=None, reason="")
        for i in range(0, len(ids), chunk)
    )


def _step_ids() -> dict[tuple[int, int], int]:
    from projects.models import PlanStep

    return {
        (project_id, order): pk
        for pk, project_id, order in PlanStep.objects.filter(
            project_id__in=generated_projects().values("pk")
        ).values_list("pk", "project_id", "order")
    }


def _insert_entries(run: Run) -> int:
    from projects.models import ProgressEntry

    rows = []
    for spec in run.specs:
        project_id = run.project_ids[spec.code]
        fiscal_year = run.fiscal_years[spec.year_be]
        due = [e for e in spec.entries if e.reported_on <= run.today]
        if spec.year_be == run.current_year and due and run.rng.random() < 0.15:
            due = due[:-1]  # forgot this month's report so far
        elif due and run.rng.random() < 0.03:
            due.pop(run.rng.randrange(len(due)))  # one month never reported
        plan, committed_before = run.budgets.get(spec.code), None
        for entry in due:
            deadline = report_deadline(fiscal_year, entry.period, moved={})
            figures = plan.figures.get(entry.period) if plan else None
            lower = bool(figures and committed_before and figures.committed < committed_before)
            committed_before = figures.committed if figures else committed_before
            rows.append(
                ProgressEntry(
                    project_id=project_id,
                    period=entry.period,
                    reported_on=entry.reported_on,
                    percent=entry.percent,
                    narrative=entry.narrative,
                    problems=entry.problems,
                    obstacles=entry.obstacles,
                    completed_steps=[
                        run.step_ids[(project_id, n)] for n in range(1, entry.completed + 1)
                    ],
                    in_progress_step_id=(
                        run.step_ids[(project_id, entry.completed + 1)]
                        if entry.partial_percent
                        else None
                    ),
                    partial_percent=entry.partial_percent,
                    is_late=entry.reported_on > deadline,
                    committed=figures.committed if figures else None,
                    disbursed=figures.disbursed if figures else None,
                    budget_lower_reason=budgets.settings()["lower_reason"] if lower else "",
                )
            )
    ProgressEntry.objects.bulk_create(rows, batch_size=run.batch_size)
    return len(rows)


def _insert_evaluations(run: Run) -> int:
    from indicators.models import QuarterEvaluation

    rows = []
    for spec in run.specs:
        for quarter in (1, 2, 3, 4):
            _, ends_on = thaidates.quarter_bounds(spec.year_be, quarter)
            if ends_on + dt.timedelta(days=28) > run.today:
                break
            if run.rng.random() < 0.08:
                continue  # สยป. has not got to it
            c21, c22 = run.rng.choice(SCORES), run.rng.choice(SCORES)
            rows.append(
                QuarterEvaluation(
                    project_id=run.project_ids[spec.code],
                    quarter=quarter,
                    criterion_21=c21,
                    criterion_22=c22,
                    project_score=(c21 + c22) / 2,
                    evaluated_at=timezone.make_aware(
                        dt.datetime.combine(ends_on + dt.timedelta(days=21), dt.time(14))
                    ),
                )
            )
    QuarterEvaluation.objects.bulk_create(rows, batch_size=run.batch_size)
    return len(rows)


def _insert_kpis(run: Run) -> int:
    """Three KPIs per agency and year; each project supports one of its agency's."""
    from indicators.models import Indicator

    kpis = _kpi_rows(run)
    Indicator.objects.bulk_create(kpis, batch_size=run.batch_size)
    by_code = dict(
        Indicator.objects.filter(code__regex=GENERATED_KPI_CODE).values_list("code", "pk")
    )
    links = _insert_kpi_links(run, by_code)
    levels, results = _insert_kpi_levels_and_results(run, kpis, by_code)
    return len(kpis) + links + levels + results


def _kpi_rows(run: Run) -> list:
    from indicators.models import Indicator

    kpis = []
    for year_be in run.year_list:
        for code in run.codes:
            for n, row in enumerate(vocabulary.scale_kpis(), start=1):
                achieved = run.rng.randint(3, 5) if year_be < run.current_year else None
                short_name = run.agencies[code].short_name
                kpis.append(
                    Indicator(
                        code=kpi_code(code, year_be, n),
                        label=row.label,
                        name=f"ระดับความสำเร็จของ{row.subject} ({short_name})",
                        kind=row.kind,
                        result_level=row.result_level,
                        unit=Indicator.Unit.LEVEL,
                        target_level=5,
                        achieved_level=achieved,
                        definition=kpi_definition(row.subject, year_be),
                    )
                )
    return kpis


def _insert_kpi_links(run: Run, by_code: dict[str, int]) -> int:
    from indicators.models import Indicator

    through = Indicator.projects.through
    links = []
    for spec in run.specs:
        n = run.rng.randint(1, len(vocabulary.scale_kpis()))
        code = kpi_code(spec.agency_code, spec.year_be, n)
        links.append(through(indicator_id=by_code[code], project_id=run.project_ids[spec.code]))
    through.objects.bulk_create(links, batch_size=run.batch_size)
    return len(links)


def _insert_kpi_levels_and_results(run: Run, kpis: list, by_code: dict[str, int]):
    from indicators.models import IndicatorLevel, IndicatorQuarterResult

    levels = []
    results = []
    for kpi in kpis:
        pk = by_code[kpi.code]
        year_be = 2500 + int(kpi.code[5:7])
        for level, text in enumerate(level_criteria(kpi.name, year_be), start=1):
            levels.append(IndicatorLevel(indicator_id=pk, level=level, description=text))
        final = kpi.achieved_level or kpi.target_level
        for quarter in (1, 2, 3, 4):
            _, ends_on = thaidates.quarter_bounds(year_be, quarter)
            if ends_on + dt.timedelta(days=28) > run.today:
                break
            results.append(
                IndicatorQuarterResult(
                    indicator_id=pk,
                    fiscal_year=run.fiscal_years[year_be],
                    quarter=quarter,
                    achieved_level=max(1, round(final * quarter / 4)),
                    criterion_21=run.rng.choice(SCORES),
                    criterion_22=run.rng.choice(SCORES),
                )
            )
    IndicatorLevel.objects.bulk_create(levels, batch_size=run.batch_size)
    IndicatorQuarterResult.objects.bulk_create(results, batch_size=run.batch_size)
    return len(levels), len(results)


def row_counts() -> dict[str, int]:
    from indicators.models import Indicator, QuarterEvaluation
    from projects.models import Agency, PlanStep, ProgressEntry, Project

    return {
        "agencies": Agency.objects.count(),
        "projects": Project.objects.count(),
        "steps": PlanStep.objects.count(),
        "entries": ProgressEntry.objects.count(),
        "kpis": Indicator.objects.count(),
        "quarter_evaluations": QuarterEvaluation.objects.count(),
    }
