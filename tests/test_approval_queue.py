"""The head's queue (รออนุมัติ, /approvals/) and the delegation page: what a head sees,
approving one or many, returning with a comment, htmx and plain POST, pagination, query
counts that do not grow with the queue, the top bar's link."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import view_helpers
from projects.models import ApprovalDelegation, ProgressEntry, ReportSubmission, User
from tests.factories import (
    ApprovalDelegationFactory,
    EvidenceFileFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    SubmittedReportFactory,
    UserFactory,
)
from tests.html import page_of, text_of

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
TODAY = dt.date(2026, 3, 5)
JANUARY, FEBRUARY = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
URL = "/approvals/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(view_helpers, "today", lambda: TODAY)


@pytest.fixture
def project():
    return ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))


@pytest.fixture
def head(project):
    return UserFactory(role=User.Role.HEAD, agency=project.agency)


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


def submitted(project, period=FEBRUARY, **values):
    values.setdefault("reported_on", period + dt.timedelta(days=27))
    return SubmittedReportFactory(project=project, period=period, **values)


def page_text(response) -> str:
    return page_of(response).text()


def test_url_and_name():
    assert reverse("projects:approvals") == URL
    assert reverse("projects:delegations") == "/approvals/delegations/"


def test_each_report_is_shown_beside_the_month_before(head_client, project):
    steps = [PlanStepFactory(project=project, order=n, title=f"ขั้นที่ {n}") for n in (1, 2, 3)]
    ProgressEntryFactory(
        project=project,
        period=JANUARY,
        reported_on=dt.date(2026, 1, 30),
        percent=Decimal(20),
        completed_steps=[steps[0].pk],
        narrative="ออกแบบเสร็จแล้ว",
    )
    submission = submitted(
        project,
        percent=Decimal("35.50"),
        completed_steps=[steps[0].pk, steps[2].pk],
        narrative="ลงนามสัญญาแล้ว",
    )
    response = head_client.get(URL)
    assert response.status_code == 200
    page = page_of(response)
    assert page.text("h1") == "รออนุมัติ"
    row = page.one(f"#submission-{submission.pk}")
    text = text_of(row)
    assert "ร้อยละ 20.00" in text and "ร้อยละ 35.50 (+15.50)" in text
    assert "3. ขั้นที่ 3" in text and "1. ขั้นที่ 1" not in text  # only the newly ticked
    assert "ออกแบบเสร็จแล้ว" in text and "ลงนามสัญญาแล้ว" in text
    assert "ส่งแล้ว รออนุมัติ" in text
    # every control has a label; the checkbox belongs to the approve-many form
    pick = page.one(f"#pick-{submission.pk}")
    assert pick.get("form") == "approve-many"
    assert pick.get("value") == f"{submission.pk}:{submission.version}"
    page.one(f"label[for=pick-{submission.pk}]")  # exactly one
    page.one(f"label[for=comment-{submission.pk}]")  # exactly one
    assert page.text("#nav-approvals") == "รออนุมัติ (1)"


def test_the_head_opens_each_evidence_file_from_the_queue(head_client, project, media):
    submission = submitted(project)
    photo = EvidenceFileFactory(entry=None, submission=submission, original_name="ภาพกิจกรรม.jpg")
    page = page_of(head_client.get(URL))
    links = page.all(f"#submission-{submission.pk} .queue__evidence a")
    assert [(text_of(a), a.get("href")) for a in links] == [
        ("ภาพกิจกรรม.jpg", reverse("projects:evidence", args=[project.code, photo.pk]))
    ]
    assert head_client.get(links[0].get("href")).status_code == 200


def test_the_queue_holds_only_submitted_reports_of_the_agencies_one_approves(head_client, project):
    mine = submitted(project)
    draft = submitted(project, period=JANUARY, state=State.DRAFT, submitted_at=None)
    elsewhere = submitted(ProjectFactory(fiscal_year=project.fiscal_year))
    page = page_of(head_client.get(URL))
    ids = [li.get("id") for li in page.all(".queue__item")]
    assert ids == [f"submission-{mine.pk}"]
    assert draft.pk and elsewhere.pk


def test_an_empty_queue_says_so(head_client):
    assert "ไม่มีรายงานรออนุมัติ" in page_text(head_client.get(URL))


def test_approve_with_a_plain_post_redirects_back_with_a_message(head_client, project):
    submission = submitted(project, percent=Decimal(40))
    response = head_client.post(
        URL + "?page=1",
        {"action": "approve", "submission": submission.pk, "version": submission.version},
    )
    assert response.status_code == 302
    assert response["Location"] == URL + "?page=1"
    entry = ProgressEntry.objects.get(project=project, period=FEBRUARY)
    assert entry.percent == Decimal(40)
    followed = page_text(head_client.get(response["Location"]))
    assert f"อนุมัติรายงาน {project.code} เดือนกุมภาพันธ์ 2569 แล้ว" in followed


def test_approve_with_htmx_answers_the_queue_with_the_notice_focused(head_client, project):
    submission, other = submitted(project), submitted(project, period=JANUARY)
    response = head_client.post(
        URL,
        {"action": "approve", "submission": submission.pk, "version": submission.version},
        **HTMX,
    )
    assert response.status_code == 200
    page = page_of(response)
    notice = page.one("#queue-notice")
    assert "อนุมัติรายงาน" in text_of(notice) and notice.get("autofocus") is not None
    assert [li.get("id") for li in page.all(".queue__item")] == [f"submission-{other.pk}"]
    assert page.text("#nav-approvals") == "รออนุมัติ (1)"
    assert "<html" not in response.content.decode()


def test_returning_without_a_comment_is_refused_beside_the_field(head_client, project):
    submission = submitted(project)
    data = {"action": "return", "submission": submission.pk, "version": submission.version}
    for extra in (HTMX, {}):
        response = head_client.post(URL, {**data, "comment": " "}, **extra)
        assert response.status_code == 422
        field = page_of(response).one(f"#comment-{submission.pk}")
        assert field.get("aria-invalid") == "true" and field.get("autofocus") is not None
        error = page_of(response).text(f"#comment-{submission.pk}-error")
        assert error == "กรุณาระบุความเห็นว่าต้องแก้ไขอะไร ก่อนส่งกลับรายงาน"
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED


@pytest.mark.parametrize("extra", [HTMX, {}], ids=["htmx", "plain"])
def test_returning_with_a_comment(head_client, project, extra):
    submission = submitted(project)
    response = head_client.post(
        URL,
        {
            "action": "return",
            "submission": submission.pk,
            "version": submission.version,
            "comment": "แนบภาพถ่ายหน้างาน",
        },
        **extra,
    )
    assert response.status_code == (200 if extra else 302)
    submission.refresh_from_db()
    assert (submission.state, submission.return_comment) == (State.RETURNED, "แนบภาพถ่ายหน้างาน")
    if extra:
        assert "กลับให้แก้ไขแล้ว" in page_of(response).text("#queue-notice")


def test_a_report_changed_meanwhile_is_not_approved(head_client, project):
    submission = submitted(project)
    data = {"action": "approve", "submission": submission.pk, "version": submission.version - 1}
    response = head_client.post(URL, data, **HTMX)
    assert response.status_code == 409
    assert "มีการเปลี่ยนแปลงหลังจากที่คุณเปิดหน้านี้" in page_of(response).text("#queue-notice")
    response = head_client.post(URL, data)
    assert response.status_code == 302
    assert "มีการเปลี่ยนแปลง" in page_text(head_client.get(URL))
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize("extra", [HTMX, {}], ids=["htmx", "plain"])
def test_approve_many_approves_the_ticked_and_says_which_were_not(head_client, project, extra):
    first, second = submitted(project, period=JANUARY), submitted(project)
    left = submitted(ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year))
    stale = submitted(ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year))
    picks = [f"{first.pk}:{first.version}", f"{second.pk}:{second.version}", f"{stale.pk}:0"]
    response = head_client.post(URL, {"action": "approve_many", "pick": picks}, **extra)
    if extra:
        text = " ".join(page_of(response).text("#queue-notice").split())
    else:
        assert response.status_code == 302
        text = page_text(head_client.get(URL))
    assert "อนุมัติแล้ว 2 รายงาน" in text
    assert f"ไม่ได้อนุมัติ {stale.project.code}" in text
    assert set(ProgressEntry.objects.values_list("period", flat=True)) == {JANUARY, FEBRUARY}
    states = dict(ReportSubmission.objects.values_list("pk", "state"))
    assert states[left.pk] == states[stale.pk] == State.SUBMITTED


def test_approve_many_with_nothing_ticked_says_to_tick(head_client, project):
    submitted(project)
    response = head_client.post(URL, {"action": "approve_many"}, **HTMX)
    assert "กรุณาเลือกรายงานที่จะอนุมัติ" in page_of(response).text("#queue-notice")


def test_a_report_of_another_agency_cannot_be_decided(head_client, project):
    elsewhere = submitted(ProjectFactory(fiscal_year=project.fiscal_year))
    response = head_client.post(
        URL, {"action": "approve", "submission": elsewhere.pk, "version": elsewhere.version}
    )
    assert response.status_code == 403
    assert not ProgressEntry.objects.exists()


def test_the_queue_is_paginated(head_client, project):
    for _ in range(23):
        submitted(ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year))
    first = page_of(head_client.get(URL))
    assert len(first.all(".queue__item")) == 20
    assert "รออนุมัติ 23 รายงาน" in " ".join(first.text().split())
    second = page_of(head_client.get(URL + "?page=2"))
    assert len(second.all(".queue__item")) == 3
    assert second.one("#approve-many").get("action") == URL + "?page=2"


def test_query_count_does_not_grow_with_the_queue(
    head_client, project, django_assert_max_num_queries, session_queries
):
    """Besides the session: the user, the delegations in force, the queue's count (also
    the top bar's), the page of reports, their evidence files, their previous reports, their
    steps, the plans waiting (issue 18), the user's agency (top bar)."""

    def with_rows(n):
        for _ in range(n):
            other = ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year)
            step = PlanStepFactory(project=other)
            ProgressEntryFactory(project=other, period=JANUARY, reported_on=dt.date(2026, 1, 9))
            submitted(other, completed_steps=[step.pk])
        with CaptureQueriesContext(connection) as captured:
            assert head_client.get(URL).status_code == 200
        return len(captured)

    one = with_rows(1)
    twenty = with_rows(19)
    assert one == twenty
    with django_assert_max_num_queries(9 + session_queries):
        head_client.get(URL)


