"""Who sees a report before it is approved (issue 15): the agency's own staff and heads see
the open submissions on the project page, with their state and history; everybody else
(other agencies, executives, สยป.) sees approved reports only, on the project page, the
list and the dashboard."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import approvals, services
from projects.models import ReportSubmission
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ReportSubmissionFactory,
    ReportTransitionFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
TODAY = dt.date(2026, 3, 5)  # fiscal year 2569
JANUARY = dt.date(2026, 1, 1)
FEBRUARY = dt.date(2026, 2, 1)
PENDING_TEXT = "รายงานที่ยังไม่อนุมัติ ห้ามผู้อื่นเห็น"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


@pytest.fixture
def project():
    agency = AgencyFactory(reports_need_approval=True)
    project = ProjectFactory(agency=agency, fiscal_year=FiscalYearFactory(year_be=2569))
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    return project


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency, first_name="สมหญิง", last_name="รายงาน")


@pytest.fixture
def head(project):
    return UserFactory(head=True, agency=project.agency, first_name="สมชาย", last_name="หัวหน้า")


@pytest.fixture
def reports(project, staff, head):
    """January approved (20 %), February submitted (77.70 %) after a return."""
    entry = ProgressEntryFactory(
        project=project, period=JANUARY, reported_on=dt.date(2026, 1, 28), percent=Decimal(20)
    )
    ReportSubmissionFactory(
        project=project,
        period=JANUARY,
        state=State.APPROVED,
        entry=entry,
        percent=Decimal(20),
        decided_by=head,
        decided_at=timezone.now(),
    )
    pending = ReportSubmissionFactory(
        project=project,
        period=FEBRUARY,
        state=State.SUBMITTED,
        percent=Decimal("77.70"),
        narrative=PENDING_TEXT,
        created_by=staff,
    )
    for from_state, to_state, by, comment in [
        ("", State.DRAFT, staff, ""),
        (State.DRAFT, State.SUBMITTED, staff, ""),
        (State.SUBMITTED, State.RETURNED, head, "กรุณาแนบภาพถ่าย"),
        (State.RETURNED, State.SUBMITTED, staff, ""),
    ]:
        ReportTransitionFactory(
            submission=pending, from_state=from_state, to_state=to_state, by=by, comment=comment
        )
    return pending


def detail(project):
    return f"/projects/{project.code}/"


@pytest.mark.parametrize("who", ["staff", "head"])
def test_the_agency_sees_its_open_reports_and_their_history(client, project, reports, who, request):
    client.force_login(request.getfixturevalue(who))

    page = page_of(client.get(detail(project)))

    (item,) = page.all("#submissions .submission")
    assert page.text("#submissions .submission__state") == "ส่งแล้ว รออนุมัติ"
    assert "77.70" in page.text("#submissions .entry__pct")
    assert PENDING_TEXT in page.text("#submissions")
    moves = page.texts("#submissions .submission__move")
    assert len(moves) == 4
    assert "สมชาย หัวหน้า" in moves[2] and "ส่งกลับแก้ไข" in moves[2]
    assert "กรุณาแนบภาพถ่าย" in moves[2]
    # The approved report of the history says who approved it.
    assert page.text("#history-section .entry__approval").startswith("อนุมัติแล้ว โดย สมชาย หัวหน้า")


@pytest.mark.parametrize("who", ["other_staff", "other_head", "manager", "evaluator"])
def test_others_see_only_approved_reports_on_the_project_page(client, project, reports, who):
    user = {
        "other_staff": lambda: UserFactory(),
        "other_head": lambda: UserFactory(head=True),
        "manager": lambda: UserFactory(manager=True),
        "evaluator": lambda: UserFactory(evaluator=True),
    }[who]()
    client.force_login(user)

    page = page_of(client.get(detail(project)))

    assert page.all("#submissions") == []
    assert page.all(".entry__approval") == []
    text = page.text()
    assert PENDING_TEXT not in text
    assert "77.70" not in text and "77.7" not in text
    assert page.texts("#history-section .entry__pct") == ["20.00"]


def test_the_list_and_the_dashboard_show_the_approved_percent_only(client, project, reports):
    client.force_login(UserFactory(manager=True))

    listing = page_of(client.get("/projects/", {"year": "2569", "agency": project.agency.code}))
    dashboard = page_of(client.get("/dashboard/", {"year": "2569"}))

    assert project.code in listing.text()
    assert "77.7" not in listing.text() and "77.7" not in dashboard.text()
    assert "20% 28/01/2569" in listing.text()  # the approved January report


def test_a_kept_page_of_a_head_shows_a_draft_saved_since(client, project, head, staff):
    client.force_login(head)
    assert "ไม่มีรายงานที่รออนุมัติ" in page_of(client.get(detail(project))).text("#submissions")

    approvals.report_save(
        project=project,
        data=services.ReportInput(
            reported_on=TODAY, period=FEBRUARY, manual_percent=None, narrative="ร่างใหม่"
        ),
        user=staff,
        today=TODAY,
        loaded_version=None,
        submit=False,
    )

    page = page_of(client.get(detail(project)))
    assert page.text("#submissions .submission__state") == "ร่าง"
    assert "ร่างใหม่" in page.text("#submissions")


def test_the_project_page_budget_does_not_grow_with_open_reports(client, project, staff, reports):
    client.force_login(staff)
    client.get(detail(project))  # warm: sessions, the page stamp
    with CaptureQueriesContext(connection) as few:
        client.get(detail(project))
    for period in (dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)):
        more = ReportSubmissionFactory(project=project, period=period, created_by=staff)
        ReportTransitionFactory(submission=more, by=staff)
    client.get(detail(project))  # warm again: the project of the address, kept anew
    with CaptureQueriesContext(connection) as many:
        page = page_of(client.get(detail(project)))

    assert len(page.all("#submissions .submission")) == 4
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_pending_change_to_an_approved_month_leaves_the_approved_one_in_view(
    client, project, staff
):
    entry = ProgressEntryFactory(
        project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 27), percent=Decimal(20)
    )
    ReportSubmissionFactory(
        project=project,
        period=FEBRUARY,
        state=State.SUBMITTED,
        entry=entry,
        percent=Decimal("77.70"),
        narrative=PENDING_TEXT,
    )

    client.force_login(UserFactory(manager=True))
    others = page_of(client.get(detail(project)))
    client.force_login(staff)
    own = page_of(client.get(detail(project)))

    assert others.texts("#history-section .entry__pct") == ["20.00"]
    assert PENDING_TEXT not in others.text()
    assert own.texts("#history-section .entry__pct") == ["20.00"]
    assert "แก้ไขรายงานที่อนุมัติแล้ว (ร้อยละ 20.00)" in own.text("#submissions")
