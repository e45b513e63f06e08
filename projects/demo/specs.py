"""Specs of demo projects: pure data built from a project's code and theme, no database.

Everything random comes from ``random.Random`` seeded with the project's code, so a spec
is the same on every machine and every run. ``project_spec`` and ``random_project_spec``
serve both ``manage.py demo`` (load.py) and the bulk generator (scale.py).
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from projects import thaidates
from projects.demo import vocabulary
from projects.demo.vocabulary import Habit, Theme
from projects.progress import planned_percent, quantize

SEED = "bma-progress-demo"
HUNDRED = Decimal(100)
ZERO = Decimal(0)
# Scores สยป. gives; most projects pass both criteria.
SCORES = (Decimal(100), Decimal(100), Decimal(100), Decimal(75), Decimal(50))


@dataclass(frozen=True)
class StepSpec:
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class EntrySpec:
    period: dt.date
    reported_on: dt.date
    percent: Decimal
    # Steps 1..completed ticked done; partial_percent of step completed+1 under way.
    completed: int
    partial_percent: Decimal | None
    narrative: str
    problems: str
    obstacles: str


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    agency_code: str
    year_be: int
    responsible: str
    responsible_phone: str
    rationale: str
    budget_code: str
    organisation_code: str
    objectives: tuple[str, ...]
    targets: str
    strategies: tuple[str, ...]
    steps: tuple[StepSpec, ...]
    # Every monthly report of the whole year; make_demo keeps those dated up to today.
    entries: tuple[EntrySpec, ...]

    @property
    def weights_total(self) -> Decimal:
        return sum((s.weight for s in self.steps), ZERO)


def thai_person(rng: random.Random) -> tuple[str, str, str]:
    """(title, first name, last name) of a plausible Thai civil servant."""
    names = vocabulary.names()
    if rng.random() < 0.5:
        return names.male_title, rng.choice(names.male_first_names), rng.choice(names.last_names)
    return (
        rng.choice(names.female_titles),
        rng.choice(names.female_first_names),
        rng.choice(names.last_names),
    )


def project_rng(code: str) -> random.Random:
    return random.Random(f"{SEED}:{code}")


def report_deadline(fiscal_year, period: dt.date, moved: dict) -> dt.date:
    """When the report on ``period`` is due: a ReportingDeadline, else the year's day."""
    # TODO(one home): use reporting's month state
    if period in moved:
        return moved[period]
    return thaidates.add_months(period, 1).replace(day=fiscal_year.report_deadline_day)


def _last_day(month_first: dt.date) -> dt.date:
    return thaidates.add_months(month_first, 1) - dt.timedelta(days=1)


def plan_weights(rng: random.Random, count: int, main: int, total: int = 100) -> list[Decimal]:
    """``count`` weights in steps of 5 summing to ``total``; step ``main`` carries the most."""
    units = total // 5
    if not 1 <= count <= units:
        raise ValueError("a plan needs between 1 and total/5 steps")
    shares = [1] * count
    spare = units - count
    heavy = spare // 2
    shares[main] += heavy
    for _ in range(spare - heavy):
        shares[rng.randrange(count)] += 1
    return [Decimal(5 * s) for s in shares]