def test_a_deputy_uses_the_queue_while_the_delegation_is_in_force(client, project, head):
    deputy = UserFactory(agency=project.agency)
    ApprovalDelegationFactory(
        agency=project.agency, head=head, deputy=deputy, starts_on=TODAY, ends_on=TODAY
    )
    submission = submitted(project)
    client.force_login(deputy)
    page = page_of(client.get(URL))
    page.one(f"#submission-{submission.pk}")  # exactly one
    assert page.text("#nav-approvals") == "รออนุมัติ (1)"
    assert not page.all("a[href='/approvals/delegations/']")  # deputies do not delegate


def test_a_deputy_finds_the_link_on_every_page_while_the_delegation_is_in_force(
    client, project, head, django_capture_on_commit_callbacks
):
    deputy = UserFactory(agency=project.agency)
    submitted(project)
    client.force_login(deputy)
    assert not page_of(client.get("/projects/my-agency/")).all("#nav-approvals")
    with django_capture_on_commit_callbacks(execute=True):
        delegation = ApprovalDelegationFactory(
            agency=project.agency, head=head, deputy=deputy, starts_on=TODAY
        )
    link = page_of(client.get("/projects/my-agency/")).one("#nav-approvals")
    assert text_of(link) == "รออนุมัติ (1)"
    with django_capture_on_commit_callbacks(execute=True):
        delegation.ends_on = delegation.starts_on = TODAY - dt.timedelta(days=3)
        delegation.save()
    assert not page_of(client.get("/projects/my-agency/")).all("#nav-approvals")


