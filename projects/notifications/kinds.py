"""The kinds of notice, each computed from the data by one function of ``(now)``.

Every function returns ``Notice`` values; none writes. A notice's ``key`` says what it
is about so that running the function again (every hour) finds the same keys and nothing
new is made (projects/notifications/sending.py inserts them under the unique sent-log).
``people_of``, ``project_lines`` and ``since`` serve the kinds of other apps too
(indicators/notices.py, registered with ``register``).

Events (a report returned, a month reopened, a quarter evaluated) are looked for over the
last ``BMA_NOTIFY_LOOKBACK_DAYS`` days: a sending that stopped for a few days catches up,
and the first run on an old database does not tell everybody about years of history.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import months, permissions, thaidates
from projects.models import (
    MonthReopening,
    Notification,
    ProgressEntry,
    Project,
    ReportSubmission,
    ReportTransition,
    User,
)

Kind = Notification.Kind
State = ReportSubmission.State
# Projects named in one notice; the others are counted.
LISTED = 10


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: str
    key: str
    title: str
    body: str
    url: str


# --- who ------------------------------------------------------------------------------------


def people_of(agency_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[int]]:
    """The active users of each agency with one of ``roles``: one query."""
    found = defaultdict(list)
    rows = User.objects.filter(agency_id__in=set(agency_ids), role__in=list(roles), is_active=True)
    for user_id, agency_id in rows.order_by("pk").values_list("pk", "agency_id"):
        found[agency_id].append(user_id)
    return found


STAFF = (User.Role.STAFF,)
STAFF_AND_HEADS = (User.Role.STAFF, User.Role.HEAD)


# --- the months ------------------------------------------------------------------------------


def recent_deadlines(today: dt.date) -> dict[dt.date, dt.date]:
    """The deadline of the months around ``today`` (this one and the three before)."""
    periods = [thaidates.add_months(today, -k) for k in range(4)]
    return months.deadlines(periods, fiscal_years=[])


def unreported(period: dt.date) -> dict[int, list[Project]]:
    """The projects of ``period``'s fiscal year with no report of it submitted or approved
    (no entry, no submission waiting or approved), by agency: one query."""
    entries = ProgressEntry.objects.filter(project=OuterRef("pk"), period=period)
    sent = ReportSubmission.objects.filter(
        project=OuterRef("pk"), period=period, state__in=[State.SUBMITTED, State.APPROVED]
    )
    found = defaultdict(list)
    projects = (
        Project.objects.filter(fiscal_year__year_be=thaidates.fiscal_year_of(period))
        .filter(~Exists(entries), ~Exists(sent))
        .order_by("code")
        .only("pk", "code", "name", "agency_id")
    )
    for project in projects:
        found[project.agency_id].append(project)
    return found


def project_lines(projects: list[Project]) -> str:
    lines = [f"- {p.code} {p.name}" for p in projects[:LISTED]]
    if len(projects) > LISTED:
        lines.append(_("และอีก %(count)d โครงการ") % {"count": len(projects) - LISTED})
    return "\n".join(lines)


def my_agency_url() -> str:
    return reverse("projects:my_agency")


def daytime(now: dt.datetime) -> bool:
    """Notices of the calendar (reminders, late notices, the digest) wait for the working
    day: from ``BMA_NOTIFY_HOUR`` (8 o'clock), not at the first hourly run after midnight."""
    return timezone.localtime(now).hour >= settings.BMA_NOTIFY_HOUR


def reminders(now: dt.datetime) -> list[Notice]:
    """``BMA_REMINDER_DAYS`` days before a month's deadline (to the deadline itself): the
    agency's staff, when some of its projects have no report of the month submitted. One
    notice per person and month (key: the month)."""
    if not daytime(now):
        return []
    today = timezone.localdate(now)
    notices = []
    for period, deadline in recent_deadlines(today).items():
        if not deadline - dt.timedelta(days=settings.BMA_REMINDER_DAYS) <= today <= deadline:
            continue
        missing = unreported(period)
        for agency_id, users in people_of(missing, STAFF).items():
            projects = missing[agency_id]
            days, month = (deadline - today).days, thaidates.month_label(period)
            title = (
                _("อีก %(days)d วันถึงกำหนดส่งรายงานเดือน%(month)s") % {"days": days, "month": month}
                if days
                else _("วันนี้เป็นวันสุดท้ายของการส่งรายงานเดือน%(month)s") % {"month": month}
            )
            body = _("โครงการที่ยังไม่ได้ส่งรายงาน (กำหนดส่ง %(deadline)s) %(count)d โครงการ:") % {
                "deadline": thaidates.format_thai_long(deadline),
                "count": len(projects),
            }
            body = f"{body}\n{project_lines(projects)}"
            notices += [
                Notice(u, Kind.REMINDER, period.isoformat(), title, body, my_agency_url())
                for u in users
            ]
    return notices


def late_notices(now: dt.datetime) -> list[Notice]:
    """From the day after a month's deadline (for ``BMA_NOTIFY_LOOKBACK_DAYS`` days): the
    staff and heads of agencies with projects still without a submitted report of it.
    One notice per person and month."""
    if not daytime(now):
        return []
    today = timezone.localdate(now)
    window = dt.timedelta(days=settings.BMA_NOTIFY_LOOKBACK_DAYS)
    notices = []
    for period, deadline in recent_deadlines(today).items():
        if not deadline < today <= deadline + window:
            continue
        missing = unreported(period)
        for agency_id, users in people_of(missing, STAFF_AND_HEADS).items():
            projects = missing[agency_id]
            title = _("รายงานเดือน%(month)s เลยกำหนดส่งแล้ว %(count)d โครงการ") % {
                "month": thaidates.month_label(period),
                "count": len(projects),
            }
            body = _("กำหนดส่งคือวันที่ %(deadline)s โครงการที่ยังไม่ได้ส่งรายงาน:") % {
                "deadline": thaidates.format_thai_long(deadline)
            }
            body = f"{body}\n{project_lines(projects)}"
            notices += [
                Notice(u, Kind.LATE, period.isoformat(), title, body, my_agency_url())
                for u in users
            ]
    return notices


def since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.BMA_NOTIFY_LOOKBACK_DAYS)


