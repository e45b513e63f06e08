"""Reads of the evaluation pages. Each runs a fixed number of queries, whatever the number
of projects, KPIs or history records."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Lag
from django.shortcuts import get_object_or_404
from django.utils import timezone

from indicators.models import (
    QUARTERS,
    Indicator,
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
    QuarterLock,
    QuarterLockEvent,
)
from indicators.services import BASELINE_REASON
from projects import progress, rates, thaidates
from projects.models import Agency, FiscalYear, Project, StrategyNode

CENT = Decimal("0.01")

# The values of an evaluation a person edits, in the order the screens show them.
EVALUATION_FIELDS = ("result_value", "criterion_21", "criterion_22", "project_score", "comment")
INDICATOR_RESULT_FIELDS = ("achieved_level", "criterion_21", "criterion_22", "comment")


class Status:
    """The evaluation screen's filter on whether a project has its score for the quarter."""

    ALL = ""
    MISSING = "missing"
    SCORED = "scored"
    CHOICES = (ALL, MISSING, SCORED)


def default_fiscal_year(years: list[FiscalYear]) -> FiscalYear | None:
    """The current fiscal year if it exists, else the latest one."""
    current = thaidates.fiscal_year_of(timezone.localdate())
    for year in years:
        if year.year_be == current:
            return year
    return years[0] if years else None


def default_quarter(fiscal_year: FiscalYear) -> int:
    """Today's quarter in the current fiscal year; quarter 4 of a past one, 1 of a future one."""
    today = timezone.localdate()
    if fiscal_year.contains(today):
        return thaidates.quarter_of(today)
    return 4 if today > fiscal_year.ends_on else 1


def _scored(quarter: int) -> Exists:
    return Exists(
        QuarterEvaluation.objects.filter(
            project=OuterRef("pk"), quarter=quarter, project_score__isnull=False
        )
    )


def evaluation_projects(
    *,
    fiscal_year: FiscalYear,
    quarter: int,
    agency: Agency | None = None,
    query: str = "",
    status: str = Status.ALL,
) -> QuerySet[Project]:
    """The projects of a fiscal year for the evaluation screen of one quarter.

    Each carries ``quarter_percent`` / ``quarter_reported_on``: the report of the latest
    month of the fiscal year up to the quarter's last month (domain.md: ผลงาน defaults to
    the progress reported at the quarter's end), and ``evaluations_in_quarter``: a list
    holding its QuarterEvaluation for the quarter, if any; ``unapproved_in_quarter``: the
    agency has a report of a month of the quarter not yet approved (a draft, one waiting
    for its head, one returned), so the evaluator knows the defaults are from approved
    reports only (issue 15).
    """
    starts_on, ends_on = thaidates.quarter_bounds(fiscal_year.year_be, quarter)
    projects = (
        Project.objects.filter(fiscal_year=fiscal_year)
        .select_related("agency", "fiscal_year")
        .with_latest_progress(as_of=ends_on, since=fiscal_year.starts_on, prefix="quarter")
        .annotate(unapproved_in_quarter=rates.unapproved_between(starts_on, ends_on))
        .prefetch_related(
            Prefetch(
                "quarter_evaluations",
                queryset=QuarterEvaluation.objects.filter(quarter=quarter).select_related(
                    "evaluated_by"
                ),
                to_attr="evaluations_in_quarter",
            )
        )
    )
    if agency is not None:
        projects = projects.filter(agency=agency)
    if query:
        projects = projects.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(agency__name__icontains=query)
        )
    if status == Status.MISSING:
        projects = projects.filter(~_scored(quarter))
    elif status == Status.SCORED:
        projects = projects.filter(_scored(quarter))
    return projects.order_by("agency__code", "code")


def evaluation_counts(*, fiscal_year: FiscalYear, quarter: int, agency: Agency | None) -> dict:
    """How many projects (of the agency, if given) the quarter has and how many are scored."""
    projects = Project.objects.filter(fiscal_year=fiscal_year)
    if agency is not None:
        projects = projects.filter(agency=agency)
    counts = projects.aggregate(total=Count("pk"), scored=Count("pk", filter=Q(_scored(quarter))))
    counts["missing"] = counts["total"] - counts["scored"]
    return counts


def evaluation_row(*, fiscal_year: FiscalYear, quarter: int, code: str) -> Project:
    """One project of the fiscal year annotated as ``evaluation_projects`` does (404 if none)."""
    return get_object_or_404(
        evaluation_projects(fiscal_year=fiscal_year, quarter=quarter), code=code
    )


@dataclass(frozen=True)
class LockState:
    fiscal_year: FiscalYear
    quarter: int
    lock: QuarterLock | None
    events: list[QuarterLockEvent]

    @property
    def is_locked(self) -> bool:
        return bool(self.lock and self.lock.is_locked)


