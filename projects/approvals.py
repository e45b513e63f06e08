"""The one home of the rules of report approval (issue 15; the data: projects/models/approval.py).

States and who moves a submission between them::

    (none) ──save──▶ draft ──submit──▶ submitted ──approve──▶ approved
                       ▲                    │
                       └──── save ◀── returned ◀──return (with a comment)

- agency staff (and administrators) save drafts as often as they like and submit; a
  returned submission is saved again (back to draft) and submitted again;
- the heads of the project's agency, or a deputy they delegated to for the day
  (``permissions.can_approve``), approve or return a submitted one;
- an illegal move is refused with a Thai message (ValidationError) and changes nothing.

Every move is one ``ReportTransition`` (who, when, the comment) written in the same
transaction as the new state, and claims the submission's version (projects/locking.py),
so two people acting on the same submission cannot both win.

The functions of each move (``report_save``: a draft, and with ``submit=True`` sent to the
head; ``report_approve``, ``report_approve_many``, ``report_return``) are written on
``move`` below.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import entries, months, permissions, services, thaidates
from projects.evidence import FileKind
from projects.form_helpers import TextLengthValidator
from projects.locking import EditConflict, claim_version
from projects.models import (
    ApprovalDelegation,
    EvidenceFile,
    PlanStep,
    ProgressEntry,
    Project,
    ReportSubmission,
    ReportTransition,
    User,
)
from projects.models.reports import ReportValues
from projects.signals import rows_written

State = ReportSubmission.State

# (from, to) → the action's name, for the messages. "" is a submission not yet saved.
MOVES = {
    ("", State.DRAFT): "save",
    (State.DRAFT, State.DRAFT): "save",
    (State.RETURNED, State.DRAFT): "save",
    (State.DRAFT, State.SUBMITTED): "submit",
    (State.RETURNED, State.SUBMITTED): "submit",
    (State.SUBMITTED, State.APPROVED): "approve",
    (State.SUBMITTED, State.RETURNED): "return",
}


def refusal(from_state: str, to_state: str) -> str:
    """Why a submission in ``from_state`` cannot go to ``to_state``, in Thai."""
    where = State(from_state).label if from_state else _("ยังไม่มีรายงาน")
    messages = {
        State.DRAFT: _("แก้ไขรายงานที่%(where)sไม่ได้"),
        State.SUBMITTED: _("ส่งรายงานที่%(where)sไม่ได้ (ส่งได้เฉพาะร่างหรือรายงานที่ส่งกลับแก้ไข)"),
        State.APPROVED: _("อนุมัติรายงานที่%(where)sไม่ได้ (อนุมัติได้เฉพาะรายงานที่ส่งแล้ว รออนุมัติ)"),
        State.RETURNED: _("ส่งกลับรายงานที่%(where)sไม่ได้ (ส่งกลับได้เฉพาะรายงานที่ส่งแล้ว รออนุมัติ)"),
    }
    return messages[State(to_state)] % {"where": f" «{where}» "}


def check_move(from_state: str, to_state: str) -> None:
    if (from_state, to_state) not in MOVES:
        raise ValidationError(refusal(from_state, to_state), code="illegal_transition")


def move(
    submission: ReportSubmission,
    to_state: str,
    *,
    user: User,
    loaded_version: int,
    comment: str = "",
    values: dict | None = None,
) -> ReportSubmission:
    """Move ``submission`` (as the caller read it) to ``to_state``: check the move, claim
    the version the person acted on (EditConflict when it changed since), write ``values``
    and the new state in the same UPDATE, record the transition. Call inside the caller's
    transaction; the caller checks who may make the move."""
    check_move(submission.state, to_state)
    claim_version(
        ReportSubmission.objects.filter(pk=submission.pk, state=submission.state),
        loaded=loaded_version,
        values={**(values or {}), "state": to_state, "updated_at": timezone.now()},
        stored=lambda: EditConflict(ReportSubmission.objects.get(pk=submission.pk)),
    )
    ReportTransition.objects.create(
        submission=submission,
        from_state=submission.state,
        to_state=to_state,
        by=user,
        comment=comment,
    )
    submission.refresh_from_db()
    return submission


# --- Staff: save a draft, submit -----------------------------------------------------------


def report_save(
    *,
    project: Project,
    data: services.ReportInput,
    user: User,
    today: dt.date,
    loaded_version: int | None,
    submit: bool,
    uploaded: Sequence[tuple[object, FileKind]] = (),
) -> ReportSubmission:
    """Save the report of the month ``data.period`` as its open submission (a draft), and
    with ``submit`` send it to the head of the agency (ส่งแล้ว รออนุมัติ).

    The same checks as a report saved directly (services.progress_entry_check: the month,
    the date, a reason for a lower percent, the month's lock). The month's approved entry,
    if any, is not touched: the submission changes it only when approved (the entry stays
    what others see until then). ``loaded_version`` is the open submission's version the
    form showed, None when it showed none; EditConflict when that is not what is stored.
    A submitted report cannot be saved again (refused in Thai) until the head returns it.

    Late or on time is recorded when the report is first sent: after the month's deadline
    it is late; a report returned to be corrected keeps what its first sending was."""
    if not permissions.can_report_progress(user, project):
        raise PermissionDenied
    if not project.agency.reports_need_approval:
        raise ValidationError(_("รายงานของหน่วยงานนี้ไม่ต้องได้รับอนุมัติ บันทึกรายงานได้โดยตรง"))
    written: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            submission = _report_save(
                project=project,
                data=data,
                user=user,
                today=today,
                loaded_version=loaded_version,
                submit=submit,
            )
            for file, kind in uploaded:
                services._evidence_add(
                    submission=submission, uploaded=file, kind=kind, user=user, written=written
                )
    except BaseException:
        # The rows are rolled back; the files written to storage must go with them.
        for item in written:
            item.file.storage.delete(item.file.name)
        raise
    return submission


def _report_save(*, project, data, user, today, loaded_version, submit) -> ReportSubmission:
    steps = list(PlanStep.objects.filter(project=project).order_by("order"))
    period = services.report_period(data)
    states = months.month_states(project, [period], today=today, with_submissions=True)
    check = services.progress_entry_check(
        project=project, user=user, steps=steps, data=data, today=today, states=states
    )
    if check.errors:
        raise ValidationError(check.errors)
    state = check.state
    values = services.report_values(project=project, steps=steps, data=data, check=check, user=user)
    submission = state.submission
    if submission is None:
        if loaded_version:
            # The submission the form showed is no longer open: approved since (or gone).
            raise EditConflict(state.entry, version=0) if state.entry else _gone()
        submission = _submission_create(
            project=project, period=period, entry=state.entry, values=values, user=user
        )
        loaded_version, values = submission.version, {}
    elif loaded_version is None:
        # The form showed no open submission, but the month has one now.
        raise EditConflict(submission)
    elif not submit:
        return move(
            submission, State.DRAFT, user=user, loaded_version=loaded_version, values=values
        )
    if not submit:
        return submission
    return move(
        submission,
        State.SUBMITTED,
        user=user,
        loaded_version=loaded_version,
        values={**values, **_sending(submission, state, user)},
    )


def _gone() -> ValidationError:
    return ValidationError(_("รายงานที่แก้ไขอยู่ไม่มีแล้ว กรุณาเปิดแบบรายงานใหม่"))


def _sending(submission: ReportSubmission, state: months.MonthState, user: User) -> dict:
    """What sending a report records: when, by whom, late or not (the first sending's)."""
    on_time_before = submission.submitted_at is not None and not submission.is_late
    return {
        "submitted_at": timezone.now(),
        "submitted_by": user,
        "is_late": state.past_deadline and not on_time_before,
    }


def _submission_create(*, project, period, entry, values, user) -> ReportSubmission:
    submission = ReportSubmission(
        project=project, period=period, entry=entry, created_by=user, state=State.DRAFT, **values
    )
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # Somebody opened this month's submission between our read and our insert.
        stored = ReportSubmission.objects.filter(project=project, period=period)
        raise EditConflict(stored.exclude(state=State.APPROVED).get()) from None
    ReportTransition.objects.create(
        submission=submission, from_state="", to_state=State.DRAFT, by=user
    )
    return submission


# --- The head's decisions: approve, return (the queue: projects/approval_views.py) ---------

# The values of a submission that become its month's entry (the same names on both).
ENTRY_FIELDS = ReportValues.value_names()


def submission_evidence_remove(*, evidence: EvidenceFile, user: User, today: dt.date) -> None:
    """Remove a file attached to a report not yet approved: while the report is a draft or
    returned to be corrected (an edit of it, ``check_move``), by whoever may report that
    month (the same lock as the report's save)."""
    submission = evidence.submission
    project = submission.project
    state = months.month_state(project, submission.period, today=today, with_submissions=True)
    if not permissions.can_report_month(user, project, state):
        raise PermissionDenied
    check_move(submission.state, State.DRAFT)
    with transaction.atomic():
        name, storage = evidence.file.name, evidence.file.storage
        evidence._history_user = user
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))


