"""``make_demo``: write the demo data to the database (``manage.py demo``).

``make_demo(today=...)`` fills an empty database (or tops up a filled one) with data a new
user can try every workflow on: a few projects of the current fiscal year with steps dated
across the year and the monthly reports already due, a few projects of the previous year
with all twelve reports, KPIs and quarter evaluations. It is idempotent: objects are found
by their codes (usernames, agency, project and KPI codes, one entry per project and month,
one evaluation per project and quarter) and never changed once they exist, so a second run
on the same day changes nothing. A later run adds the reports and evaluations that have
come due since, after the newest report each project already has.

Everything random comes from ``random.Random`` seeded with the object's code, so the data
are the same on every machine and every run; only ``today`` decides how much of the year
has been reported.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects import strategy_services, thaidates
from projects.demo import approval, baselines, budgets, strategy, vocabulary
from projects.demo.kpis import demo_kpis, kpi_definition, level_criteria
from projects.demo.specs import SCORES, SEED, ProjectSpec, demo_specs, report_deadline
from projects.progress import quantize
from projects.signals import rows_written

DEMO_PASSWORD = "demo"


@dataclass
class DemoReport:
    """What make_demo created and what it found already there, per kind of object."""

    today: dt.date
    year_be: int
    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.found)[kind] += 1


KINDS = (
    ("agencies", "หน่วยงาน"),
    ("fiscal_years", "ปีงบประมาณ"),
    ("users", "ผู้ใช้"),
    ("projects", "โครงการ"),
    ("strategy_nodes", "ยุทธศาสตร์ (ด้าน มิติ เป้าหมาย)"),
    ("steps", "ขั้นตอนการดำเนินงาน"),
    ("entries", "ผลการดำเนินงาน"),
    ("budgets", "งบประมาณโครงการ (สาธิต)"),
    ("submissions", "รายงานที่ส่งให้หัวหน้าหน่วยงานอนุมัติ"),
    ("plan_versions", "แผนการดำเนินงานฉบับที่อนุมัติหรือรออนุมัติ"),
    ("indicators", "ตัวชี้วัด"),
    ("evaluations", "ผลการประเมินโครงการรายไตรมาส"),
    ("kpi_results", "ผลตัวชี้วัดรายไตรมาส"),
)


FORCE_FLAG = "--force-demo-users-in-production"


class RefusedInProduction(Exception):
    """The demo users were asked for with production settings, and not forced."""


def refuse_in_production(*, force: bool = False) -> None:
    """The demo users have the password "demo" and ``admin`` is a superuser: never made
    with production settings (DJANGO_ENV=production) unless ``force`` (the command's
    FORCE_FLAG, for a test server that runs the production profile)."""
    if settings.PRODUCTION and not force:
        names = ", ".join(user.username for user in vocabulary.demo_users())
        raise RefusedInProduction(
            "manage.py demo does not run with DJANGO_ENV=production: it creates the users "
            f'{names} with the password "demo" (admin is a superuser). Only on a test '
            f"server: add {FORCE_FLAG}.\n"
            "ไม่สร้างข้อมูลสาธิตในระบบที่ใช้งานจริง (DJANGO_ENV=production): คำสั่งนี้สร้างผู้ใช้ "
            f'{names} ด้วยรหัสผ่าน "demo" (admin เป็นผู้ดูแลระบบ) หากเป็นเครื่องทดสอบ '
            f"ให้เพิ่ม {FORCE_FLAG}"
        )


def make_demo(*, today: dt.date | None = None, force_in_production: bool = False) -> DemoReport:
    """Create what is missing of the demo data as of ``today`` (default: today in Bangkok).

    The seed project (fixtures/seed.json) is loaded by the ``demo`` command before this.
    Refused with production settings unless ``force_in_production`` (refuse_in_production).
    """
    refuse_in_production(force=force_in_production)
    today = today or timezone.localdate()
    year_be = thaidates.fiscal_year_of(today)
    report = DemoReport(today=today, year_be=year_be)
    with transaction.atomic():
        agencies = _ensure_agencies(report)
        users = _ensure_users(report, agencies)
        years = _ensure_fiscal_years(report, year_be)
        created, found = strategy.ensure_tree()  # matches the seed's links too
        report.created["strategy_nodes"] += created
        report.found["strategy_nodes"] += found
        specs = demo_specs(year_be)
        reporters = {u.agency_id: u for u in users.values() if u.role == "staff"}
        projects = {}
        kinds = budgets.demo_themes(year_be)
        for spec in specs:
            project = _ensure_project(report, spec, agencies, years)
            plan, fresh = budgets.ensure_budget(report, project, kinds.get(spec.code, "routine"))
            reporter = reporters.get(project.agency_id)
            created = _ensure_entries(report, project, spec, today, reporter)
            budgets.fill_figures(project, plan, None if fresh else created)
            projects[spec.code] = (project, spec)
        budgets.ensure_targets([years[year_be], years[year_be - 1]])
        approval.ensure_approvals(report, projects, today, users)
        baselines.ensure_baselines(report, projects, today, users)
        _ensure_indicators(report, year_be, projects, years, users["evaluator"])
        _ensure_evaluations(report, projects, today, users["evaluator"])
        if +report.created or +report.updated:
            from projects.models import Project

            rows_written.send(sender=Project, project_ids=None)  # some rows in bulk
    return report


def _ensure_agencies(report: DemoReport) -> dict:
    from projects.models import Agency

    agencies = {}
    for spec in vocabulary.demo_agencies():
        agency, created = Agency.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "reports_need_approval": spec.reports_need_approval,
            },
        )
        report.count("agencies", created)
        agencies[spec.code] = agency
    return agencies


def _ensure_users(report: DemoReport, agencies: dict) -> dict:
    """Demo users with password ``demo``: created, or put back to their demo role and agency."""
    from projects.models import User

    users = {}
    for spec in vocabulary.demo_users():
        wanted = {
            "role": spec.role,
            "agency": agencies[spec.agency_code] if spec.agency_code else None,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@demo.bma-progress.invalid",
            "is_staff": spec.is_admin,
            "is_superuser": spec.is_admin,
            "is_active": True,
        }
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(username=spec.username, **wanted)
            user.set_password(DEMO_PASSWORD)
            user.save()
        else:
            changed = [k for k, v in wanted.items() if getattr(user, k) != v]
            for name in changed:
                setattr(user, name, wanted[name])
            # check_password re-hashes only when the hasher asks for it; no new salt each run.
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
                report.updated["users"] += 1
        report.count("users", created)
        users[spec.username] = user
    return users


def _ensure_fiscal_years(report: DemoReport, year_be: int) -> dict:
    from projects.models import FiscalYear

    years = {}
    for year in (year_be - 1, year_be):
        years[year], created = FiscalYear.objects.get_or_create(year_be=year)
        report.count("fiscal_years", created)
    return years


def _ensure_project(report: DemoReport, spec: ProjectSpec, agencies: dict, years: dict):
    from projects.models import PlanStep, Project, ProjectObjective

    fiscal_year = years[spec.year_be]
    project, created = Project.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "agency": agencies[spec.agency_code],
            "fiscal_year": fiscal_year,
            "responsible": spec.responsible,
            "responsible_phone": spec.responsible_phone,
            "rationale": spec.rationale,
            "budget_code": spec.budget_code,
            "organisation_code": spec.organisation_code,
            "targets": spec.targets,
        },
    )
    report.count("projects", created)
    if not created:
        # Somebody may be trying the plan editor on it: leave its text and steps alone.
        report.found["steps"] += len(spec.steps)
        return project
    ProjectObjective.objects.bulk_create(
        ProjectObjective(project=project, order=i, text=text)
        for i, text in enumerate(spec.objectives, start=1)
    )
    strategy_services.strategy_links_create(project=project, texts=spec.strategies)
    for step in spec.steps:
        PlanStep.objects.create(
            project=project,
            order=step.order,
            title=step.title,
            weight=step.weight,
            starts_on=step.starts_on,
            ends_on=step.ends_on,
        )
        report.created["steps"] += 1
    return project


def _at_office_hours(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _ensure_entries(report, project, spec: ProjectSpec, today: dt.date, reporter) -> list:
    """Add the reports due by ``today`` that come after the project's newest report, and
    return them.

    Reports are only appended: a month somebody has reported by hand, or any month before
    it, is left alone. Should a generated percent fall below the newest one there, the
    newest percent is kept, without ticked steps (it cannot be explained by them).
    """
    from projects.models import ProgressEntry, ReportingDeadline

    existing = list(project.entries.values_list("period", "percent"))
    latest = max(existing, default=None)
    steps = {step.order: step for step in project.steps.all()}
    moved = dict(ReportingDeadline.objects.values_list("period", "due_on"))
    added = []
    for entry in spec.entries:
        if entry.reported_on > today:
            break
        if latest is not None and entry.period <= latest[0]:
            report.found["entries"] += 1
            continue
        ticked = {
            "percent": entry.percent,
            "completed_steps": [steps[n].pk for n in range(1, entry.completed + 1) if n in steps],
            "in_progress_step": steps.get(entry.completed + 1) if entry.partial_percent else None,
            "partial_percent": entry.partial_percent,
        }
        if latest is not None and entry.percent < latest[1]:
            ticked = {"percent": latest[1]}
        due = report_deadline(project.fiscal_year, entry.period, moved)
        created = ProgressEntry.objects.create(
            project=project,
            period=entry.period,
            reported_on=entry.reported_on,
            narrative=entry.narrative,
            problems=entry.problems,
            obstacles=entry.obstacles,
            is_late=entry.reported_on > due,
            created_by=reporter,
            updated_by=reporter,
            **ticked,
        )
        # auto_now_add ignores a given value: date the row as if typed on the report day.
        stamp = _at_office_hours(entry.reported_on)
        ProgressEntry.objects.filter(pk=created.pk).update(created_at=stamp, updated_at=stamp)
        report.created["entries"] += 1
        added.append(created)
    return added


def _nodes_of(projects) -> set[int]:
    from projects.models import StrategyLink

    links = StrategyLink.objects.filter(project__in=projects, node__isnull=False)
    return set(links.values_list("node_id", flat=True))


def _ensure_indicators(report, year_be: int, projects: dict, years: dict, evaluator) -> None:
    """The KPIs with their five levels, their projects, and the quarters สยป. has scored."""
    from indicators.models import Indicator, IndicatorLevel, IndicatorQuarterResult

    for spec in demo_kpis(year_be):
        indicator, created = Indicator.objects.get_or_create(
            code=spec.code,
            defaults={
                "label": spec.label,
                "name": spec.name,
                "kind": spec.kind,
                "result_level": spec.result_level,
                "unit": Indicator.Unit.LEVEL,
                "target_level": spec.target_level,
                "achieved_level": spec.achieved_level,
                "definition": kpi_definition(spec.subject, spec.year_be),
            },
        )
        report.count("indicators", created)
        if created:
            supported = [projects[code][0] for code in spec.project_codes]
            indicator.projects.add(*supported)
            # A KPI supports the nodes its projects support (issue 18).
            indicator.strategy_nodes.add(*_nodes_of(supported))
            IndicatorLevel.objects.bulk_create(
                IndicatorLevel(indicator=indicator, level=level, description=text)
                for level, text in enumerate(level_criteria(spec.subject, spec.year_be), start=1)
            )
        rng = random.Random(f"{SEED}:kpi-results:{spec.code}")
        final = spec.achieved_level or spec.target_level
        for quarter in (1, 2, 3, 4):
            evaluated_on = _evaluated_on(rng, spec.year_be, quarter)
            if evaluated_on > report.today:
                break
            scores = rng.choice(SCORES), rng.choice(SCORES)
            _, created = IndicatorQuarterResult.objects.get_or_create(
                indicator=indicator,
                fiscal_year=years[spec.year_be],
                quarter=quarter,
                defaults={
                    # Levels climb through the year to the level reached at its end.
                    "achieved_level": max(1, round(final * quarter / 4)),
                    "criterion_21": scores[0],
                    "criterion_22": scores[1],
                    "evaluated_by": evaluator,
                    "evaluated_at": _at_office_hours(evaluated_on, 15),
                },
            )
            report.count("kpi_results", created)


def _evaluated_on(rng: random.Random, year_be: int, quarter: int) -> dt.date:
    """สยป. scores a quarter two to four weeks after it ends."""
    _, ends_on = thaidates.quarter_bounds(year_be, quarter)
    return ends_on + dt.timedelta(days=rng.randint(14, 28))


def _ensure_evaluations(report, projects: dict, today: dt.date, evaluator) -> None:
    """Score each quarter of each project once สยป.'s turn has come (_evaluated_on).

    The last project of the current year is never scored, and the last quarter of one of
    last year's projects has a row with no scores ("0 / 0" on the page, as in the seed).
    """
    from indicators.models import QuarterEvaluation

    unscored_project = vocabulary.current_projects()[-1]
    half_scored = vocabulary.previous_projects()[-1]
    for code, (project, spec) in projects.items():
        if code == unscored_project.code(spec.year_be):
            continue
        rng = random.Random(f"{SEED}:evaluations:{code}")
        for quarter in (1, 2, 3, 4):
            evaluated_on = _evaluated_on(rng, spec.year_be, quarter)
            if evaluated_on > today:
                break
            scored = not (quarter == 4 and code == half_scored.code(spec.year_be))
            c21, c22 = (rng.choice(SCORES), rng.choice(SCORES)) if scored else (None, None)
            _, created = QuarterEvaluation.objects.get_or_create(
                project=project,
                quarter=quarter,
                defaults={
                    "criterion_21": c21,
                    "criterion_22": c22,
                    "project_score": quantize((c21 + c22) / 2) if scored else None,
                    "comment": "" if scored else "รอเอกสารประกอบการประเมิน",
                    "evaluated_by": evaluator if scored else None,
                    "evaluated_at": _at_office_hours(evaluated_on, 14) if scored else None,
                },
            )
            report.count("evaluations", created)


def summary_lines(report: DemoReport) -> list[str]:
    """A short Thai/English account of a run, for the command to print."""
    lines = [
        f"ข้อมูลสาธิต / demo data: วันนี้ today {thaidates.format_be(report.today)}, "
        f"ปีงบประมาณ fiscal year {report.year_be} และ and {report.year_be - 1}",
    ]
    for kind, thai in KINDS:
        created, found = report.created[kind], report.found[kind]
        if not (created or found):
            continue
        line = f"  {thai} {kind}: สร้างใหม่ created {created}, มีอยู่แล้ว found {found}"
        if report.updated[kind]:
            line += f", ปรับปรุง updated {report.updated[kind]}"
        lines.append(line)
    names = ", ".join(u.username for u in vocabulary.demo_users())
    lines.append(f"ผู้ใช้สาธิต demo users: {names} (รหัสผ่าน password: {DEMO_PASSWORD})")
    return lines
