"""A project's budget block and its transfers (issue 16; projects/models/budget.py).

``budget_summary`` is the one home of the block's numbers: the project page, the print
view and the PDF show what it returns. ``budget_transfer_create`` is the one write of a
transfer made from the screen (the admin's inline writes the same rows).

The figures are those of the latest approved report (a ProgressEntry row: a report waiting
for the head's approval is a ReportSubmission and does not count) that has any: committed
and disbursed are cumulative to its month's end, blank is "not reported" and never 0."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from projects import permissions, thaidates
from projects.models import BudgetSource, BudgetTransfer, ProgressEntry, Project, User
from projects.money import check_amount, format_baht, percent_of

REASON_MAX = 500


@dataclass(frozen=True)
class BudgetSummary:
    """The block's numbers (None: not known; a project without a budget has ``has_budget``
    False and nothing else)."""

    has_budget: bool
    allocated: Decimal | None = None
    after_transfers: Decimal | None = None
    transfers: tuple = ()
    budget_type: str = ""
    source: str = ""
    period: dt.date | None = None  # the month of the report the figures come from
    committed: Decimal | None = None
    disbursed: Decimal | None = None

    @property
    def total_used(self) -> Decimal | None:
        """ใช้จ่ายรวม = committed + disbursed (what is reported of them; None if neither)."""
        if self.committed is None and self.disbursed is None:
            return None
        return (self.committed or Decimal("0.00")) + (self.disbursed or Decimal("0.00"))

    @property
    def remaining(self) -> Decimal | None:
        """คงเหลือ = after transfers − total used (None until figures are reported)."""
        used = self.total_used
        if used is None or self.after_transfers is None:
            return None
        return self.after_transfers - used

    @property
    def disbursed_percent(self) -> Decimal | None:
        """Disbursed as a percent of the amount after transfers, two places."""
        if self.disbursed is None:
            return None
        return percent_of(self.disbursed, self.after_transfers)


def budget_summary(project: Project, entries=None) -> BudgetSummary:
    """The budget block of ``project``. Its transfers are ``project.budget_transfers``
    (prefetch them for many projects); the figures come from ``entries`` when given (the
    project's approved reports, already fetched: no query), else from one query. None of
    this without a budget."""
    if not project.has_budget:
        return BudgetSummary(has_budget=False)
    transfers = tuple(
        sorted(project.budget_transfers.all(), key=lambda t: (t.transferred_on, t.pk))
    )
    if entries is None:
        latest = (
            ProgressEntry.objects.filter(project=project)
            .filter(Q(committed__isnull=False) | Q(disbursed__isnull=False))
            .order_by("-period", "-pk")
            .only("period", "committed", "disbursed")
            .first()
        )
    else:
        reported = [e for e in entries if e.committed is not None or e.disbursed is not None]
        latest = max(reported, key=lambda e: (e.period, e.pk), default=None)
    return BudgetSummary(
        has_budget=True,
        allocated=project.budget_allocated,
        after_transfers=project.budget_allocated
        + sum((t.amount for t in transfers), Decimal("0.00")),
        transfers=transfers,
        budget_type=project.budget_type.name if project.budget_type_id else "",
        source=project.get_budget_source_display(),
        period=latest.period if latest else None,
        committed=latest.committed if latest else None,
        disbursed=latest.disbursed if latest else None,
    )


def used_beyond(summary: BudgetSummary, after: Decimal) -> str:
    """Why an amount after transfers of ``after`` is too little for what the latest
    approved report has committed and disbursed (the monthly rule: committed + disbursed
    ≤ after transfers), or ""."""
    used = summary.total_used
    if used is None or after >= used:
        return ""
    return _(
        "งบประมาณหลังโอนเปลี่ยนแปลงจะเหลือ %(after)s น้อยกว่าที่ก่อหนี้ผูกพันและเบิกจ่ายแล้ว "
        "%(used)s (รายงานเดือน%(month)s)"
    ) % {
        "after": format_baht(after),
        "used": format_baht(used),
        "month": thaidates.month_label(summary.period) if summary.period else "",
    }


def budget_errors(allocated, budget_type, source) -> dict[str, list]:
    """What is wrong with a project's budget, by field (money.check_amount's limits)."""
    errors: dict[str, list] = {}
    if allocated is not None:
        try:
            check_amount(allocated)
        except ValidationError as error:
            errors["budget_allocated"] = error.messages
    elif budget_type is not None:
        errors["budget_allocated"] = [_("เลือกประเภทงบประมาณแล้ว กรุณากรอกงบประมาณที่ได้รับจัดสรร")]
    if budget_type is not None and not budget_type.is_active:
        errors["budget_type"] = [_("ประเภทงบประมาณนี้เลิกใช้แล้ว เลือกประเภทอื่น")]
    if source not in BudgetSource.values:
        errors["budget_source"] = [_("เลือกแหล่งงบประมาณจากรายการ")]
    return errors


def budget_transfer_create(
    *,
    user: User,
    project: Project,
    transferred_on: dt.date,
    amount: Decimal,
    reason: str,
) -> BudgetTransfer:
    """Record a transfer in (``amount`` > 0) or out (< 0) of ``project``'s budget. Refused
    in Thai, nothing written: a project without a budget, an amount of 0 or beyond the
    money's limits, no reason, or a transfer out that would leave the amount after
    transfers below 0 (the project's row is locked while that is checked)."""
    if not permissions.can_edit_project(user, project):
        raise PermissionDenied
    reason = reason.strip()
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [_("กรุณากรอกเหตุผลของการโอน")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("เหตุผลยาวเกิน %(limit)s ตัวอักษร") % {"limit": REASON_MAX}]
    if not amount:
        errors["amount"] = [_("จำนวนเงินที่โอนต้องมากกว่า 0")]
    else:
        try:
            check_amount(abs(amount))
        except ValidationError as error:
            errors["amount"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.budget_allocated is None:
            raise ValidationError(_("โครงการนี้ยังไม่มีงบประมาณที่ได้รับจัดสรร จึงบันทึกการโอนไม่ได้"))
        if messages := transfer_amount_errors(locked, amount):
            raise ValidationError({"amount": messages})
        return BudgetTransfer.objects.create(
            project=locked, transferred_on=transferred_on, amount=amount, reason=reason
        )


def transfer_amount_errors(project: Project, amount: Decimal) -> list[str]:
    """What is wrong with transferring ``amount`` (signed) in or out of ``project``'s
    budget as it stands: an amount after transfers below 0, below what is already
    committed or disbursed, or past the money's limit. ``budget_transfer_create`` asks it
    with the project's row locked; the form asks it too when another field is wrong, so
    that every error shows at once."""
    if project.budget_allocated is None:
        return []
    after = project.budget_after_transfers() + amount
    if after < 0:
        return [
            _("โอนออกได้ไม่เกินงบประมาณหลังโอนเปลี่ยนแปลง (%(after)s)")
            % {"after": format_baht(project.budget_after_transfers())}
        ]
    if message := used_beyond(budget_summary(project), after):
        return [message]
    try:
        check_amount(after)  # a transfer in that would pass the money's limit
    except ValidationError as error:
        return error.messages
    return []
