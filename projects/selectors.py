"""Reads for the project pages. Each returns everything a page needs in a fixed number of
queries, whatever the number of entries, steps or projects.

The KPI and quarter-evaluation blocks of a project page are read by indicators' selectors
(indicators.selectors.project_blocks), which the views call: the projects app does not
import indicators."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from projects import progress, thaidates
from projects.models import (
    Agency,
    EvidenceFile,
    FiscalYear,
    PlanStep,
    PlanVersion,
    PlanVersionStep,
    ProgressEntry,
    Project,
    StrategyLink,
    weights_total,
)
from projects.search import search_projects


def project_for_page(code: str) -> Project:
    """The project with its agency, year, latest report, text lists and steps (its KPIs and
    quarter evaluations are indicators' business: indicators.selectors.project_blocks)."""
    return with_page_lists(project_head(code))


def project_head(code: str) -> Project:
    """The project with its agency, year and latest report, in one query (404 when there
    is no such project)."""
    queryset = Project.objects.select_related(
        "agency", "fiscal_year", "budget_type"
    ).with_latest_progress()
    return get_object_or_404(queryset, code=code)


def with_page_lists(project: Project) -> Project:
    """Fetch what the page lists of ``project`` (page_list_prefetches), and its budget
    transfers when it has a budget (the budget block, the disbursement chart and the
    report's check each add them up)."""
    prefetch_related_objects([project], *page_list_prefetches(), *_transfers(project))
    return project


def with_report_lists(project: Project) -> Project:
    """Fetch what the parts of the page that a report changes list (the plan, the S-curve,
    the budget): report_list_prefetches, and the budget transfers."""
    prefetch_related_objects([project], *report_list_prefetches(), *_transfers(project))
    return project


def _transfers(project: Project) -> list[str]:
    return ["budget_transfers"] if project.has_budget else []


def page_list_prefetches() -> list:
    """The lists of a project page and of its printed form: objectives, strategy links,
    steps, and the baseline with its steps (one query each)."""
    return [
        "objectives",
        # Each link's node with its ancestors (the path the page shows), in the same query.
        Prefetch(
            "strategy_links",
            queryset=StrategyLink.objects.select_related("node__parent__parent"),
        ),
        *report_list_prefetches(),
    ]


def report_list_prefetches() -> list:
    """The steps, and the baseline with its steps: the plan and the S-curve."""
    return [
        Prefetch("steps", queryset=PlanStep.objects.order_by("order")),
        Prefetch(
            "plan_versions",
            queryset=PlanVersion.objects.filter(is_baseline=True).prefetch_related(
                Prefetch("steps", queryset=PlanVersionStep.objects.order_by("order"))
            ),
            to_attr="baselines",
        ),
    ]


def baseline(project: Project) -> PlanVersion | None:
    """The project's baseline (its plan version last approved), prefetched by
    page_list_prefetches; None without one."""
    baselines = project.baselines if hasattr(project, "baselines") else None
    if baselines is None:
        return PlanVersion.objects.filter(project=project, is_baseline=True).first()
    return baselines[0] if baselines else None


def baseline_steps(project: Project) -> list | None:
    """The steps of the project's baseline (None without one)."""
    version = baseline(project)
    return None if version is None else list(version.steps.all())


def progress_history(project: Project, page_number) -> Page:
    """One page of the project's entries, newest first, numbered (1) = newest."""
    entries = (
        ProgressEntry.objects.filter(project=project)
        # Whether to look for evidence files at all (reporting.attach_evidence).
        .annotate(has_evidence=Exists(EvidenceFile.objects.filter(entry=OuterRef("pk"))))
        .newest_first()
    )
    paginator = Paginator(entries, settings.BMA_HISTORY_PAGE_SIZE)
    return paginator.get_page(page_number)


def progress_points(project: Project) -> list[progress.ProgressPoint]:
    """Every report of the project as a ProgressPoint, oldest month first: one narrow query."""
    return [
        progress.ProgressPoint(*values)
        for values in ProgressEntry.objects.filter(project=project)
        .oldest_first()
        .values_list("period", "reported_on", "percent")
    ]


@dataclass(frozen=True)
class PlanSummary:
    steps: list[PlanStep]
    total: Decimal

    @property
    def complete(self) -> bool:
        return self.total == 100

    @property
    def cumulative(self) -> list[tuple[PlanStep, Decimal]]:
        running = Decimal(0)
        result = []
        for step in self.steps:
            running += step.weight
            result.append((step, running))
        return result


def plan_summary(project: Project) -> PlanSummary:
    steps = list(project.steps.all())
    return PlanSummary(steps=steps, total=weights_total(steps))


def project_list(
    *, fiscal_year: FiscalYear | None, agency: Agency | None, query: str
) -> QuerySet[Project]:
    projects = Project.objects.select_related("agency", "fiscal_year").with_latest_progress()
    if fiscal_year is not None:
        projects = projects.filter(fiscal_year=fiscal_year)
    if agency is not None:
        projects = projects.filter(agency=agency)
    if query:
        projects = search_projects(projects, query)
    return projects.order_by("-fiscal_year__year_be", "agency__code", "code")


@dataclass(frozen=True)
class TimelineBar:
    step: PlanStep
    left: float
    width: float
    dated: bool


def plan_timeline(project: Project, plan: PlanSummary) -> dict:
    """Bars of the steps on the months of the fiscal year, as percentages of its width.

    Steps without real dates (the seed's placeholder 2020-10-01 → 2020-10-01) are kept
    but marked, so the page can say that their dates are still to be set.
    """
    start, end = thaidates.fiscal_year_bounds(project.fiscal_year.year_be)
    span = (end - start).days + 1
    bars = []
    for step in plan.steps:
        dated = bool(step.starts_on and step.ends_on and step.ends_on > step.starts_on)
        first = max(step.starts_on or start, start)
        last = min(step.ends_on or first, end)
        left = (first - start).days / span * 100
        width = max(((last - first).days + 1) / span * 100, 1.2)
        bars.append(
            TimelineBar(
                step=step, left=round(left, 2), width=round(min(width, 100 - left), 2), dated=dated
            )
        )
    return {
        "months": thaidates.fiscal_months(project.fiscal_year.year_be),
        "bars": bars,
        "undated": sum(1 for bar in bars if not bar.dated),
    }


# --- Planned against actual (issue 6) ----------------------------------------------------


@dataclass(frozen=True)
class SCurve:
    """Planned and actual progress of a project over its fiscal year, for the S-curve."""

    day: dt.date
    has_schedule: bool
    planned: Decimal | None
    actual: Decimal | None
    behind: bool
    figure: dict
    # Whether ``planned`` is the baseline's (issue 18), not the current plan's, and the
    # baseline's number (None without one).
    against_baseline: bool = False
    baseline_number: int | None = None

    @property
    def gap(self) -> Decimal | None:
        if self.planned is None:
            return None
        return self.planned - (self.actual or Decimal(0))


def project_scurve(
    project: Project, points: list[progress.ProgressPoint], *, today: dt.date | None = None
) -> SCurve:
    """The S-curve of a project from its (prefetched) steps and its progress points, without
    a query: planned progress on every day the plan bends, actual progress as reported, and
    whether actual trails planned by more than BMA_BEHIND_THRESHOLD on ``today`` (or on the
    last day of a fiscal year that has ended)."""
    from projects import scurve

    steps = list(project.steps.all())
    version = baseline(project)
    base = None if version is None else list(version.steps.all())
    day = min(today or timezone.localdate(), project.fiscal_year.ends_on)
    actual = project.latest_percent
    planned = progress.planned_percent(progress.measured_steps(steps, base), day)
    return SCurve(
        day=day,
        has_schedule=planned is not None,
        planned=planned,
        actual=actual,
        behind=progress.is_behind(actual, planned),
        figure=scurve.scurve_figure(project.fiscal_year, steps, points, day=day, baseline=version),
        against_baseline=base is not None and progress.measured_steps(steps, base) is base,
        baseline_number=None if version is None else version.number,
    )
