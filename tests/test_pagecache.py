"""The project page body kept for readers (projects/pagecache.py): served again only while
nothing it shows has changed, whatever wrote the change; the page around it is each
reader's own."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from indicators import services as indicator_services
from indicators.models import QuarterEvaluation
from projects import pagecache, plan_editing, services, view_helpers
from projects.models import Project
from tests.factories import (
    EvidenceFileFactory,
    FiscalYearFactory,
    IndicatorFactory,
    IndicatorLevelFactory,
    IndicatorQuarterResultFactory,
    MonthReopeningFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    QuarterEvaluationFactory,
    QuarterLockFactory,
    ReportingDeadlineFactory,
    StrategyLinkFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept(monkeypatch):
    """The bodies rendered to be kept in this test, in order (the cache starts empty); not
    the other things kept (the project of a page's address)."""
    keep = pagecache.kept
    bodies = []

    def spy(parts, scopes, render, **kwargs):
        def render_and_note():
            body = render()
            if isinstance(body, str):
                bodies.append(body)
            return body

        return keep(parts, scopes, render_and_note, **kwargs)

    monkeypatch.setattr(pagecache, "kept", spy)
    return bodies


@pytest.fixture
def project():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    for order in (1, 2):
        PlanStepFactory(project=project, order=order, title=f"ขั้นตอนที่ {order}")
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2026, 3, 5),
        narrative="รายงานเดือนแรก",
        percent=Decimal("12.00"),
    )
    return project


@pytest.fixture
def reader(client):
    client.force_login(UserFactory(manager=True))
    return client


def main_of(response) -> str:
    """The page inside <main>: the same for every reader (the top bar has their name and a
    CSRF token of their own)."""
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def view(client, project):
    response = client.get(f"/projects/{project.code}/")
    assert response.status_code == 200
    return response


def test_a_second_view_is_served_from_the_kept_body(reader, project, kept, session_queries):
    first = view(reader, project)
    with CaptureQueriesContext(connection) as queries:
        second = view(reader, project)
    # the session (from the cache with REDIS_URL) and its user. The project of the address
    # (whether the body is kept for this reader; the title), the versions and the body come
    # from the cache. (A reader with an agency adds it, for the top bar.)
    assert len(queries) == session_queries + 1, [q["sql"] for q in queries.captured_queries]
    assert len(kept) == 1
    assert main_of(second) == main_of(first)
    assert "รายงานเดือนแรก" in main_of(second)
    # The page around the body is the reader's own.
    assert page_of(second).text("title").startswith(project.code)


def test_the_kept_body_has_no_form_and_nothing_of_the_reader(client, project, kept):
    reader = UserFactory(manager=True, first_name="ผู้อ่านคนแรก")
    client.force_login(reader)
    view(client, project)
    (body,) = kept
    assert "รายงานเดือนแรก" in body
    assert "csrfmiddlewaretoken" not in body
    assert "<form" not in body
    assert "ผู้อ่านคนแรก" not in body


def test_the_agency_staff_and_evaluators_are_rendered_each_time(client, project, kept):
    for user in (UserFactory(agency=project.agency), UserFactory(evaluator=True)):
        client.force_login(user)
        view(client, project)
        view(client, project)
    assert not kept


def test_another_day_another_page_of_history_and_htmx_are_kept_apart(
    reader, project, kept, monkeypatch
):
    view(reader, project)
    reader.get(f"/projects/{project.code}/?page=1")
    reader.get(f"/projects/{project.code}/", headers={"HX-Request": "true"})
    assert len(kept) == 1
    monkeypatch.setattr(view_helpers, "today", lambda: dt.date(2026, 12, 31))
    view(reader, project)
    assert len(kept) == 2


