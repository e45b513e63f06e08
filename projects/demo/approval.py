"""Reports on their way to approval in the demo (issue 15): the seed agency's head (user
``head``) has approved its current-year reports, and this year's latest months hold a
report in each open state, so that every step can be tried at once:

- the first project's current month: a draft (ร่าง) by ``staff``;
- the first project's month before (when it is in the fiscal year): sent, waiting for the
  head (ส่งแล้ว รออนุมัติ), a change to that month's approved report if it has one;
- the second project's current month: returned by the head with a comment (ส่งกลับแก้ไข).

Written directly, as the other demo rows (the rules of the moves are projects/approvals.py's,
which the demo follows). Idempotent: a month that already has an open submission, and an
entry that already has its approved one, are left alone.
"""

import datetime as dt

from django.utils import timezone

from projects import thaidates

RETURN_COMMENT = "กรุณาระบุจำนวนผู้เข้าร่วมกิจกรรม และแนบภาพถ่ายประกอบก่อนส่งอีกครั้ง"


def _stamp(day: dt.date, hour: int) -> dt.datetime:
    """``hour`` o'clock of ``day``, or now if that is still to come."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), timezone.now())


def ensure_approvals(report, projects: dict, today: dt.date, users: dict) -> None:
    """``projects``: code → (project, spec), as make_demo builds it."""
    head, staff = users.get("head"), users.get("staff")
    if head is None or staff is None:
        return
    mine = sorted(
        (
            project
            for project, spec in projects.values()
            if spec.year_be == report.year_be
            and project.agency_id == head.agency_id
            and project.agency.reports_need_approval
        ),
        key=lambda p: p.code,
    )
    for project in mine:
        _ensure_approved(report, project, head, staff)
    current = today.replace(day=1)
    previous = thaidates.add_months(current, -1)
    wanted = []
    if mine:
        wanted.append((mine[0], current, "draft"))
        if mine[0].fiscal_year.contains(previous):
            wanted.append((mine[0], previous, "submitted"))
    if len(mine) > 1:
        wanted.append((mine[1], current, "returned"))
    for project, period, state in wanted:
        _ensure_open(report, project, period, state, today=today, head=head, staff=staff)


def _values(entry) -> dict:
    return {
        "reported_on": entry.reported_on,
        "percent": entry.percent,
        "narrative": entry.narrative,
        "problems": entry.problems,
        "obstacles": entry.obstacles,
        "completed_steps": list(entry.completed_steps),
        "in_progress_step_id": entry.in_progress_step_id,
        "partial_percent": entry.partial_percent,
        "lower_reason": entry.lower_reason,
        "committed": entry.committed,
        "disbursed": entry.disbursed,
        "budget_lower_reason": entry.budget_lower_reason,
    }


def _ensure_approved(report, project, head, staff) -> None:
    """Each report of the year, as the head approved it the day after it was sent."""
    from projects.models import ReportSubmission

    approved = set(
        ReportSubmission.objects.filter(
            project=project, state=ReportSubmission.State.APPROVED
        ).values_list("entry_id", flat=True)
    )
    for entry in project.entries.order_by("period"):
        if entry.pk in approved:
            report.found["submissions"] += 1
            continue
        sent = _stamp(entry.reported_on, 10)
        decided = _stamp(entry.reported_on + dt.timedelta(days=1), 14)
        submission = ReportSubmission.objects.create(
            project=project,
            period=entry.period,
            state=ReportSubmission.State.APPROVED,
            entry=entry,
            submitted_at=sent,
            submitted_by=staff,
            is_late=entry.is_late,
            decided_at=decided,
            decided_by=head,
            created_by=staff,
            updated_by=staff,
            **_values(entry),
        )
        _moves(
            submission, [("", "draft", staff, "", sent), ("draft", "submitted", staff, "", sent)]
        )
        _moves(submission, [("submitted", "approved", head, "", decided)])
        report.created["submissions"] += 1


def _ensure_open(report, project, period, state, *, today, head, staff) -> None:
    from projects.models import ProgressEntry, ReportSubmission

    open_states = ReportSubmission.OPEN_STATES
    if ReportSubmission.objects.filter(
        project=project, period=period, state__in=open_states
    ).exists():
        report.found["submissions"] += 1
        return
    entry = ProgressEntry.objects.filter(project=project, period=period).first()
    base = entry or ProgressEntry.objects.filter(project=project, period__lt=period).latest_month()
    reported_on = min(today, thaidates.month_end(period) + dt.timedelta(days=3))
    values = _values(base) if base is not None else {"percent": 0, "completed_steps": []}
    month = thaidates.month_label(period)
    values.update(
        reported_on=reported_on,
        narrative=f"ดำเนินการตามแผนของเดือน{month} (รายงานสาธิตที่ยังไม่ได้รับอนุมัติ)",
        lower_reason="",
    )
    sent = _stamp(reported_on, 10)
    submission = ReportSubmission.objects.create(
        project=project,
        period=period,
        state=state,
        entry=entry,
        submitted_at=None if state == "draft" else sent,
        submitted_by=None if state == "draft" else staff,
        decided_at=_stamp(reported_on, 15) if state == "returned" else None,
        decided_by=head if state == "returned" else None,
        return_comment=RETURN_COMMENT if state == "returned" else "",
        created_by=staff,
        updated_by=staff,
        **values,
    )
    moves = [("", "draft", staff, "", sent)]
    if state != "draft":
        moves.append(("draft", "submitted", staff, "", sent))
    if state == "returned":
        moves.append(("submitted", "returned", head, RETURN_COMMENT, _stamp(reported_on, 15)))
    _moves(submission, moves)
    report.created["submissions"] += 1


def _moves(submission, moves) -> None:
    from projects.models import ReportTransition

    for from_state, to_state, by, comment, at in moves:
        move = ReportTransition.objects.create(
            submission=submission, from_state=from_state, to_state=to_state, by=by, comment=comment
        )
        # auto_now_add ignores a given value: date the move as if made then.
        ReportTransition.objects.filter(pk=move.pk).update(at=at)
