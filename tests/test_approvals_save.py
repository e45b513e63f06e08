"""Staff save and submit a month's report for approval: projects/approvals.py (report_save)
and the month's state it leaves (projects/months.py)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects import approvals, evidence, months, services
from projects.locking import EditConflict
from projects.models import EvidenceFile, ProgressEntry, ReportSubmission, ReportTransition
from tests.factories import (
    AgencyFactory,
    EvidenceFileFactory,
    MonthReopeningFactory,
    ProgressEntryFactory,
    ReportSubmissionFactory,
    UserFactory,
    project_with_steps,
)

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
# Fiscal year 2569 runs 1 Oct 2025 – 30 Sep 2026; February's report is due 10 March.
TODAY = dt.date(2026, 3, 5)
AFTER_DEADLINE = dt.date(2026, 3, 12)
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)


@pytest.fixture
def project():
    return project_with_steps((20, 30, 50), agency=AgencyFactory(reports_need_approval=True))


@pytest.fixture
def steps(project):
    return list(project.steps.order_by("order"))


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


def save(project, user, *, steps=(), period=FEBRUARY, version=None, submit=False, **extra):
    today = extra.pop("today", TODAY)
    data = services.ReportInput(
        reported_on=extra.pop("reported_on", TODAY),
        period=period,
        completed_step_ids=[s.pk for s in steps],
        narrative=extra.pop("narrative", "ดำเนินการตามแผน"),
        **extra,
    )
    return approvals.report_save(
        project=project,
        data=data,
        user=user,
        today=today,
        loaded_version=version,
        submit=submit,
    )


def moves(submission) -> list[tuple[str, str]]:
    return list(
        ReportTransition.objects.filter(submission=submission)
        .order_by("at", "pk")
        .values_list("from_state", "to_state")
    )


def test_a_draft_is_saved_as_a_submission_and_no_entry(project, steps, staff):
    draft = save(project, staff, steps=steps[:2])

    assert draft.state == State.DRAFT
    assert draft.percent == Decimal("50.00")
    assert draft.period == FEBRUARY
    assert draft.submitted_at is None
    assert draft.created_by == staff
    assert moves(draft) == [("", State.DRAFT)]
    assert not ProgressEntry.objects.filter(project=project).exists()


def test_a_draft_is_saved_again_from_its_version(project, steps, staff):
    draft = save(project, staff, steps=steps[:1])
    again = save(project, staff, steps=steps[:2], version=draft.version, narrative="แก้ไขแล้ว")

    assert again.pk == draft.pk
    assert again.version == draft.version + 1
    assert again.percent == Decimal("50.00")
    assert again.narrative == "แก้ไขแล้ว"
    assert moves(again) == [("", State.DRAFT), (State.DRAFT, State.DRAFT)]


def test_a_draft_saved_from_an_old_version_is_refused_and_nothing_changes(project, steps, staff):
    draft = save(project, staff, steps=steps[:1])
    save(project, staff, steps=steps[:2], version=draft.version)

    with pytest.raises(EditConflict) as conflict:
        save(project, staff, steps=steps, version=draft.version, narrative="ทับของคนอื่น")

    assert conflict.value.current.pk == draft.pk
    stored = ReportSubmission.objects.get(pk=draft.pk)
    assert stored.percent == Decimal("50.00")
    assert stored.narrative == "ดำเนินการตามแผน"
    assert len(moves(stored)) == 2


def test_a_new_report_over_an_open_one_is_a_conflict(project, steps, staff):
    save(project, staff, steps=steps[:1])

    with pytest.raises(EditConflict):
        save(project, staff, steps=steps[:2], version=None)

    assert ReportSubmission.objects.filter(project=project).count() == 1


def test_submitted_in_time_is_not_late(project, steps, staff):
    draft = save(project, staff, steps=steps[:1])
    sent = save(project, staff, steps=steps[:2], version=draft.version, submit=True)

    assert sent.state == State.SUBMITTED
    assert sent.percent == Decimal("50.00")  # what was typed with the button is sent
    assert sent.submitted_by == staff
    assert sent.submitted_at is not None
    assert sent.is_late is False
    assert moves(sent)[-1] == (State.DRAFT, State.SUBMITTED)
    assert not ProgressEntry.objects.filter(project=project).exists()


def test_a_new_report_may_be_sent_at_once(project, steps, staff):
    sent = save(project, staff, steps=steps[:1], submit=True)

    assert sent.state == State.SUBMITTED
    assert moves(sent) == [("", State.DRAFT), (State.DRAFT, State.SUBMITTED)]


def test_submitted_after_the_deadline_in_a_reopened_month_is_late(project, steps, staff):
    MonthReopeningFactory(project=project, period=FEBRUARY, until=dt.date(2026, 3, 20))

    sent = save(project, staff, steps=steps[:1], submit=True, today=AFTER_DEADLINE)

    assert sent.state == State.SUBMITTED
    assert sent.is_late is True


def test_a_locked_month_refuses_a_draft_in_thai(project, steps, staff):
    with pytest.raises(ValidationError) as refused:
        save(project, staff, steps=steps[:1], today=AFTER_DEADLINE)

    assert "เลยกำหนดส่งรายงาน" in refused.value.message_dict["period"][0]
    assert not ReportSubmission.objects.exists()


@pytest.mark.parametrize("submit", [False, True])
def test_a_submitted_report_cannot_be_saved_or_sent_again(project, steps, staff, submit):
    sent = save(project, staff, steps=steps[:1], submit=True)

    with pytest.raises(ValidationError) as refused:
        save(project, staff, steps=steps, version=sent.version, submit=submit)

    assert "ส่งแล้ว รออนุมัติ" in refused.value.messages[0]
    stored = ReportSubmission.objects.get(pk=sent.pk)
    assert (stored.state, stored.percent, stored.version) == (
        State.SUBMITTED,
        Decimal("20.00"),
        sent.version,
    )
    assert len(moves(stored)) == 2


def returned(project, staff, *, is_late=False):
    """A report sent on ``is_late`` terms and returned by the head (set directly: returning
    is the queue's service)."""
    head = UserFactory(head=True, agency=project.agency)
    submission = ReportSubmissionFactory(
        project=project,
        period=FEBRUARY,
        state=State.RETURNED,
        is_late=is_late,
        submitted_by=staff,
        decided_by=head,
        decided_at=timezone.now(),
        return_comment="กรุณาแนบภาพถ่ายหน้างาน",
    )
    return submission


def test_a_returned_report_is_saved_back_to_a_draft(project, steps, staff):
    submission = returned(project, staff)

    draft = save(project, staff, steps=steps[:2], version=submission.version)

    assert draft.state == State.DRAFT
    assert moves(draft)[-1] == (State.RETURNED, State.DRAFT)


def test_a_returned_report_is_corrected_and_sent_after_the_deadline_still_on_time(
    project, steps, staff
):
    submission = returned(project, staff, is_late=False)

    sent = save(
        project, staff, steps=steps, version=submission.version, submit=True, today=AFTER_DEADLINE
    )

    assert sent.state == State.SUBMITTED
    assert sent.percent == Decimal("100.00")
    assert sent.is_late is False  # sent in time the first time
    assert moves(sent)[-1] == (State.RETURNED, State.SUBMITTED)


def test_approved_version_stays_what_counts_while_a_change_is_pending(project, steps, staff):
    entry = ProgressEntryFactory(
        project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 25), percent=Decimal(20)
    )
    ReportSubmissionFactory(
        project=project, period=FEBRUARY, state=State.APPROVED, entry=entry, percent=Decimal(20)
    )

    change = save(project, staff, steps=steps[:2], submit=True)

    assert change.pk is not None and change.entry == entry
    assert change.state == State.SUBMITTED
    entry.refresh_from_db()
    assert entry.percent == Decimal("20.00")  # others still see the approved report
    state = months.month_state(project, FEBRUARY, today=TODAY)
    assert state.entry == entry and state.submission is None  # readers never ask


