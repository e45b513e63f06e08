"""Scale data for `manage.py generate_demo --projects 20000`: the whole BMA over several
fiscal years, written with bulk inserts.

About 80 agencies (the departments and the 50 district offices), projects spread over the
last few fiscal years, each with 10 plan steps, its monthly reports (12 in a closed year,
those due so far in the current one), objectives, strategy links, a KPI, and สยป.'s
quarter evaluations. The words and the shape of the plans and reports come from
projects/demo.py (``project_spec``), so a generated project reads like a demo project.

Generated rows are recognisable by their codes: projects ``<agency>-<yy><nnnn>`` (six
digits after the dash, where the demo uses four and the seed 2462) and KPIs
``<agency[:4]>-<yy>9<nn>``. Nothing is recorded in simple-history: these rows were
never typed by anybody.
"""

import dataclasses
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from projects import demo, thaidates
from projects.signals import rows_written

SEED = "bma-progress-scale"
STEPS_PER_PROJECT = 10
GENERATED_PROJECT_CODE = r"^[0-9]{8}-[0-9]{6}$"
GENERATED_KPI_CODE = r"^[0-9]{4}-[0-9]{2}9[0-9]{2}$"

# Departments (สำนัก / สำนักงาน) beside the 50 district offices. The first entries repeat
# the demo's own agencies with the demo's codes, so both commands share them.
DEPARTMENTS = (
    ("01000000", "สำนักงานเลขานุการสภากรุงเทพมหานคร", "สลส."),
    ("02000000", "สำนักงานเลขานุการผู้ว่าราชการกรุงเทพมหานคร", "สลก."),
    ("03000000", "สำนักงานเลขานุการปลัดกรุงเทพมหานคร", "สลป."),
    ("04000000", "สำนักปลัดกรุงเทพมหานคร", "สป."),
    ("05000000", "สำนักงานการเจ้าหน้าที่", "สกจ."),
    ("06000000", "สำนักงานกฎหมายและคดี", "สกค."),
    ("07000000", "สำนักงานตรวจสอบภายใน", "สตน."),
    ("08000000", "สำนักการคลัง", "สนค."),
    ("09000000", "สำนักการโยธา", "สนย."),
    ("10000000", "สำนักการระบายน้ำ", "สนน."),
    ("11000000", "สำนักสิ่งแวดล้อม", "สสล."),
    ("12000000", "สำนักการจราจรและขนส่ง", "สจส."),
    ("13000000", "สำนักยุทธศาสตร์และประเมินผล", "สยป."),
    ("14000000", "สำนักการศึกษา", "สนศ."),
    ("15000000", "สำนักอนามัย", "สนอ."),
    ("16000000", "สำนักการแพทย์", "สนพ."),
    ("17000000", "สำนักเทศกิจ", "สนท."),
    ("18000000", "สำนักพัฒนาสังคม", "สพส."),
    ("19000000", "สำนักวัฒนธรรม กีฬาและการท่องเที่ยว", "สวท."),
    ("20000000", "สำนักการวางผังและพัฒนาเมือง", "สผม."),
    ("21000000", "สำนักป้องกันและบรรเทาสาธารณภัย", "สปภ."),
    ("22000000", "สำนักงบประมาณกรุงเทพมหานคร", "สงม."),
    ("23000000", "สำนักงานประชาสัมพันธ์", "สปส."),
    ("24000000", "สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร", "สำนักงาน ก.ก."),
    ("25000000", "สำนักงานพัฒนาระบบดิจิทัล", "สพด."),
    ("26000000", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", "สพข."),
    ("27000000", "สำนักงานการต่างประเทศ", "สกต."),
    ("28000000", "มหาวิทยาลัยนวมินทราธิราช", "มนธ."),
    ("29000000", "สำนักงานพัฒนาที่อยู่อาศัย", "สพอ."),
    ("30000000", "สำนักงานสวัสดิการข้าราชการกรุงเทพมหานคร", "สวก."),
)

# Steps added to a theme's plan, before its last step, until it has STEPS_PER_PROJECT.
EXTRA_STEPS = (
    "ประชุมคณะทำงานติดตามความก้าวหน้าครั้งที่ 1",
    "จัดซื้อจัดจ้างวัสดุและอุปกรณ์ที่จำเป็นตามระเบียบ",
    "ประชาสัมพันธ์โครงการผ่านช่องทางสื่อของหน่วยงาน",
    "ประชุมคณะทำงานติดตามความก้าวหน้าครั้งที่ 2",
    "สำรวจความพึงพอใจของผู้มีส่วนได้ส่วนเสีย",
    "ตรวจรับงานและจัดทำเอกสารเบิกจ่าย",
)
KPI_SUBJECTS = (
    ("อ.1/1", "การดำเนินงานตามแผนปฏิบัติราชการประจำปีของหน่วยงาน", "routine", "output"),
    ("อ.2/1", "การพัฒนาบริการประชาชนให้สะดวก รวดเร็ว และทั่วถึง", "strategic", "outcome"),
    ("อ.3/2", "การแก้ไขปัญหาความเดือดร้อนของประชาชนในพื้นที่", "strategic", "output"),
)
SCORES = demo.SCORES


@dataclass
class ScaleReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, step: Callable[[], int]) -> None:
        started = time.perf_counter()
        self.counts[name] = self.counts.get(name, 0) + step()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def agency_specs(count: int) -> list[tuple[str, str, str]]:
    """``count`` agencies: the 50 district offices and departments, departments first."""
    districts = [
        (demo.district_agency_code(i), f"สำนักงานเขต{name}", f"เขต{name}")
        for i, name in enumerate(demo.DISTRICTS)
    ]
    wanted_departments = max(count - len(districts), 0)
    agencies = list(DEPARTMENTS[:wanted_departments]) + districts
    return agencies[:count]


