"""Monthly reporting rules, through the services: projects/services.py, projects/reporting.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import months, reporting, services
from projects.models import MonthReopening, ProgressEntry
from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ReportingDeadlineFactory,
    UserFactory,
    project_with_steps,
)

pytestmark = pytest.mark.django_db

# Fiscal year 2569 runs 1 Oct 2025 – 30 Sep 2026; "today" is fixed inside it.
TODAY = dt.date(2026, 3, 5)
MARCH = dt.date(2026, 3, 1)
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)


@pytest.fixture
def project():
    return project_with_steps((20, 30, 50))


@pytest.fixture
def steps(project):
    return list(project.steps.order_by("order"))


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def report(
    project,
    user,
    *,
    steps=(),
    period=MARCH,
    reported_on=TODAY,
    version=0,
    entry=None,
    today=TODAY,
    **extra,
):
    data = services.ReportInput(
        reported_on=reported_on,
        period=period,
        completed_step_ids=[s.pk for s in steps],
        narrative=extra.pop("narrative", "ดำเนินการตามแผน"),
        **extra,
    )
    return services.progress_entry_submit(
        project=project,
        user=user,
        data=data,
        loaded_entry_id=entry,
        loaded_version=version,
        today=today,
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_percent_is_computed_from_ticked_steps_and_partial(project, steps, staff):
    entry = report(
        project,
        staff,
        steps=steps[:1],
        in_progress_step_id=steps[1].pk,
        partial_percent=Decimal(50),
    )
    assert entry.percent == Decimal("35.00")  # 20 + 50% of 30
    assert entry.completed_steps == [steps[0].pk]
    assert entry.in_progress_step_id == steps[1].pk
    assert entry.period == MARCH
    assert entry.created_by == staff
    assert entry.version == 1
    assert not entry.is_late
    assert entry.history.count() == 1
    assert entry.history.first().history_user == staff


def test_a_second_report_for_the_same_month_edits_that_entry(project, steps, staff):
    first = report(project, staff, steps=steps[:1])
    second = report(
        project, staff, steps=steps[:2], entry=first.pk, version=first.version, narrative="ใหม่"
    )
    assert second.pk == first.pk
    assert ProgressEntry.objects.filter(project=project).count() == 1
    second.refresh_from_db()
    assert second.percent == Decimal("50.00")
    assert second.narrative == "ใหม่"
    assert second.version == 2
    assert second.history.count() == 2


def test_a_report_dated_in_the_next_month_is_about_the_chosen_month(project, steps, staff):
    entry = report(project, staff, steps=steps[:1], period=FEBRUARY, reported_on=TODAY)
    assert entry.period == FEBRUARY
    assert entry.reported_on == TODAY


def test_new_report_for_a_month_that_already_has_one_is_a_conflict(project, steps, staff):
    other = UserFactory(agency=project.agency)
    theirs = report(project, other, steps=steps[:2], narrative="ของอีกคน")
    with pytest.raises(services.EditConflict) as excinfo:
        report(project, staff, steps=steps[:1], narrative="ของฉัน")  # opened as a new report
    assert excinfo.value.current.pk == theirs.pk
    theirs.refresh_from_db()
    assert theirs.narrative == "ของอีกคน"
    assert theirs.percent == Decimal("50.00")


def test_stale_version_is_refused_and_nothing_is_overwritten(project, steps, staff):
    """Two people open the same entry (version 1); the first saves; the second is refused
    by the version in the UPDATE's WHERE clause, and sees the first one's values."""
    other = UserFactory(agency=project.agency)
    entry = report(project, staff, steps=steps[:1])
    report(project, other, steps=steps[:2], entry=entry.pk, version=1, narrative="ก่อน")
    with pytest.raises(services.EditConflict) as excinfo:
        report(project, staff, steps=steps, entry=entry.pk, version=1, narrative="หลัง")
    conflict = excinfo.value
    assert conflict.version == 2
    assert conflict.current.narrative == "ก่อน"
    entry.refresh_from_db()
    assert (entry.narrative, entry.percent, entry.version) == ("ก่อน", Decimal("50.00"), 2)
    assert entry.history.count() == 2
    # Knowingly saving again, from the version now shown, goes through.
    report(project, staff, steps=steps, entry=entry.pk, version=2, narrative="หลัง")
    entry.refresh_from_db()
    assert (entry.narrative, entry.percent, entry.version) == ("หลัง", Decimal("100.00"), 3)


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_version_let_exactly_one_through():
    """Real concurrency: threads read version 1 and save at once; exactly one wins.
    PostgreSQL only: the SQLite test database is one in-memory file shared by threads."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a server database (run with DATABASE_URL=postgres://…)")
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    step = PlanStepFactory(project=project, order=1, weight=Decimal(100))
    users = [UserFactory(agency=project.agency) for _ in range(3)]
    entry = report(project, users[0])
    barrier = threading.Barrier(len(users))
    outcomes = []

    def save(user):
        try:
            barrier.wait()
            report(project, user, steps=[step], entry=entry.pk, version=1, narrative=user.username)
            outcomes.append("saved")
        except services.EditConflict:
            outcomes.append("conflict")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "saved"]
    entry.refresh_from_db()
    assert entry.version == 2