def test_lower_percent_needs_a_reason_as_when_saved_directly(project, steps, staff):
    ProgressEntryFactory(project=project, period=JANUARY, percent=Decimal(50))

    with pytest.raises(ValidationError) as refused:
        save(project, staff, steps=steps[:1])

    assert "กรุณาระบุเหตุผล" in refused.value.message_dict["lower_reason"][0]
    assert not ReportSubmission.objects.exists()
    lower = save(project, staff, steps=steps[:1], lower_reason="ปรับแผนใหม่")
    assert lower.lower_reason == "ปรับแผนใหม่"


def test_a_date_after_today_is_refused(project, steps, staff):
    with pytest.raises(ValidationError) as refused:
        save(project, staff, steps=steps[:1], reported_on=TODAY + dt.timedelta(days=1))

    assert "reported_on" in refused.value.message_dict


@pytest.mark.parametrize("who", ["head", "other_staff", "evaluator"])
def test_only_the_agencys_staff_write_reports(project, steps, who):
    user = {
        "head": lambda: UserFactory(head=True, agency=project.agency),
        "other_staff": lambda: UserFactory(),
        "evaluator": lambda: UserFactory(evaluator=True),
    }[who]()

    with pytest.raises(PermissionDenied):
        save(project, user, steps=steps[:1])

    assert not ReportSubmission.objects.exists()