def ten_step_theme(theme: demo.Theme) -> demo.Theme:
    steps = list(theme.steps)
    extras = iter(EXTRA_STEPS)
    while len(steps) < STEPS_PER_PROJECT:
        steps.insert(len(steps) - 1, next(extras))
    return dataclasses.replace(theme, steps=tuple(steps[:STEPS_PER_PROJECT]))


THEMES = tuple(ten_step_theme(theme) for theme in demo.THEMES)


def kpi_code(agency_code: str, year_be: int, number: int) -> str:
    return f"{agency_code[:4]}-{year_be % 100:02d}9{number:02d}"


def _year_list(current_year_be: int, years: int) -> list[int]:
    return list(range(current_year_be - years + 1, current_year_be + 1))


def generated_projects():
    from projects.models import Project

    return Project.objects.filter(code__regex=GENERATED_PROJECT_CODE)


def delete_generated() -> dict[str, int]:
    """Remove earlier generated data with plain DELETEs (no per-row signals or history):
    the rows that point at generated projects, one level further down, then the projects
    and the generated KPIs."""
    from indicators.models import Indicator

    counts: dict[str, int] = {}
    projects = generated_projects()
    ids = projects.values("pk")
    with transaction.atomic():
        for relation in projects.model._meta.related_objects:
            model = relation.related_model
            if relation.many_to_many:
                through = relation.through
                column = relation.field.m2m_reverse_field_name()
                rows = through.objects.filter(**{f"{column}__in": ids})
                counts[through._meta.db_table] = rows._raw_delete(rows.db)
                continue
            if model._meta.label.startswith("projects.Historical"):
                continue
            # Foreign keys are checked at commit (deferred), so the order of the deletes
            # inside the transaction does not matter.
            rows = model.objects.filter(**{f"{relation.field.name}__in": ids})
            for child in model._meta.related_objects:
                if child.many_to_many or child.related_model._meta.label.startswith(
                    "projects.Historical"
                ):
                    continue
                below = child.related_model.objects.filter(
                    **{f"{child.field.name}__in": rows.values("pk")}
                )
                counts[child.related_model._meta.db_table] = below._raw_delete(below.db)
            counts[model._meta.db_table] = rows._raw_delete(rows.db)
        counts["projects_project"] = projects._raw_delete(projects.db)
        kpis = Indicator.objects.filter(code__regex=GENERATED_KPI_CODE)
        for relation in Indicator._meta.related_objects:
            if relation.many_to_many or relation.related_model._meta.label.endswith("Historical"):
                continue
            rows = relation.related_model.objects.filter(**{f"{relation.field.name}__in": kpis})
            counts[relation.related_model._meta.db_table] = rows._raw_delete(rows.db)
        counts["indicators_indicator"] = kpis._raw_delete(kpis.db)
    return counts


