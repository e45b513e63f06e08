"""Plan editing by agency staff: add, change, reorder and remove steps, with the running sum,
optimistic locking on Project.plan_version and a recorded history."""

import datetime as dt
from decimal import Decimal

import pytest

from projects import plan_editing, services
from projects.models import PlanStep, Project
from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    for order, (title, weight) in enumerate(
        [("ขออนุมัติโครงการ", 20), ("จัดกิจกรรม", 50), ("สรุปผล", 30)], start=1
    ):
        PlanStepFactory(
            project=project,
            order=order,
            title=title,
            weight=Decimal(weight),
            starts_on=None,
            ends_on=None,
        )
    return project


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def edit_url(project):
    return f"/projects/{project.code}/plan/edit/"


def formset_data(project, rows, *, version=None):
    """POST data of the editor: rows of (step or None, order, title, weight, start, end, delete)."""
    data = {
        "plan_version": str(project.plan_version if version is None else version),
        "steps-TOTAL_FORMS": str(len(rows)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, (step, order, title, weight, start, end, delete) in enumerate(rows):
        prefix = f"steps-{i}-"
        data[prefix + "step_id"] = str(step.pk) if step else ""
        data[prefix + "order"] = str(order) if order is not None else ""
        data[prefix + "title"] = title
        data[prefix + "weight"] = str(weight) if weight is not None else ""
        data[prefix + "starts_on"] = start
        data[prefix + "ends_on"] = end
        if delete:
            data[prefix + "DELETE"] = "on"
    return data


def steps_of(project):
    return list(project.steps.order_by("order").values_list("order", "title", "weight"))


def test_the_editor_shows_each_step_with_the_running_sum(client, project, staff):
    client.force_login(staff)
    page = page_of(client.get(edit_url(project)))
    assert [(e.text or "").strip() for e in page.all("textarea[name$='-title']")][:3] == [
        "ขออนุมัติโครงการ",
        "จัดกิจกรรม",
        "สรุปผล",
    ]
    assert page.texts(".plan__running")[:3] == ["20.00", "70.00", "100.00"]
    assert page.text("#plan-total") == "100.00"
    assert "ครบ 100%" in page.text("#plan-status")
    assert page.all("template#plan-empty-row")
    # Two blank rows to add steps without JavaScript.
    assert len(page.all("#plan-rows tr")) == 5


def test_add_change_reorder_and_remove_in_one_save(client, project, staff):
    approve, event, summary = project.steps.order_by("order")
    client.force_login(staff)
    response = client.post(
        edit_url(project),
        formset_data(
            project,
            [
                (approve, 2, "ขออนุมัติโครงการ", "10", "", "", False),
                (event, 1, "จัดกิจกรรมสภาสัญจร", "50", "01/11/2568", "31/01/2569", False),
                (summary, 3, "สรุปผล", "30", "", "", True),
                (None, 3, "ประชาสัมพันธ์", "15.5", "2026-02-01", "", False),
                (None, None, "", "", "", "", False),
            ],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.code}/#plan"
    assert steps_of(project) == [
        (1, "จัดกิจกรรมสภาสัญจร", Decimal("50.00")),
        (2, "ขออนุมัติโครงการ", Decimal("10.00")),
        (3, "ประชาสัมพันธ์", Decimal("15.50")),
    ]
    event.refresh_from_db()
    assert (event.starts_on, event.ends_on) == (dt.date(2025, 11, 1), dt.date(2026, 1, 31))
    assert not PlanStep.objects.filter(pk=summary.pk).exists()
    project.refresh_from_db()
    assert project.plan_version == 2
    # Every change is recorded with who made it.
    history = PlanStep.history.filter(project_id=project.pk, history_user=staff)
    assert sorted(history.values_list("history_type", flat=True)) == ["+", "-", "~", "~"]
    page = page_of(client.get(response["Location"]))
    assert "เพิ่ม 1 แก้ไข 2 ลบ 1 ขั้นตอน" in page.text(".messages")


def test_a_plan_not_summing_to_100_is_saved_and_shown_incomplete(
    client, project, staff, monkeypatch
):
    # A day of the project's year (2569), while its report form is open.
    monkeypatch.setattr("projects.view_helpers.today", lambda: dt.date(2026, 3, 5))
    steps = list(project.steps.order_by("order"))
    client.force_login(staff)
    rows = [(s, s.order, s.title, s.weight, "", "", False) for s in steps]
    rows[2] = (steps[2], 3, steps[2].title, "20", "", "", False)
    assert client.post(edit_url(project), formset_data(project, rows)).status_code == 302
    page = page_of(client.get(f"/projects/{project.code}/"))
    assert "แผนยังไม่สมบูรณ์: น้ำหนักรวม 90.00%" in page.text("#plan")
    assert "แผนยังไม่สมบูรณ์: น้ำหนักรวม 90.00%" in page.text("#report")
    editor = page_of(client.get(edit_url(project)))
    assert "ยังไม่ครบ 100%" in editor.text("#plan-status")


def test_errors_are_shown_next_to_the_field_and_nothing_is_saved(client, project, staff):
    approve, event, summary = project.steps.order_by("order")
    client.force_login(staff)
    response = client.post(
        edit_url(project),
        formset_data(
            project,
            [
                (approve, 1, "", "20", "", "", False),
                (event, 2, "จัดกิจกรรม", "150", "", "", False),
                (summary, 3, "สรุปผล", "30", "10/03/2569", "01/03/2569", False),
            ],
        ),
    )
    assert response.status_code == 200
    page = page_of(response)
    errors = page.texts(".field__error")
    assert "กรุณากรอกชื่อขั้นตอน" in errors
    assert "ต้องไม่เกิน 100" in errors
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น" in errors
    # What was typed stays.
    assert page.one("input[name='steps-1-weight']").get("value") == "150"
    assert page.one("input[name='steps-2-starts_on']").get("value") == "10/03/2569"
    assert steps_of(project)[1] == (2, "จัดกิจกรรม", Decimal("50.00"))
    project.refresh_from_db()
    assert project.plan_version == 1


def test_a_stale_plan_is_refused_with_the_current_plan_shown(client, project, staff):
    steps = list(project.steps.order_by("order"))
    colleague = UserFactory(agency=project.agency, first_name="สมชาย")
    plan_editing.plan_save(
        project=project,
        user=colleague,
        loaded_version=1,
        rows=[
            plan_editing.StepInput(s.pk, s.order, s.title + " (แก้)", s.weight, None, None)
            for s in steps
        ],
    )
    client.force_login(staff)
    mine = [(s, s.order, s.title, "33.33", "", "", False) for s in steps]
    response = client.post(edit_url(project), formset_data(project, mine, version=1))
    assert response.status_code == 200
    page = page_of(response)
    conflict = page.text(".conflict")
    assert "มีผู้อื่นแก้ไขแผนนี้ก่อนคุณ" in conflict
    assert "สมชาย" in conflict and "จัดกิจกรรม (แก้)" in conflict
    assert page.one("input[name='plan_version']").get("value") == "2"
    assert page.one("input[name='steps-0-weight']").get("value") == "33.33"
    assert [t for _, t, _ in steps_of(project)] == [s.title + " (แก้)" for s in steps]
    # Saving again from the version shown replaces it knowingly.
    response = client.post(edit_url(project), formset_data(project, mine, version=2))
    assert response.status_code == 302
    assert [w for _, _, w in steps_of(project)] == [Decimal("33.33")] * 3


def test_service_refuses_a_stale_version_in_the_update(project, staff):
    steps = list(project.steps.order_by("order"))
    rows = [plan_editing.StepInput(s.pk, s.order, s.title, s.weight, None, None) for s in steps]
    plan_editing.plan_save(project=project, user=staff, loaded_version=1, rows=rows)
    with pytest.raises(services.EditConflict) as excinfo:
        plan_editing.plan_save(project=project, user=staff, loaded_version=1, rows=rows[:1])
    assert excinfo.value.version == 2
    assert len(excinfo.value.current) == 3
    assert Project.objects.get(pk=project.pk).plan_version == 2
    assert project.steps.count() == 3


def test_unchanged_steps_leave_no_history_and_reordering_swaps_cleanly(project, staff):
    first, second, third = project.steps.order_by("order")
    before = PlanStep.history.count()
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=1,
        rows=[
            plan_editing.StepInput(first.pk, 1, first.title, first.weight, None, None),
            plan_editing.StepInput(second.pk, 3, second.title, second.weight, None, None),
            plan_editing.StepInput(third.pk, 2, third.title, third.weight, None, None),
        ],
    )
    assert steps_of(project) == [
        (1, "ขออนุมัติโครงการ", Decimal("20.00")),
        (2, "สรุปผล", Decimal("30.00")),
        (3, "จัดกิจกรรม", Decimal("50.00")),
    ]
    assert PlanStep.history.count() == before + 2  # the two that moved


def test_removing_a_step_ticked_in_a_report_keeps_the_report(project, staff):
    first, second, third = project.steps.order_by("order")
    entry = ProgressEntryFactory(
        project=project,
        completed_steps=[first.pk],
        in_progress_step=second,
        partial_percent=Decimal(50),
    )
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=1,
        rows=[
            plan_editing.StepInput(first.pk, 1, first.title, first.weight, None, None),
            plan_editing.StepInput(second.pk, 2, second.title, second.weight, None, None, True),
            plan_editing.StepInput(third.pk, 3, third.title, third.weight, None, None),
        ],
    )
    entry.refresh_from_db()
    assert entry.in_progress_step is None
    assert entry.completed_steps == [first.pk]
    assert entry.percent == Decimal("10.00")


def test_steps_of_another_project_cannot_be_smuggled_in(project, staff):
    foreign = PlanStepFactory()
    with pytest.raises(Exception) as excinfo:
        plan_editing.plan_save(
            project=project,
            user=staff,
            loaded_version=1,
            rows=[plan_editing.StepInput(foreign.pk, 1, "x", Decimal(1), None, None)],
        )
    assert "ไม่ใช่ของโครงการนี้" in str(excinfo.value)
    foreign.refresh_from_db()
    assert foreign.title != "x"
    assert Project.objects.get(pk=project.pk).plan_version == 1


def test_a_removal_row_with_a_broken_step_id_keeps_that_step_after_the_others(
    client, project, staff
):
    # Django skips the errors of a row marked for removal, so the row arrives without its
    # step: the step it named is not removed but is renumbered after the steps the form
    # keeps (found by hypothesis: the renumbering met the unique order).
    approve, event, summary = project.steps.order_by("order")
    client.force_login(staff)
    data = formset_data(
        project,
        [
            (approve, 1, "ขออนุมัติโครงการ", "20", "", "", True),
            (event, 1, "จัดกิจกรรม", "50", "", "", False),
            (summary, 2, "สรุปผล", "30", "", "", False),
        ],
    )
    data["steps-0-step_id"] = "<script>"
    response = client.post(edit_url(project), data)
    assert response.status_code == 302
    assert steps_of(project) == [
        (1, "จัดกิจกรรม", Decimal("50.00")),
        (2, "สรุปผล", Decimal("30.00")),
        (3, "ขออนุมัติโครงการ", Decimal("20.00")),
    ]


def test_only_the_agency_staff_and_administrators_edit_the_plan(client, project):
    for user, status in [
        (UserFactory(), 403),
        (UserFactory(evaluator=True), 403),
        (UserFactory(manager=True), 403),
        (UserFactory(admin=True), 200),
        (UserFactory(agency=project.agency), 200),
    ]:
        client.force_login(user)
        assert client.get(edit_url(project)).status_code == status, user.role


def test_a_step_changed_in_the_admin_makes_an_open_editor_stale(client, project):
    admin = UserFactory(admin=True, is_superuser=True)
    client.force_login(admin)
    step = project.steps.get(order=1)
    response = client.post(
        f"/admin/projects/planstep/{step.pk}/change/",
        {"project": project.pk, "order": 1, "title": "แก้ในระบบผู้ดูแล", "weight": "20"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.plan_version == 2
