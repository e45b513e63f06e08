"""The budget of the agency reports (PDF and XLSX; issue 16): each project's amount after
transfers and its committed and disbursed figures as of the report's date, its disbursed
percent against the quarter's target, and the totals.

The numbers are the dashboard's (reports/dashboard_budget.py) for one report: the figures
of the latest approved report (ProgressEntry) up to the report's date that has them; the
target of the quarter of that date, the project's budget type's when the year has one,
else the overall one; none when the year has no target. Read from the prefetched
projects: no query per project."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from projects.money import percent_of
from reports import dashboard_budget
from reports.dashboard_budget import QuarterTarget

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ProjectBudget:
    after: Decimal  # after transfers
    committed: Decimal | None  # None: not reported
    disbursed: Decimal | None
    target: Decimal | None  # percent that applies; None: no target

    @property
    def disbursed_percent(self) -> Decimal | None:
        return None if self.disbursed is None else percent_of(self.disbursed, self.after)

    @property
    def behind(self) -> bool | None:
        """Below the target; None when there is no target or no figure to compare."""
        if self.target is None or self.disbursed_percent is None:
            return None
        return self.disbursed * HUNDRED < self.target * self.after


@dataclass(frozen=True)
class BudgetTotals:
    budgeted: int
    after: Decimal
    committed: Decimal
    disbursed: Decimal
    behind: int | None
    unreported: int

    @property
    def disbursed_percent(self) -> Decimal | None:
        return percent_of(self.disbursed, self.after)


def target_for(fiscal_year, as_of: dt.date) -> QuarterTarget:
    """The targets of the quarter of the report's date (one query)."""
    return dashboard_budget.targets_on(fiscal_year, as_of)


def project_budget(project, target: QuarterTarget, as_of: dt.date) -> ProjectBudget | None:
    """The budget of a project with ``entries`` and ``budget_transfers`` prefetched; None
    without a budget."""
    after = project.budget_after_transfers()
    if after is None:
        return None
    entries = sorted(
        (e for e in project.entries.all() if e.period <= as_of),
        key=lambda e: (e.period, e.pk),
        reverse=True,
    )
    disbursed = next((e.disbursed for e in entries if e.disbursed is not None), None)
    committed = next((e.committed for e in entries if e.committed is not None), None)
    return ProjectBudget(
        after=after,
        committed=committed,
        disbursed=disbursed,
        target=target.percent_for(project.budget_type_id),
    )


def totals_of(budgets, target: QuarterTarget) -> BudgetTotals:
    budgets = [b for b in budgets if b is not None]
    return BudgetTotals(
        budgeted=len(budgets),
        after=sum((b.after for b in budgets), ZERO),
        committed=sum((b.committed or ZERO for b in budgets), ZERO),
        disbursed=sum((b.disbursed or ZERO for b in budgets), ZERO),
        behind=sum(1 for b in budgets if b.behind) if target.is_set else None,
        unreported=sum(1 for b in budgets if b.disbursed is None),
    )
