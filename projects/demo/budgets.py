"""The demo's budgets (issue 16): a project's allocated amount, type and source, a transfer
now and then, and the cumulative committed and disbursed figures of each month, spending
late in the year (an S-shaped curve); and the demo years' disbursement targets. Every
number comes from fixtures/demo/budget.toml, which says it is demo data, not official.

The figures obey the monthly report's rules whatever the transfers (services): disbursed
and committed + disbursed never exceed the amount after transfers at any month (they are
shares of the smaller of the allocated amount and the amount after every transfer), the
disbursed figure never falls, and a committed figure lower than last month's (a contract
paid out) carries the reason."""

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cache

from projects import thaidates
from projects.demo import vocabulary
from projects.models.budget import BudgetSource

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@cache
def settings() -> dict:
    return vocabulary.budget()


@dataclass(frozen=True)
class Figures:
    committed: Decimal
    disbursed: Decimal
    lower_reason: str = ""


@dataclass(frozen=True)
class BudgetPlan:
    allocated: Decimal
    type_name: str
    source: str
    transfers: tuple[tuple[dt.date, Decimal, str], ...]
    # Month (first day) → the month's cumulative figures; empty when never reported.
    figures: dict[dt.date, Figures]

    @property
    def after(self) -> Decimal:
        return self.allocated + sum((amount for _d, amount, _r in self.transfers), ZERO)


def _types() -> list[dict]:
    return settings()["type"]