def plan_steps(
    rng: random.Random, titles: tuple[str, ...], main: int, year_be: int, *, total: int = 100
) -> tuple[StepSpec, ...]:
    """Steps following each other across the fiscal year, each a few months long."""
    fy_start, fy_end = thaidates.fiscal_year_bounds(year_be)
    months = thaidates.fiscal_months(year_be)
    weights = plan_weights(rng, len(titles), main, total)
    count = len(titles)
    steps = []
    for i, (title, weight) in enumerate(zip(titles, weights, strict=True)):
        first = (i * 12) // count
        last = max(first, ((i + 1) * 12 + count - 1) // count - 1)
        starts_on = months[first] + dt.timedelta(days=rng.randint(0, 9))
        if i == 0:
            starts_on = fy_start
        ends_on = _last_day(months[last]) - dt.timedelta(days=rng.randint(0, 6))
        if i == count - 1:
            ends_on = fy_end - dt.timedelta(days=rng.randint(0, 10))
        ends_on = max(ends_on, starts_on + dt.timedelta(days=7))
        steps.append(StepSpec(i + 1, title, weight, starts_on, min(ends_on, fy_end)))
    return tuple(steps)


def _report_date(period: dt.date, habit: Habit, rng: random.Random, fy_end: dt.date) -> dt.date:
    if habit.same_month:
        month, day = period, habit.day + rng.randint(-2, 2)
        last = _last_day(month).day
    else:
        month, day = thaidates.add_months(period, 1), habit.day + rng.randint(-2, 2)
        last = 28
    reported = month.replace(day=max(1, min(day, last)))
    # The year's last report cannot wait for October: it belongs to the year it reports on.
    return min(reported, fy_end)


def plan_entries(
    rng: random.Random,
    theme: Theme,
    steps: tuple[StepSpec, ...],
    year_be: int,
    *,
    habit: Habit,
    pace: float,
) -> tuple[EntrySpec, ...]:
    """Twelve monthly reports made the way staff report: by ticking the steps done and
    giving a percent (a multiple of 10) for the step under way, following the planned
    curve times ``pace``. Percents never go down and reach the plan's total at the
    year's end when pace >= 1."""
    _, fy_end = thaidates.fiscal_year_bounds(year_be)
    total = sum((s.weight for s in steps), ZERO)
    cumulative = [ZERO]
    for step in steps:
        cumulative.append(cumulative[-1] + step.weight)
    entries = []
    state = (0, 0)  # (steps done, percent of the next step)
    months = thaidates.fiscal_months(year_be)
    for index, period in enumerate(months):
        reported_on = _report_date(period, habit, rng, fy_end)
        planned = planned_percent(steps, reported_on) or ZERO
        target = min(planned * Decimal(str(pace)), total)
        done = sum(1 for c in cumulative[1:] if c <= target)
        share = 0
        if done < len(steps) and rng.random() < 0.7:
            share = min(int((target - cumulative[done]) * 10 / steps[done].weight) * 10, 90)
        if index == len(months) - 1 and pace >= 1:
            done, share = len(steps), 0
        previous_state, state = state, max(state, (done, share))
        entries.append(
            _entry(
                rng, theme, steps, cumulative, period, reported_on, planned, state, previous_state
            )
        )
    return tuple(entries)


def _entry(rng, theme, steps, cumulative, period, reported_on, planned, state, previous):
    done, share = state
    partial = steps[done].weight * share / HUNDRED if share else ZERO
    percent = quantize(cumulative[done] + partial)
    obstacles = vocabulary.report_words().obstacles
    return EntrySpec(
        period=period,
        reported_on=reported_on,
        percent=percent,
        completed=done,
        partial_percent=Decimal(share) if share else None,
        narrative=_narrative(rng, steps, state, unchanged=state == previous and state != (0, 0)),
        problems=_problem(rng, theme, behind=percent < planned - 10),
        obstacles=rng.choice(obstacles) if rng.random() < 0.08 else "ไม่มี",
    )


def _narrative(rng, steps, state, *, unchanged: bool) -> str:
    done, share = state
    if done == len(steps):
        return "ดำเนินการครบทุกขั้นตอนแล้วเสร็จ สรุปผลการดำเนินงานและรายงานให้ผู้บริหารทราบเรียบร้อยแล้ว"
    under_way = steps[done]
    text = f"อยู่ระหว่างดำเนินการขั้นตอนที่ {under_way.order} {under_way.title}"
    if share:
        text += f" (ดำเนินการไปแล้วประมาณร้อยละ {share} ของขั้นตอน)"
    if done:
        last = steps[done - 1]
        text = f"ดำเนินการขั้นตอนที่ {last.order} {last.title} แล้วเสร็จ / {text}"
    if unchanged:
        text = f"ความคืบหน้าเท่าเดิม {text}"
    if rng.random() < 0.4:
        text += " " + rng.choice(vocabulary.report_words().narrative_extras)
    return text


def _problem(rng: random.Random, theme: Theme, *, behind: bool) -> str:
    if rng.random() < (0.6 if behind else 0.1):
        return rng.choice(theme.problems + vocabulary.report_words().problems)
    return rng.choice(("ไม่มี", "ไม่มี", "ไม่มี", "-"))


def project_spec(
    *,
    code: str,
    agency_code: str,
    year_be: int,
    theme: Theme,
    place: str = "พระนคร",
    habit: Habit | None = None,
    pace: float | None = None,
    weights_total: int = 100,
) -> ProjectSpec:
    """Everything about one project, from its code alone (the random seed) and its theme."""
    rng = project_rng(code)
    habit = habit or Habit(same_month=rng.random() < 0.4, day=rng.randint(5, 26))
    pace = pace if pace is not None else rng.choice((0.7, 0.85, 1.0, 1.0, 1.1))
    title, first, last = thai_person(rng)
    steps = plan_steps(rng, theme.steps, theme.main_step, year_be, total=weights_total)
    division = f"{agency_code[:4]}{rng.randint(1, 9)}{rng.randint(0, 9)}00"
    return ProjectSpec(
        code=code,
        name=theme.name.format(place=place),
        agency_code=agency_code,
        year_be=year_be,
        responsible=f"{title}{first} {last}",
        responsible_phone=f"0 2{rng.randint(200, 299)} {rng.randint(1000, 9999)} ต่อ "
        f"{rng.randint(1000, 9999)}",
        rationale=theme.rationale.format(place=place),
        budget_code=division,
        organisation_code=division,
        objectives=theme.objectives,
        targets=theme.targets,
        strategies=theme.strategies,
        steps=steps,
        entries=plan_entries(rng, theme, steps, year_be, habit=habit, pace=pace),
    )


def random_project_spec(
    rng: random.Random, *, code: str, agency_code: str, year_be: int
) -> ProjectSpec:
    """A project of any theme in any district: for bulk generation."""
    return project_spec(
        code=code,
        agency_code=agency_code,
        year_be=year_be,
        theme=rng.choice(vocabulary.themes()),
        place=rng.choice(vocabulary.districts()),
    )


def demo_specs(year_be: int) -> tuple[ProjectSpec, ...]:
    """The demo projects of fiscal year ``year_be`` and of the year before."""
    specs = []
    for year, projects in (
        (year_be, vocabulary.current_projects()),
        (year_be - 1, vocabulary.previous_projects()),
    ):
        for p in projects:
            specs.append(
                project_spec(
                    code=p.code(year),
                    agency_code=p.agency_code,
                    year_be=year,
                    theme=vocabulary.theme(p.theme),
                    place="พระนคร",
                    habit=p.habit,
                    pace=p.pace,
                    weights_total=p.weights_total,
                )
            )
    return tuple(specs)
