"""The SQL twin of projects.progress.planned_percent: the planned percent of each project
on a day as one correlated aggregate over its steps, for pages that count thousands of
projects at once (the dashboard), of the current steps, of the baseline and of the steps
"behind schedule" is measured against (measured_planned_percent). tests/test_planned.py keeps the two equal on random plans
and days; change both together.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Least

from projects.models import PlanStep, PlanVersion, PlanVersionStep

PERCENT = DecimalField(max_digits=5, decimal_places=2)
# Planned shares keep more places than a percent until the sum is rounded, like
# planned_percent does with Decimals.
FRACTION = DecimalField(max_digits=20, decimal_places=10)
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ElapsedWeight(Func):
    """weight × (day − starts_on + 1) / (ends_on − starts_on + 1): the planned weight of a
    step under way on ``day``, counting both ends as planned_percent does, and multiplying
    before dividing as it does (PostgreSQL's numeric division keeps about twenty digits)."""

    output_field = FRACTION

    def __init__(self, weight, day: dt.date, starts_on, ends_on):
        super().__init__(weight, Value(day, output_field=DateField()), starts_on, ends_on)

    def _compiled(self, compiler):
        return [compiler.compile(expression) for expression in self.get_source_expressions()]

    def as_postgresql(self, compiler, connection, **extra_context):
        parts = self._compiled(compiler)
        (weight, w_params), (day, d_params), (start, s_params), (end, e_params) = parts
        sql = f"(({weight}) * (({day})::date - {start} + 1) / ({end} - {start} + 1))"
        return sql, (*w_params, *d_params, *s_params, *e_params, *s_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        parts = self._compiled(compiler)
        (weight, w_params), (day, d_params), (start, s_params), (end, e_params) = parts
        sql = (
            f"(({weight}) * (julianday({day}) - julianday({start}) + 1) / "
            f"(julianday({end}) - julianday({start}) + 1))"
        )
        return sql, (*w_params, *d_params, *s_params, *e_params, *s_params)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"ElapsedWeight is not written for {connection.vendor}")


class RoundCents(Func):
    """Round half up to two places, as projects.progress.quantize does. SQLite sums in
    floating point, where 15.925 may come out as 15.92499…: a nudge far below a cent
    puts such a value back on its half."""

    output_field = PERCENT

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="ROUND(%(expressions)s, 2)")

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="ROUND(%(expressions)s + 1e-9, 2)")


def planned_percent(day: dt.date) -> Subquery:
    """projects.progress.planned_percent of the outer project's current steps on ``day``,
    in SQL.

    The weight of steps that have ended, plus the elapsed share of steps under way,
    rounded half up to two places and capped at 100; NULL when the plan has no schedule
    (has_schedule: no dated step with a real span and fewer than two distinct end dates).
    """
    return _planned(PlanStep.objects.filter(project=OuterRef("pk")), "project", day)


def baseline_planned_percent(day: dt.date) -> Subquery:
    """The same of the outer project's baseline (its plan version last approved); NULL
    without a baseline."""
    steps = PlanVersionStep.objects.filter(
        version__project=OuterRef("pk"), version__is_baseline=True
    )
    return _planned(steps, "version", day)


def has_baseline() -> Exists:
    return Exists(PlanVersion.objects.filter(project=OuterRef("pk"), is_baseline=True))


def measured_planned_percent(day: dt.date):
    """planned_percent of the steps planned progress is measured against: the SQL twin of
    ``progress.planned_percent(progress.measured_steps(current, baseline), day)``."""
    if settings.BMA_BEHIND_AGAINST != "baseline":
        return planned_percent(day)
    return Case(
        When(has_baseline(), then=baseline_planned_percent(day)),
        default=planned_percent(day),
        output_field=PERCENT,
    )


def _planned(steps: QuerySet, group: str, day: dt.date) -> Subquery:
    dated = Q(starts_on__isnull=False, ends_on__isnull=False)
    contribution = Case(
        When(dated & Q(ends_on__lte=day), then=F("weight")),
        When(
            dated & Q(starts_on__lte=day),
            then=ElapsedWeight(F("weight"), day, F("starts_on"), F("ends_on")),
        ),
        default=Value(ZERO),
        output_field=FRACTION,
    )
    steps = (
        steps.order_by()
        .values(group)
        .annotate(
            spanning_steps=Count("pk", filter=dated & Q(ends_on__gt=F("starts_on"))),
            end_dates=Count("ends_on", distinct=True, filter=dated),
            planned_total=Sum(contribution),
        )
        .annotate(
            planned=Case(
                When(
                    Q(spanning_steps__gt=0) | Q(end_dates__gt=1),
                    then=Least(RoundCents(F("planned_total")), Value(HUNDRED)),
                ),
                default=None,
                output_field=PERCENT,
            )
        )
        .values("planned")
    )
    return Subquery(steps, output_field=PERCENT)