def generate(
    *,
    projects: int,
    agencies: int = 80,
    years: int = 5,
    today: dt.date | None = None,
    seed: str = SEED,
    batch_size: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> ScaleReport:
    """Create ``projects`` projects spread over the ``years`` fiscal years up to the current
    one, and everything that belongs to them, in bulk. Reports and evaluations are kept
    only when they are due by ``today``."""
    from indicators.models import (
        Indicator,
        IndicatorLevel,
        IndicatorQuarterResult,
        QuarterEvaluation,
    )
    from projects.models import (
        Agency,
        FiscalYear,
        PlanStep,
        ProgressEntry,
        Project,
        ProjectObjective,
        StrategyLink,
    )

    say = progress or (lambda message: None)
    today = today or timezone.localdate()
    rng = random.Random(seed)
    report = ScaleReport()
    current_year = thaidates.fiscal_year_of(today)
    year_list = _year_list(current_year, years)

    with transaction.atomic():
        # Agencies and years: a handful of rows, found or created.
        def ensure_agencies():
            existing = {a.code: a for a in Agency.objects.all()}
            new = [
                Agency(code=code, name=name, short_name=short)
                for code, name, short in agency_specs(agencies)
                if code not in existing
            ]
            Agency.objects.bulk_create(new)
            return len(new)

        report.timed("agencies", ensure_agencies)
        codes = [code for code, _name, _short in agency_specs(agencies)]
        agency_by_code = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        for year_be in year_list:
            FiscalYear.objects.get_or_create(year_be=year_be)
        fiscal_years = {y.year_be: y for y in FiscalYear.objects.filter(year_be__in=year_list)}

        # Projects, evenly over the years, unevenly over the agencies (big departments
        # run more projects than small offices).
        weights = [rng.uniform(0.5, 2.0) for _ in codes]
        per_year = [projects // years + (1 if i < projects % years else 0) for i in range(years)]
        plan: list[tuple[int, str, int]] = []  # (year, agency code, number)
        for year_be, count in zip(year_list, per_year, strict=True):
            numbers: dict[str, int] = {}
            for code in rng.choices(codes, weights=weights, k=count):
                numbers[code] = numbers.get(code, 0) + 1
                plan.append((year_be, code, numbers[code]))
        say(f"{len(plan)} projects over {years} fiscal years {year_list[0]}–{year_list[-1]}")

        started = time.perf_counter()
        specs = []
        for year_be, agency_code, number in plan:
            code = f"{agency_code}-{year_be % 100:02d}{number:04d}"
            spec = demo.project_spec(
                code=code,
                agency_code=agency_code,
                year_be=year_be,
                theme=rng.choice(THEMES),
                place=rng.choice(demo.DISTRICTS),
            )
            specs.append(spec)
        report.seconds["specs"] = time.perf_counter() - started

        unscheduled = {spec.code for spec in specs if rng.random() < 0.03}

        def insert_projects():
            rows = [
                Project(
                    code=spec.code,
                    name=spec.name,
                    agency=agency_by_code[spec.agency_code],
                    fiscal_year=fiscal_years[spec.year_be],
                    responsible=spec.responsible,
                    responsible_phone=spec.responsible_phone,
                    rationale=spec.rationale,
                    budget_code=spec.budget_code,
                    organisation_code=spec.organisation_code,
                    targets=spec.targets,
                )
                for spec in specs
            ]
            Project.objects.bulk_create(rows, batch_size=batch_size)
            return len(rows)

        report.timed("projects", insert_projects)
        project_ids = dict(generated_projects().values_list("code", "pk"))
        say(f"projects inserted ({report.seconds['projects']:.1f} s)")

        def insert_texts():
            objectives = [
                ProjectObjective(project_id=project_ids[spec.code], order=i, text=text)
                for spec in specs
                for i, text in enumerate(spec.objectives, start=1)
            ]
            links = [
                StrategyLink(project_id=project_ids[spec.code], order=i, text=text)
                for spec in specs
                for i, text in enumerate(spec.strategies, start=1)
            ]
            ProjectObjective.objects.bulk_create(objectives, batch_size=batch_size)
            StrategyLink.objects.bulk_create(links, batch_size=batch_size)
            return len(objectives) + len(links)

        report.timed("objectives_and_strategies", insert_texts)

        def insert_steps():
            rows = []
            for spec in specs:
                placeholder = spec.code in unscheduled
                fy_start = thaidates.fiscal_year_bounds(spec.year_be)[0]
                for step in spec.steps:
                    rows.append(
                        PlanStep(
                            project_id=project_ids[spec.code],
                            order=step.order,
                            title=step.title,
                            weight=step.weight,
                            # A few plans carry one placeholder date on every step, as the
                            # old system's do: no schedule, never "behind".
                            starts_on=fy_start if placeholder else step.starts_on,
                            ends_on=fy_start if placeholder else step.ends_on,
                        )
                    )
            PlanStep.objects.bulk_create(rows, batch_size=batch_size)
            return len(rows)

        report.timed("steps", insert_steps)
        step_ids: dict[tuple[int, int], int] = {
            (project_id, order): pk
            for pk, project_id, order in PlanStep.objects.filter(
                project_id__in=generated_projects().values("pk")
            ).values_list("pk", "project_id", "order")
        }
        say(f"steps inserted ({report.seconds['steps']:.1f} s)")

        def insert_entries():
            rows = []
            for spec in specs:
                project_id = project_ids[spec.code]
                fiscal_year = fiscal_years[spec.year_be]
                due = [e for e in spec.entries if e.reported_on <= today]
                if spec.year_be == current_year and due and rng.random() < 0.15:
                    due = due[:-1]  # forgot this month's report so far
                elif due and rng.random() < 0.03:
                    due.pop(rng.randrange(len(due)))  # one month never reported
                for entry in due:
                    deadline = thaidates.add_months(entry.period, 1).replace(
                        day=fiscal_year.report_deadline_day
                    )
                    rows.append(
                        ProgressEntry(
                            project_id=project_id,
                            period=entry.period,
                            reported_on=entry.reported_on,
                            percent=entry.percent,
                            narrative=entry.narrative,
                            problems=entry.problems,
                            obstacles=entry.obstacles,
                            completed_steps=[
                                step_ids[(project_id, n)] for n in range(1, entry.completed + 1)
                            ],
                            in_progress_step_id=(
                                step_ids[(project_id, entry.completed + 1)]
                                if entry.partial_percent
                                else None
                            ),
                            partial_percent=entry.partial_percent,
                            is_late=entry.reported_on > deadline,
                        )
                    )
            ProgressEntry.objects.bulk_create(rows, batch_size=batch_size)
            return len(rows)

        report.timed("entries", insert_entries)
        say(f"entries inserted ({report.seconds['entries']:.1f} s)")

        def insert_evaluations():
            rows = []
            for spec in specs:
                for quarter in (1, 2, 3, 4):
                    _, ends_on = thaidates.quarter_bounds(spec.year_be, quarter)
                    if ends_on + dt.timedelta(days=28) > today:
                        break
                    if rng.random() < 0.08:
                        continue  # สยป. has not got to it
                    c21, c22 = rng.choice(SCORES), rng.choice(SCORES)
                    rows.append(
                        QuarterEvaluation(
                            project_id=project_ids[spec.code],
                            quarter=quarter,
                            criterion_21=c21,
                            criterion_22=c22,
                            project_score=(c21 + c22) / 2,
                            evaluated_at=timezone.make_aware(
                                dt.datetime.combine(ends_on + dt.timedelta(days=21), dt.time(14))
                            ),
                        )
                    )
            QuarterEvaluation.objects.bulk_create(rows, batch_size=batch_size)
            return len(rows)

        report.timed("quarter_evaluations", insert_evaluations)

        def insert_kpis():
            # Three KPIs per agency and year; each project supports one of its agency's.
            kpis = []
            for year_be in year_list:
                for code in codes:
                    for n, (label, subject, kind, level) in enumerate(KPI_SUBJECTS, start=1):
                        achieved = rng.randint(3, 5) if year_be < current_year else None
                        kpis.append(
                            Indicator(
                                code=kpi_code(code, year_be, n),
                                label=label,
                                name=f"ระดับความสำเร็จของ{subject} ({agency_by_code[code].short_name})",
                                kind=kind,
                                result_level=level,
                                unit=Indicator.Unit.LEVEL,
                                target_level=5,
                                achieved_level=achieved,
                                definition=demo.kpi_definition(subject, year_be),
                            )
                        )
            Indicator.objects.bulk_create(kpis, batch_size=batch_size)
            by_code = dict(
                Indicator.objects.filter(code__regex=GENERATED_KPI_CODE).values_list("code", "pk")
            )
            through = Indicator.projects.through
            links = []
            for spec in specs:
                n = rng.randint(1, len(KPI_SUBJECTS))
                code = kpi_code(spec.agency_code, spec.year_be, n)
                links.append(through(indicator_id=by_code[code], project_id=project_ids[spec.code]))
            through.objects.bulk_create(links, batch_size=batch_size)
            levels = []
            results = []
            for kpi in kpis:
                pk = by_code[kpi.code]
                year_be = 2500 + int(kpi.code[5:7])
                for level, text in enumerate(demo.level_criteria(kpi.name, year_be), start=1):
                    levels.append(IndicatorLevel(indicator_id=pk, level=level, description=text))
                final = kpi.achieved_level or kpi.target_level
                for quarter in (1, 2, 3, 4):
                    _, ends_on = thaidates.quarter_bounds(year_be, quarter)
                    if ends_on + dt.timedelta(days=28) > today:
                        break
                    results.append(
                        IndicatorQuarterResult(
                            indicator_id=pk,
                            fiscal_year=fiscal_years[year_be],
                            quarter=quarter,
                            achieved_level=max(1, round(final * quarter / 4)),
                            criterion_21=rng.choice(SCORES),
                            criterion_22=rng.choice(SCORES),
                        )
                    )
            IndicatorLevel.objects.bulk_create(levels, batch_size=batch_size)
            IndicatorQuarterResult.objects.bulk_create(results, batch_size=batch_size)
            return len(kpis) + len(links) + len(levels) + len(results)

        report.timed("kpis_links_levels_results", insert_kpis)

    rows_written.send(sender=Project, project_ids=None)  # bulk inserts send no post_save
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report


def row_counts() -> dict[str, int]:
    from indicators.models import Indicator, QuarterEvaluation
    from projects.models import Agency, PlanStep, ProgressEntry, Project

    return {
        "agencies": Agency.objects.count(),
        "projects": Project.objects.count(),
        "steps": PlanStep.objects.count(),
        "entries": ProgressEntry.objects.count(),
        "kpis": Indicator.objects.count(),
        "quarter_evaluations": QuarterEvaluation.objects.count(),
    }