def lock_state(*, fiscal_year: FiscalYear, quarter: int, events: int = 5) -> LockState:
    lock = (
        QuarterLock.objects.select_related("locked_by")
        .filter(fiscal_year=fiscal_year, quarter=quarter)
        .first()
    )
    recent = []
    if lock is not None:
        recent = list(
            QuarterLockEvent.objects.filter(lock=lock)
            .select_related("by")
            .order_by("-at", "-pk")[:events]
        )
    return LockState(fiscal_year=fiscal_year, quarter=quarter, lock=lock, events=recent)


def locked_quarters(fiscal_year: FiscalYear) -> set[int]:
    return set(
        QuarterLock.objects.filter(fiscal_year=fiscal_year, is_locked=True).values_list(
            "quarter", flat=True
        )
    )


# --- A project's KPI and quarter blocks (its page, its print, agency reports) -------------


def project_prefetches() -> list:
    """What a project's KPI and quarter blocks read, as prefetches for many projects at
    once (the printed reports): its KPIs and its quarter evaluations, one query each."""
    return [
        "indicators",
        Prefetch(
            "quarter_evaluations",
            queryset=QuarterEvaluation.objects.select_related("evaluated_by").order_by("quarter"),
        ),
    ]


@dataclass(frozen=True)
class QuarterRow:
    quarter: int
    result_value: Decimal | None
    result_is_default: bool
    criterion_21: Decimal | None
    criterion_22: Decimal | None
    project_score: Decimal | None
    evaluated_by: object
    evaluated_at: dt.datetime | None
    ends_on: dt.date


def project_quarter_rows(
    project: Project, points: list[progress.ProgressPoint], *, today: dt.date | None = None
) -> list[QuarterRow]:
    """All four quarters of the project's fiscal year, scored or not.

    Where สยป. has entered no result value, ผลงาน defaults to the progress reported at
    the quarter's end: the report of the latest month of the fiscal year up to the
    quarter's last month (progress.progress_at over ``points``, the Python twin of the
    evaluation screen's Project.objects.with_latest_progress(as_of=…)). A quarter that has
    not begun yet has no default (it would only repeat today's progress).
    """
    evaluations = {e.quarter: e for e in project.quarter_evaluations.all()}
    today = today or timezone.localdate()
    fiscal_year = project.fiscal_year
    rows = []
    for quarter in QUARTERS:
        starts_on, ends_on = thaidates.quarter_bounds(fiscal_year.year_be, quarter)
        evaluation = evaluations.get(quarter)
        stored = evaluation.result_value if evaluation else None
        at_end = (
            progress.progress_at(points, ends_on, since=fiscal_year.starts_on)
            if starts_on <= today
            else None
        )
        default = at_end.percent if at_end else None
        rows.append(
            QuarterRow(
                quarter=quarter,
                result_value=stored if stored is not None else default,
                result_is_default=stored is None and default is not None,
                criterion_21=evaluation.criterion_21 if evaluation else None,
                criterion_22=evaluation.criterion_22 if evaluation else None,
                project_score=evaluation.project_score if evaluation else None,
                evaluated_by=evaluation.evaluated_by if evaluation else None,
                # In Bangkok time: the date filters show the date part as it is.
                evaluated_at=(
                    timezone.localtime(evaluation.evaluated_at)
                    if evaluation and evaluation.evaluated_at
                    else None
                ),
                ends_on=ends_on,
            )
        )
    return rows


def headline_evaluation(rows: list[QuarterRow]) -> QuarterRow | None:
    """The latest quarter that has a project score: "สยป. ประเมินโครงการ : ไตรมาสที่ N score"."""
    scored = [row for row in rows if row.project_score is not None]
    return scored[-1] if scored else None


@dataclass(frozen=True)
class ProjectBlocks:
    """The KPI and quarter-evaluation blocks of a project's page."""

    indicators: list[Indicator]
    quarters: list[QuarterRow]
    headline: QuarterRow | None


def project_blocks(
    project: Project, points: list[progress.ProgressPoint], *, today: dt.date | None = None
) -> ProjectBlocks:
    """Two queries (none for a project fetched with project_prefetches)."""
    prefetch_related_objects([project], *project_prefetches())
    quarters = project_quarter_rows(project, points, today=today)
    return ProjectBlocks(
        indicators=list(project.indicators.all()),
        quarters=quarters,
        headline=headline_evaluation(quarters),
    )


# --- Summary per fiscal year -------------------------------------------------------------


