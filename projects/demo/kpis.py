"""KPI specs of the demo and the texts every KPI shares (fixtures/demo/kpis.toml)."""

from dataclasses import dataclass

from projects.demo import vocabulary


@dataclass(frozen=True)
class KpiSpec:
    code: str
    label: str
    name: str
    subject: str
    kind: str
    result_level: str
    target_level: int
    achieved_level: int | None
    project_codes: tuple[str, ...]
    year_be: int


def level_criteria(subject: str, year_be: int) -> tuple[str, ...]:
    """The common five levels of a KPI: 1 plan, 2 carry out, 3 monitor, 4 evaluate and reach
    the target, 5 summarise and report."""
    return tuple(
        text.format(subject=subject, year_be=year_be) for text in vocabulary.kpi_texts().levels
    )


def kpi_definition(subject: str, year_be: int) -> str:
    """นิยาม: what is measured, then the five levels."""
    texts = vocabulary.kpi_texts()
    return "\n".join(
        (
            texts.definition.format(subject=subject),
            texts.levels_heading,
            *(
                f"ระดับ {level} {text}"
                for level, text in enumerate(level_criteria(subject, year_be), start=1)
            ),
        )
    )


def demo_kpis(year_be: int) -> tuple[KpiSpec, ...]:
    """KPIs of the current year (not yet achieved) and of the previous one (achieved)."""
    specs = []
    for year, which, projects in (
        (year_be, "current", vocabulary.current_projects()),
        (year_be - 1, "previous", vocabulary.previous_projects()),
    ):
        codes = {p.theme: p.code(year) for p in projects}
        for row in vocabulary.demo_kpis(which):
            specs.append(
                KpiSpec(
                    code=f"{row.agency[:4]}-{year % 100:02d}{row.number}",
                    label=row.label,
                    name=f"ระดับความสำเร็จใน{row.subject}",
                    subject=row.subject,
                    kind=row.kind,
                    result_level=row.result_level,
                    target_level=5,
                    achieved_level=row.achieved,
                    project_codes=tuple(codes[theme] for theme in row.themes),
                    year_be=year,
                )
            )
    return tuple(specs)
