"""The demo data (projects/demo/, ``manage.py demo``): idempotent, deterministic, and
consistent with the domain rules, on a "today" passed in rather than the clock's."""

import datetime as dt
import io
import random
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from indicators.models import Indicator, IndicatorQuarterResult, QuarterEvaluation
from projects import thaidates
from projects.demo import load, specs, vocabulary
from projects.models import PlanStep, ProgressEntry, Project, User
from projects.permissions import can_edit_project
from projects.progress import computed_percent

TODAY = dt.date(2026, 11, 25)  # fiscal year 2570, seven weeks in
SEED_CODE = "01000000-2462"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def all_rows() -> dict:
    """Every row of every table, by model: to compare a database before and after."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.db_table in tables
    }


def current_projects(today=TODAY):
    year = thaidates.fiscal_year_of(today)
    return Project.objects.filter(fiscal_year__year_be=year).exclude(code=SEED_CODE)


# --- The command ---------------------------------------------------------------------------


def test_command_twice_on_an_empty_database_changes_nothing_the_second_time():
    assert not Project.objects.exists() and not User.objects.exists()
    first = io.StringIO()
    call_command("demo", stdout=first)
    before = all_rows()
    assert Project.objects.filter(code=SEED_CODE).exists()
    assert current_projects(dt.date.today()).count() >= 8

    second = io.StringIO()
    call_command("demo", stdout=second)

    assert {k: len(v) for k, v in all_rows().items()} == {k: len(v) for k, v in before.items()}
    assert all_rows() == before
    assert "โครงการ projects: สร้างใหม่ created 0" in second.getvalue()
    assert "โครงการ projects: สร้างใหม่ created 12" in first.getvalue()
    assert "staff, staff2, evaluator, manager, admin" in second.getvalue()


def test_a_second_run_keeps_what_people_changed_in_the_seed_project():
    call_command("demo", today="2026-11-25", stdout=io.StringIO())
    Project.objects.filter(code=SEED_CODE).update(responsible="นางสุดา ใจดี")
    ProgressEntry.objects.filter(project__code=SEED_CODE, reported_on=dt.date(2021, 9, 22)).update(
        narrative="แก้ไขแล้ว"
    )

    call_command("demo", today="2026-11-25", stdout=io.StringIO())

    seed = Project.objects.get(code=SEED_CODE)
    assert seed.responsible == "นางสุดา ใจดี"
    assert seed.entries.get(reported_on=dt.date(2021, 9, 22)).narrative == "แก้ไขแล้ว"


def test_command_takes_today_in_buddhist_era():
    call_command("demo", today="25/11/2569", stdout=io.StringIO())
    assert current_projects().count() == 8
    assert Project.objects.filter(fiscal_year__year_be=2569).count() == 4


def test_command_refuses_an_impossible_date():
    with pytest.raises(CommandError, match="31/02/2570"):
        call_command("demo", today="31/02/2570", stdout=io.StringIO())


# --- Never in production by accident (issue 12, item 6) ----------------------------------------

FORCE = "--force-demo-users-in-production"


def test_command_refuses_to_run_with_production_settings(settings):
    """It made admin/demo on a production database: refused, and nothing written."""
    settings.PRODUCTION = True
    with pytest.raises(CommandError) as refused:
        call_command("demo", stdout=io.StringIO())
    message = str(refused.value)
    assert "DJANGO_ENV=production" in message
    assert 'password "demo"' in message and FORCE in message
    assert "staff, staff2, evaluator, manager, admin" in message
    assert 'รหัสผ่าน "demo"' in message  # and in Thai
    assert not User.objects.exists() and not Project.objects.exists()


def test_command_runs_with_production_settings_when_forced(settings):
    settings.PRODUCTION = True
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", FORCE, today="2026-11-25", stdout=out, stderr=err)
    assert User.objects.get(username="admin").check_password("demo")
    assert 'password "demo"' in err.getvalue()  # says what it did


def test_the_loader_itself_refuses_production_settings(settings):
    """Whatever calls it (the shell, another command), not only manage.py demo."""
    settings.PRODUCTION = True
    with pytest.raises(load.RefusedInProduction, match='password "demo"'):
        load.make_demo(today=TODAY)
    assert not User.objects.exists()
    load.make_demo(today=TODAY, force_in_production=True)
    assert User.objects.filter(username="admin", is_superuser=True).exists()


def test_the_force_flag_says_what_it_does():
    from projects.management.commands.demo import Command

    help_text = " ".join(Command().create_parser("manage.py", "demo").format_help().split())
    assert FORCE in help_text
    assert 'password "demo"' in help_text


def test_manage_py_demo_exits_non_zero_with_production_settings(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BMA_"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="bmaprogress.settings",
        DJANGO_SECRET_KEY="x" * 20 + "-production-like-secret-key-for-tests-0123456789",
        DJANGO_ALLOWED_HOSTS="bma.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "demo"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert FORCE in result.stderr and "รหัสผ่าน" in result.stderr
    assert not (tmp_path / "prod.sqlite3").exists()  # refused before touching the database


def test_staff_belongs_to_the_seed_projects_agency():
    call_command("demo", today="2026-11-25", stdout=io.StringIO())
    seed = Project.objects.get(code=SEED_CODE)
    staff = User.objects.get(username="staff")
    assert staff.agency == seed.agency
    assert can_edit_project(staff, seed)
    assert not can_edit_project(User.objects.get(username="staff2"), seed)


# --- Idempotence of make_demo --------------------------------------------------------------


def test_second_run_on_the_same_day_creates_and_changes_nothing():
    first = load.make_demo(today=TODAY)
    before = all_rows()
    second = load.make_demo(today=TODAY)

    assert sum(second.created.values()) == 0
    assert sum(second.updated.values()) == 0
    assert second.found["projects"] == first.created["projects"] == 12
    assert second.found["entries"] == first.created["entries"]
    assert all_rows() == before


def test_a_later_run_adds_the_reports_due_since_and_keeps_the_old_ones():
    load.make_demo(today=TODAY)
    old = list(ProgressEntry.objects.order_by("pk").values())

    later = load.make_demo(today=dt.date(2027, 2, 20))

    assert later.created["projects"] == 0
    assert later.created["entries"] > 0
    assert later.created["evaluations"] > 0  # quarter 1 of 2570 is scored by now
    assert (
        list(ProgressEntry.objects.filter(pk__in=[e["id"] for e in old]).order_by("pk").values())
        == old
    )
    check_entries(today=dt.date(2027, 2, 20))


def test_a_later_run_never_reports_below_a_report_typed_by_hand():
    load.make_demo(today=TODAY)
    project = Project.objects.get(code="01000000-7001")
    staff = User.objects.get(username="staff")
    typed = ProgressEntry.objects.create(
        project=project,
        period=dt.date(2026, 11, 1),
        reported_on=dt.date(2026, 11, 30),
        percent=Decimal("50.00"),
        narrative="รายงานโดยผู้ใช้",
        created_by=staff,
    )

    load.make_demo(today=dt.date(2027, 1, 20))

    typed.refresh_from_db()
    assert typed.percent == Decimal("50.00") and typed.narrative == "รายงานโดยผู้ใช้"
    later = project.entries.filter(period__gt=typed.period)
    assert later.exists()
    assert all(entry.percent >= Decimal(50) for entry in later)


def test_demo_users_are_put_back_to_their_demo_role_and_password():
    load.make_demo(today=TODAY)
    staff = User.objects.get(username="staff")
    staff.role = User.Role.MANAGER
    staff.agency = None
    staff.set_password("something-else")
    staff.save()

    report = load.make_demo(today=TODAY)

    staff.refresh_from_db()
    assert report.updated["users"] == 1
    assert staff.role == User.Role.STAFF and staff.agency.code == "01000000"
    assert staff.check_password("demo")


def test_specs_are_the_same_on_every_run():
    assert specs.demo_specs(2570) == specs.demo_specs(2570)
    assert specs.demo_specs(2570) != specs.demo_specs(2571)


# --- Users ---------------------------------------------------------------------------------


def test_demo_users_log_in_with_demo_and_have_their_roles(client):
    load.make_demo(today=TODAY)
    expected = {
        "staff": ("staff", "สำนักงานเลขานุการสภากรุงเทพมหานคร"),
        "staff2": ("staff", "สำนักการโยธา"),
        "evaluator": ("evaluator", "สำนักยุทธศาสตร์และประเมินผล"),
        "manager": ("manager", None),
        "admin": ("admin", None),
    }
    for username, (role, agency) in expected.items():
        user = User.objects.get(username=username)
        assert client.login(username=username, password="demo"), username
        client.logout()
        assert user.role == role
        assert (user.agency.name if user.agency else None) == agency
        assert re.search("[ก-๙]", user.first_name) and re.search("[ก-๙]", user.last_name)
    staff, staff2 = User.objects.get(username="staff"), User.objects.get(username="staff2")
    assert staff.agency.code == "01000000"
    assert staff2.agency != staff.agency
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()


def test_admin_reaches_the_django_admin(client):
    load.make_demo(today=TODAY)
    client.login(username="admin", password="demo")
    assert client.get("/admin/").status_code == 200


def test_staff2_may_not_edit_the_other_agencys_projects():
    load.make_demo(today=TODAY)
    staff, staff2 = User.objects.get(username="staff"), User.objects.get(username="staff2")
    own = current_projects().filter(agency=staff.agency).first()
    other = current_projects().filter(agency=staff2.agency).first()
    assert can_edit_project(staff, own) and not can_edit_project(staff2, own)
    assert can_edit_project(staff2, other) and not can_edit_project(staff, other)


# --- Projects, steps and reports -------------------------------------------------------------


def test_current_year_projects_with_plans_summing_to_100_but_one():
    load.make_demo(today=TODAY)
    projects = current_projects().prefetch_related("steps", "objectives", "strategy_links")
    assert projects.count() == 8
    assert projects.values("agency").distinct().count() == 4
    start, end = thaidates.fiscal_year_bounds(2570)
    totals = {}
    for project in projects:
        assert project.code.startswith(project.agency.code + "-")
        assert re.search("[ก-๙]", project.name) and project.rationale and project.responsible
        assert 2 <= project.objectives.count() <= 3
        assert project.strategy_links.exists()
        steps = list(project.steps.all())
        assert 5 <= len(steps) <= 10
        assert [s.order for s in steps] == list(range(1, len(steps) + 1))
        for step in steps:
            assert start <= step.starts_on <= step.ends_on <= end
        totals[project.code] = sum(s.weight for s in steps)
        # Steps are spread over the year, not all on one placeholder date.
        assert len({s.ends_on.month for s in steps}) >= 4
    incomplete = {code: total for code, total in totals.items() if total != 100}
    assert list(incomplete.values()) == [Decimal(90)]


@pytest.mark.parametrize(
    "today",
    [TODAY, dt.date(2026, 10, 3), dt.date(2027, 3, 12), dt.date(2027, 6, 3), dt.date(2027, 9, 30)],
)
def test_reports_follow_the_rules_whatever_the_day(today):
    load.make_demo(today=today)
    check_entries(today=today)


def check_entries(*, today):
    projects = Project.objects.exclude(code=SEED_CODE).select_related("fiscal_year")
    assert projects.exists()
    for project in projects:
        steps = {s.pk: s for s in PlanStep.objects.filter(project=project)}
        start, end = thaidates.fiscal_year_bounds(project.fiscal_year.year_be)
        previous = Decimal(0)
        for entry in project.entries.order_by("period"):
            assert Decimal(0) <= entry.percent <= Decimal(100)
            assert entry.percent >= previous, project.code
            previous = entry.percent
            assert start <= entry.period <= entry.reported_on <= min(end, today)
            assert entry.period.day == 1
            assert entry.created_at.date() == entry.reported_on
            # The percent is what ticking those steps gives (domain.md: weighted progress).
            computed = computed_percent(
                list(steps.values()),
                completed=[steps[pk] for pk in entry.completed_steps],
                in_progress=entry.in_progress_step,
                partial_percent=entry.partial_percent,
            )
            assert computed.percent == entry.percent, (project.code, entry.period)
            deadline = thaidates.add_months(entry.period, 1).replace(day=10)
            assert entry.is_late == (entry.reported_on > deadline)


def test_this_month_some_projects_have_reported_and_some_have_not():
    load.make_demo(today=TODAY)
    last_month = thaidates.add_months(TODAY, -1)
    reported = set(
        ProgressEntry.objects.filter(project__in=current_projects(), period=last_month).values_list(
            "project__code", flat=True
        )
    )
    codes = set(current_projects().values_list("code", flat=True))
    assert 0 < len(reported) < len(codes)
    # Some sent theirs late (after the 10th), some early in the month, some in October.
    entries = ProgressEntry.objects.filter(project__in=current_projects(), period=last_month)
    assert entries.filter(is_late=True).exists()
    assert entries.filter(reported_on__month=10).exists()
    assert entries.filter(reported_on__month=11, is_late=False).exists()


def test_last_years_projects_have_all_twelve_reports():
    load.make_demo(today=TODAY)
    previous = Project.objects.filter(fiscal_year__year_be=2569)
    assert previous.count() == 4
    for project in previous:
        periods = list(project.entries.order_by("period").values_list("period", flat=True))
        assert periods == thaidates.fiscal_months(2569)
    finals = [p.entries.order_by("-period").first().percent for p in previous]
    assert Decimal(100) in finals and min(finals) < Decimal(100)


def test_no_report_is_dated_in_the_future_at_the_start_of_a_year():
    load.make_demo(today=dt.date(2026, 10, 3))
    assert not ProgressEntry.objects.filter(reported_on__gt=dt.date(2026, 10, 3)).exists()
    assert Project.objects.filter(fiscal_year__year_be=2570).count() == 8


# --- KPIs and evaluations ------------------------------------------------------------------


def test_kpis_link_projects_and_define_five_levels():
    load.make_demo(today=TODAY)
    indicators = Indicator.objects.prefetch_related("projects__agency", "levels")
    assert indicators.count() >= 8
    for indicator in indicators:
        assert re.fullmatch(r"\d{4}-\d+", indicator.code)
        assert re.fullmatch(r"อ\.\d+/\d+", indicator.label)
        assert indicator.target_level == 5
        assert indicator.achieved_level is None or 1 <= indicator.achieved_level <= 5
        assert [level.level for level in indicator.levels.all()] == [1, 2, 3, 4, 5]
        for level in range(1, 6):
            assert f"ระดับ {level} " in indicator.definition
        projects = list(indicator.projects.all())
        assert projects
        assert {p.agency.kpi_prefix for p in projects} == {indicator.code[:4]}
    assert any(i.projects.count() == 2 for i in indicators)
    assert any(p.indicators.count() >= 2 for p in current_projects())


def test_quarter_evaluations_of_past_quarters_by_the_evaluator():
    load.make_demo(today=TODAY)
    evaluator = User.objects.get(username="evaluator")
    evaluations = QuarterEvaluation.objects.filter(project__fiscal_year__year_be=2569)
    assert evaluations.count() == 16
    # No quarter of 2570 has ended yet on TODAY.
    assert not QuarterEvaluation.objects.filter(project__fiscal_year__year_be=2570).exists()
    scored = evaluations.exclude(project_score=None)
    assert scored.count() == 15
    for evaluation in scored:
        assert evaluation.evaluated_by == evaluator
        assert 0 <= evaluation.criterion_21 <= 100 and 0 <= evaluation.criterion_22 <= 100
        assert evaluation.project_score == (evaluation.criterion_21 + evaluation.criterion_22) / 2
        _, ends_on = thaidates.quarter_bounds(2569, evaluation.quarter)
        assert ends_on < evaluation.evaluated_at.date() <= TODAY
    unscored = evaluations.get(project_score=None)
    assert unscored.quarter == 4 and unscored.criterion_21 is None
    results = IndicatorQuarterResult.objects.filter(fiscal_year__year_be=2569)
    assert results.count() == 4 * 4
    assert all(r.evaluated_by == evaluator for r in results)


def test_quarter_one_is_scored_once_its_evaluation_is_due():
    load.make_demo(today=dt.date(2027, 2, 20))
    scored = QuarterEvaluation.objects.filter(project__fiscal_year__year_be=2570)
    assert set(scored.values_list("quarter", flat=True)) == {1}
    assert scored.count() == 7  # all but the project never scored


# --- The vocabulary for bulk generation ----------------------------------------------------


def test_random_project_specs_keep_the_rules():
    for n in range(150):
        rng = random.Random(n)
        year = rng.choice((2569, 2570, 2571))
        district = rng.randrange(len(vocabulary.districts()))
        agency = vocabulary.district_agency_code(district)
        spec = specs.random_project_spec(
            rng, code=f"{agency}-{n:04d}", agency_code=agency, year_be=year
        )
        start, end = thaidates.fiscal_year_bounds(year)
        assert spec.weights_total == 100
        assert 5 <= len(spec.steps) <= 10
        assert all(start <= s.starts_on <= s.ends_on <= end for s in spec.steps)
        assert len(spec.entries) == 12
        percents = [e.percent for e in spec.entries]
        assert percents == sorted(percents) and percents[-1] <= 100
        assert all(start <= e.reported_on <= end for e in spec.entries)
        assert "{place}" not in spec.name + spec.rationale


# --- The data files (fixtures/demo/*.toml) -------------------------------------------------


def test_the_data_files_refer_to_what_they_define():
    agencies = {a.code for a in vocabulary.demo_agencies()}
    themes = {t.key: t for t in vocabulary.themes()}
    assert len(themes) == len(vocabulary.themes())
    assert len(vocabulary.districts()) == 50
    for theme in themes.values():
        assert 0 <= theme.main_step < len(theme.steps) <= 10
        assert theme.objectives and theme.strategies and theme.targets
    projects = vocabulary.current_projects() + vocabulary.previous_projects()
    for project in projects:
        assert project.agency_code in agencies and project.theme in themes
    for user in vocabulary.demo_users():
        assert user.agency_code is None or user.agency_code in agencies
    for which, year_projects in (
        ("current", vocabulary.current_projects()),
        ("previous", vocabulary.previous_projects()),
    ):
        for kpi in vocabulary.demo_kpis(which):
            own = {p.theme for p in year_projects if p.agency_code == kpi.agency}
            assert kpi.themes and set(kpi.themes) <= own, kpi
    assert len(vocabulary.kpi_texts().levels) == 5


# --- Approval (issue 15) -------------------------------------------------------------------


def test_the_demo_has_a_head_and_reports_in_every_state():
    from projects.models import Agency, ReportSubmission

    load.make_demo(today=TODAY)

    head = User.objects.get(username="head")
    assert head.role == User.Role.HEAD and head.agency.code == "01000000"
    assert head.check_password("demo") and head.get_full_name() == "วรวุฒิ ศักดิ์สิทธิ์"
    mine = ReportSubmission.objects.filter(
        project__agency=head.agency, project__fiscal_year__year_be=2570
    )
    assert set(mine.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "approved",
    }
    returned = mine.get(state="returned")
    assert (
        returned.return_comment and returned.transitions.last().comment == returned.return_comment
    )
    # Every approved report of the year is an entry, approved by the head.
    entries = ProgressEntry.objects.filter(project__in=mine.values("project"))
    approved = mine.filter(state="approved")
    assert approved.count() == entries.count()
    assert set(approved.values_list("decided_by", flat=True)) == {head.pk}
    # Another agency reports directly, as before.
    assert not Agency.objects.get(code="09000000").reports_need_approval
    assert not ReportSubmission.objects.filter(project__agency__code="09000000").exists()
