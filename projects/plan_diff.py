"""What changed between two versions of a plan (issue 18): steps added, removed, weights
changed, dates changed (and titles reworded). Pure: over anything with ``order``,
``title``, ``weight``, ``starts_on``, ``ends_on`` and, to follow a step through versions,
``source_step_id`` (a PlanVersionStep: the PlanStep it was copied from) or ``pk`` (a
PlanStep). Steps without either are matched by their title."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class WeightChange:
    step: object
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class DatesChange:
    step: object
    old: tuple[dt.date | None, dt.date | None]
    new: tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class TitleChange:
    step: object
    old: str


@dataclass(frozen=True)
class PlanDiff:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    weights: list[WeightChange] = field(default_factory=list)
    dates: list[DatesChange] = field(default_factory=list)
    titles: list[TitleChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.weights or self.dates or self.titles)


def _key(step) -> tuple:
    source = getattr(step, "source_step_id", None)
    if source is None and not hasattr(step, "source_step_id"):
        source = getattr(step, "pk", None)
    if source is not None:
        return ("step", source)
    return ("title", step.title.strip())


def plan_diff(old: Sequence, new: Sequence) -> PlanDiff:
    """The changes from ``old`` to ``new``, each list in the order of its plan."""
    old_by_key = {_key(step): step for step in old}
    new_keys = {_key(step) for step in new}
    diff = PlanDiff(removed=[s for s in old if _key(s) not in new_keys])
    for step in new:
        before = old_by_key.get(_key(step))
        if before is None:
            diff.added.append(step)
            continue
        if before.weight != step.weight:
            diff.weights.append(WeightChange(step, before.weight, step.weight))
        if (before.starts_on, before.ends_on) != (step.starts_on, step.ends_on):
            diff.dates.append(
                DatesChange(
                    step, (before.starts_on, before.ends_on), (step.starts_on, step.ends_on)
                )
            )
        if before.title.strip() != step.title.strip():
            diff.titles.append(TitleChange(step, before.title))
    return diff
