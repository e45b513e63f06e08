"""The words and tables of the demo, read from fixtures/demo/*.toml.

Each loader reads its file once per process (``functools.cache``) and returns frozen
dataclasses and tuples, so a caller cannot change what the next one gets. Edit the files,
not this module, to change what the demo says.
"""

import tomllib
from dataclasses import dataclass
from functools import cache

from django.conf import settings


@cache
def _read(name: str) -> dict:
    """fixtures/demo/<name>.toml, parsed."""
    with (settings.BASE_DIR / "fixtures" / "demo" / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


# --- People and places -------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    male_title: str
    female_titles: tuple[str, ...]
    male_first_names: tuple[str, ...]
    female_first_names: tuple[str, ...]
    last_names: tuple[str, ...]


@cache
def names() -> Names:
    data = _read("names")
    return Names(
        male_title=data["male_title"],
        female_titles=tuple(data["female_titles"]),
        male_first_names=tuple(data["male_first_names"]),
        female_first_names=tuple(data["female_first_names"]),
        last_names=tuple(data["last_names"]),
    )


@cache
def districts() -> tuple[str, ...]:
    """The 50 districts of Bangkok in the order of their geocodes."""
    return tuple(_read("agencies")["districts"])


def district_agency_code(index: int) -> str:
    """Demo code of the district office of districts()[index]: 5001 0000 for พระนคร."""
    return f"50{index + 1:02d}0000"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    short_name: str
    # Issue 15: whether the head of the agency approves its monthly reports.
    reports_need_approval: bool = True


@cache
def demo_agencies() -> tuple[AgencySpec, ...]:
    """The agencies of ``manage.py demo``."""
    return tuple(AgencySpec(**row) for row in _read("agencies")["demo"])


@cache
def departments() -> tuple[AgencySpec, ...]:
    """The departments of ``manage.py generate_demo``, beside the district offices."""
    return tuple(AgencySpec(**row) for row in _read("agencies")["department"])


# --- Project themes and report words -----------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """The words of a kind of project; dates, weights and reports are generated from it.

    ``{place}`` in the texts is replaced by a district name (specs.random_project_spec).
    ``main_step`` (0-based) is the step that carries most of the weight.
    """

    key: str
    name: str
    rationale: str
    objectives: tuple[str, ...]
    targets: str
    strategies: tuple[str, ...]
    steps: tuple[str, ...]
    main_step: int
    problems: tuple[str, ...] = ()


@cache
def themes() -> tuple[Theme, ...]:
    return tuple(
        Theme(
            key=row["key"],
            name=row["name"],
            rationale=row["rationale"],
            objectives=tuple(row["objectives"]),
            targets=row["targets"],
            strategies=tuple(row["strategies"]),
            steps=tuple(row["steps"]),
            main_step=row["main_step"],
            problems=tuple(row.get("problems", ())),
        )
        for row in _read("themes")["theme"]
    )


@cache
def theme(key: str) -> Theme:
    return next(t for t in themes() if t.key == key)


@dataclass(frozen=True)
class ReportWords:
    """What monthly reports of any theme say: ปัญหา, อุปสรรค, and extra sentences."""

    problems: tuple[str, ...]
    obstacles: tuple[str, ...]
    narrative_extras: tuple[str, ...]


@cache
def report_words() -> ReportWords:
    data = _read("reports")
    return ReportWords(
        problems=tuple(data["problems"]),
        obstacles=tuple(data["obstacles"]),
        narrative_extras=tuple(data["narrative_extras"]),
    )


# --- The demo set: users, projects, KPIs ------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    agency_code: str | None
    first_name: str
    last_name: str
    is_admin: bool = False


@cache
def demo_users() -> tuple[DemoUser, ...]:
    return tuple(
        DemoUser(
            username=row["username"],
            role=row["role"],
            agency_code=row.get("agency"),
            first_name=row["first_name"],
            last_name=row["last_name"],
            is_admin=row.get("is_admin", False),
        )
        for row in _read("users")["user"]
    )


@dataclass(frozen=True)
class Habit:
    """When an agency reports month M: on ``day`` of M itself (``same_month``), or of M+1."""

    same_month: bool
    day: int


@dataclass(frozen=True)
class DemoProject:
    agency_code: str
    number: int
    theme: str
    habit: Habit
    pace: float
    weights_total: int = 100
    # Issue 18: re-planned after its plan was approved, the new version "approved" or
    # "pending" (sent, waiting for the head), with the reason the staff gave.
    replan: str = ""
    replan_reason: str = ""

    def code(self, year_be: int) -> str:
        # 2570 → 7001, 7002 …: codes differ from year to year and from the seed's 2462.
        return f"{self.agency_code}-{year_be % 100:02d}{self.number:02d}"


def _demo_projects(which: str) -> tuple[DemoProject, ...]:
    return tuple(
        DemoProject(
            agency_code=row["agency"],
            number=row["number"],
            theme=row["theme"],
            habit=Habit(**row["habit"]),
            pace=row["pace"],
            weights_total=row.get("weights_total", 100),
            replan=row.get("replan", ""),
            replan_reason=row.get("replan_reason", ""),
        )
        for row in _read("projects")[which]
    )


@cache
def current_projects() -> tuple[DemoProject, ...]:
    """The demo projects of the current fiscal year."""
    return _demo_projects("current")


@cache
def previous_projects() -> tuple[DemoProject, ...]:
    """The demo projects of the fiscal year before: all twelve reports, scored quarters."""
    return _demo_projects("previous")


@dataclass(frozen=True)
class KpiRow:
    """A KPI as the files give it. The demo's belong to one agency (``agency``, ``number``)
    and to its projects of the ``themes`` listed; the scale data's to every agency."""

    label: str
    subject: str
    kind: str
    result_level: str
    agency: str = ""
    number: int = 0
    themes: tuple[str, ...] = ()
    achieved: int | None = None


def _kpi_rows(file: str, table: str) -> tuple[KpiRow, ...]:
    return tuple(
        KpiRow(**{**row, "themes": tuple(row.get("themes", ()))}) for row in _read(file)[table]
    )


@cache
def demo_kpis(which: str) -> tuple[KpiRow, ...]:
    """The demo's KPIs of the ``"current"`` or the ``"previous"`` fiscal year."""
    return _kpi_rows("kpis", which)


@dataclass(frozen=True)
class KpiTexts:
    """The five levels and the definition every KPI shares ({subject}, {year_be})."""

    levels: tuple[str, ...]
    definition: str
    levels_heading: str


@cache
def kpi_texts() -> KpiTexts:
    data = _read("kpis")
    return KpiTexts(tuple(data["levels"]), data["definition"], data["levels_heading"])


# --- Scale data only ---------------------------------------------------------------------


@cache
def extra_steps() -> tuple[str, ...]:
    """Steps added to a theme's plan until it has ten (scale data)."""
    return tuple(_read("scale")["extra_steps"])


@cache
def scale_kpis() -> tuple[KpiRow, ...]:
    """The three KPIs each agency has in each year of the scale data."""
    return _kpi_rows("scale", "kpi")


def budget() -> dict:
    """fixtures/demo/budget.toml: the demo's budgets and DEMO targets (projects/demo/budgets.py)."""
    return _read("budget")