def _check_decider(submission: ReportSubmission, user: User, today: dt.date) -> None:
    """Who may approve or return: PermissionDenied for who may not approve for the agency;
    a Thai refusal for a report one submitted oneself."""
    if not permissions.can_approve(user, submission.project.agency_id, today=today):
        raise PermissionDenied
    if not permissions.can_decide(user, submission, today=today):
        raise ValidationError(_("อนุมัติหรือส่งกลับรายงานที่ตนเองเป็นผู้ส่งไม่ได้"), code="own_report")


def report_approve(
    submission: ReportSubmission, *, user: User, loaded_version: int, today: dt.date
) -> ProgressEntry:
    """Approve a submitted report: it becomes its month's entry (created, or the month's
    entry updated, through entries.progress_entry_write as a report saved directly) with
    the submission's values; its evidence files move to the entry; the submission keeps the
    entry it became. A new entry is late when the submission was; an entry that existed
    keeps its own (a correction does not make an on-time report late)."""
    _check_decider(submission, user, today)
    check_move(submission.state, State.APPROVED)
    with transaction.atomic():
        existing = ProgressEntry.objects.filter(
            project_id=submission.project_id, period=submission.period
        ).first()
        values = {name: getattr(submission, name) for name in ENTRY_FIELDS}
        values["updated_by"] = submission.updated_by or submission.submitted_by or user
        entry = entries.progress_entry_write(
            project=submission.project,
            period=submission.period,
            values=values,
            user=user,
            late=submission.is_late,
            existing=existing,
            loaded_entry_id=existing.pk if existing else None,
            loaded_version=existing.version if existing else 0,
        )
        if existing is None and submission.submitted_by_id:
            # Who reported it (ผู้รายงาน) is who submitted it; the history names the approver.
            entry.created_by = submission.submitted_by
            ProgressEntry.objects.filter(pk=entry.pk).update(created_by=entry.created_by)
        for evidence in submission.evidence.all():
            evidence.entry, evidence.submission = entry, None
            evidence._history_user = user
            evidence.save(update_fields=["entry", "submission"])
        move(
            submission,
            State.APPROVED,
            user=user,
            loaded_version=loaded_version,
            values={"entry": entry, "decided_at": timezone.now(), "decided_by": user},
        )
    return entry


