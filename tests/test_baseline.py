"""Plan versions and the baseline (issue 18): the services' rules, who may decide, the
diff between versions, and "behind schedule" measured against the baseline in Python and
SQL alike (progress.measured_steps and progress_sql.measured_planned_percent)."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from projects import plan_editing, plan_versions, progress, progress_sql, selectors
from projects.models import PlanStep, PlanVersion, PlanVersionStep, Project
from projects.plan_diff import plan_diff
from reports import dashboard
from tests.factories import (
    AgencyFactory,
    ApprovalDelegationFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.test_planned import START, YEAR, random_plan, steps_of_four

TODAY = dt.date(2026, 3, 31)


def rows_of(project, changes=None):
    """The editor's rows of the project's steps, with ``changes`` by order: a dict of
    fields, or None to remove the step."""
    changes = changes or {}
    rows = []
    for s in PlanStep.objects.filter(project=project).order_by("order"):
        change = changes.get(s.order, {})
        fields = {
            "order": s.order,
            "title": s.title,
            "weight": s.weight,
            "starts_on": s.starts_on,
            "ends_on": s.ends_on,
        }
        if change is not None:
            fields.update(change)
        rows.append(plan_editing.StepInput(step_id=s.pk, delete=change is None, **fields))
    return rows


@pytest.fixture
def project(db):
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    return project


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


@pytest.fixture
def head(project):
    return UserFactory(head=True, agency=project.agency)


def approved_v1(project, staff, head):
    version = plan_versions.plan_version_submit(project=project, user=staff)
    return plan_versions.plan_version_approve(version=version, user=head, today=TODAY)


def replan(project, staff, reason="เลื่อนงานตามงบประมาณที่ได้รับจริง"):
    """Move the last two steps' weights: 10, 20, 30, 40 → 10, 20, 10, 60, and push step 3."""
    project.refresh_from_db()
    return plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=project.plan_version,
        reason=reason,
        rows=rows_of(
            project,
            {
                3: {"weight": Decimal(10), "ends_on": dt.date(2026, 7, 31)},
                4: {"weight": Decimal(60)},
            },
        ),
    )


# --- The services --------------------------------------------------------------------------


def test_a_plan_sent_and_approved_becomes_the_baseline_with_a_copy_of_its_steps(
    project, staff, head
):
    version = approved_v1(project, staff, head)

    assert (version.number, version.state, version.is_baseline) == (1, "approved", True)
    assert version.decided_by == head
    copied = list(version.steps.values_list("order", "weight", "starts_on", "ends_on"))
    assert copied == list(
        project.steps.order_by("order").values_list("order", "weight", "starts_on", "ends_on")
    )


def test_a_change_after_the_baseline_needs_a_reason_and_changes_nothing_without_it(
    project, staff, head
):
    approved_v1(project, staff, head)
    with pytest.raises(ValidationError) as caught:
        replan(project, staff, reason="  ")
    assert "กรุณาระบุเหตุผลที่ปรับแผน" in str(caught.value.message_dict["reason"])
    assert list(project.steps.values_list("weight", flat=True)) == [10, 20, 30, 40]
    assert PlanVersion.objects.filter(project=project).count() == 1


def test_a_change_with_a_reason_is_sent_as_version_2_and_the_baseline_stays_until_approved(
    project, staff, head
):
    approved_v1(project, staff, head)
    replan(project, staff)

    v2 = PlanVersion.objects.get(project=project, number=2)
    assert v2.state == "submitted" and not v2.is_baseline
    assert v2.reason == "เลื่อนงานตามงบประมาณที่ได้รับจริง"
    assert selectors.baseline(project).number == 1
    # A further change replaces the open version's copy; still one open version.
    replan(project, staff, reason="แก้ไขอีกครั้ง")
    assert PlanVersion.objects.filter(project=project).count() == 2

    plan_versions.plan_version_approve(version=v2, user=head, today=TODAY)
    assert selectors.baseline(project).number == 2
    assert PlanVersion.objects.get(project=project, number=1).state == "approved"