def _average(total: Decimal | None, count: int) -> Decimal | None:
    if not count or total is None:
        return None
    return (Decimal(total) / count).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class QuarterSummary:
    quarter: int
    total: int
    scored: int
    score_sum: Decimal
    c21_count: int
    c21_sum: Decimal
    c22_count: int
    c22_sum: Decimal

    @property
    def missing(self) -> int:
        return self.total - self.scored

    @property
    def average_score(self) -> Decimal | None:
        return _average(self.score_sum, self.scored)

    @property
    def average_21(self) -> Decimal | None:
        return _average(self.c21_sum, self.c21_count)

    @property
    def average_22(self) -> Decimal | None:
        return _average(self.c22_sum, self.c22_count)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.missing == 0

    def __add__(self, other: "QuarterSummary") -> "QuarterSummary":
        return QuarterSummary(
            quarter=self.quarter,
            total=self.total + other.total,
            scored=self.scored + other.scored,
            score_sum=self.score_sum + other.score_sum,
            c21_count=self.c21_count + other.c21_count,
            c21_sum=self.c21_sum + other.c21_sum,
            c22_count=self.c22_count + other.c22_count,
            c22_sum=self.c22_sum + other.c22_sum,
        )


@dataclass
class AgencySummary:
    agency_code: str
    agency_name: str
    total: int
    quarters: list[QuarterSummary] = field(default_factory=list)


def evaluation_summary(fiscal_year: FiscalYear) -> tuple[list[AgencySummary], AgencySummary]:
    """Per agency and quarter: projects, how many scored, average score and criteria.

    One grouped query. Averages are over the scored projects only; the totals row adds
    sums and counts, so it is not an average of averages.
    """
    annotations: dict = {"total": Count("pk", distinct=True)}
    for q in range(1, 5):
        in_q = Q(quarter_evaluations__quarter=q)
        for name, column in (
            ("score", "project_score"),
            ("c21", "criterion_21"),
            ("c22", "criterion_22"),
        ):
            has_value = in_q & Q(**{f"quarter_evaluations__{column}__isnull": False})
            annotations[f"q{q}_{name}_count"] = Count("quarter_evaluations", filter=has_value)
            annotations[f"q{q}_{name}_sum"] = Sum(f"quarter_evaluations__{column}", filter=in_q)
    rows = (
        Project.objects.filter(fiscal_year=fiscal_year)
        .values("agency__code", "agency__name")
        .annotate(**annotations)
        .order_by("agency__code")
    )
    zero = Decimal(0)
    agencies = []
    for row in rows:
        quarters = [
            QuarterSummary(
                quarter=q,
                total=row["total"],
                scored=row[f"q{q}_score_count"],
                score_sum=Decimal(row[f"q{q}_score_sum"] or zero),
                c21_count=row[f"q{q}_c21_count"],
                c21_sum=Decimal(row[f"q{q}_c21_sum"] or zero),
                c22_count=row[f"q{q}_c22_count"],
                c22_sum=Decimal(row[f"q{q}_c22_sum"] or zero),
            )
            for q in range(1, 5)
        ]
        agencies.append(
            AgencySummary(
                agency_code=row["agency__code"],
                agency_name=row["agency__name"],
                total=row["total"],
                quarters=quarters,
            )
        )
    empty = [QuarterSummary(q, 0, 0, zero, 0, zero, 0, zero) for q in range(1, 5)]
    totals = AgencySummary(
        agency_code="",
        agency_name="",
        total=sum(a.total for a in agencies),
        quarters=[sum((a.quarters[q - 1] for a in agencies), empty[q - 1]) for q in range(1, 5)],
    )
    return agencies, totals


# --- History -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    record: object
    changes: list[Change]

    @property
    def created(self) -> bool:
        return self.record.history_type == "+"

    @property
    def baseline(self) -> bool:
        """Values the row had before its history began (e.g. imported from the old system)."""
        return self.record.history_change_reason == BASELINE_REASON


def _with_previous(history: QuerySet, fields: tuple[str, ...]) -> QuerySet:
    """Annotate each historical record with the previous values of the same row (Lag)."""
    window = {
        "partition_by": [F("id")],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    return history.annotate(
        **{f"prev_{name}": Window(Lag(name), **window) for name in fields},
        prev_history_id=Window(Lag("history_id"), **window),
    )


def history_entries(records, model, fields: tuple[str, ...]) -> list[HistoryEntry]:
    """old → new of every field that changed in each record (all fields for a creation)."""
    labels = {name: model._meta.get_field(name).verbose_name for name in fields}
    places = {
        name: Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)
        for name in fields
        if model._meta.get_field(name).get_internal_type() == "DecimalField"
    }
    entries = []
    for record in records:
        first = record.prev_history_id is None
        changes = []
        for name in fields:
            new = getattr(record, name)
            old = None if first else getattr(record, f"prev_{name}")
            if name in places:
                # Lag() of a decimal column comes back unscaled on SQLite: show 80.00, not 80.
                old, new = (
                    None if v is None else Decimal(str(v)).quantize(places[name])
                    for v in (old, new)
                )
            if name == "comment":
                old = old or ""
                new = new or ""
            if first and new in (None, ""):
                continue
            if _normalise(old) != _normalise(new):
                changes.append(Change(label=labels[name], old=old, new=new))
        entries.append(HistoryEntry(record=record, changes=changes))
    return entries


def _normalise(value):
    # SQLite hands Lag() of a decimal column back as float or str; compare as Decimal.
    if value is None or value == "":
        return value
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return Decimal(str(value)).normalize()
        except ArithmeticError:
            return value
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def project_evaluation_history(project: Project) -> QuerySet:
    """Every change of the project's quarter evaluations, newest first."""
    history = QuarterEvaluation.history.filter(project_id=project.pk).select_related("history_user")
    return _with_previous(history, EVALUATION_FIELDS).order_by("-history_date", "-history_id")


def quarter_evaluation_history(*, fiscal_year: FiscalYear, quarter: int) -> QuerySet:
    """Every change of any project's evaluation in one quarter, newest first."""
    history = QuarterEvaluation.history.filter(
        project__fiscal_year=fiscal_year, quarter=quarter
    ).select_related("history_user", "project")
    return _with_previous(history, EVALUATION_FIELDS).order_by("-history_date", "-history_id")


def indicator_result_history(indicator: Indicator) -> QuerySet:
    history = IndicatorQuarterResult.history.filter(indicator_id=indicator.pk).select_related(
        "history_user", "fiscal_year"
    )
    return _with_previous(history, INDICATOR_RESULT_FIELDS).order_by("-history_date", "-history_id")


# --- KPIs --------------------------------------------------------------------------------


def indicator_list(
    *,
    query: str = "",
    kind: str = "",
    fiscal_year: FiscalYear | None = None,
    agency: Agency | None = None,
) -> QuerySet[Indicator]:
    """The KPIs, each with its number of supporting projects (of ``fiscal_year`` when one is
    chosen: the KPIs of that year, IndicatorQuerySet.of_year); of ``agency`` by its code."""
    if fiscal_year is None:
        indicators = Indicator.objects.annotate(project_count=Count("projects"))
    else:
        indicators = Indicator.objects.of_year(fiscal_year).annotate(
            project_count=Count("projects", filter=Q(projects__fiscal_year=fiscal_year))
        )
    if agency is not None:
        indicators = indicators.of_agency(agency)
    if kind:
        indicators = indicators.filter(kind=kind)
    if query:
        indicators = indicators.filter(
            Q(code__icontains=query) | Q(label__icontains=query) | Q(name__icontains=query)
        )
    return indicators.order_by("code")


def indicator_for_page(code: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.prefetch_related(
            Prefetch("levels", queryset=IndicatorLevel.objects.order_by("level")),
            # The strategy nodes it supports, each with its ancestors (their path).
            Prefetch(
                "strategy_nodes",
                queryset=StrategyNode.objects.select_related("parent__parent").order_by("code"),
            ),
        ),
        code=code,
    )


def indicator_projects(indicator: Indicator) -> QuerySet[Project]:
    """The projects supporting the KPI, with their latest progress."""
    return (
        Project.objects.filter(indicators=indicator)
        .select_related("agency", "fiscal_year")
        .with_latest_progress()
        .order_by("-fiscal_year__year_be", "agency__code", "code")
    )


def indicator_default_year(indicator: Indicator, years: list[FiscalYear]) -> FiscalYear | None:
    """The latest fiscal year of the KPI's projects, else the current (or latest) year."""
    year_be = (
        Project.objects.filter(indicators=indicator)
        .order_by("-fiscal_year__year_be")
        .values_list("fiscal_year__year_be", flat=True)
        .first()
    )
    for year in years:
        if year.year_be == year_be:
            return year
    return default_fiscal_year(years)


@dataclass(frozen=True)
class IndicatorQuarterRow:
    quarter: int
    result: IndicatorQuarterResult | None
    locked: bool
    ends_on: dt.date

    @property
    def version(self) -> int:
        return self.result.version if self.result else 0


def indicator_quarter_rows(
    indicator: Indicator, fiscal_year: FiscalYear
) -> list[IndicatorQuarterRow]:
    results = {
        r.quarter: r
        for r in IndicatorQuarterResult.objects.filter(
            indicator=indicator, fiscal_year=fiscal_year
        ).select_related("evaluated_by")
    }
    locked = locked_quarters(fiscal_year)
    return [
        IndicatorQuarterRow(
            quarter=q,
            result=results.get(q),
            locked=q in locked,
            ends_on=thaidates.quarter_bounds(fiscal_year.year_be, q)[1],
        )
        for q in range(1, 5)
    ]
