"""Quarterly evaluation by สยป.: the default result at quarter boundaries, saving rows with
optimistic locking, quarter locks, permissions, the screen's query budget, the summary
and the history of changes."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import selectors, services
from indicators.models import QuarterEvaluation, QuarterLock, QuarterLockEvent
from projects import selectors as project_selectors
from projects import thaidates
from tests.conftest import SEED_CODE
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import Page, page_of, text_of

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def row_of(response):
    """An htmx row response: a <tbody> fragment, which an HTML parser keeps only in a table."""
    return Page("<table>" + response.content.decode() + "</table>")


def values(result=None, c21=None, c22=None, score=None, comment=""):
    return services.EvaluationValues(
        result_value=None if result is None else D(result),
        criterion_21=None if c21 is None else D(c21),
        criterion_22=None if c22 is None else D(c22),
        project_score=None if score is None else D(score),
        comment=comment,
    )


def row_data(project, *, version=0, result="", c21="", c22="", score="", comment=""):
    prefix = f"p{project.pk}"
    return {
        f"{prefix}-result_value": result,
        f"{prefix}-criterion_21": c21,
        f"{prefix}-criterion_22": c22,
        f"{prefix}-project_score": score,
        f"{prefix}-comment": comment,
        f"{prefix}-version": str(version),
    }


@pytest.fixture
def evaluator(db):
    return UserFactory(username="eva", evaluator=True, first_name="สมศรี", last_name="ประเมิน")


@pytest.fixture
def other_evaluator(db):
    return UserFactory(username="eva2", evaluator=True, first_name="สมชาย", last_name="ตรวจสอบ")


@pytest.fixture
def year_2564(db):
    return FiscalYearFactory(year_be=2564)


@pytest.fixture
def project(year_2564):
    return ProjectFactory(fiscal_year=year_2564)


def save_url(project, quarter):
    return reverse(
        "indicators:evaluation-save", args=[project.fiscal_year.year_be, quarter, project.code]
    )


def screen_url(year, quarter):
    return reverse("indicators:evaluation", args=[year, quarter])


# --- the default result: the progress reported at the quarter's end ----------------------

# (quarter of fiscal year 2564, its last day and the day after, written dd/mm/BE)
BOUNDARIES = [
    (1, "31/12/2563", "01/01/2564"),
    (2, "31/03/2564", "01/04/2564"),
    (3, "30/06/2564", "01/07/2564"),
    (4, "30/09/2564", "01/10/2564"),
]


@pytest.mark.parametrize(("quarter", "last_day", "day_after"), BOUNDARIES)
def test_default_result_counts_a_report_on_the_quarters_last_day_not_the_day_after(
    project, quarter, last_day, day_after
):
    on_last_day = thaidates.parse_date(last_day)
    after = thaidates.parse_date(day_after)
    assert thaidates.quarter_bounds(2564, quarter)[1] == on_last_day
    ProgressEntryFactory(project=project, reported_on=on_last_day, percent=D("40.00"))
    ProgressEntryFactory(project=project, reported_on=after, percent=D("55.00"))

    screen_row = selectors.evaluation_projects(fiscal_year=project.fiscal_year, quarter=quarter)[0]
    assert screen_row.quarter_percent == D("40.00")
    assert screen_row.quarter_reported_on == on_last_day

    # The project page's quarter table agrees with the evaluation screen.
    page_project = project_selectors.project_for_page(project.code)
    rows = selectors.project_quarter_rows(page_project, project_selectors.progress_points(project))
    assert rows[quarter - 1].result_value == D("40.00")
    assert rows[quarter - 1].result_is_default


def test_default_result_ignores_reports_before_the_fiscal_year(project):
    # 30/09/2563 is the last day of fiscal year 2563: not part of 2564's first quarter.
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 9, 30), percent=D("90"))
    row = selectors.evaluation_projects(fiscal_year=project.fiscal_year, quarter=1)[0]
    assert row.quarter_percent is None


def test_default_result_is_the_latest_report_of_the_quarter_and_carries_over(project):
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 10, 22), percent=D("5"))
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 11, 27), percent=D("10"))
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 12, 22), percent=D("15"))
    by_quarter = {
        q: selectors.evaluation_projects(fiscal_year=project.fiscal_year, quarter=q)[0]
        for q in (1, 2)
    }
    assert by_quarter[1].quarter_percent == D("15")
    # No report in quarter 2 yet: the progress at its end is still December's.
    assert by_quarter[2].quarter_percent == D("15")


def test_seed_quarters_default_and_stored_results(seed_project):
    # Seed: Q1 15.00 = entry of 22/12/2563, Q2 20.00 = entry of 23/03/2564, Q3 20.00.
    expected = {1: ("15.00", "22/12/2563"), 2: ("20.00", "23/03/2564"), 3: ("20.00", "28/06/2564")}
    for quarter, (percent, day) in expected.items():
        row = selectors.evaluation_projects(fiscal_year=seed_project.fiscal_year, quarter=quarter)[
            0
        ]
        assert row.quarter_percent == D(percent)
        assert thaidates.format_be(row.quarter_reported_on) == day


# --- services: saving a row --------------------------------------------------------------


def test_first_save_creates_the_row_with_who_and_when(project, evaluator):
    row = services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 100, 90, 95), user=evaluator
    )
    row.refresh_from_db()
    assert (row.result_value, row.criterion_21, row.criterion_22, row.project_score) == (
        D("15.00"),
        D("100.00"),
        D("90.00"),
        D("95.00"),
    )
    assert row.version == 1
    assert row.evaluated_by == evaluator
    assert row.evaluated_at is not None
    record = row.history.get()
    assert record.history_type == "+"
    assert record.history_user == evaluator


def test_update_bumps_the_version_and_records_history(project, evaluator, other_evaluator):
    services.quarter_evaluation_save(
        project=project, quarter=2, version=0, values=values(20, 80), user=evaluator
    )
    row = services.quarter_evaluation_save(
        project=project, quarter=2, version=1, values=values(20, 85, 70, 78), user=other_evaluator
    )
    assert row.version == 2
    assert row.evaluated_by == other_evaluator
    records = list(row.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[-1].history_user == other_evaluator
    assert records[-1].criterion_21 == D("85.00")


def test_saving_unchanged_values_writes_nothing(project, evaluator, other_evaluator):
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 100), user=evaluator
    )
    row = services.quarter_evaluation_save(
        project=project, quarter=1, version=1, values=values(15, 100), user=other_evaluator
    )
    assert row.version == 1
    assert row.evaluated_by == evaluator
    assert row.history.count() == 1


def test_a_stale_version_is_refused_and_the_other_persons_row_is_kept(
    project, evaluator, other_evaluator
):
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 50), user=evaluator
    )
    # Both loaded version 1; the other evaluator saves first.
    services.quarter_evaluation_save(
        project=project, quarter=1, version=1, values=values(15, 60), user=other_evaluator
    )
    with pytest.raises(services.EditConflict) as caught:
        services.quarter_evaluation_save(
            project=project, quarter=1, version=1, values=values(15, 99), user=evaluator
        )
    assert caught.value.current.criterion_21 == D("60.00")
    assert caught.value.current.evaluated_by == other_evaluator
    stored = QuarterEvaluation.objects.get(project=project, quarter=1)
    assert (stored.criterion_21, stored.version) == (D("60.00"), 2)


def test_two_first_saves_of_the_same_row_conflict(project, evaluator, other_evaluator):
    services.quarter_evaluation_save(
        project=project, quarter=3, version=0, values=values(score=70), user=evaluator
    )
    with pytest.raises(services.EditConflict):
        services.quarter_evaluation_save(
            project=project, quarter=3, version=0, values=values(score=90), user=other_evaluator
        )
    assert QuarterEvaluation.objects.get(project=project, quarter=3).project_score == D("70.00")


def test_the_version_check_is_in_the_updates_where_clause(project, evaluator):
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15), user=evaluator
    )
    with CaptureQueriesContext(connection) as queries:
        services.quarter_evaluation_save(
            project=project, quarter=1, version=1, values=values(16), user=evaluator
        )
    updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "indicators_quarterevaluation" in q["sql"]
    ]
    assert len(updates) == 1
    where = updates[0].split("WHERE", 1)[1]
    assert '"version"' in where


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in connection.settings_dict["ENGINE"],
    reason="threads need a server database; SQLite's shared in-memory test DB locks tables",
)
def test_concurrent_saves_from_two_threads_one_wins_one_conflicts():
    year = FiscalYearFactory(year_be=2564)
    project = ProjectFactory(fiscal_year=year)
    users = [UserFactory(evaluator=True), UserFactory(evaluator=True)]
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(10), user=users[0]
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, score):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.quarter_evaluation_save(
                project=project, quarter=1, version=1, values=values(10, score), user=user
            )
            outcomes.append(("saved", score))
        except services.EditConflict:
            outcomes.append(("conflict", score))
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=save, args=(u, s)) for u, s in zip(users, (70, 80), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
    winner = next(score for kind, score in outcomes if kind == "saved")
    stored = QuarterEvaluation.objects.get(project=project, quarter=1)
    assert stored.criterion_21 == D(winner)
    assert stored.version == 2


def test_first_change_of_a_row_without_history_keeps_its_old_values(seed_project, evaluator):
    # The seed's rows come from a fixture, without history.
    seed_row = QuarterEvaluation.objects.get(project=seed_project, quarter=3)
    assert not seed_row.history.exists()
    services.quarter_evaluation_save(
        project=seed_project,
        quarter=3,
        version=seed_row.version,
        values=values(20, 80, 75, 78, "ล่าช้าเพราะโควิด"),
        user=evaluator,
    )
    entries = selectors.history_entries(
        selectors.project_evaluation_history(seed_project),
        QuarterEvaluation,
        selectors.EVALUATION_FIELDS,
    )
    latest, baseline = entries
    assert baseline.baseline and baseline.record.history_user is None
    changed = {c.label: (c.old, c.new) for c in latest.changes}
    assert changed["ผลประเมิน 2.1"] == (None, D("80.00"))
    assert changed["คะแนนประเมินโครงการ"] == (None, D("78.00"))
    assert "ผลงาน" not in changed  # 20.00 → 20.00
    assert latest.record.history_user == evaluator


# --- quarter locks -----------------------------------------------------------------------


def test_locked_quarter_refuses_saves_and_reopen_is_recorded(project, evaluator, other_evaluator):
    year = project.fiscal_year
    services.quarter_lock(fiscal_year=year, quarter=1, user=evaluator)
    with pytest.raises(services.QuarterLocked):
        services.quarter_evaluation_save(
            project=project, quarter=1, version=0, values=values(15, 100), user=other_evaluator
        )
    assert not QuarterEvaluation.objects.filter(project=project).exists()
    # Other quarters stay open.
    services.quarter_evaluation_save(
        project=project, quarter=2, version=0, values=values(15, 100), user=other_evaluator
    )
    with pytest.raises(ValueError):
        services.quarter_reopen(fiscal_year=year, quarter=1, user=other_evaluator, reason="  ")
    services.quarter_reopen(
        fiscal_year=year, quarter=1, user=other_evaluator, reason="หน่วยงานขออุทธรณ์"
    )
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 100), user=other_evaluator
    )
    lock = QuarterLock.objects.get(fiscal_year=year, quarter=1)
    assert not lock.is_locked
    events = list(lock.events.order_by("at", "pk"))
    assert [(e.action, e.by, e.reason) for e in events] == [
        (QuarterLockEvent.Action.LOCK, evaluator, ""),
        (QuarterLockEvent.Action.REOPEN, other_evaluator, "หน่วยงานขออุทธรณ์"),
    ]


def test_locking_twice_or_reopening_an_open_quarter_is_an_error(year_2564, evaluator):
    with pytest.raises(services.LockStateError):
        services.quarter_reopen(fiscal_year=year_2564, quarter=2, user=evaluator, reason="x")
    services.quarter_lock(fiscal_year=year_2564, quarter=2, user=evaluator)
    with pytest.raises(services.LockStateError):
        services.quarter_lock(fiscal_year=year_2564, quarter=2, user=evaluator)
    assert QuarterLockEvent.objects.count() == 1


# --- permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_staff_and_managers_cannot_score(client, project, role):
    user = UserFactory(role=role, agency=project.agency if role == "staff" else None)
    client.force_login(user)
    assert client.get(screen_url(2564, 1)).status_code == 403
    response = client.post(save_url(project, 1), row_data(project, score="100"), **HTMX)
    assert response.status_code == 403
    assert client.post(reverse("indicators:lock", args=[2564, 1])).status_code == 403
    assert (
        client.post(reverse("indicators:reopen", args=[2564, 1]), {"reason": "x"}).status_code
        == 403
    )
    assert not QuarterEvaluation.objects.exists()
    assert not QuarterLock.objects.exists()


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(screen_url(2564, 1))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["evaluator", "admin"])
def test_evaluators_and_admins_can_score(client, project, role):
    client.force_login(UserFactory(role=role, agency=None))
    assert client.get(screen_url(2564, 1)).status_code == 200
    response = client.post(save_url(project, 1), row_data(project, score="100"), **HTMX)
    assert response.status_code == 200
    assert QuarterEvaluation.objects.get(project=project, quarter=1).project_score == 100


def test_summary_is_for_managers_evaluators_and_admins_not_staff(client, project):
    url = reverse("indicators:summary", args=[2564])
    drill = reverse("indicators:summary-projects", args=[2564, 1])
    for role, expected in (("manager", 200), ("evaluator", 200), ("admin", 200), ("staff", 403)):
        client.force_login(
            UserFactory(role=role, agency=project.agency if role == "staff" else None)
        )
        assert client.get(url).status_code == expected, role
        assert client.get(drill).status_code == expected, role


def test_every_logged_in_user_may_read_a_projects_evaluation_history(client, project):
    client.force_login(UserFactory(agency=AgencyFactory()))
    assert client.get(reverse("indicators:project-history", args=[project.code])).status_code == 200


# --- the screen --------------------------------------------------------------------------


@pytest.fixture
def evaluator_client(client, evaluator):
    client.force_login(evaluator)
    return client


def test_screen_lists_projects_with_progress_at_quarter_end_prefilled(
    evaluator_client, seed_project
):
    page = page_of(evaluator_client.get(screen_url(2564, 3)))
    row = page.one(f"tbody#eval-{seed_project.pk}")
    assert SEED_CODE in text_of(row)
    progress = text_of(page.one(f"tbody#eval-{seed_project.pk} .eval-progress"))
    assert "20.00" in progress and "28/06/2564" in progress
    result_input = page.one(f"#id_p{seed_project.pk}-result_value")
    assert result_input.get("value") == "20.00"
    assert result_input.get("form") == f"form-p{seed_project.pk}"
    # Quarter 1 of the seed is scored 100 / 100, score 100.
    page1 = page_of(evaluator_client.get(screen_url(2564, 1)))
    assert page1.one(f"#id_p{seed_project.pk}-criterion_21").get("value") == "100.00"
    assert page1.one(f"#id_p{seed_project.pk}-project_score").get("value") == "100.00"


def test_screen_filters_by_agency_search_and_status(evaluator_client, year_2564, evaluator):
    a, b = AgencyFactory(name="สำนักการระบายน้ำ"), AgencyFactory(name="สำนักการโยธา")
    drains = ProjectFactory(fiscal_year=year_2564, agency=a, name="ขุดลอกคูคลอง")
    roads = ProjectFactory(fiscal_year=year_2564, agency=b, name="ซ่อมถนน")
    services.quarter_evaluation_save(
        project=roads, quarter=1, version=0, values=values(score=80), user=evaluator
    )

    def codes(**params):
        response = evaluator_client.get(screen_url(2564, 1), params)
        return {text_of(a) for a in page_of(response).all(".eval-project a")}

    assert codes() == {drains.code, roads.code}
    assert codes(agency=a.code) == {drains.code}
    assert codes(q="ถนน") == {roads.code}
    assert codes(status="missing") == {drains.code}
    assert codes(status="scored") == {roads.code}
    # htmx filter requests get only the results.
    response = evaluator_client.get(
        screen_url(2564, 1), {"q": "คลอง"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="eval-results"
    )
    assert b"<html" not in response.content and drains.code.encode() in response.content


def test_screen_is_paginated(evaluator_client, year_2564, settings):
    settings.BMA_PROJECTS_PAGE_SIZE = 5
    ProjectFactory.create_batch(12, fiscal_year=year_2564)
    page = page_of(evaluator_client.get(screen_url(2564, 1)))
    assert len(page.all("tbody.eval-row")) == 5
    page3 = page_of(evaluator_client.get(screen_url(2564, 1), {"page": 3}))
    assert len(page3.all("tbody.eval-row")) == 2


def test_unknown_year_or_quarter_is_404(evaluator_client, year_2564):
    assert evaluator_client.get(screen_url(2599, 1)).status_code == 404
    assert evaluator_client.get(screen_url(2564, 5)).status_code == 404


def test_evaluation_home_redirects_to_a_quarter(evaluator_client, year_2564):
    response = evaluator_client.get(reverse("indicators:evaluation-home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/evaluation/2564/")


def _create_projects(year, count):
    agencies = [AgencyFactory() for _ in range(5)]
    projects = [
        ProjectFactory.build(
            fiscal_year=year, agency=agencies[i % 5], code=f"{year.year_be}-{i:05d}"
        )
        for i in range(count)
    ]
    from projects.models import ProgressEntry, Project

    Project.objects.bulk_create(projects)
    created = list(Project.objects.filter(fiscal_year=year))
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            project=p,
            reported_on=dt.date(2020, 12, 20),
            period=dt.date(2020, 12, 1),
            percent=D("15"),
        )
        for p in created
    )
    QuarterEvaluation.objects.bulk_create(
        QuarterEvaluation(project=p, quarter=1, criterion_21=D(90), project_score=D(90))
        for p in created[::2]
    )


def _screen_queries(client, year_be):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(screen_url(year_be, 1))
    assert response.status_code == 200
    assert len(page_of(response).all("tbody.eval-row")) == 25
    return len(queries)


def test_screen_query_count_is_the_same_for_50_and_500_projects(evaluator_client, evaluator):
    small, large = FiscalYearFactory(year_be=2566), FiscalYearFactory(year_be=2567)
    _create_projects(small, 50)
    _create_projects(large, 500)
    services.quarter_lock(fiscal_year=large, quarter=1, user=evaluator)
    services.quarter_reopen(fiscal_year=large, quarter=1, user=evaluator, reason="ทดสอบ")
    services.quarter_lock(fiscal_year=small, quarter=1, user=evaluator)
    services.quarter_reopen(fiscal_year=small, quarter=1, user=evaluator, reason="ทดสอบ")
    fifty = _screen_queries(evaluator_client, 2566)
    five_hundred = _screen_queries(evaluator_client, 2567)
    print(f"\nevaluation screen queries: 50 projects → {fifty}, 500 projects → {five_hundred}")
    assert fifty == five_hundred
    # session, user, fiscal year, years, agencies, lock, lock events, counts, page count,
    # projects, their evaluations for the quarter
    assert fifty <= 12


# --- saving rows through the screen ------------------------------------------------------


def test_htmx_save_returns_the_row_with_saved_values(evaluator_client, project, evaluator):
    response = evaluator_client.post(
        save_url(project, 1),
        row_data(project, result="๑๕.๕", c21="100", c22="87.5", score="95", comment="ดี"),
        **HTMX,
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    page = row_of(response)
    row = page.one(f"tbody#eval-{project.pk}")
    assert row.get("data-focus") == "next"
    assert "บันทึกแล้ว" in text_of(row)
    assert page.one(f"#id_p{project.pk}-version").get("value") == "1"
    stored = QuarterEvaluation.objects.get(project=project, quarter=1)
    assert (stored.result_value, stored.criterion_22, stored.comment) == (
        D("15.50"),
        D("87.50"),
        "ดี",
    )
    assert stored.evaluated_by == evaluator


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("criterion_21", "101", "ต้องไม่เกิน 100"),
        ("criterion_22", "-1", "ต้องไม่น้อยกว่า 0"),
        ("project_score", "เก้าสิบ", "กรุณากรอกตัวเลข"),
        ("result_value", "12.345", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
    ],
)
def test_invalid_input_comes_back_in_thai_next_to_the_field_with_everything_typed(
    evaluator_client, project, field, typed, message
):
    data = row_data(project, result="15", c21="90", c22="80", score="85", comment="ความเห็นยาว")
    data[f"p{project.pk}-{field}"] = typed
    response = evaluator_client.post(save_url(project, 1), data, **HTMX)
    assert response.status_code == 422
    page = row_of(response)
    error = page.one(f"#id_p{project.pk}-{field}_error")
    assert message in text_of(error)
    bad = page.one(f"#id_p{project.pk}-{field}")
    assert bad.get("aria-invalid") == "true" and bad.get("value") == typed
    assert page.one(f"#id_p{project.pk}-comment").get("value") == "ความเห็นยาว"
    assert page.one(f"tbody#eval-{project.pk}").get("data-focus") == "error"
    assert not QuarterEvaluation.objects.exists()


def test_conflicting_save_shows_their_values_and_keeps_mine(
    evaluator_client, project, other_evaluator
):
    services.quarter_evaluation_save(
        project=project,
        quarter=1,
        version=0,
        values=values(15, 60, 70, 65, "ของเขา"),
        user=other_evaluator,
    )
    response = evaluator_client.post(
        save_url(project, 1),
        row_data(project, version=0, result="15", c21="99", comment="ของฉัน"),
        **HTMX,
    )
    assert response.status_code == 409
    page = row_of(response)
    alert = text_of(page.one(f"tbody#eval-{project.pk} .alert"))
    assert "มีผู้อื่นบันทึกแถวนี้ก่อนหน้าคุณ" in alert
    assert "สมชาย" in alert and "60" in alert and "ของเขา" in alert
    # What I typed is still in the fields, now based on their version.
    assert page.one(f"#id_p{project.pk}-criterion_21").get("value") == "99"
    assert page.one(f"#id_p{project.pk}-comment").get("value") == "ของฉัน"
    assert page.one(f"#id_p{project.pk}-version").get("value") == "1"
    assert QuarterEvaluation.objects.get(project=project).criterion_21 == D("60.00")
    # Saving again is a deliberate overwrite.
    again = evaluator_client.post(
        save_url(project, 1),
        row_data(project, version=1, result="15", c21="99", comment="ของฉัน"),
        **HTMX,
    )
    assert again.status_code == 200
    assert QuarterEvaluation.objects.get(project=project).criterion_21 == D("99.00")


def test_save_into_a_locked_quarter_is_refused_and_shows_what_was_typed(
    evaluator_client, project, other_evaluator
):
    services.quarter_lock(fiscal_year=project.fiscal_year, quarter=1, user=other_evaluator)
    response = evaluator_client.post(save_url(project, 1), row_data(project, c21="77"), **HTMX)
    assert response.status_code == 423
    page = row_of(response)
    assert "ไตรมาสนี้ถูกปิดแล้ว" in text_of(page.one(f"tbody#eval-{project.pk}"))
    field = page.one(f"#id_p{project.pk}-criterion_21")
    assert field.get("value") == "77" and field.get("disabled") is not None
    assert not QuarterEvaluation.objects.exists()


def test_locked_quarter_screen_is_read_only(evaluator_client, project, evaluator):
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 100, 100, 100), user=evaluator
    )
    services.quarter_lock(fiscal_year=project.fiscal_year, quarter=1, user=evaluator)
    page = page_of(evaluator_client.get(screen_url(2564, 1)))
    assert not page.all(f"#id_p{project.pk}-criterion_21")
    assert not page.all("tbody.eval-row form")
    assert "ปิดไตรมาสแล้ว" in page.text(f"tbody#eval-{project.pk}")
    assert page.all("form[action$='/reopen/'] input[name=reason]")


def test_lock_and_reopen_through_the_screen(evaluator_client, project, evaluator):
    lock_url = reverse("indicators:lock", args=[2564, 2])
    reopen_url = reverse("indicators:reopen", args=[2564, 2])
    response = evaluator_client.post(lock_url)
    assert response.status_code == 302
    assert QuarterLock.objects.get(quarter=2).is_locked
    # A reopen without a reason comes back with a Thai error and changes nothing.
    response = evaluator_client.post(reopen_url, {"reason": ""})
    assert response.status_code == 422
    assert "กรุณาระบุเหตุผล" in response.content.decode()
    assert QuarterLock.objects.get(quarter=2).is_locked
    response = evaluator_client.post(reopen_url, {"reason": "แก้ไขคะแนนตามผลอุทธรณ์"})
    assert response.status_code == 302
    assert not QuarterLock.objects.get(quarter=2).is_locked
    page = page_of(evaluator_client.get(screen_url(2564, 2)))
    events = page.text(".lock-events")
    assert "เปิดไตรมาสอีกครั้ง" in events and "แก้ไขคะแนนตามผลอุทธรณ์" in events
    assert "ปิดไตรมาส" in events


def test_plain_post_without_javascript_redirects_back_to_the_screen(evaluator_client, project):
    back = screen_url(2564, 1) + "?q=abc&page=1"
    response = evaluator_client.post(
        save_url(project, 1), {**row_data(project, c21="50"), "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert QuarterEvaluation.objects.get(project=project).criterion_21 == D("50.00")
    # An outside address in next is ignored.
    response = evaluator_client.post(
        save_url(project, 2), {**row_data(project, c21="50"), "next": "https://evil.example/"}
    )
    assert response["Location"] == screen_url(2564, 1).replace("/1/", "/2/")


def test_plain_post_with_an_error_shows_the_row_page_with_what_was_typed(evaluator_client, project):
    response = evaluator_client.post(
        save_url(project, 1), row_data(project, c21="500", comment="เก็บไว้")
    )
    assert response.status_code == 422
    page = page_of(response)
    assert page.all("html") and "ต้องไม่เกิน 100" in page.text()
    assert page.one(f"#id_p{project.pk}-comment").get("value") == "เก็บไว้"


def test_save_of_a_project_of_another_year_is_404(evaluator_client, project):
    url = reverse("indicators:evaluation-save", args=[2565, 1, project.code])
    FiscalYearFactory(year_be=2565)
    assert evaluator_client.post(url, row_data(project, c21="1"), **HTMX).status_code == 404


def test_save_query_count_is_bounded(evaluator_client, project, django_assert_max_num_queries):
    # 18 with the session read from the database (no REDIS_URL)
    with django_assert_max_num_queries(18):
        response = evaluator_client.post(save_url(project, 1), row_data(project, c21="50"), **HTMX)
    assert response.status_code == 200


# --- the project page follows --------------------------------------------------------------


def test_project_page_headline_follows_the_latest_scored_quarter(
    evaluator_client, seed_project, evaluator
):
    url = reverse("projects:detail", args=[SEED_CODE])
    assert "ไตรมาสที่ 1 100" in page_of(evaluator_client.get(url)).text(".headline-eval")
    q3 = QuarterEvaluation.objects.get(project=seed_project, quarter=3)
    response = evaluator_client.post(
        save_url(seed_project, 3),
        row_data(seed_project, version=q3.version, result="20.00", c21="80", c22="70", score="75"),
        **HTMX,
    )
    assert response.status_code == 200
    page = page_of(evaluator_client.get(url))
    assert "ไตรมาสที่ 3 75" in page.text(".headline-eval")
    rows = [text_of(tr) for tr in page.all("table.quarters tbody tr")]
    assert rows[2].startswith("3 20.00 80 / 70")
    assert "สมศรี" in rows[2]
    assert rows[0].startswith("1 15.00 100 / 100")


# --- summary -----------------------------------------------------------------------------


def test_summary_counts_averages_and_missing_per_agency_and_quarter(client, year_2564, evaluator):
    a, b = (
        AgencyFactory(code="11000000", name="ก หน่วยงาน"),
        AgencyFactory(code="12000000", name="ข หน่วยงาน"),
    )
    pa = ProjectFactory.create_batch(3, fiscal_year=year_2564, agency=a)
    pb = ProjectFactory.create_batch(2, fiscal_year=year_2564, agency=b)
    ProjectFactory(agency=a, fiscal_year=FiscalYearFactory(year_be=2565))  # another year
    for project, score, c21 in ((pa[0], 80, 70), (pa[1], 91, 100), (pb[0], 60, None)):
        services.quarter_evaluation_save(
            project=project,
            quarter=1,
            version=0,
            values=values(c21=c21, score=score),
            user=evaluator,
        )
    # Criteria without a project score: not "scored".
    services.quarter_evaluation_save(
        project=pa[2], quarter=1, version=0, values=values(c21=50), user=evaluator
    )
    agencies, totals = selectors.evaluation_summary(year_2564)
    assert [x.agency_name for x in agencies] == ["ก หน่วยงาน", "ข หน่วยงาน"]
    qa = agencies[0].quarters[0]
    assert (qa.total, qa.scored, qa.missing) == (3, 2, 1)
    assert qa.average_score == D("85.50")
    assert qa.average_21 == D("73.33")  # (70 + 100 + 50) / 3
    qb = agencies[1].quarters[0]
    assert (qb.total, qb.scored, qb.missing, qb.average_score) == (2, 1, 1, D("60.00"))
    assert qb.average_21 is None
    q_all = totals.quarters[0]
    assert (q_all.total, q_all.scored, q_all.missing) == (5, 3, 2)
    assert q_all.average_score == D("77.00")  # (80 + 91 + 60) / 3, not an average of averages
    assert totals.quarters[1].scored == 0 and totals.quarters[1].missing == 5

    client.force_login(UserFactory(manager=True))
    page = page_of(client.get(reverse("indicators:summary", args=[2564])))
    first = text_of(page.all("table.summary-table tbody tr")[0])
    assert first.startswith("ก หน่วยงาน 3 2 / 3 ขาด 1 85.50 73.33 / -")
    drill = page.all("table.summary-table tbody tr a.missing")[0].get("href")
    assert drill == f"/evaluation/2564/summary/1/?agency={a.code}&status=missing"
    drilled = page_of(client.get(drill))
    assert [text_of(x) for x in drilled.all("tbody td:first-child a")] == [pa[2].code]


def test_summary_query_count_does_not_grow(
    client, year_2564, evaluator, django_assert_max_num_queries
):
    for _ in range(30):
        ProjectFactory(fiscal_year=year_2564, agency=AgencyFactory())
    client.force_login(evaluator)
    # (7 with the top bar's count of the plans waiting for สยป.: issue 18)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("indicators:summary", args=[2564])).status_code == 200


# --- history -----------------------------------------------------------------------------


def test_history_page_shows_who_when_and_old_to_new(client, project, evaluator, other_evaluator):
    services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 80, score=70), user=evaluator
    )
    services.quarter_evaluation_save(
        project=project,
        quarter=1,
        version=1,
        values=values(15, 90, score=70, comment="ปรับ"),
        user=other_evaluator,
    )
    client.force_login(UserFactory(agency=project.agency))
    page = page_of(client.get(reverse("indicators:project-history", args=[project.code])))
    items = [text_of(li) for li in page.all("ol.history > li")]
    assert len(items) == 2
    newest, first = items
    assert "แก้ไข" in newest and "สมชาย" in newest
    assert "ผลประเมิน 2.1: 80.00 → 90.00" in newest
    assert "ความเห็นผู้ประเมิน: (ว่าง) → ปรับ" in newest
    assert "คะแนน" not in newest  # unchanged
    assert "บันทึกครั้งแรก" in first and "สมศรี" in first
    assert "ผลประเมิน 2.1: (ว่าง) → 80.00" in first


def test_quarter_history_lists_changes_of_all_projects(
    evaluator_client, year_2564, evaluator, django_assert_max_num_queries
):
    projects = ProjectFactory.create_batch(4, fiscal_year=year_2564)
    for p in projects:
        services.quarter_evaluation_save(
            project=p, quarter=2, version=0, values=values(score=50), user=evaluator
        )
        services.quarter_evaluation_save(
            project=p, quarter=2, version=1, values=values(score=60), user=evaluator
        )
    services.quarter_evaluation_save(
        project=projects[0], quarter=1, version=0, values=values(score=1), user=evaluator
    )
    with django_assert_max_num_queries(8):
        response = evaluator_client.get(reverse("indicators:quarter-history", args=[2564, 2]))
    page = page_of(response)
    items = [text_of(li) for li in page.all("section[aria-labelledby=h-changes] ol.history > li")]
    assert len(items) == 8
    assert sum("คะแนนประเมินโครงการ: 50.00 → 60.00" in i for i in items) == 4


def test_project_page_shows_when_scored_in_bangkok_time(client, project, evaluator):
    # 06:00 on 1 Jan 2021 in Bangkok is still 31 Dec 2020 in UTC.
    scored_at = dt.datetime(2020, 12, 31, 23, 0, tzinfo=dt.UTC)
    QuarterEvaluation.objects.create(
        project=project, quarter=1, project_score=90, evaluated_by=evaluator, evaluated_at=scored_at
    )
    client.force_login(evaluator)
    page = page_of(client.get(reverse("projects:detail", args=[project.code])))
    first = text_of(page.all("table.quarters tbody tr")[0])
    assert "1 ม.ค. 2564" in first and "31 ธ.ค. 2563" not in first


def test_django_admin_respects_locks_and_bumps_the_version(client, project, evaluator):
    admin_user = UserFactory(admin=True, is_superuser=True)
    row = services.quarter_evaluation_save(
        project=project, quarter=1, version=0, values=values(15, 50), user=evaluator
    )
    client.force_login(admin_user)
    url = reverse("admin:indicators_quarterevaluation_change", args=[row.pk])
    form = {
        "project": project.pk,
        "quarter": 1,
        "result_value": "15",
        "criterion_21": "60",
        "criterion_22": "",
        "project_score": "",
        "comment": "",
        "evaluated_by": "",
        "evaluated_at_0": "",
        "evaluated_at_1": "",
    }
    assert client.post(url, form).status_code == 302
    row.refresh_from_db()
    assert (row.criterion_21, row.version) == (D("60.00"), 2)
    # An evaluator's screen loaded before the admin's edit is refused.
    with pytest.raises(services.EditConflict):
        services.quarter_evaluation_save(
            project=project, quarter=1, version=1, values=values(15, 70), user=evaluator
        )
    services.quarter_lock(fiscal_year=project.fiscal_year, quarter=1, user=evaluator)
    assert client.post(url, {**form, "criterion_21": "99"}).status_code == 403
    row.refresh_from_db()
    assert row.criterion_21 == D("60.00")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("evaluator", ["ตัวชี้วัด", "ประเมินผล"]),
        ("admin", ["ตัวชี้วัด", "ประเมินผล"]),
        ("manager", ["ตัวชี้วัด", "ผลการประเมิน"]),
        ("staff", ["ตัวชี้วัด"]),
    ],
)
def test_nav_links_to_kpis_and_evaluation_by_role(client, project, role, expected):
    client.force_login(UserFactory(role=role, agency=project.agency if role == "staff" else None))
    nav = page_of(client.get(reverse("indicators:list"), {"year": ""})).texts(".mainnav a")
    ours = [text for text in nav if text in ("ตัวชี้วัด", "ประเมินผล", "ผลการประเมิน")]
    assert ours == expected


def test_project_page_gives_no_default_result_for_quarters_not_begun(db, monkeypatch):
    # Fiscal year 2570 seen on 25/11/2569 (2026-11-25): only quarter 1 has begun.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 11, 25))
    current = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2570))
    ProgressEntryFactory(project=current, reported_on=dt.date(2026, 11, 5), percent=D("12.50"))
    page_project = project_selectors.project_for_page(current.code)
    rows = selectors.project_quarter_rows(page_project, project_selectors.progress_points(current))
    assert [row.result_value for row in rows] == [D("12.50"), None, None, None]