def test_a_returned_version_keeps_the_baseline_and_is_sent_again_by_the_next_change(
    project, staff, head
):
    approved_v1(project, staff, head)
    replan(project, staff)
    v2 = PlanVersion.objects.get(number=2, project=project)
    with pytest.raises(ValidationError):
        plan_versions.plan_version_return(version=v2, user=head, comment=" ", today=TODAY)
    plan_versions.plan_version_return(
        version=v2, user=head, comment="น้ำหนักขั้นตอนที่ 4 สูงเกินไป", today=TODAY
    )
    v2.refresh_from_db()
    assert (v2.state, v2.comment) == ("returned", "น้ำหนักขั้นตอนที่ 4 สูงเกินไป")
    with pytest.raises(ValidationError, match="ไม่ได้รออนุมัติ"):
        plan_versions.plan_version_approve(version=v2, user=head, today=TODAY)

    project.refresh_from_db()
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=project.plan_version,
        reason="ปรับตามความเห็น",
        rows=rows_of(project, {3: {"weight": Decimal(20)}, 4: {"weight": Decimal(50)}}),
    )
    v2.refresh_from_db()
    assert (v2.state, v2.reason, v2.comment) == ("submitted", "ปรับตามความเห็น", "")
    assert selectors.baseline(project).number == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("head", True),
        ("deputy", True),
        ("evaluator", True),
        ("admin", True),
        ("sender", False),
        ("other staff", False),
        ("other head", False),
        ("manager", False),
    ],
)
def test_who_may_approve_a_plan(project, staff, who, allowed):
    version = plan_versions.plan_version_submit(project=project, user=staff)
    users = {
        "head": lambda: UserFactory(head=True, agency=project.agency),
        "deputy": lambda: (
            ApprovalDelegationFactory(agency=project.agency, starts_on=TODAY, ends_on=TODAY).deputy
        ),
        "evaluator": lambda: UserFactory(evaluator=True),
        "admin": lambda: UserFactory(admin=True),
        "sender": lambda: staff,
        "other staff": lambda: UserFactory(agency=project.agency),
        "other head": lambda: UserFactory(head=True),
        "manager": lambda: UserFactory(manager=True),
    }
    user = users[who]()
    if allowed:
        plan_versions.plan_version_approve(version=version, user=user, today=TODAY)
        assert selectors.baseline(project) == version
    else:
        with pytest.raises(PermissionDenied):
            plan_versions.plan_version_approve(version=version, user=user, today=TODAY)
        assert selectors.baseline(project) is None


def test_only_editors_send_a_plan_and_an_empty_plan_is_refused(project, head):
    with pytest.raises(PermissionDenied):
        plan_versions.plan_version_submit(project=project, user=head)
    empty = ProjectFactory(agency=project.agency)
    with pytest.raises(ValidationError, match="ยังไม่มีขั้นตอน"):
        plan_versions.plan_version_submit(project=empty, user=UserFactory(agency=project.agency))


def test_imported_plans_become_baselines_in_bulk(db, django_assert_max_num_queries):
    year = FiscalYearFactory(year_be=YEAR)
    projects = [ProjectFactory(fiscal_year=year) for _ in range(30)]
    for p in projects:
        steps_of_four(p)
    ids = [p.pk for p in projects]
    with django_assert_max_num_queries(10):
        made = plan_versions.baselines_from_steps(project_ids=ids, user=None)
    assert made == 30
    assert PlanVersion.objects.filter(is_baseline=True, number=1).count() == 30
    assert PlanVersionStep.objects.count() == 120
    # Imported again: version 2 is the baseline, version 1 stays as a record.
    plan_versions.baselines_from_steps(project_ids=ids[:3], user=None)
    assert set(PlanVersion.objects.filter(is_baseline=True).values_list("number", flat=True)) == {
        1,
        2,
    }


# --- The diff ------------------------------------------------------------------------------