def test_an_agency_without_approval_is_refused(steps, staff, project):
    project.agency.reports_need_approval = False
    project.agency.save()

    with pytest.raises(ValidationError) as refused:
        save(project, staff, steps=steps[:1])

    assert "ไม่ต้องได้รับอนุมัติ" in refused.value.messages[0]


def test_evidence_belongs_to_the_submission(project, steps, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("หนังสือ.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    kind = evidence.identify(pdf)

    submission = approvals.report_save(
        project=project,
        data=services.ReportInput(
            reported_on=TODAY, period=FEBRUARY, completed_step_ids=[steps[0].pk], narrative="x"
        ),
        user=staff,
        today=TODAY,
        loaded_version=None,
        submit=False,
        uploaded=[(pdf, kind)],
    )

    (file,) = EvidenceFile.objects.all()
    assert file.submission == submission and file.entry is None


# --- The month's state for the agency's own pages -----------------------------------------


def test_a_pending_month_is_not_missing_for_staff(project, steps, staff):
    save(project, staff, steps=steps[:1], submit=True)

    state = months.month_state(project, FEBRUARY, today=AFTER_DEADLINE, with_submissions=True)

    assert state.status == months.PENDING
    assert state.label == "รออนุมัติ"
    assert not state.missing
    assert state.locked
    # Those who count (entries only) still see nothing reported.
    counted = months.month_state(project, FEBRUARY, today=AFTER_DEADLINE)
    assert counted.missing


def test_a_draft_past_the_deadline_is_missing(project, steps, staff):
    save(project, staff, steps=steps[:1])

    state = months.month_state(project, FEBRUARY, today=AFTER_DEADLINE, with_submissions=True)

    assert state.missing
    assert state.status == months.LATE


def test_a_returned_month_stays_open_to_staff(project, staff):
    returned(project, staff)

    state = months.month_state(project, FEBRUARY, today=AFTER_DEADLINE, with_submissions=True)

    assert state.status == months.RETURNED
    assert not state.locked
    assert not state.missing


def test_staff_cannot_remove_a_file_of_an_approved_report(project, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = ProgressEntryFactory(project=project, period=FEBRUARY, reported_on=TODAY)
    evidence_file = EvidenceFileFactory(entry=entry)

    with pytest.raises(PermissionDenied):
        services.evidence_file_remove(evidence=evidence_file, user=staff, today=TODAY)

    assert EvidenceFile.objects.filter(pk=evidence_file.pk).exists()


def test_two_first_saves_of_a_month_at_once_make_one_submission(project, steps, staff, monkeypatch):
    """Both read "no open submission"; the second insert meets the first one's row (the
    one-open-per-month constraint) and is an edit conflict, not a second submission."""
    first = save(project, staff, steps=steps[:1])
    real = months.month_states

    def as_read_before_the_first_save(*args, **kwargs):
        states = real(*args, **kwargs)
        return {p: dataclasses.replace(s, submission=None) for p, s in states.items()}

    monkeypatch.setattr(months, "month_states", as_read_before_the_first_save)

    with pytest.raises(EditConflict) as conflict:
        save(project, staff, steps=steps, narrative="พร้อมกัน")

    assert conflict.value.current.pk == first.pk
    assert ReportSubmission.objects.filter(project=project).count() == 1
    assert ReportTransition.objects.filter(submission__project=project).count() == 1