def test_the_top_bar_asks_the_database_nothing_for_who_approves_nothing(client, project):
    ApprovalDelegationFactory(starts_on=TODAY)  # somebody else's
    client.force_login(UserFactory(agency=project.agency))
    with CaptureQueriesContext(connection) as captured:
        # a page that reads no reports (after its redirect to the filters)
        assert client.get("/indicators/", follow=True).status_code == 200
    asked = " ".join(query["sql"] for query in captured).lower()
    assert "approvaldelegation" not in asked and "reportsubmission" not in asked


def test_the_top_bar_links_heads_to_the_queue_with_its_count(head_client, client, project):
    submitted(project), submitted(project, period=JANUARY)
    link = page_of(head_client.get("/projects/my-agency/")).one("#nav-approvals")
    assert (link.get("href"), text_of(link)) == (URL, "รออนุมัติ (2)")
    client.force_login(UserFactory(agency=project.agency))
    assert not page_of(client.get("/projects/my-agency/")).all("#nav-approvals")


# --- Delegations ---------------------------------------------------------------------------

DELEGATIONS = "/approvals/delegations/"


def test_a_head_delegates_for_a_period_and_ends_it(head_client, project, head):
    deputy = UserFactory(agency=project.agency, first_name="สมชาย", last_name="รักษาการ")
    UserFactory()  # of another agency: not offered
    page = page_of(head_client.get(DELEGATIONS))
    offered = [o.get("value") for o in page.all("select[name=deputy] option") if o.get("value")]
    assert offered == [str(deputy.pk)]

    response = head_client.post(
        DELEGATIONS,
        {
            "deputy": deputy.pk,
            "starts_on": "05/03/2569",
            "ends_on": "09/03/2569",
            "note": "ลาพักร้อน",
        },
    )
    assert response.status_code == 302
    delegation = ApprovalDelegation.objects.get()
    assert (delegation.agency, delegation.head, delegation.deputy) == (project.agency, head, deputy)
    assert (delegation.starts_on, delegation.ends_on) == (TODAY, dt.date(2026, 3, 9))
    assert "มอบหมายให้ สมชาย รักษาการ อนุมัติรายงานแทน" in page_text(head_client.get(DELEGATIONS))

    response = head_client.post(DELEGATIONS, {"action": "end", "delegation": delegation.pk})
    assert response.status_code == 302
    assert not ApprovalDelegation.objects.exists()  # began today: withdrawn