def test_plan_diff_names_steps_added_removed_and_weights_and_dates_changed(project, staff, head):
    approved_v1(project, staff, head)
    project.refresh_from_db()
    rows = rows_of(project, {2: None, 3: {"weight": Decimal(50)}, 4: {"starts_on": START}})
    rows.append(
        plan_editing.StepInput(None, 9, "ขั้นตอนใหม่", Decimal(20), START, dt.date(2025, 10, 31))
    )
    plan_editing.plan_save(
        project=project, user=staff, loaded_version=project.plan_version, rows=rows, reason="ปรับ"
    )
    v1, v2 = PlanVersion.objects.filter(project=project).order_by("number")

    diff = plan_diff(list(v1.steps.all()), list(v2.steps.all()))

    assert [s.title for s in diff.added] == ["ขั้นตอนใหม่"]
    assert [s.order for s in diff.removed] == [2]
    assert [(c.old, c.new) for c in diff.weights] == [(Decimal(30), Decimal(50))]
    assert [(c.old[0], c.new[0]) for c in diff.dates] == [(dt.date(2026, 7, 1), START)]
    assert not diff.titles
    assert not plan_diff(list(v1.steps.all()), list(v1.steps.all()))


def test_plan_diff_matches_steps_without_a_source_by_title():
    class Step:
        def __init__(self, title, weight):
            self.title, self.weight = title, Decimal(weight)
            self.starts_on = self.ends_on = None
            self.source_step_id = None

    diff = plan_diff([Step("ก", 10), Step("ข", 90)], [Step("ก", 20), Step("ค", 80)])
    assert [s.title for s in diff.added] == ["ค"]
    assert [s.title for s in diff.removed] == ["ข"]
    assert [(c.old, c.new) for c in diff.weights] == [(10, 20)]


# --- Behind schedule measured against the baseline -----------------------------------------


def test_behind_is_measured_against_the_baseline_on_the_page_and_the_dashboard(
    project, staff, head
):
    """Re-planned late (the steps pushed back), a late project looks on time against the
    current plan; against the baseline it is behind, on the page and the dashboard alike."""
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 3, 20), percent=Decimal(10))
    approved_v1(project, staff, head)
    project.refresh_from_db()
    later = {"starts_on": dt.date(2026, 6, 1), "ends_on": dt.date(2026, 9, 30)}
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=project.plan_version,
        rows=rows_of(project, {2: later}),
        reason="งบประมาณมาช้า",
    )
    filters = dashboard.parse_filters(
        {"year": str(YEAR)}, years=[project.fiscal_year], agencies=[], today=TODAY
    )

    def both():
        loaded = selectors.project_for_page(project.code)
        curve = selectors.project_scurve(loaded, selectors.progress_points(loaded), today=TODAY)
        (row,) = dashboard.projects_with_status(filters)
        assert (row.planned, row.behind) == (curve.planned, curve.behind)
        return curve

    curve = both()
    assert (curve.planned, curve.behind, curve.against_baseline) == (Decimal(30), True, True)
    names = [trace["name"] for trace in curve.figure["data"]]
    assert names == ["แผนฐานที่อนุมัติ (ฉบับที่ 1)", "แผนปัจจุบัน", "ผลการดำเนินงาน"]
    with override_settings(BMA_BEHIND_AGAINST="current"):
        curve = both()
        assert (curve.planned, curve.behind, curve.against_baseline) == (
            Decimal(10),
            False,
            False,
        )


def test_without_a_baseline_the_current_plan_is_measured(project):
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 3, 20), percent=Decimal(10))
    loaded = selectors.project_for_page(project.code)
    curve = selectors.project_scurve(loaded, selectors.progress_points(loaded), today=TODAY)
    assert (curve.planned, curve.behind, curve.against_baseline) == (Decimal(30), True, False)
    assert [t["name"] for t in curve.figure["data"]] == ["แผน", "ผลการดำเนินงาน"]


def _random_baseline(rng, project):
    """Half the projects get a baseline of another random plan (copied as versions are)."""
    if rng.random() < 0.5:
        return None
    version = PlanVersion.objects.create(
        project=project, number=1, state="approved", is_baseline=True
    )
    other = ProjectFactory(fiscal_year=project.fiscal_year)
    steps = random_plan(rng, other)
    PlanVersionStep.objects.bulk_create(
        PlanVersionStep(
            version=version,
            order=s.order,
            title=s.title,
            weight=s.weight,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
        )
        for s in steps
    )
    other.delete()
    return list(version.steps.all())


@pytest.mark.django_db
@pytest.mark.parametrize("against", ["baseline", "current"])
@pytest.mark.parametrize("seed", [6, 7])
def test_sql_measured_planned_percent_equals_python(seed, against):
    """The two homes of "the steps planned progress is measured against", side by side:
    progress.planned_percent(progress.measured_steps(...)) and
    progress_sql.measured_planned_percent, on random plans and baselines and a grid of days."""
    rng = random.Random(seed)
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    plans = {}
    for number in range(20):
        project = ProjectFactory(fiscal_year=fiscal_year, code=f"79000000-{number}")
        plans[project.pk] = (random_plan(rng, project), _random_baseline(rng, project))
    days = [START + dt.timedelta(days=n) for n in range(-1, 370, 15)]
    with override_settings(BMA_BEHIND_AGAINST=against):
        for day in days:
            found = dict(
                Project.objects.filter(pk__in=plans)
                .annotate(planned=progress_sql.measured_planned_percent(day))
                .values_list("pk", "planned")
            )
            for pk, (steps, baseline) in plans.items():
                expected = progress.planned_percent(progress.measured_steps(steps, baseline), day)
                value = found[pk]
                if value is not None:
                    value = Decimal(str(value)).quantize(Decimal("0.01"))
                assert value == expected, (day, pk, baseline is not None)


def test_measured_steps_follows_the_setting():
    current, baseline = ["current"], ["baseline"]
    assert progress.measured_steps(current, baseline) is baseline
    assert progress.measured_steps(current, None) is current
    with override_settings(BMA_BEHIND_AGAINST="current"):
        assert progress.measured_steps(current, baseline) is current


# --- The importers: an imported plan is an approved baseline -------------------------------


def test_the_page_importer_makes_the_imported_plan_the_baseline(db):
    from projects.imports import services as import_services
    from tests.test_bma_page import SEED_BYTES

    import_services.bma_page_import(page=SEED_BYTES, dry_run=False)
    (version,) = PlanVersion.objects.all()
    assert (version.number, version.state, version.is_baseline) == (1, "approved", True)
    assert version.steps.count() == 10
    # The same page again changes no step: no new version.
    import_services.bma_page_import(page=SEED_BYTES, dry_run=False)
    assert PlanVersion.objects.count() == 1


def test_the_workbook_importer_makes_each_written_plan_a_baseline(db):
    from tests import test_plan_xlsx as xlsx

    agency = AgencyFactory(code=xlsx.AGENCY)
    year = FiscalYearFactory(year_be=xlsx.YEAR)
    admin = UserFactory(admin=True)
    xlsx.run(xlsx.workbook(), agency, year, admin)
    (version,) = PlanVersion.objects.all()
    assert version.is_baseline and version.steps.count() == 3
    xlsx.run(xlsx.workbook(), agency, year, admin)  # the same file: nothing written
    assert PlanVersion.objects.count() == 1
    xlsx.run(xlsx.workbook(steps=xlsx.step_rows(weights=(50, 50))), agency, year, admin)
    baseline = PlanVersion.objects.get(is_baseline=True)
    assert (baseline.number, baseline.reason) == (2, "นำเข้าแผน")
    assert list(baseline.steps.values_list("weight", flat=True)) == [50, 50]


# --- The demo --------------------------------------------------------------------------------