def test_lower_percent_needs_a_reason_which_is_stored(project, steps, staff):
    report(project, staff, steps=steps[:2], period=FEBRUARY, reported_on=dt.date(2026, 2, 25))
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, steps=steps[:1])
    message = errors_of(excinfo)["lower_reason"][0]
    assert "น้อยกว่ารายงานครั้งก่อน" in message and "50.00" in message and "25/02/2569" in message
    entry = report(project, staff, steps=steps[:1], lower_reason="ยกเลิกสัญญาจ้างเดิม")
    assert entry.percent == Decimal("20.00")
    assert entry.lower_reason == "ยกเลิกสัญญาจ้างเดิม"


def test_reason_is_not_kept_when_the_percent_did_not_go_down(project, steps, staff):
    entry = report(project, staff, steps=steps[:1], lower_reason="ไม่จำเป็น")
    assert entry.lower_reason == ""


def test_month_must_be_inside_the_fiscal_year_and_date_not_in_the_future(project, steps, staff):
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, reported_on=dt.date(2026, 3, 6))
    assert "ต้องไม่เกินวันนี้ (05/03/2569)" in errors_of(excinfo)["reported_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, period=dt.date(2025, 9, 1), reported_on=dt.date(2025, 9, 30))
    errors = errors_of(excinfo)
    assert "ปีงบประมาณ 2569" in errors["period"][0]
    # The date follows its month, not the fiscal year (tests/test_report_dates.py).
    assert "reported_on" not in errors


def test_date_may_not_come_before_the_month_reported(project, staff):
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, period=MARCH, reported_on=dt.date(2026, 2, 27))
    assert "ไม่ก่อนเดือนที่รายงาน" in errors_of(excinfo)["reported_on"][0]


def test_a_month_not_yet_begun_cannot_be_reported(project, staff):
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, period=dt.date(2026, 4, 1))
    assert "period" in errors_of(excinfo)


def test_project_without_steps_takes_a_typed_percent_within_0_100(staff):
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569), agency=staff.agency)
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff)
    assert "percent" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        report(project, staff, manual_percent=Decimal("100.01"))
    entry = report(project, staff, manual_percent=Decimal("42.5"))
    assert entry.percent == Decimal("42.50")


def test_default_deadline_is_the_tenth_of_the_next_month(project):
    state = months.month_state(project, FEBRUARY, today=TODAY)
    assert state.deadline == dt.date(2026, 3, 10)
    assert not state.past_deadline and not state.locked
    assert months.month_state(project, JANUARY, today=TODAY).locked


def test_administrators_change_the_deadline_day_and_single_months(project):
    project.fiscal_year.report_deadline_day = 3
    project.fiscal_year.save()
    assert months.month_state(project, FEBRUARY, today=TODAY).locked
    ReportingDeadlineFactory(period=FEBRUARY, due_on=dt.date(2026, 3, 16))
    state = months.month_state(project, FEBRUARY, today=TODAY)
    assert state.deadline == dt.date(2026, 3, 16)
    assert not state.locked