def _save(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()


def write_project_field(project, staff, evaluator):
    _save(Project.objects.get(pk=project.pk), name="ชื่อที่แก้ไขแล้ว")
    return "ชื่อที่แก้ไขแล้ว", None


def write_objective(project, staff, evaluator):
    ProjectObjectiveFactory(project=project, text="วัตถุประสงค์ใหม่")
    return "วัตถุประสงค์ใหม่", None


def write_strategy_link(project, staff, evaluator):
    StrategyLinkFactory(project=project, text="ยุทธศาสตร์ใหม่")
    return "ยุทธศาสตร์ใหม่", None


def write_step_deleted(project, staff, evaluator):
    project.steps.get(order=2).delete()
    return None, "ขั้นตอนที่ 2"


def write_entry(project, staff, evaluator):
    _save(project.entries.get(), narrative="แก้ไขรายงานแล้ว")
    return "แก้ไขรายงานแล้ว", "รายงานเดือนแรก"


def write_agency(project, staff, evaluator):
    _save(project.agency, name="สำนักงานเขตที่เปลี่ยนชื่อ")
    return "สำนักงานเขตที่เปลี่ยนชื่อ", None


def write_kpi_linked(project, staff, evaluator):
    indicator = IndicatorFactory(name="ตัวชี้วัดที่เพิ่งเชื่อม")
    indicator.projects.add(project)
    return "ตัวชี้วัดที่เพิ่งเชื่อม", None


def write_report_service(project, staff, evaluator):
    entry = project.entries.get()
    services.progress_entry_submit(
        project=project,
        user=staff,
        data=services.ReportInput(
            reported_on=dt.date(2026, 3, 6),
            period=entry.period,
            completed_step_ids=[project.steps.get(order=1).pk],
            narrative="ข้อความใหม่จากแบบรายงาน",
        ),
        loaded_entry_id=entry.pk,
        loaded_version=entry.version,
        today=dt.date(2026, 3, 6),
    )
    return "ข้อความใหม่จากแบบรายงาน", "รายงานเดือนแรก"


def write_plan_service(project, staff, evaluator):
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=project.plan_version,
        rows=[
            plan_editing.StepInput(
                step.pk, step.order, step.title + " (แก้)", Decimal(50), None, None
            )
            for step in project.steps.all()
        ],
    )
    return "ขั้นตอนที่ 2 (แก้)", None


def write_evaluation_service(project, staff, evaluator):
    # The row exists already (and the page was kept after it): the service saves by update().
    row = QuarterEvaluation.objects.get(project=project, quarter=1)
    indicator_services.quarter_evaluation_save(
        project=project,
        quarter=1,
        version=row.version,
        values=indicator_services.EvaluationValues(
            result_value=Decimal("40"),
            criterion_21=Decimal("4.25"),
            criterion_22=None,
            project_score=Decimal("4.25"),
            comment="",
        ),
        user=evaluator,
    )
    return "4.25", None


WRITES = [
    write_project_field,
    write_objective,
    write_strategy_link,
    write_step_deleted,
    write_entry,
    write_agency,
    write_kpi_linked,
    write_report_service,
    write_plan_service,
    write_evaluation_service,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_every_write_shows_on_the_next_view(reader, project, kept, write):
    # Made before the first view: a new user is itself a change (their name may be shown).
    QuarterEvaluationFactory(project=project, quarter=1)
    QuarterLockFactory(fiscal_year=project.fiscal_year, quarter=1, is_locked=False)
    staff, evaluator = UserFactory(agency=project.agency), UserFactory(evaluator=True)
    before = main_of(view(reader, project))
    assert len(kept) == 1
    appears, disappears = write(project, staff, evaluator)
    after = main_of(view(reader, project))
    assert len(kept) == 2  # rendered again, not served from the cache
    if appears:
        assert appears not in before
        assert appears in after
    if disappears:
        assert disappears in before
        assert disappears not in after


def current(*scopes):
    return pagecache.versions(*scopes)


@pytest.mark.parametrize(
    "make",
    [
        lambda p: PlanStepFactory(project=p, order=9),
        lambda p: ProgressEntryFactory(project=p, reported_on=dt.date(2026, 1, 20)),
        lambda p: ProjectObjectiveFactory(project=p),
        lambda p: StrategyLinkFactory(project=p),
        lambda p: MonthReopeningFactory(project=p),
        lambda p: QuarterEvaluationFactory(project=p, quarter=2),
        lambda p: EvidenceFileFactory(entry=p.entries.get()),
    ],
    ids=["step", "entry", "objective", "strategy", "reopening", "evaluation", "evidence"],
)
def test_rows_of_a_project_change_its_version_and_the_lists_on_save_and_delete(project, make):
    other = ProjectFactory()
    scopes = (pagecache.project(project.pk), pagecache.PROJECTS)
    untouched = (pagecache.project(other.pk),)  # (factories make users: the site changes)
    before, kept_apart = current(*scopes), current(*untouched)
    row = make(project)
    after_save = current(*scopes)
    row.delete()
    after_delete = current(*scopes)
    for n in range(2):
        assert len({before[n], after_save[n], after_delete[n]}) == 3
    assert current(*untouched) == kept_apart


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.agency,
        lambda p: p.fiscal_year,
        lambda p: UserFactory(),
        lambda p: ReportingDeadlineFactory(),
        lambda p: IndicatorFactory(),
        lambda p: IndicatorLevelFactory(),
        lambda p: IndicatorQuarterResultFactory(),
        lambda p: QuarterLockFactory(fiscal_year=p.fiscal_year),
    ],
    ids=["agency", "year", "user", "deadline", "kpi", "level", "kpi-result", "lock"],
)
def test_shared_rows_change_the_site_version_on_save(project, make):
    before = current(pagecache.SITE)
    make(project).save()
    assert current(pagecache.SITE) != before


