"""The report form of an agency whose reports need approval (issue 15): its two buttons,
htmx and plain POST, the form pre-filled from the open submission, the head's comment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import ProgressEntry, ReportSubmission, ReportTransition
from tests.factories import (
    AgencyFactory,
    EvidenceFileFactory,
    ProgressEntryFactory,
    ReportSubmissionFactory,
    UserFactory,
    project_with_steps,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
TODAY = dt.date(2026, 3, 5)  # fiscal year 2569
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


@pytest.fixture
def project():
    return project_with_steps((20, 30, 50), agency=AgencyFactory(reports_need_approval=True))


@pytest.fixture
def steps(project):
    return list(project.steps.order_by("order"))


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def report_url(project):
    return f"/projects/{project.code}/report/"


def form_data(steps=(), **extra):
    data = {
        "period": FEBRUARY.isoformat(),
        "reported_on": "05/03/2569",
        "completed_steps": [str(s.pk) for s in steps],
        "narrative": "จัดประชุมคณะทำงานแล้ว",
        "problems": "ไม่มี",
        "obstacles": "ไม่มี",
        "entry": "",
        "version": "0",
        "submission_version": "",
    }
    data.update(extra)
    return data


def test_the_form_has_the_two_buttons(client, project, staff):
    client.force_login(staff)

    page = page_of(client.get(report_url(project)))

    buttons = page.all("#report-form button[name=action]")
    assert [(b.get("value"), b.text.strip()) for b in buttons] == [
        ("draft", "บันทึกร่าง"),
        ("submit", "ส่งให้หัวหน้าหน่วยงานอนุมัติ"),
    ]


def test_an_agency_without_approval_keeps_its_one_button(client, staff, project):
    project.agency.reports_need_approval = False
    project.agency.save()
    client.force_login(staff)

    page = page_of(client.get(report_url(project)))

    assert page.all("#report-form button[name=action]") == []
    assert page.text("#report-submit") == "บันทึกรายงาน"


def test_draft_with_htmx_says_so_beside_the_button_and_writes_no_entry(
    client, project, steps, staff
):
    client.force_login(staff)

    response = client.post(
        report_url(project), form_data(steps[:2], action="draft"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    page = page_of(response)
    (message,) = page.texts('template #report-status[hx-swap-oob="innerHTML"]')
    assert message.startswith("บันทึกร่างแล้ว")
    submission = ReportSubmission.objects.get(project=project)
    assert (submission.state, submission.percent) == (State.DRAFT, Decimal("50.00"))
    assert not ProgressEntry.objects.exists()
    # The form now edits the draft: its version, its values, its state.
    assert page.one("#id_submission_version").get("value") == str(submission.version)
    assert "ร่าง" in page.text(".report__editing")
    # Out of band: the reports not yet approved, the draft among them with its history.
    assert page.text('#submissions[hx-swap-oob="true"] .submission__state') == "ร่าง"
    assert "บันทึกร่าง" in page.text("#submissions .submission__move")


def test_submit_with_plain_post_redirects_with_the_message(client, project, steps, staff):
    client.force_login(staff)

    response = client.post(report_url(project), form_data(steps[:1], action="submit"))

    assert response.status_code == 302
    assert response["Location"].endswith(f"/projects/{project.code}/#report")
    submission = ReportSubmission.objects.get(project=project)
    assert submission.state == State.SUBMITTED
    assert not submission.is_late
    page = page_of(client.get(response["Location"]))
    assert "ส่งรายงานเดือนกุมภาพันธ์ 2569 ให้หัวหน้าหน่วยงานอนุมัติแล้ว" in page.text()


def test_a_draft_is_sent_with_the_values_typed_then(client, project, steps, staff):
    draft = ReportSubmissionFactory(project=project, period=FEBRUARY, created_by=staff)
    client.force_login(staff)

    client.post(
        report_url(project),
        form_data(steps, action="submit", submission_version=str(draft.version)),
        HTTP_HX_REQUEST="true",
    )

    draft.refresh_from_db()
    assert (draft.state, draft.percent) == (State.SUBMITTED, Decimal("100.00"))


def test_the_form_opens_on_the_draft_pre_filled(client, project, steps, staff):
    ReportSubmissionFactory(
        project=project,
        period=FEBRUARY,
        reported_on=dt.date(2026, 3, 2),
        narrative="ร่างที่เขียนไว้",
        completed_steps=[steps[0].pk],
        percent=Decimal(20),
        created_by=staff,
    )
    client.force_login(staff)

    page = page_of(client.get(report_url(project)))

    assert page.one("#id_period option[selected]").get("value") == FEBRUARY.isoformat()
    assert page.text("#id_narrative") == "ร่างที่เขียนไว้"
    assert page.one("#id_reported_on").get("value") == "02/03/2569"
    assert [c.get("value") for c in page.all("input[name=completed_steps][checked]")] == [
        str(steps[0].pk)
    ]


def test_a_month_waiting_for_approval_is_not_where_the_form_opens(client, project, staff):
    for period in (dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1), JANUARY):
        ProgressEntryFactory(project=project, period=period, reported_on=period)
    ReportSubmissionFactory(project=project, period=FEBRUARY, state=State.SUBMITTED)
    client.force_login(staff)

    page = page_of(client.get(report_url(project)))

    assert page.one("#id_period option[selected]").get("value") == "2026-03-01"


def test_a_submitted_report_shows_no_buttons(client, project, staff):
    ReportSubmissionFactory(project=project, period=FEBRUARY, state=State.SUBMITTED)
    client.force_login(staff)

    page = page_of(client.get(report_url(project) + "?period=2026-02-01"))

    assert page.all("#report-form button[name=action]") == []
    assert "ส่งให้หัวหน้าหน่วยงานอนุมัติแล้ว แก้ไขไม่ได้" in page.text(".report__wrap")


def test_a_submitted_report_posted_again_is_refused_in_thai(client, project, steps, staff):
    sent = ReportSubmissionFactory(project=project, period=FEBRUARY, state=State.SUBMITTED)
    client.force_login(staff)

    response = client.post(
        report_url(project),
        form_data(steps, action="draft", submission_version=str(sent.version)),
        HTTP_HX_REQUEST="true",
    )

    page = page_of(response)
    assert "ส่งแล้ว รออนุมัติ" in page.text("#report-form-wrap .alert--error")
    sent.refresh_from_db()
    assert (sent.state, sent.version, sent.percent) == (State.SUBMITTED, 1, Decimal("40.00"))


def test_a_returned_report_shows_the_heads_comment(client, project, staff):
    head = UserFactory(head=True, agency=project.agency, first_name="สมชาย", last_name="หัวหน้า")
    ReportSubmissionFactory(
        project=project,
        period=FEBRUARY,
        state=State.RETURNED,
        return_comment="กรุณาแนบภาพถ่ายหน้างาน",
        decided_by=head,
        decided_at=timezone.now(),
    )
    client.force_login(staff)

    page = page_of(client.get(report_url(project)))

    assert page.one("#id_period option[selected]").get("value") == FEBRUARY.isoformat()
    assert page.text(".report__returned").startswith("หัวหน้าหน่วยงานส่งกลับให้แก้ไข: กรุณาแนบภาพถ่ายหน้างาน")


def test_a_conflict_keeps_what_was_typed(client, project, steps, staff):
    ReportSubmissionFactory(project=project, period=FEBRUARY, created_by=staff)
    client.force_login(staff)

    response = client.post(
        report_url(project),
        form_data(steps, action="draft", narrative="ของฉัน"),
        HTTP_HX_REQUEST="true",
    )

    page = page_of(response)
    assert page.one(".conflict") is not None
    assert page.text("#id_narrative") == "ของฉัน"
    assert ReportTransition.objects.count() == 0  # the factory's draft has none; none added


@pytest.mark.parametrize("who", ["head", "manager", "other_staff"])
def test_only_staff_post_reports(client, project, steps, who):
    user = {
        "head": lambda: UserFactory(head=True, agency=project.agency),
        "manager": lambda: UserFactory(manager=True),
        "other_staff": lambda: UserFactory(),
    }[who]()
    client.force_login(user)

    response = client.post(report_url(project), form_data(steps, action="submit"))

    assert response.status_code == 403
    assert not ReportSubmission.objects.exists()


def test_a_returned_report_past_the_deadline_previews_without_the_lock(
    client, project, steps, staff, monkeypatch
):
    monkeypatch.setattr("projects.view_helpers.today", lambda: dt.date(2026, 3, 12))
    ReportSubmissionFactory(
        project=project, period=FEBRUARY, state=State.RETURNED, return_comment="แก้ไข"
    )
    client.force_login(staff)

    preview = page_of(
        client.get(
            report_url(project) + "preview/",
            {"period": FEBRUARY.isoformat(), "reported_on": "05/03/2569"},
        )
    )
    form = page_of(client.get(report_url(project) + "?period=2026-02-01"))

    assert "เลยกำหนดส่งรายงาน" not in preview.text()
    assert "ปิดรับรายงานแล้ว" not in form.text(".report__wrap")
    assert len(form.all("#report-form button[name=action]")) == 2


def test_a_file_sent_with_a_draft_can_be_removed_until_the_report_is_sent(
    client, project, staff, settings, tmp_path
):
    """A wrong file attached to a draft (or to a report returned to be corrected) can be
    removed, with htmx in place; once the report waits for the head it cannot (it had no
    delete button at all)."""
    from projects.models import EvidenceFile

    settings.MEDIA_ROOT = tmp_path
    draft = ReportSubmissionFactory(project=project, period=FEBRUARY, created_by=staff)
    wrong = EvidenceFileFactory(entry=None, submission=draft, original_name="ภาพผิด.pdf")
    right = EvidenceFileFactory(entry=None, submission=draft, original_name="ภาพถ่าย.pdf")
    client.force_login(staff)

    page = page_of(client.get(report_url(project) + "?period=2026-02-01"))
    assert "ภาพผิด.pdf" in page.text("#evidence-list")
    assert len(page.all("#evidence-list form")) == 2

    answer = client.post(
        f"/projects/{project.code}/evidence/{wrong.pk}/delete/", HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    listed = page_of(answer).text("#evidence-list")
    assert "ภาพผิด.pdf" not in listed and "ภาพถ่าย.pdf" in listed
    assert list(EvidenceFile.objects.values_list("pk", flat=True)) == [right.pk]

    ReportSubmission.objects.filter(pk=draft.pk).update(
        state=State.SUBMITTED, submitted_at=timezone.now(), submitted_by=staff
    )
    page = page_of(client.get(report_url(project) + "?period=2026-02-01"))
    assert page.all("#evidence-list form") == []
    refused = client.post(f"/projects/{project.code}/evidence/{right.pk}/delete/", follow=True)
    assert EvidenceFile.objects.filter(pk=right.pk).exists()
    assert "แก้ไขรายงานที่" in refused.content.decode()


def test_nobody_else_removes_a_file_sent_with_a_draft(client, project, staff, settings, tmp_path):
    from projects.models import EvidenceFile

    settings.MEDIA_ROOT = tmp_path
    draft = ReportSubmissionFactory(project=project, period=FEBRUARY, created_by=staff)
    file = EvidenceFileFactory(entry=None, submission=draft, original_name="ภาพถ่าย.pdf")
    client.force_login(UserFactory())  # another agency's staff
    assert client.post(f"/projects/{project.code}/evidence/{file.pk}/delete/").status_code == 403
    assert EvidenceFile.objects.filter(pk=file.pk).exists()
