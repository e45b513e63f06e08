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

The functions of each move (``report_save``, ``report_submit``, ``report_approve``,
``report_approve_many``, ``report_return``) are written on ``move`` below.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.locking import EditConflict, claim_version
from projects.models import ReportSubmission, ReportTransition, User

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