def returned(now: dt.datetime) -> list[Notice]:
    """A report returned by the head (a ReportTransition to "returned"): the staff who
    submitted it (or made it); when neither is still active staff of the agency, all its
    staff. Key: the transition."""
    transitions = list(
        ReportTransition.objects.filter(to_state=State.RETURNED, at__gte=since(now), at__lte=now)
        .select_related("submission__project", "by")
        .order_by("pk")
    )
    staff = people_of({t.submission.project.agency_id for t in transitions}, STAFF)
    notices = []
    for transition in transitions:
        submission = transition.submission
        project = submission.project
        agency_staff = staff.get(project.agency_id, [])
        authors = [
            u for u in (submission.submitted_by_id, submission.created_by_id) if u in agency_staff
        ]
        title = _("รายงานเดือน%(month)s ของโครงการ %(code)s ถูกส่งกลับแก้ไข") % {
            "month": thaidates.month_label(submission.period),
            "code": project.code,
        }
        body = _("%(project)s\nหัวหน้าหน่วยงานส่งกลับให้แก้ไข: %(comment)s") % {
            "project": f"{project.code} {project.name}",
            "comment": transition.comment,
        }
        url = reverse("projects:report", args=[project.code]) + f"?period={submission.period}"
        notices += [
            Notice(u, Kind.RETURNED, str(transition.pk), title, body, url)
            for u in dict.fromkeys(authors or agency_staff)
        ]
    return notices


def approvals_url() -> str:
    return reverse("projects:approvals")


