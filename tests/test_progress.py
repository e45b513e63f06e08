import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from projects.progress import computed_percent, has_schedule, is_behind, planned_percent


def step(order, weight, start=None, end=None):
    return SimpleNamespace(order=order, weight=Decimal(weight), starts_on=start, ends_on=end)


SEED_WEIGHTS = [5, 5, 5, 5, 50, 5, 5, 10, 5, 5]


def test_seed_reported_values_are_cumulative_step_weights():
    steps = [step(i + 1, w) for i, w in enumerate(SEED_WEIGHTS)]
    sums = [computed_percent(steps, completed=steps[:n]).percent for n in range(1, 11)]
    assert [str(s) for s in sums] == [
        "5.00",
        "10.00",
        "15.00",
        "20.00",
        "70.00",
        "75.00",
        "80.00",
        "90.00",
        "95.00",
        "100.00",
    ]


def test_partial_percent_of_the_step_in_progress_is_weighted():
    steps = [step(1, 20), step(2, 50), step(3, 30)]
    result = computed_percent(
        steps, completed=steps[:1], in_progress=steps[1], partial_percent=Decimal(40)
    )
    assert result.percent == Decimal("40.00")
    assert result.partial_weight == Decimal("20.00")
    assert result.parts == (("1", Decimal(20)), ("2", Decimal("20.00")))


def test_partial_is_ignored_for_a_step_already_ticked():
    steps = [step(1, 60), step(2, 40)]
    result = computed_percent(
        steps, completed=steps, in_progress=steps[1], partial_percent=Decimal(50)
    )
    assert result.percent == Decimal("100.00")


def test_planned_uses_ended_steps_and_elapsed_share():
    d = dt.date
    steps = [
        step(1, 30, d(2026, 10, 1), d(2026, 10, 31)),
        step(2, 70, d(2026, 11, 1), d(2026, 11, 30)),
    ]
    assert planned_percent(steps, d(2026, 9, 30)) == Decimal("0.00")
    assert planned_percent(steps, d(2026, 10, 31)) == Decimal("30.00")
    # 15 of 30 days of step 2 elapsed: 30 + 70 * 15/30
    assert planned_percent(steps, d(2026, 11, 15)) == Decimal("65.00")
    assert planned_percent(steps, d(2027, 1, 1)) == Decimal("100.00")


def test_placeholder_dates_mean_no_schedule():
    placeholder = dt.date(2020, 10, 1)
    steps = [step(i, w, placeholder, placeholder) for i, w in enumerate(SEED_WEIGHTS)]
    assert not has_schedule(steps)
    assert planned_percent(steps, dt.date(2021, 3, 1)) is None
    assert not is_behind(Decimal(0), None)


@pytest.mark.parametrize(
    ("actual", "planned", "behind"),
    [("50", "60", False), ("49.99", "60", True), (None, "10.01", True), ("80", "60", False)],
)
def test_behind_threshold(settings, actual, planned, behind):
    settings.BMA_BEHIND_THRESHOLD = 10
    actual = Decimal(actual) if actual is not None else None
    assert is_behind(actual, Decimal(planned)) is behind
