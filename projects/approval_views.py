"""The head's queue (รออนุมัติ): the submitted reports of the agencies one may approve,
approved one or many at once, or returned with a comment; and the page where a head hands
approval to a deputy for a period (projects/approvals.py holds the rules).

One view, two renders (django-htmx): the page, or on an htmx request only the queue
(``#queue``), with what happened said at its top. Without JavaScript the forms post
normally and the answer redirects back (PRG) with the same message."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects import (
    approval_selectors,
    approvals,
    permissions,
    plan_version_selectors,
    thaidates,
    view_helpers,
)
from projects.form_helpers import LengthLimitsMixin, ThaiDateField
from projects.locking import EditConflict
from projects.models import ApprovalDelegation, ReportSubmission, User

QUEUE = "projects/approvals.html"


@login_required
def approval_queue(request):
    """รออนุมัติ: GET the queue; POST ``action`` approve / return (one report: ``submission``,
    ``version``, ``comment``) or approve_many (``pick``: "id:version" of each ticked)."""
    today = view_helpers.today()
    agency_ids = permissions.agencies_to_approve(request.user, today=today)
    if not agency_ids and not permissions.can_evaluate(request.user):
        raise PermissionDenied
    page_number = request.GET.get("page")
    if request.method != "POST":
        return _render(request, agency_ids, page_number)
    if not agency_ids:  # (สยป. decide plans on each plan's versions page)
        raise PermissionDenied
    action = request.POST.get("action")
    if action == "approve_many":
        notice, tone = _approve_many(request, today)
        return _answer(request, agency_ids, page_number, notice, tone)
    submission = _posted_submission(request)
    version = _int(request.POST.get("version")) or 0
    try:
        if action == "approve":
            approvals.report_approve(
                submission, user=request.user, loaded_version=version, today=today
            )
            notice = _("อนุมัติรายงาน %(report)s แล้ว") % {
                "report": approvals.decision_label(submission)
            }
        elif action == "return":
            approvals.report_return(
                submission,
                user=request.user,
                loaded_version=version,
                comment=request.POST.get("comment", ""),
                today=today,
            )
            notice = _("ส่งรายงาน %(report)s กลับให้แก้ไขแล้ว") % {
                "report": approvals.decision_label(submission)
            }
        else:
            return _render(request, agency_ids, page_number, status=400)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "comment" in error.error_dict:
            return _refused_comment(request, agency_ids, page_number, submission, error)
        return _answer(request, agency_ids, page_number, " ".join(error.messages), "error", 409)
    except EditConflict:
        return _answer(request, agency_ids, page_number, _changed(submission), "error", 409)
    return _answer(request, agency_ids, page_number, notice, "ok")


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _posted_submission(request) -> ReportSubmission:
    return get_object_or_404(
        ReportSubmission.objects.select_related("project__agency"),
        pk=_int(request.POST.get("submission")) or 0,
    )


def _changed(submission) -> str:
    return _("รายงาน %(report)s มีการเปลี่ยนแปลงหลังจากที่คุณเปิดหน้านี้ กรุณาตรวจสอบอีกครั้ง") % {
        "report": approvals.decision_label(submission)
    }


def _approve_many(request, today) -> tuple[str, str]:
    pairs = []
    for raw in request.POST.getlist("pick"):
        pk, _sep, version = raw.partition(":")
        if _int(pk) is not None and _int(version) is not None:
            pairs.append((_int(pk), _int(version)))
    if not pairs:
        return _("กรุณาเลือกรายงานที่จะอนุมัติอย่างน้อยหนึ่งรายงาน"), "error"
    decisions = approvals.report_approve_many(pairs, user=request.user, today=today)
    approved = sum(1 for d in decisions if d.approved)
    lines = [
        ngettext("อนุมัติแล้ว %(count)s รายงาน", "อนุมัติแล้ว %(count)s รายงาน", approved)
        % {"count": approved}
    ]
    for decision in decisions:
        if not decision.approved:
            which = (
                approvals.decision_label(decision.submission)
                if decision.submission
                else f"#{decision.submission_id}"
            )
            lines.append(
                _("ไม่ได้อนุมัติ %(report)s: %(reason)s") % {"report": which, "reason": decision.reason}
            )
    return "\n".join(lines), "ok" if approved == len(decisions) else "error"


def _answer(request, agency_ids, page_number, notice, tone, status=200):
    """After a decision: the queue again with ``notice`` at its top (htmx), or back to
    the queue with the notice as a message (PRG)."""
    if request.htmx:
        return _render(request, agency_ids, page_number, notice=notice, tone=tone, status=status)
    for line in notice.splitlines():
        (messages.success if tone == "ok" else messages.error)(request, line)
    query = f"?{urlencode({'page': page_number})}" if page_number else ""
    return redirect(reverse("projects:approvals") + query)


def _refused_comment(request, agency_ids, page_number, submission, error):
    """A return without a comment: the queue again, the reason by that report's comment
    field, and the focus on it (PRG would lose the field's place: rendered as is)."""
    message = " ".join(error.error_dict["comment"][0].messages)
    return _render(
        request,
        agency_ids,
        page_number,
        refused={submission.pk: message},
        status=422,
    )


def _render(request, agency_ids, page_number, *, notice="", tone="ok", refused=None, status=200):
    page, rows = approval_selectors.approval_queue(agency_ids, page_number=page_number)
    for row in rows:
        row.error = (refused or {}).get(row.submission.pk, "")
    context = {
        "page": page,
        "rows": rows,
        "notice": notice,
        "tone": tone,
        "page_number": page.number,
        "can_delegate": permissions.can_delegate(request.user, request.user.agency_id),
        # Issue 18: plans sent for approval, each a link to its versions page (every
        # agency's for สยป.).
        "plans": list(
            plan_version_selectors.waiting_plans(
                approval_selectors.plan_agencies(request.user, agency_ids)
            )
        ),
        # สยป. without an agency of their own to approve for see the plans only.
        "approves_reports": bool(agency_ids),
    }
    # The top bar's «รออนุมัติ (N)» is this count, reports and plans (as
    # approval_selectors.waiting_count): not asked again (context processors' values give
    # way to the view's).
    count = page.paginator.count + len(context["plans"])
    context["waiting_count"] = context["nav_waiting_count"] = count
    if request.htmx:
        return render(request, QUEUE + "#queue", context, status=status)
    return render(request, QUEUE, context, status=status)


# --- Delegations ---------------------------------------------------------------------------


class DelegationForm(LengthLimitsMixin, forms.Form):
    deputy = forms.ModelChoiceField(
        label=gettext_lazy("ผู้ได้รับมอบหมาย"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("— เลือก —"),
    )
    starts_on = ThaiDateField(label=gettext_lazy("ตั้งแต่วันที่"), required=False)
    ends_on = ThaiDateField(label=gettext_lazy("ถึงวันที่"), required=False)
    note = forms.CharField(label=gettext_lazy("หมายเหตุ"), max_length=255, required=False)

    def __init__(self, *args, head, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = (
            User.objects.filter(agency_id=head.agency_id, is_active=True)
            .exclude(pk=head.pk)
            .order_by("first_name", "last_name")
        )


@login_required
def delegations(request):
    """มอบหมายให้อนุมัติแทน: a head hands approval to a deputy for a period, and ends it."""
    user, today = request.user, view_helpers.today()
    if not permissions.can_delegate(user, user.agency_id):
        raise PermissionDenied
    form = DelegationForm(head=user, initial={"starts_on": today, "ends_on": today})
    if request.method == "POST" and request.POST.get("action") == "end":
        delegation = get_object_or_404(
            ApprovalDelegation, pk=_int(request.POST.get("delegation")) or 0
        )
        approvals.delegation_end(delegation=delegation, user=user, today=today)
        messages.success(request, _("ยกเลิกการมอบหมายให้ %(who)s แล้ว") % {"who": delegation.deputy})
        return redirect("projects:delegations")
    if request.method == "POST":
        form = DelegationForm(request.POST, head=user)
        if form.is_valid():
            try:
                made = approvals.delegation_create(user=user, today=today, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("มอบหมายให้ %(who)s อนุมัติรายงานแทน ตั้งแต่ %(start)s ถึง %(end)s แล้ว")
                    % {
                        "who": made.deputy,
                        "start": thaidates.format_be(made.starts_on),
                        "end": thaidates.format_be(made.ends_on),
                    },
                )
                return redirect("projects:delegations")
    given = (
        ApprovalDelegation.objects.filter(agency_id=user.agency_id)
        .select_related("head", "deputy")
        .order_by("-ends_on", "-starts_on")[:50]
    )
    context = {"form": form, "delegations": given, "today": today}
    status = 422 if request.method == "POST" else 200
    return render(request, "projects/delegations.html", context, status=status)
