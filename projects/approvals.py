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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import months, permissions, services
from projects.evidence import FileKind
from projects.locking import EditConflict, claim_version
from projects.models import (
    EvidenceFile,
    PlanStep,
    Project,
    ReportSubmission,
    ReportTransition,
    User,
)

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
    values = services.report_values(steps=steps, data=data, check=check, user=user)
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