# The head's comment on a returned report: refused whole past this, never cut (the queue's
# field shows a live counter: data-maxlength).
RETURN_COMMENT_LIMIT = 2000


def report_return(
    submission: ReportSubmission,
    *,
    user: User,
    loaded_version: int,
    comment: str,
    today: dt.date | None = None,
) -> ReportSubmission:
    """Return a submitted report to its staff for correction, with the head's comment
    (required: what to correct). Nothing counts of it until it is submitted and approved.
    ``today`` decides whose delegation is in force (default: today)."""
    _check_decider(submission, user, today or timezone.localdate())
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"comment": [_("กรุณาระบุความเห็นว่าต้องแก้ไขอะไร ก่อนส่งกลับรายงาน")]}, code="required"
        )
    try:
        TextLengthValidator(RETURN_COMMENT_LIMIT)(comment)
    except ValidationError as error:
        raise ValidationError({"comment": error}) from None
    with transaction.atomic():
        # move() writes with QuerySet.update(): the project's kept pages are told here.
        rows_written.send(sender=ReportSubmission, project_ids=[submission.project_id])
        return move(
            submission,
            State.RETURNED,
            user=user,
            loaded_version=loaded_version,
            comment=comment,
            values={"return_comment": comment, "decided_at": timezone.now(), "decided_by": user},
        )