def test_month_is_locked_for_staff_after_the_deadline(project, steps, staff):
    with pytest.raises(ValidationError) as excinfo:
        report(project, staff, period=JANUARY, reported_on=dt.date(2026, 1, 28))
    message = errors_of(excinfo)["period"][0]
    assert "เลยกำหนดส่งรายงานของเดือนมกราคม 2569 (10/02/2569)" in message
    assert not ProgressEntry.objects.exists()


def test_administrators_are_not_locked_out_and_their_late_report_is_marked(project, steps):
    admin = UserFactory(admin=True)
    entry = report(project, admin, steps=steps[:1], period=JANUARY, reported_on=TODAY)
    assert entry.is_late


def test_an_evaluator_reopens_a_month_for_one_project(project, steps, staff):
    evaluator = UserFactory(evaluator=True)
    other_project = ProjectFactory(fiscal_year=project.fiscal_year, agency=project.agency)
    reopening = services.month_reopen(
        project=project,
        period=dt.date(2026, 1, 15),
        user=evaluator,
        until=dt.date(2026, 3, 12),
        reason="หน่วยงานขอแก้ไขตัวเลข",
        today=TODAY,
    )
    assert (reopening.period, reopening.reopened_by) == (JANUARY, evaluator)
    entry = report(project, staff, steps=steps[:1], period=JANUARY, reported_on=TODAY)
    assert entry.is_late
    with pytest.raises(ValidationError):  # the other project stays locked
        report(other_project, staff, period=JANUARY, reported_on=TODAY)
    with pytest.raises(ValidationError):  # and so does this one after "until"
        report(
            project,
            staff,
            period=JANUARY,
            reported_on=TODAY,
            entry=entry.pk,
            version=1,
            today=dt.date(2026, 3, 13),
        )


def test_only_evaluators_reopen_and_only_past_deadlines(project, staff):
    kwargs = {"project": project, "until": TODAY, "reason": "x", "today": TODAY}
    with pytest.raises(PermissionDenied):
        services.month_reopen(period=JANUARY, user=staff, **kwargs)
    evaluator = UserFactory(evaluator=True)
    with pytest.raises(ValidationError) as excinfo:
        services.month_reopen(period=FEBRUARY, user=evaluator, **kwargs)
    assert "ยังไม่ปิดรับรายงาน" in errors_of(excinfo)["period"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.month_reopen(
            project=project, period=JANUARY, user=evaluator, until=TODAY, reason=" ", today=TODAY
        )
    assert "reason" in errors_of(excinfo)
    assert not MonthReopening.objects.exists()


def test_staff_of_another_agency_cannot_report(project, steps):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        report(project, outsider, steps=steps[:1])
    manager = UserFactory(manager=True)
    with pytest.raises(PermissionDenied):
        report(project, manager, steps=steps[:1])


def test_default_period_is_last_month_while_its_report_is_due(project, staff):
    assert reporting.default_period(project, user=staff, today=TODAY) == FEBRUARY
    ProgressEntryFactory(project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 27))
    assert reporting.default_period(project, user=staff, today=TODAY) == MARCH
    assert reporting.default_period(project, user=staff, today=dt.date(2026, 3, 11)) == MARCH


def test_report_initial_keeps_last_ticks_for_a_new_month(project, steps):
    latest = ProgressEntryFactory(
        project=project,
        period=FEBRUARY,
        reported_on=dt.date(2026, 2, 27),
        completed_steps=[steps[0].pk],
        narrative="เดือนก่อน",
    )
    fresh = reporting.report_initial(None, today=TODAY, ticks_from=latest)
    assert fresh["completed_steps"] == [steps[0].pk]
    assert "narrative" not in fresh
    copied = reporting.report_initial(None, today=TODAY, ticks_from=latest, copy_from=latest)
    assert copied["narrative"] == "เดือนก่อน"
    assert copied["reported_on"] == "05/03/2569"