def test_a_login_does_not_change_the_site_version(project):
    user = UserFactory(manager=True)
    before = current(pagecache.SITE)
    user.last_login = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    user.save(update_fields=["last_login"])
    assert current(pagecache.SITE) == before


def test_a_version_lost_from_the_cache_is_never_met_again(project):
    from django.core.cache import cache

    first = current(pagecache.project(project.pk))
    cache.delete(pagecache._version_key(pagecache.project(project.pk)))
    second = current(pagecache.project(project.pk))
    assert second != first
    assert current(pagecache.project(project.pk)) == second


def test_a_project_saved_gets_a_new_version(project):
    before = current(pagecache.project(project.pk))
    project.save()
    assert current(pagecache.project(project.pk)) != before


def test_writes_without_post_save_say_so(project):
    """QuerySet.update() and bulk writes send projects.signals.rows_written."""
    from projects.signals import rows_written

    before = current(pagecache.project(project.pk), pagecache.SITE)
    rows_written.send(sender=Project, project_ids=[project.pk])
    middle = current(pagecache.project(project.pk), pagecache.SITE)
    assert middle[0] != before[0] and middle[1] == before[1]
    rows_written.send(sender=Project, project_ids=None)  # many: everything
    assert current(pagecache.SITE) != middle[1]


@pytest.mark.django_db(transaction=True)
def test_versions_change_once_the_write_commits_not_before():
    """A reader during the writer's transaction reads the old version and the old data;
    after the commit, the new version. A rolled-back write changes nothing."""
    project = ProjectFactory()
    scope = pagecache.project(project.pk)
    before = current(scope)
    with transaction.atomic():
        ProjectObjectiveFactory(project=project, text="ยังไม่บันทึก")
        seen_meanwhile = []
        reader = threading.Thread(target=lambda: seen_meanwhile.append(current(scope)))
        reader.start()
        reader.join()
        assert seen_meanwhile == [before] and current(scope) == before
    after = current(scope)
    assert after != before
    with pytest.raises(RuntimeError), transaction.atomic():
        ProjectObjectiveFactory(project=project)
        raise RuntimeError("rolled back")
    assert current(scope) == after


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_fails_after_the_commit_does_not_fail_the_write(monkeypatch, caplog):
    def unreachable(scopes):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(pagecache, "_set_new_versions", unreachable)
    project = ProjectFactory()
    with transaction.atomic():
        ProjectObjectiveFactory(project=project, text="บันทึกแล้ว")
    assert project.objectives.get().text == "บันทึกแล้ว"
    assert "Redis is down" in caplog.text


def test_the_project_of_an_address_follows_a_new_code_and_a_deleted_project(reader, project):
    """The project of a page's address is kept under the lists' version: a project given
    another code is found under it at once, its old code answers 404; so does a deleted
    project's. An unknown code is not kept (any text can be typed in an address)."""
    view(reader, project)
    old = project.code
    _save(project, code="50000000-0099")
    assert reader.get("/projects/50000000-0099/").status_code == 200
    assert reader.get(f"/projects/{old}/").status_code == 404
    project.delete()
    assert reader.get("/projects/50000000-0099/").status_code == 404


def test_nothing_is_kept_when_the_setting_is_0(reader, project, kept, settings):
    settings.BMA_PAGE_CACHE_SECONDS = 0
    view(reader, project)
    view(reader, project)
    assert len(kept) == 2  # rendered each time


def test_a_lost_new_version_leaves_a_page_stale_only_until_its_body_expires(
    reader, project, kept, settings, monkeypatch
):
    """The process dies between its commit and the new versions: the kept body is served
    until it expires, BMA_PAGE_CACHE_SECONDS after it was kept, then rendered again."""
    from django.core.cache import cache

    settings.BMA_PAGE_CACHE_SECONDS = 120
    timeouts = []

    class Recording:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, timeout):
            timeouts.append(timeout)
            return cache.set(key, value, timeout)

    monkeypatch.setattr(pagecache, "cache", Recording())
    assert "รายงานเดือนแรก" in main_of(view(reader, project))
    assert set(timeouts) == {120}  # the bound (the body, and the project of the address)
    monkeypatch.setattr(pagecache, "bump", lambda *scopes: None)  # lost
    _save(project.entries.get(), narrative="แก้ไขแล้วแต่หน้ายังเก่า")
    assert "แก้ไขแล้วแต่หน้ายังเก่า" not in main_of(view(reader, project))
    cache.clear()  # 120 seconds later: the body has expired
    assert "แก้ไขแล้วแต่หน้ายังเก่า" in main_of(view(reader, project))


# --- the project list ----------------------------------------------------------------------


