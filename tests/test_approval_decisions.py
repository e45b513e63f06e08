"""The head's decisions on submitted reports (projects/approvals.py: report_approve,
report_approve_many, report_return) and who may take them (projects/permissions.py:
can_approve, agencies_to_approve, delegations in force)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import approvals, permissions, services
from projects.locking import EditConflict
from projects.models import EvidenceFile, ProgressEntry, ReportSubmission, ReportTransition, User
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

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
TODAY = dt.date(2026, 3, 5)
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)


@pytest.fixture
def project():
    return ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))


@pytest.fixture
def head(project):
    return UserFactory(role=User.Role.HEAD, agency=project.agency)


def submitted(project, period=FEBRUARY, **values):
    values.setdefault("reported_on", period + dt.timedelta(days=27))
    return SubmittedReportFactory(project=project, period=period, **values)


def unchanged(submission):
    """The submission as stored equals ``submission`` as it was read."""
    stored = ReportSubmission.objects.get(pk=submission.pk)
    return (stored.state, stored.version, stored.entry_id) == (
        submission.state,
        submission.version,
        submission.entry_id,
    )


# --- Who may decide ----------------------------------------------------------------------


def test_heads_of_the_agency_may_approve_it_and_no_other(project, head):
    other_head = UserFactory(role=User.Role.HEAD)
    staff = UserFactory(agency=project.agency)
    agency = project.agency_id
    assert permissions.can_approve(head, agency, today=TODAY)
    assert not permissions.can_approve(other_head, agency, today=TODAY)
    assert not permissions.can_approve(staff, agency, today=TODAY)
    assert not permissions.can_approve(UserFactory(admin=True), agency, today=TODAY)
    assert not permissions.can_approve(UserFactory(evaluator=True), agency, today=TODAY)
    head.is_active = False
    assert not permissions.can_approve(head, agency, today=TODAY)


def test_a_deputy_may_approve_on_the_days_of_the_delegation_both_included(project, head):
    deputy = UserFactory(agency=project.agency)
    ApprovalDelegationFactory(
        agency=project.agency,
        head=head,
        deputy=deputy,
        starts_on=TODAY,
        ends_on=TODAY.replace(day=9),
    )
    agency = project.agency_id
    assert not permissions.can_approve(deputy, agency, today=TODAY - dt.timedelta(days=1))
    assert permissions.can_approve(deputy, agency, today=TODAY)
    assert permissions.can_approve(deputy, agency, today=TODAY.replace(day=9))
    assert not permissions.can_approve(deputy, agency, today=TODAY.replace(day=10))
    assert permissions.agencies_to_approve(deputy, today=TODAY) == [agency]
    assert permissions.agencies_to_approve(deputy, today=TODAY.replace(day=10)) == []


def test_a_delegation_ends_with_the_head_who_gave_it(project, head):
    deputy = UserFactory(agency=project.agency)
    ApprovalDelegationFactory(agency=project.agency, head=head, deputy=deputy, starts_on=TODAY)
    head.role = User.Role.STAFF
    head.save()
    assert not permissions.can_approve(deputy, project.agency_id, today=TODAY)


def test_agencies_to_approve_are_the_own_and_the_delegated(project, head):
    elsewhere = ProjectFactory(fiscal_year=project.fiscal_year)
    ApprovalDelegationFactory(agency=elsewhere.agency, deputy=head, starts_on=TODAY)
    assert permissions.agencies_to_approve(head, today=TODAY) == sorted(
        [project.agency_id, elsewhere.agency_id]
    )
    assert permissions.agencies_to_approve(UserFactory(manager=True), today=TODAY) == []


# --- Approve -----------------------------------------------------------------------------


def test_approving_creates_the_months_entry_from_the_submission(project, head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    steps = [PlanStepFactory(project=project, order=n, weight=Decimal(50)) for n in (1, 2)]
    submission = submitted(
        project,
        percent=Decimal("62.50"),
        completed_steps=[steps[0].pk],
        in_progress_step=steps[1],
        partial_percent=Decimal(25),
        is_late=True,
    )
    staff = submission.submitted_by
    evidence = EvidenceFileFactory(entry=None, submission=submission)

    entry = approvals.report_approve(
        submission, user=head, loaded_version=submission.version, today=TODAY
    )

    assert entry.created_by == staff
    entry = ProgressEntry.objects.get(pk=entry.pk)
    assert (entry.project, entry.period, entry.percent) == (project, FEBRUARY, Decimal("62.50"))
    assert entry.completed_steps == [steps[0].pk]
    assert (entry.in_progress_step, entry.partial_percent) == (steps[1], Decimal(25))
    assert entry.narrative == submission.narrative
    assert entry.is_late is True
    assert entry.created_by == staff
    evidence = EvidenceFile.objects.get(pk=evidence.pk)
    assert (evidence.entry, evidence.submission) == (entry, None)
    submission.refresh_from_db()
    assert (submission.state, submission.entry, submission.decided_by) == (
        State.APPROVED,
        entry,
        head,
    )
    move = submission.transitions.get()
    assert (move.from_state, move.to_state, move.by) == (State.SUBMITTED, State.APPROVED, head)


def test_approving_a_change_updates_the_entry_others_saw_until_then(project, head):
    """The approved version stays what others see while a new one is pending; approved,
    the new one replaces it in the same entry (one per month), which keeps its lateness."""
    entry = ProgressEntryFactory(
        project=project, period=FEBRUARY, reported_on=dt.date(2026, 2, 20), percent=Decimal(30)
    )
    submission = submitted(project, entry=entry, percent=Decimal(45), is_late=True)
    assert ProgressEntry.objects.get(pk=entry.pk).percent == Decimal(30)

    approved = approvals.report_approve(
        submission, user=head, loaded_version=submission.version, today=TODAY
    )

    assert approved.pk == entry.pk
    entry.refresh_from_db()
    assert (entry.percent, entry.is_late, entry.version) == (Decimal(45), False, 2)
    assert ProgressEntry.objects.filter(project=project).count() == 1


def test_the_direct_path_and_approval_write_the_same_entry(project, head):
    """The same values make the same entry whether saved directly or approved."""
    direct_project = ProjectFactory(fiscal_year=project.fiscal_year, agency=project.agency)
    staff = UserFactory(agency=project.agency)
    data = services.ReportInput(
        reported_on=dt.date(2026, 3, 2),
        period=FEBRUARY,
        manual_percent=Decimal(40),
        narrative="จัดซื้อจัดจ้างแล้วเสร็จ",
        problems="ไม่มี",
        obstacles="ไม่มี",
    )
    direct = services.progress_entry_submit(
        project=direct_project,
        user=staff,
        data=data,
        loaded_entry_id=None,
        loaded_version=0,
        today=TODAY,
    )
    submission = submitted(
        project,
        reported_on=dt.date(2026, 3, 2),
        percent=Decimal(40),
        narrative="จัดซื้อจัดจ้างแล้วเสร็จ",
        submitted_by=staff,
    )
    approved = approvals.report_approve(
        submission, user=head, loaded_version=submission.version, today=TODAY
    )
    fields = [*approvals.ENTRY_FIELDS, "period", "is_late", "version", "created_by_id"]
    assert {f: getattr(direct, f) for f in fields} == {
        f: getattr(ProgressEntry.objects.get(pk=approved.pk), f) for f in fields
    }


@pytest.mark.parametrize("state", [State.DRAFT, State.RETURNED, State.APPROVED])
def test_only_a_submitted_report_is_approved_or_returned(project, head, state):
    submission = submitted(project, state=state)
    with pytest.raises(ValidationError) as refused:
        approvals.report_approve(
            submission, user=head, loaded_version=submission.version, today=TODAY
        )
    assert "อนุมัติรายงานที่" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        approvals.report_return(
            submission, user=head, loaded_version=submission.version, comment="แก้", today=TODAY
        )
    assert "ส่งกลับรายงานที่" in refused.value.messages[0]
    assert unchanged(submission)
    assert not ProgressEntry.objects.exists()
    assert not ReportTransition.objects.exists()


def test_who_may_not_approve_is_refused_and_nothing_changes(project):
    submission = submitted(project)
    for user in (
        UserFactory(agency=project.agency),
        UserFactory(role=User.Role.HEAD),
        UserFactory(admin=True),
    ):
        with pytest.raises(PermissionDenied):
            approvals.report_approve(
                submission, user=user, loaded_version=submission.version, today=TODAY
            )
    assert unchanged(submission) and not ProgressEntry.objects.exists()


def test_nobody_approves_the_report_they_submitted(project, head):
    submission = submitted(project, submitted_by=head)
    with pytest.raises(ValidationError) as refused:
        approvals.report_approve(
            submission, user=head, loaded_version=submission.version, today=TODAY
        )
    assert refused.value.messages == ["อนุมัติหรือส่งกลับรายงานที่ตนเองเป็นผู้ส่งไม่ได้"]
    assert unchanged(submission) and not ProgressEntry.objects.exists()


def test_an_approval_from_an_older_version_is_a_conflict_and_writes_nothing(project, head):
    submission = submitted(project)
    with pytest.raises(EditConflict):
        approvals.report_approve(
            submission, user=head, loaded_version=submission.version - 1, today=TODAY
        )
    assert unchanged(submission)
    assert not ProgressEntry.objects.exists()
    assert not ReportTransition.objects.exists()


def test_a_deputy_approves_while_the_delegation_is_in_force(project, head):
    deputy = UserFactory(agency=project.agency)
    ApprovalDelegationFactory(agency=project.agency, head=head, deputy=deputy, starts_on=TODAY)
    submission = submitted(project)
    approvals.report_approve(
        submission, user=deputy, loaded_version=submission.version, today=TODAY
    )
    assert ProgressEntry.objects.filter(project=project, period=FEBRUARY).exists()
    late = submitted(project, period=JANUARY)
    with pytest.raises(PermissionDenied):
        approvals.report_approve(
            late, user=deputy, loaded_version=late.version, today=TODAY + dt.timedelta(days=30)
        )


# --- Return ------------------------------------------------------------------------------


def test_returning_needs_a_comment(project, head):
    submission = submitted(project)
    with pytest.raises(ValidationError) as refused:
        approvals.report_return(
            submission, user=head, loaded_version=submission.version, comment="  ", today=TODAY
        )
    assert refused.value.message_dict == {"comment": ["กรุณาระบุความเห็นว่าต้องแก้ไขอะไร ก่อนส่งกลับรายงาน"]}
    assert unchanged(submission)


def test_a_comment_over_its_limit_is_refused_whole_not_cut(project, head):
    submission = submitted(project)
    with pytest.raises(ValidationError) as refused:
        approvals.report_return(
            submission,
            user=head,
            loaded_version=submission.version,
            comment="ก" * 2001,
            today=TODAY,
        )
    assert refused.value.message_dict == {
        "comment": ["ข้อความยาว 2,001 ตัวอักษร เกินกำหนด 2,000 ตัวอักษร กรุณาตัดให้สั้นลง"]
    }
    assert unchanged(submission)


def test_returning_records_the_comment_and_counts_nothing(project, head):
    submission = submitted(project)
    returned = approvals.report_return(
        submission,
        user=head,
        loaded_version=submission.version,
        comment=" แนบภาพถ่ายหน้างานด้วย ",
        today=TODAY,
    )
    assert (returned.state, returned.return_comment, returned.decided_by) == (
        State.RETURNED,
        "แนบภาพถ่ายหน้างานด้วย",
        head,
    )
    move = returned.transitions.get()
    assert (move.to_state, move.comment, move.by) == (State.RETURNED, "แนบภาพถ่ายหน้างานด้วย", head)
    assert not ProgressEntry.objects.exists()


# --- Many at once ------------------------------------------------------------------------


def test_approving_many_approves_each_and_says_why_the_others_were_refused(project, head):
    first, second = submitted(project, period=JANUARY), submitted(project, period=FEBRUARY)
    stale = submitted(ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year))
    elsewhere = submitted(ProjectFactory(fiscal_year=project.fiscal_year))
    own = submitted(
        ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year), submitted_by=head
    )
    pairs = [
        (first.pk, first.version),
        (stale.pk, stale.version + 5),
        (second.pk, second.version),
        (elsewhere.pk, elsewhere.version),
        (own.pk, own.version),
        (999999, 1),
    ]

    decisions = approvals.report_approve_many(pairs, user=head, today=TODAY)

    assert [d.submission_id for d in decisions] == [pk for pk, _ in pairs]
    assert [d.approved for d in decisions] == [True, False, True, False, False, False]
    reasons = [d.reason for d in decisions]
    assert "มีการเปลี่ยนแปลง" in reasons[1]
    assert reasons[3] == "คุณไม่มีสิทธิ์อนุมัติรายงานของหน่วยงานนี้"
    assert reasons[4] == "อนุมัติหรือส่งกลับรายงานที่ตนเองเป็นผู้ส่งไม่ได้"
    assert "ไม่พบรายงาน" in reasons[5]
    assert set(ProgressEntry.objects.values_list("period", flat=True)) == {JANUARY, FEBRUARY}
    for refused in (stale, elsewhere, own):
        assert unchanged(refused)
