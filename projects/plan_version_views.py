"""The plan's versions (issue 18): the list with what changed in each, sending the plan for
approval, and approving or returning a version (projects/plan_versions.py holds the rules).

One view, two renders: the page, or on an htmx request only its ``#versions`` part with
what happened said beside the button that was pressed. Without JavaScript the forms post
normally and the answer redirects back (PRG) with the same message."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import permissions, plan_version_selectors, plan_versions, selectors, view_helpers
from projects.models import PlanVersion

PAGE = "projects/plan_versions.html"


@login_required
def plan_versions_page(request, code):
    """แผนฉบับต่าง ๆ: every version of the plan, newest first, with its changes."""
    project = selectors.project_for_page(code)
    return _render(request, project)


@login_required
@require_POST
def plan_submit(request, code):
    """ส่งแผนให้อนุมัติ: the current plan as a version (``reason``)."""
    project = selectors.project_for_page(code)
    if not permissions.can_submit_plan(request.user, project):
        raise PermissionDenied
    try:
        version = plan_versions.plan_version_submit(
            project=project, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        return _answer(request, project, " ".join(error.messages), "error", at="submit")
    notice = _("ส่งแผนฉบับที่ %(n)s ให้อนุมัติแล้ว") % {"n": version.number}
    return _answer(request, project, notice, "ok", at="submit")


@login_required
@require_POST
def plan_decide(request, code, number):
    """Approve (``action=approve``) or return (``action=return`` with ``comment``) a version."""
    project = selectors.project_for_page(code)
    today, action = view_helpers.today(), request.POST.get("action")
    if not permissions.can_approve_plan(request.user, project, today=today):
        raise PermissionDenied
    version = get_object_or_404(PlanVersion, project=project, number=number)
    seen = _sent_at(request.POST.get("sent"))
    try:
        if action == "approve":
            plan_versions.plan_version_approve(
                version=version, user=request.user, today=today, seen_sent_at=seen
            )
            notice = _("อนุมัติแผนฉบับที่ %(n)s แล้ว เป็นแผนฐานของโครงการ") % {"n": number}
        elif action == "return":
            plan_versions.plan_version_return(
                version=version,
                user=request.user,
                comment=request.POST.get("comment", ""),
                today=today,
                seen_sent_at=seen,
            )
            notice = _("ส่งแผนฉบับที่ %(n)s กลับให้แก้ไขแล้ว") % {"n": number}
        else:
            return _answer(request, project, _("ไม่รู้จักคำสั่งนี้"), "error", at=number)
    except ValidationError as error:
        return _answer(request, project, " ".join(error.messages), "error", at=number)
    return _answer(request, project, notice, "ok", at=number)


def _sent_at(raw) -> dt.datetime | None:
    """When the version the decider looked at was sent (the form's ``sent``)."""
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _answer(request, project, notice: str, tone: str, *, at):
    """The versions again with ``notice`` beside the button pressed (``at``: "submit" or a
    version's number), or back to the page with the notice as a message (PRG)."""
    if request.htmx:
        project = selectors.project_for_page(project.code)  # what the decision changed
        return _render(request, project, notice={"at": at, "text": notice, "tone": tone})
    (messages.success if tone == "ok" else messages.error)(request, notice)
    return redirect(reverse("projects:plan_versions", args=[project.code]))


def _render(request, project, *, notice=None):
    user, today = request.user, view_helpers.today()
    rows = plan_version_selectors.version_rows(project, user=user, today=today)
    open_version = next((r.version for r in rows if r.version.is_open), None)
    plan = selectors.plan_summary(project)
    context = {
        "project": project,
        "rows": rows,
        "plan": plan,
        "baseline": selectors.baseline(project),
        "open_version": open_version,
        "can_submit": permissions.can_submit_plan(user, project)
        and bool(plan.steps)
        and (open_version is None or open_version.state != PlanVersion.State.SUBMITTED),
        "notice": notice,
    }
    template = PAGE + "#versions" if request.htmx else PAGE
    return render(request, template, context)