def test_the_demo_has_baselines_and_two_projects_re_planned(db, settings):
    from projects.demo import load

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    today = dt.date(2026, 11, 25)  # fiscal year 2570, seven weeks in
    load.make_demo(today=today)
    with_steps = Project.objects.filter(steps__isnull=False).distinct()
    assert PlanVersion.objects.filter(is_baseline=True).count() == with_steps.count()
    approved = PlanVersion.objects.get(project__code="01000000-7001", number=2)
    pending = PlanVersion.objects.get(project__code="01000000-7002", number=2)
    assert (approved.state, approved.is_baseline, approved.decided_by.username) == (
        "approved",
        True,
        "head",
    )
    assert (pending.state, pending.is_baseline) == ("submitted", False)
    assert pending.reason.startswith("ได้รับอนุมัติงบประมาณล่าช้า")
    old = PlanVersion.objects.get(project__code="01000000-7002", number=1)
    assert plan_diff(list(old.steps.all()), list(pending.steps.all())).dates
    # A second run changes nothing.
    before = list(PlanVersion.objects.values_list("pk", "state", "is_baseline"))
    load.make_demo(today=today)
    assert list(PlanVersion.objects.values_list("pk", "state", "is_baseline")) == before


# --- The data migration --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_project_with_steps_an_approved_version_1():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("projects", "0021_plan_versions")], [("projects", "0022_plan_baselines")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    agency = old.get_model("projects", "Agency").objects.create(code="66000000", name="ทดสอบ")
    year = old.get_model("projects", "FiscalYear").objects.create(year_be=YEAR)
    Project, PlanStep = old.get_model("projects", "Project"), old.get_model("projects", "PlanStep")
    for number in range(5):
        project = Project.objects.create(
            code=f"66000000-{number}", name="โครงการ", agency=agency, fiscal_year=year
        )
        for order in range(1, number + 1):  # project 0 has no step
            PlanStep.objects.create(
                project=project, order=order, title=f"ขั้นตอน {order}", weight=Decimal(10)
            )
    try:
        MigrationExecutor(connection).migrate(after)
        versions = PlanVersion.objects.order_by("project__code")
        assert [v.project.code for v in versions] == [f"66000000-{n}" for n in range(1, 5)]
        assert {(v.number, v.state, v.is_baseline) for v in versions} == {(1, "approved", True)}
        assert [v.steps.count() for v in versions] == [1, 2, 3, 4]
        step = PlanVersionStep.objects.get(version__project__code="66000000-1")
        assert step.source_step_id == PlanStep.objects.get(project__code="66000000-1").pk
        MigrationExecutor(connection).migrate(before)  # reversible
        assert not old.get_model("projects", "PlanVersion").objects.exists()
    finally:
        MigrationExecutor(connection).migrate(leaves)


def test_the_print_draws_the_baseline_and_measures_against_it(project, staff, head):
    from reports import selectors as report_selectors

    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 3, 20), percent=Decimal(10))
    report = report_selectors.project_report_for_code(project.code, today=TODAY)
    assert report.curve.baseline is None
    approved_v1(project, staff, head)
    replan(project, staff)  # version 2 waits: the print measures against version 1

    report = report_selectors.project_report_for_code(project.code, today=TODAY)

    assert report.curve.baseline and report.curve.planned
    assert report.curve.baseline != report.curve.planned
    assert (report.planned, report.behind) == (Decimal(30), True)


def test_evaluators_have_every_agencys_waiting_plans_on_their_approvals_page(
    client, project, staff
):
    """สยป. approve plans (permissions.can_approve_plan) of every agency: the top bar's
    «รออนุมัติ (N)» and the approvals page list them, with each plan's agency; they had no
    list at all (the page was for heads and deputies only)."""
    other = ProjectFactory(fiscal_year=project.fiscal_year)
    steps_of_four(other)
    plan_versions.plan_version_submit(project=project, user=staff)
    plan_versions.plan_version_submit(project=other, user=UserFactory(agency=other.agency))
    evaluator = UserFactory(evaluator=True)
    client.force_login(evaluator)
    page = client.get("/approvals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert project.code in html and other.code in html
    assert other.agency.short_name in html or other.agency.name in html
    assert "รออนุมัติ (2)" in html
    assert "ไม่มีรายงานรออนุมัติ" not in html  # no report queue: they approve none
    assert client.post("/approvals/", {"action": "approve"}).status_code == 403
    client.force_login(UserFactory(agency=project.agency))
    assert client.get("/approvals/").status_code == 403