def approvers_of(agency_ids: Iterable[int], *, today: dt.date) -> dict[int, list[int]]:
    """Who may approve each agency's reports on ``today``: its heads, and the deputies of a
    delegation in force (permissions.delegations_in_force): two queries."""
    found = people_of(agency_ids, (User.Role.HEAD,))
    deputies = permissions.delegations_in_force(today=today).filter(
        agency_id__in=set(agency_ids), deputy__is_active=True
    )
    for agency_id, deputy_id in deputies.order_by("deputy_id").values_list(
        "agency_id", "deputy_id"
    ):
        if deputy_id not in found[agency_id]:
            found[agency_id].append(deputy_id)
    return found


def digests(now: dt.datetime) -> list[Notice]:
    """Once a day: each head of an agency with submitted reports waiting for approval (and a
    deputy the head delegated to for that day), the number waiting and the oldest. Key: the
    day."""
    if not daytime(now):
        return []
    today = timezone.localdate(now)
    waiting = defaultdict(list)
    for submission in (
        ReportSubmission.objects.filter(state=State.SUBMITTED)
        .select_related("project")
        .order_by("submitted_at", "pk")
    ):
        waiting[submission.project.agency_id].append(submission)
    notices = []
    for agency_id, heads in approvers_of(waiting, today=today).items():
        submissions = waiting[agency_id]
        title = _("มีรายงานรออนุมัติ %(count)d รายการ (%(day)s)") % {
            "count": len(submissions),
            "day": thaidates.format_thai_short(today),
        }
        lines = [
            f"- {s.project.code} {s.project.name} "
            f"({thaidates.month_label(s.period)}, "
            + _("ส่งเมื่อ %(day)s")
            % {"day": thaidates.format_thai_short(timezone.localdate(s.submitted_at))}
            + ")"
            for s in submissions[:LISTED]
        ]
        if len(submissions) > LISTED:
            lines.append(_("และอีก %(count)d รายการ") % {"count": len(submissions) - LISTED})
        body = "\n".join([_("รายงานที่ส่งแล้ว รออนุมัติ:"), *lines])
        notices += [
            Notice(u, Kind.DIGEST, today.isoformat(), title, body, approvals_url()) for u in heads
        ]
    return notices


def reopenings(now: dt.datetime) -> list[Notice]:
    """A month reopened by สยป. for a project (still open today): the agency's staff. Key:
    the reopening."""
    today = timezone.localdate(now)
    rows = list(
        MonthReopening.objects.filter(
            reopened_at__gte=since(now), reopened_at__lte=now, until__gte=today
        )
        .select_related("project")
        .order_by("pk")
    )
    staff = people_of({r.project.agency_id for r in rows}, STAFF)
    notices = []
    for reopening in rows:
        project = reopening.project
        title = _("เปิดรับรายงานเดือน%(month)s ของโครงการ %(code)s ย้อนหลัง") % {
            "month": thaidates.month_label(reopening.period),
            "code": project.code,
        }
        body = _("%(project)s\nส่งรายงานได้ถึงวันที่ %(until)s\nเหตุผล: %(reason)s") % {
            "project": f"{project.code} {project.name}",
            "until": thaidates.format_thai_long(reopening.until),
            "reason": reopening.reason,
        }
        url = reverse("projects:report", args=[project.code]) + f"?period={reopening.period}"
        notices += [
            Notice(u, Kind.REOPENED, str(reopening.pk), title, body, url)
            for u in staff.get(project.agency_id, [])
        ]
    return notices


# Each kind's function. Kinds about another app's data are added by that app when it is
# ready (indicators: a quarter evaluated, indicators/notices.py), so that projects
# imports nothing of indicators (docs/architecture.md).
KINDS = {
    Kind.REMINDER: reminders,
    Kind.LATE: late_notices,
    Kind.RETURNED: returned,
    Kind.DIGEST: digests,
    Kind.REOPENED: reopenings,
}


def register(kind: str, compute) -> None:
    KINDS[Notification.Kind(kind)] = compute


def all_notices(now: dt.datetime) -> list[Notice]:
    return [notice for compute in KINDS.values() for notice in compute(now)]