def test_ending_a_delegation_in_force_ends_it_yesterday(head_client, project, head):
    delegation = ApprovalDelegationFactory(
        agency=project.agency,
        head=head,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    head_client.post(DELEGATIONS, {"action": "end", "delegation": delegation.pk})
    delegation.refresh_from_db()
    assert delegation.ends_on == dt.date(2026, 3, 4)


def test_a_delegation_is_refused_in_thai_beside_its_fields(head_client, project):
    deputy = UserFactory(agency=project.agency)
    response = head_client.post(
        DELEGATIONS, {"deputy": deputy.pk, "starts_on": "01/03/2569", "ends_on": "28/02/2569"}
    )
    assert response.status_code == 422
    page = page_of(response)
    assert page.text("#id_starts_on_error") == "วันที่เริ่มต้องไม่ก่อนวันนี้"
    assert page.text("#id_ends_on_error") == "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม"
    response = head_client.post(DELEGATIONS, {"starts_on": "05/03/2569", "ends_on": "05/03/2569"})
    assert "กรุณาเลือกผู้ได้รับมอบหมาย" in page_of(response).text("#id_deputy_error")
    assert not ApprovalDelegation.objects.exists()


def test_only_heads_delegate_and_only_their_own_agencys(client, project, head):
    other = ApprovalDelegationFactory()
    for user in (UserFactory(agency=project.agency), UserFactory(admin=True)):
        client.force_login(user)
        assert client.get(DELEGATIONS).status_code == 403
    client.force_login(head)
    response = client.post(DELEGATIONS, {"action": "end", "delegation": other.pk})
    assert response.status_code == 403
    assert ApprovalDelegation.objects.filter(pk=other.pk, ends_on=other.ends_on).exists()


def test_an_unknown_action_or_page_changes_nothing(head_client, project):
    submission = submitted(project)
    data = {"action": "delete", "submission": submission.pk, "version": submission.version}
    assert head_client.post(URL, data).status_code == 400
    assert head_client.post(URL, {"action": "approve", "submission": "x"}).status_code == 404
    assert head_client.get(URL + "?page=abc").status_code == 200
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED
