"""The dashboard's budget columns (issue 16; domain.md, Budget): per agency and for the
whole BMA, the budget after transfers, the disbursed amount, the disbursed percent against
the current quarter's target, and how many projects are behind on disbursement.

Only approved reports count (ProgressEntry: a submission waiting for its head is not
one). A project's disbursed amount is the cumulative figure of its latest report that
has one (blank is "not reported", never zero: such a project is counted apart, never as
behind). A project is behind on disbursement when its disbursed percent of the amount
after transfers is below the target of the measuring day's quarter: the target of its
budget type when the year has one, else the overall target. A year without targets has
no target and nobody behind; the page says the targets are not set.

Two queries whatever the number of projects: the quarter's targets, and one GROUP BY
over the per-project values, as reports/dashboard.agency_rows."""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from projects import thaidates
from projects.models import Agency, DisbursementTarget, ProgressEntry, Project
from projects.models.budget import money_field
from projects.money import percent_of, sql_cents

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# In SQL: with a decimal point, so that SQLite (make run) divides without truncating when
# both amounts are whole baht (it stores them as integers: 65989 * 100 / 110000 is 59 there,
# 59.99 on PostgreSQL; tests/test_disbursement_twins.py).
# (Declared a float for Django: a DecimalField value is CAST AS NUMERIC on SQLite, which
# makes 100.00 an integer again; PostgreSQL still gets the exact numeric 100.00.)
SQL_HUNDRED = Value(Decimal("100.00"), output_field=FloatField())
TARGET = DecimalField(max_digits=5, decimal_places=2)


@dataclass(frozen=True)
class QuarterTarget:
    """The targets of the measuring day's quarter: ``quarter`` None before the year starts;
    ``percent`` (overall) None when not set; ``by_type`` {budget type id: percent}."""

    quarter: int | None
    percent: Decimal | None = None
    by_type: dict[int, Decimal] = field(default_factory=dict)
    type_names: tuple[tuple[str, Decimal], ...] = ()
    # The overall target of each quarter of the year that has one: (quarter, percent).
    overall_by_quarter: tuple[tuple[int, Decimal], ...] = ()

    @property
    def is_set(self) -> bool:
        return self.percent is not None or bool(self.by_type)

    def percent_for(self, budget_type_id: int | None) -> Decimal | None:
        """The target of a budget type: its own when the year has one, else the overall
        one (as projects/disbursement.quarter_targets and with_disbursement's SQL)."""
        return self.by_type.get(budget_type_id, self.percent)


def quarter_target(filters) -> QuarterTarget:
    """The targets of the quarter of the dashboard's measuring day (one query)."""
    return targets_on(filters.fiscal_year, filters.day)


def targets_on(fiscal_year, day) -> QuarterTarget:
    """The targets of the quarter of ``day`` (one query; none before the year starts)."""
    if not fiscal_year.contains(day):
        return QuarterTarget(quarter=None)
    quarter = thaidates.quarter_of(day)
    targets = DisbursementTarget.objects.filter(fiscal_year=fiscal_year).select_related(
        "budget_type"
    )
    overall, by_type, names, year = None, {}, [], []
    for target in targets:
        if target.budget_type is None:
            year.append((target.quarter, target.percent))
        if target.quarter != quarter:
            continue
        if target.budget_type is None:
            overall = target.percent
        else:
            by_type[target.budget_type_id] = target.percent
            names.append((target.budget_type.name, target.percent))
    return QuarterTarget(
        quarter=quarter,
        percent=overall,
        by_type=by_type,
        type_names=tuple(names),
        overall_by_quarter=tuple(sorted(year)),
    )


def with_disbursement(projects: QuerySet[Project], target: QuarterTarget) -> QuerySet[Project]:
    """Annotate ``budget_after``, ``disbursed_latest`` and ``committed_latest`` (the latest
    report's figures, None when never reported), ``budget_target`` (the percent that
    applies to the project, None without one), ``disbursed_percent`` and
    ``budget_behind``."""
    entries = ProgressEntry.objects.filter(project=OuterRef("pk")).newest_first()
    money = money_field(None)
    if target.by_type:
        applies = Case(
            *[
                When(budget_type_id=type_id, then=Value(percent))
                for type_id, percent in target.by_type.items()
            ],
            default=Value(target.percent),
            output_field=TARGET,
        )
    else:
        applies = Value(target.percent, output_field=TARGET)
    projects = projects.with_budget().annotate(
        disbursed_latest=Subquery(
            entries.filter(disbursed__isnull=False).values("disbursed")[:1], output_field=money
        ),
        committed_latest=Subquery(
            entries.filter(committed__isnull=False).values("committed")[:1], output_field=money
        ),
        budget_target=applies,
    )
    return projects.annotate(
        disbursed_percent=Case(
            When(
                budget_after__gt=0,
                then=ExpressionWrapper(
                    F("disbursed_latest") * SQL_HUNDRED / F("budget_after"), output_field=money
                ),
            ),
            default=Value(None),
            output_field=money,
        ),
        budget_behind=Case(
            When(
                Q(budget_after__gt=0)
                & Q(budget_target__isnull=False)
                & Q(disbursed_latest__isnull=False)
                # As budget_report.ProjectBudget.behind: disbursed × 100 < target × after.
                & Q(
                    disbursed_latest__lt=ExpressionWrapper(
                        F("budget_target") * F("budget_after") / SQL_HUNDRED, output_field=money
                    )
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def behind_projects(projects: QuerySet[Project], filters) -> QuerySet[Project]:
    """The drill-down: the projects behind on disbursement (one query for the targets)."""
    target = quarter_target(filters)
    if not target.is_set:
        return projects.none()
    return with_disbursement(projects.filter(budget_allocated__isnull=False), target).filter(
        budget_behind=True
    )


@dataclass(frozen=True)
class BudgetRow:
    """The budget numbers of an agency (or of them all)."""

    budgeted: int  # projects with a budget
    budget_after: Decimal
    disbursed: Decimal
    committed: Decimal
    unreported: int  # projects with a budget that have reported no disbursed figure
    behind: int | None  # None: no target for the quarter

    @property
    def disbursed_percent(self) -> Decimal | None:
        return percent_of(self.disbursed, self.budget_after)

    @property
    def used(self) -> Decimal:
        return self.committed + self.disbursed


EMPTY = BudgetRow(0, ZERO, ZERO, ZERO, 0, None)


@dataclass(frozen=True)
class TypeRow:
    """The budget numbers of one budget type (name "" for projects without a type)."""

    name: str
    budget: BudgetRow
    target: Decimal | None


def budget_cells(filters, target: QuarterTarget) -> list[tuple[int, int | None, str, BudgetRow]]:
    """(agency id, budget type id, type name, BudgetRow) of every agency and budget type
    with a budgeted project: one query (GROUP BY agency and type, a few hundred rows)."""
    from projects.models import BudgetType

    projects = Project.objects.filter(
        fiscal_year=filters.fiscal_year, budget_allocated__isnull=False
    )
    if filters.agency is not None:
        projects = projects.filter(agency=filters.agency)
    if filters.node is not None:
        projects = projects.under_strategy(filters.node_ids)
    per_project = (
        with_disbursement(projects, target)
        .order_by()
        .values(
            "agency_id",
            "budget_type_id",
            "budget_after",
            "disbursed_latest",
            "committed_latest",
            "budget_behind",
        )
    )
    inner_sql, params = per_project.query.sql_with_params()
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    sql = f"""
        SELECT p.agency_id, p.budget_type_id, t.name, COUNT(*), SUM(p.budget_after),
               SUM(p.disbursed_latest), SUM(p.committed_latest),
               SUM(CASE WHEN p.disbursed_latest IS NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.budget_behind = {true} THEN 1 ELSE 0 END)
        FROM ({inner_sql}) p
        JOIN {Agency._meta.db_table} a ON a.id = p.agency_id
        LEFT JOIN {BudgetType._meta.db_table} t ON t.id = p.budget_type_id
        GROUP BY p.agency_id, p.budget_type_id, t.name, t."order"
        ORDER BY t."order", t.name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    return [
        (
            agency_id,
            type_id,
            type_name or "",
            BudgetRow(
                budgeted=count,
                budget_after=sql_cents(budget),
                disbursed=sql_cents(disbursed),
                committed=sql_cents(committed),
                unreported=int(unreported or 0),
                behind=int(behind or 0) if target.is_set else None,
            ),
        )
        for agency_id, type_id, type_name, count, budget, disbursed, committed, unreported, behind in raw
    ]


def budget_rows(cells, target: QuarterTarget) -> dict[int, BudgetRow]:
    """{agency id: BudgetRow} of the cells (budget_cells), summed over the types."""
    grouped: dict[int, list[BudgetRow]] = {}
    for agency_id, _type_id, _name, row in cells:
        grouped.setdefault(agency_id, []).append(row)
    return {agency_id: total_row(rows, target) for agency_id, rows in grouped.items()}


def type_rows(cells, target: QuarterTarget) -> list[TypeRow]:
    """One row per budget type (in the list's order), summed over the agencies, with the
    target that applies to it."""
    grouped: dict[int | None, tuple[str, list[BudgetRow]]] = {}
    for _agency_id, type_id, name, row in cells:
        grouped.setdefault(type_id, (name, []))[1].append(row)
    return [
        TypeRow(
            name=name,
            budget=total_row(rows, target),
            target=target.percent_for(type_id),
        )
        for type_id, (name, rows) in grouped.items()
    ]


def total_row(rows, target: QuarterTarget) -> BudgetRow:
    rows = list(rows)
    return BudgetRow(
        budgeted=sum(r.budgeted for r in rows),
        budget_after=sum((r.budget_after for r in rows), ZERO),
        disbursed=sum((r.disbursed for r in rows), ZERO),
        committed=sum((r.committed for r in rows), ZERO),
        unreported=sum(r.unreported for r in rows),
        behind=sum(r.behind or 0 for r in rows) if target.is_set else None,
    )


def monthly_disbursement(filters) -> list[tuple]:
    """(month, disbursed percent) of the year's months: the disbursed figures reported for
    the month over the amounts after transfers of the projects that reported them (None
    for a month nobody reported figures); one query (the transfers summed once per
    project, not per report)."""
    from projects.models import BudgetTransfer

    entry, project = ProgressEntry._meta.db_table, Project._meta.db_table
    transfer = BudgetTransfer._meta.db_table
    where, params = ["p.fiscal_year_id = %s"], [filters.fiscal_year.pk]
    if filters.agency is not None:
        where.append("p.agency_id = %s")
        params.append(filters.agency.pk)
    if filters.node is not None:
        from projects.models import StrategyLink

        marks = ", ".join(["%s"] * len(filters.node_ids))
        where.append(
            f"EXISTS (SELECT 1 FROM {StrategyLink._meta.db_table} l "
            f"WHERE l.project_id = p.id AND l.node_id IN ({marks}))"
        )
        params.extend(filters.node_ids)
    sql = f"""
        SELECT e.period, SUM(e.disbursed), SUM(p.budget_allocated), SUM(COALESCE(t.total, 0))
        FROM {entry} e
        JOIN {project} p ON p.id = e.project_id
        LEFT JOIN (
            SELECT project_id, SUM(amount) AS total FROM {transfer} GROUP BY project_id
        ) t ON t.project_id = e.project_id
        WHERE {" AND ".join(where)}
          AND p.budget_allocated IS NOT NULL AND e.disbursed IS NOT NULL
        GROUP BY e.period
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        sums = {
            _day(period): (sql_cents(disbursed), sql_cents(allocated) + sql_cents(moved))
            for period, disbursed, allocated, moved in cursor.fetchall()
        }
    return [
        (month, percent_of(*sums[month]) if month in sums else None)
        for month in thaidates.fiscal_months(filters.fiscal_year.year_be)
    ]


def _day(value):
    """SQLite hands back a raw SQL's date as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def with_budget(rows: list, filters) -> tuple[list, QuarterTarget, list[TypeRow]]:
    """The dashboard's agency rows with their budget columns, the quarter's targets and
    the budget per type: two queries."""
    target = quarter_target(filters)
    cells = budget_cells(filters, target)
    budgets = budget_rows(cells, target)
    empty = dataclasses.replace(EMPTY, behind=0 if target.is_set else None)
    rows = [dataclasses.replace(r, budget=budgets.get(r.agency_id, empty)) for r in rows]
    return rows, target, type_rows(cells, target)