def _amount(rng: random.Random, median: float) -> Decimal:
    """A lognormal budget around ``median``, to the thousand baht."""
    value = median * math.exp(rng.gauss(0, 0.7))
    return Decimal(max(50_000, min(int(value), 900_000_000)) // 1000 * 1000).quantize(CENT)


def _curve(month: int, mid: float, steepness: float, final: float) -> float:
    """The share spent by the end of month ``month`` (0 = October … 11 = September): a
    logistic curve that starts at 0 before October and reaches ``final`` in September."""

    def logistic(x: float) -> float:
        return 1 / (1 + math.exp(-steepness * (x - mid)))

    low, high = logistic(-1), logistic(11)
    return final * (logistic(month) - low) / (high - low)


def _share(amount: Decimal, share: float) -> Decimal:
    return (amount * Decimal(str(round(share, 6)))).quantize(CENT, rounding=ROUND_DOWN)


def plan_for(code: str, year_be: int, type_name: str | None = None) -> BudgetPlan | None:
    """The budget of project ``code`` of ``year_be`` (the same on every run); None for
    routine work. ``type_name`` ("routine" for none) fixes the type, else it is drawn."""
    config = settings()
    rng = random.Random(f"budget:{code}")
    if type_name == "routine" or (type_name is None and rng.random() < config["routine_share"]):
        return None
    types = {row["name"]: row for row in _types()}
    if type_name is None:
        type_name = rng.choices(list(types), weights=[t["weight"] for t in types.values()])[0]
    kind = types[type_name]
    allocated = _amount(rng, kind["median"])
    source = (
        BudgetSource.CARRIED_OVER
        if rng.random() < config["carried_over_share"]
        else BudgetSource.CURRENT
    )
    months = thaidates.fiscal_months(year_be)
    transfers = ()
    if rng.random() < config["transfer_share"]:
        month = months[rng.randint(2, 7)]
        size = Decimal(rng.randint(3, 15)) / 100
        sign = 1 if rng.random() < 0.6 else -1
        amount = sign * (allocated * size).quantize(Decimal(1000), rounding=ROUND_DOWN)
        if amount:
            reason = config["transfer_reasons"][0 if sign > 0 else 1]
            transfers = ((month.replace(day=15), amount.quantize(CENT), reason),)
    plan = BudgetPlan(allocated, type_name, source, transfers, {})
    if rng.random() < config["unreported_share"]:
        return plan
    return BudgetPlan(
        allocated, type_name, source, transfers, _figures(rng, plan, months, kind["later"])
    )


def _figures(rng, plan: BudgetPlan, months, later: float) -> dict[dt.date, Figures]:
    base = min(plan.allocated, plan.after)  # never over the amount after transfers
    mid = rng.uniform(5.0, 7.5) + later
    steepness = rng.uniform(0.6, 1.1)
    final = rng.uniform(0.78, 1.0)
    contract_mid = mid - rng.uniform(2.5, 4.5)
    contract_final = rng.uniform(final, 1.0)
    figures, previous = {}, None
    for index, month in enumerate(months):
        disbursed = _share(base, _curve(index, mid, steepness, final))
        contracted = max(_share(base, _curve(index, contract_mid, 0.9, contract_final)), disbursed)
        committed = contracted - disbursed
        lower = previous is not None and committed < previous
        figures[month] = Figures(committed, disbursed, settings()["lower_reason"] if lower else "")
        previous = committed
    return figures


def demo_targets() -> list[tuple[int, str | None, Decimal]]:
    """(quarter, budget type name or None for overall, percent): DEMO targets only."""
    return [
        (row["quarter"], row.get("type"), Decimal(row["percent"]))
        for row in settings()["demo_target"]
    ]


def ensure_targets(fiscal_years) -> int:
    """Give each of ``fiscal_years`` that has no target yet the demo's targets (a year an
    administrator has set is left alone). Returns how many were created."""
    from projects.models import BudgetType, DisbursementTarget

    types = {t.name: t for t in BudgetType.objects.all()}
    have = set(
        DisbursementTarget.objects.filter(fiscal_year__in=fiscal_years).values_list(
            "fiscal_year_id", flat=True
        )
    )
    rows = [
        DisbursementTarget(
            fiscal_year=year, quarter=quarter, budget_type=types.get(name), percent=percent
        )
        for year in fiscal_years
        if year.pk not in have
        for quarter, name, percent in demo_targets()
        if name is None or name in types
    ]
    DisbursementTarget.objects.bulk_create(rows)
    return len(rows)


# --- manage.py demo: a few projects, with the ORM --------------------------------------


def demo_themes(year_be: int) -> dict[str, str]:
    """{code: its budget type or "routine"} of `manage.py demo`'s projects of ``year_be``
    and the year before (fixtures/demo/budget.toml [theme])."""
    kinds = settings()["theme"]
    return {
        p.code(year): kinds.get(p.theme, "routine")
        for year, projects in (
            (year_be, vocabulary.current_projects()),
            (year_be - 1, vocabulary.previous_projects()),
        )
        for p in projects
    }


def ensure_budget(report, project, kind: str) -> tuple[BudgetPlan | None, bool]:
    """Give a demo project its budget and transfers unless it has a budget already (a
    database made before budgets existed gets them too). (plan, whether set now)."""
    from projects.models import BudgetTransfer, BudgetType

    plan = plan_for(project.code, project.fiscal_year.year_be, kind)
    if plan is None or project.budget_allocated is not None:
        if plan is not None:
            report.found["budgets"] += 1
        return plan, False
    project.budget_allocated = plan.allocated
    project.budget_type = BudgetType.objects.filter(name=plan.type_name).first()
    project.budget_source = plan.source
    project.save(update_fields=["budget_allocated", "budget_type", "budget_source"])
    for day, amount, reason in plan.transfers:
        BudgetTransfer.objects.create(
            project=project, transferred_on=day, amount=amount, reason=reason
        )
    report.created["budgets"] += 1
    return plan, True


def fill_figures(project, plan: BudgetPlan | None, only: list | None) -> None:
    """Write the plan's figures on the project's reports that have none: all of them
    (``only`` None) or those of ``only`` (the reports just created). A committed figure
    lower than the report before's carries the reason."""
    if plan is None or not plan.figures:
        return
    from projects.models import ProgressEntry

    chosen = None if only is None else {entry.pk for entry in only}
    committed_before = None
    for entry in project.entries.order_by("period"):
        figures = plan.figures.get(entry.period)
        fill = (
            figures is not None
            and entry.committed is None
            and entry.disbursed is None
            and (chosen is None or entry.pk in chosen)
        )
        if fill:
            lower = committed_before is not None and figures.committed < committed_before
            ProgressEntry.objects.filter(pk=entry.pk).update(
                committed=figures.committed,
                disbursed=figures.disbursed,
                budget_lower_reason=settings()["lower_reason"] if lower else "",
            )
            committed_before = figures.committed
        elif entry.committed is not None:
            committed_before = entry.committed