@dataclass(frozen=True)
class Decision:
    """What became of one report of a batch: approved (``entry``) or refused (``reason``)."""

    submission_id: int
    entry: ProgressEntry | None = None
    reason: str = ""
    submission: ReportSubmission | None = None

    @property
    def approved(self) -> bool:
        return self.entry is not None


def report_approve_many(
    pairs: list[tuple[int, int]], *, user: User, today: dt.date
) -> list[Decision]:
    """Approve each (submission id, version the head saw) on its own: one refused (changed
    since, returned by a co-head, not theirs to approve) does not hold back the others. A
    Decision per pair, in order, with the Thai reason of each refusal."""
    wanted = {pk for pk, _version in pairs}
    found = ReportSubmission.objects.select_related("project__agency", "submitted_by", "updated_by")
    found = found.in_bulk(wanted)
    decisions = []
    for pk, version in pairs:
        submission = found.get(pk)
        if submission is None:
            decisions.append(Decision(pk, reason=_("ไม่พบรายงานนี้ (อาจถูกลบไปแล้ว)")))
            continue
        try:
            with transaction.atomic():
                entry = report_approve(submission, user=user, loaded_version=version, today=today)
        except PermissionDenied:
            reason = _("คุณไม่มีสิทธิ์อนุมัติรายงานของหน่วยงานนี้")
        except ValidationError as error:
            reason = " ".join(error.messages)
        except EditConflict:
            reason = _("รายงานนี้มีการเปลี่ยนแปลงหลังจากที่คุณเปิดหน้านี้ กรุณาตรวจสอบอีกครั้ง")
        else:
            decisions.append(Decision(pk, entry=entry, submission=submission))
            continue
        decisions.append(Decision(pk, reason=reason, submission=submission))
    return decisions


def decision_label(submission: ReportSubmission) -> str:
    """«โครงการ … เดือน …»: which report a message is about."""
    return _("%(code)s เดือน%(month)s") % {
        "code": submission.project.code,
        "month": thaidates.month_label(submission.period),
    }


# --- Delegation: a head hands approval to a deputy for a period ----------------------------


def delegation_create(
    *,
    user: User,
    deputy: User | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    note: str = "",
    today: dt.date,
) -> ApprovalDelegation:
    """A head of an agency hands the approval of its reports to ``deputy``, an active
    person of the same agency, from ``starts_on`` to ``ends_on`` (both included, from today
    on). Administrators do it in the admin."""
    if not permissions.can_delegate(user, user.agency_id):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if deputy is None or deputy.pk == user.pk:
        errors["deputy"] = [_("กรุณาเลือกผู้ได้รับมอบหมาย (ไม่ใช่ตนเอง)")]
    elif not deputy.is_active or deputy.agency_id != user.agency_id:
        errors["deputy"] = [_("ผู้ได้รับมอบหมายต้องเป็นผู้ใช้ของหน่วยงานเดียวกัน")]
    if starts_on is None:
        errors["starts_on"] = [_("กรุณากรอกวันที่เริ่ม")]
    elif starts_on < today:
        errors["starts_on"] = [_("วันที่เริ่มต้องไม่ก่อนวันนี้")]
    if ends_on is None:
        errors["ends_on"] = [_("กรุณากรอกวันที่สิ้นสุด")]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม")]
    if errors:
        raise ValidationError(errors)
    return ApprovalDelegation.objects.create(
        agency_id=user.agency_id,
        head=user,
        deputy=deputy,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
    )


def delegation_end(*, delegation: ApprovalDelegation, user: User, today: dt.date) -> None:
    """End a delegation now: one in force ends yesterday (the deputy approves nothing more
    from today), one not begun yet is withdrawn; one already over stays as a record."""
    if not permissions.can_delegate(user, delegation.agency_id):
        raise PermissionDenied
    if delegation.ends_on < today:
        return
    if delegation.starts_on >= today:
        delegation.delete()
    else:
        delegation.ends_on = today - dt.timedelta(days=1)
        delegation.save(update_fields=["ends_on"])