def test_the_list_is_kept_per_query_string_and_changes_with_any_project(
    reader, project, kept, session_queries
):
    other = ProjectFactory(fiscal_year=project.fiscal_year, name="โครงการอื่น")
    first = main_of(reader.get("/projects/?year="))
    with CaptureQueriesContext(connection) as queries:
        again = main_of(reader.get("/projects/?year="))
    assert again == first
    # the session (from the cache with REDIS_URL), its user: the versions and the body come
    # from the cache.
    assert len(queries) == session_queries + 1
    reader.get("/projects/?q=อื่น")
    assert len(kept) == 2
    # A report on another project changes its progress bar in the list.
    ProgressEntryFactory(project=other, reported_on=dt.date(2026, 3, 5), percent=Decimal("77"))
    after = main_of(reader.get("/projects/?year="))
    assert len(kept) == 3
    assert "77%" in after and "77%" not in first


def test_the_list_for_htmx_is_the_results_only_and_kept_apart(reader, project, kept):
    full = reader.get("/projects/?q=ทดสอบ")
    part = reader.get("/projects/?q=ทดสอบ", headers={"HX-Request": "true"})
    again = reader.get("/projects/?q=ทดสอบ", headers={"HX-Request": "true"})
    assert len(kept) == 2
    assert "<html" not in part.content.decode()
    assert part.content == again.content
    assert project.code in part.content.decode()
    assert part.content.decode().strip() in full.content.decode()


# --- the dashboard's drill-down ----------------------------------------------------------


def tables(kept: list) -> list[str]:
    """The drill-down's tables among the dashboard's kept parts (also its filters' form and
    choices, which follow the site's version, not the reports)."""
    return [body for body in kept if isinstance(body, str) and 'id="projects"' in body]


def test_the_drilldown_is_kept_and_follows_every_report(client, project, kept):
    client.force_login(UserFactory(manager=True))
    url = f"/dashboard/?year=2569&agency={project.agency.code}"
    first = main_of(client.get(url))
    assert project.code in first
    with CaptureQueriesContext(connection) as queries:
        again = main_of(client.get(url))
    assert len(tables(kept)) == 1
    assert not any("projects_progressentry" in q["sql"] for q in queries.captured_queries)
    assert again.count(project.code) == first.count(project.code)
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 4, 5), percent=Decimal("64"))
    after = main_of(client.get(url))
    assert len(tables(kept)) == 2
    assert "64%" in after and "64%" not in first


# --- the page around the body: each reader's own ----------------------------------------


def nonce_of(response) -> str:
    header = response["Content-Security-Policy"]
    return header.split("'nonce-", 1)[1].split("'", 1)[0]


def test_the_page_around_the_body_is_each_readers_own_with_a_new_nonce(project, kept):
    first_reader, second_reader = Client(), Client()
    first_reader.force_login(UserFactory(manager=True, first_name="สมหญิง"))
    second_reader.force_login(UserFactory(manager=True, first_name="สมชาย"))
    one, two = view(first_reader, project), view(second_reader, project)
    again = view(first_reader, project)
    assert len(kept) == 1  # one body for both
    assert main_of(one) == main_of(two) == main_of(again)
    assert "สมหญิง" in page_of(one).text(".userbox") and "สมหญิง" in page_of(again).text(".userbox")
    assert "สมชาย" in page_of(two).text(".userbox")
    assert page_of(two).text("title").startswith(project.code)
    # The script nonce is the response's own, new each time.
    for response in (one, two, again):
        assert f'nonce="{nonce_of(response)}"' in response.content.decode()
    assert len({nonce_of(one), nonce_of(two), nonce_of(again)}) == 3


def test_the_csrf_token_of_a_kept_page_is_valid(project, kept):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(manager=True))
    view(client, project)
    kept_page = view(client, project)
    assert len(kept) == 1
    form = "form[action='/accounts/logout/'] input[name=csrfmiddlewaretoken]"
    token = page_of(kept_page).one(form).get("value")
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(f"/projects/{project.code}/").status_code == 302


def test_a_message_to_show_is_shown_on_a_kept_page(reader, project):
    view(reader, project)
    view(reader, project)
    storage = CookieStorage(RequestFactory().get("/"))
    reader.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "บันทึกแล้ว")])
    shown = view(reader, project)
    assert "บันทึกแล้ว" in page_of(shown).text(".messages")
    assert "บันทึกแล้ว" not in view(reader, project).content.decode()


def test_a_renamed_reader_sees_the_new_name_on_a_kept_page(project):
    client = Client()
    user = UserFactory(manager=True, first_name="ชื่อเดิม")
    client.force_login(user)
    view(client, project)
    view(client, project)
    user.first_name = "ชื่อใหม่"
    user.save()
    assert "ชื่อใหม่" in page_of(view(client, project)).text(".userbox")
