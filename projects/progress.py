"""Progress arithmetic (domain.md): actual progress from ticked steps, actual progress at a
date from the monthly reports, planned progress at a date from the steps' weights and dates,
and the behind-schedule test.

Pure functions over anything with ``weight``, ``starts_on`` and ``ends_on`` attributes, and
over the reports' ProgressPoints. planned_percent has one SQL twin
(projects/progress_sql.py), and so has measured_steps, progress_at one too (ProjectQuerySet.with_latest_progress):
tests/test_planned.py and tests/test_latest_report.py keep each pair equal.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, Protocol

from django.conf import settings

from projects import thaidates

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class StepLike(Protocol):
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ComputedPercent:
    """The percent of a report and how it was reached, for showing to the person reporting."""

    percent: Decimal
    completed_weight: Decimal
    partial_weight: Decimal
    parts: tuple[tuple[str, Decimal], ...]


def computed_percent(
    steps: Sequence[StepLike],
    *,
    completed: Iterable[StepLike],
    in_progress: StepLike | None = None,
    partial_percent: Decimal | None = None,
) -> ComputedPercent:
    """Weighted share of completed steps, plus ``partial_percent`` of the step under way."""
    completed = list(completed)
    completed_weight = sum((step.weight for step in completed), Decimal(0))
    parts = [(str(getattr(step, "order", "")), step.weight) for step in completed]
    partial_weight = Decimal(0)
    if in_progress is not None and partial_percent and in_progress not in completed:
        partial_weight = in_progress.weight * Decimal(partial_percent) / HUNDRED
        parts.append((str(getattr(in_progress, "order", "")), quantize(partial_weight)))
    percent = min(quantize(completed_weight + partial_weight), HUNDRED)
    return ComputedPercent(
        percent=percent,
        completed_weight=quantize(completed_weight),
        partial_weight=quantize(partial_weight),
        parts=tuple(parts),
    )


def has_schedule(steps: Sequence[StepLike]) -> bool:
    """False when no step has a real span of time: the seed's steps all carry the placeholder
    2020-10-01 → 2020-10-01, and a planned curve from them would be meaningless."""
    dated = [s for s in steps if s.starts_on and s.ends_on]
    if not dated:
        return False
    return any(s.ends_on > s.starts_on for s in dated) or len({s.ends_on for s in dated}) > 1


def planned_percent(steps: Sequence[StepLike], day: dt.date) -> Decimal | None:
    """Planned progress on ``day``: the weight of steps that have ended, plus the elapsed
    share of steps under way. None when the plan has no schedule (see has_schedule)."""
    if not has_schedule(steps):
        return None
    total = Decimal(0)
    for step in steps:
        if not (step.starts_on and step.ends_on):
            continue
        if day >= step.ends_on:
            total += step.weight
        elif day >= step.starts_on:
            elapsed = Decimal((day - step.starts_on).days + 1)
            span = Decimal((step.ends_on - step.starts_on).days + 1)
            total += step.weight * elapsed / span
    return min(quantize(total), HUNDRED)


def measured_steps(
    current: Sequence[StepLike], baseline: Sequence[StepLike] | None
) -> Sequence[StepLike]:
    """The steps planned progress is measured against (issue 18): the baseline (the plan
    version last approved) where the project has one and BMA_BEHIND_AGAINST is "baseline",
    else the current plan. ``baseline`` is None for a project without an approved version.
    Its SQL twin: projects.progress_sql.measured_planned_percent."""
    if baseline is not None and settings.BMA_BEHIND_AGAINST == "baseline":
        return baseline
    return current


def is_behind(actual: Decimal | None, planned: Decimal | None) -> bool:
    """Behind schedule: actual trails planned by more than BMA_BEHIND_THRESHOLD points."""
    if planned is None:
        return False
    threshold = Decimal(str(settings.BMA_BEHIND_THRESHOLD))
    return planned - (actual or Decimal(0)) > threshold


# --- Actual progress from the monthly reports --------------------------------------------


class ProgressPoint(NamedTuple):
    """One monthly report: its month, the day it was written, its percent."""

    period: dt.date
    reported_on: dt.date
    percent: Decimal

    @property
    def day(self) -> dt.date:
        """Where the report sits on a time axis: the day it was written, but never after its
        month's last day (October's report, written on 5 November or corrected in December,
        tells where the project stood in October)."""
        return max(self.period, min(self.reported_on, thaidates.month_end(self.period)))


def progress_at(
    points: Sequence[ProgressPoint], day: dt.date, *, since: dt.date | None = None
) -> ProgressPoint | None:
    """The report of the latest month that has begun by ``day`` (from ``since``), of points
    ordered by month: at a quarter's last day, the progress reported at the quarter's end."""
    found = None
    for point in points:
        if point.period > day:
            break
        if since is None or point.period >= since:
            found = point
    return found
