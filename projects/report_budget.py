"""The budget figures of a monthly report (issue 16): cumulative committed (ก่อหนี้ผูกพัน
สะสม) and disbursed (เบิกจ่ายสะสม) to the month's end, only for a project with a budget.

The rules, asked by services.progress_entry_check (the direct save, approvals.report_save
and the live preview all ask it): the disbursed amount is not more than the amount after
transfers; committed plus disbursed neither; a figure lower than the one last reported
before this month needs a reason (as a lower percent does). Blank is "not reported": it is
never compared, never stored as 0."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from projects import thaidates
from projects.models import ProgressEntry, Project
from projects.money import format_baht

FIGURES = ("committed", "disbursed")


def previous_figures(project: Project, period: dt.date) -> dict[str, ProgressEntry | None]:
    """For each figure, the latest report before ``period`` that has it (a month that left
    it blank is skipped: blank is not zero). One small query (the earlier reports that have
    a figure: a year's at most), only for a budget."""
    previous: dict[str, ProgressEntry | None] = dict.fromkeys(FIGURES)
    earlier = (
        ProgressEntry.objects.filter(project=project, period__lt=period)
        .filter(Q(committed__isnull=False) | Q(disbursed__isnull=False))
        .only("pk", "period", "reported_on", *FIGURES)
        .order_by("-period")
    )
    for entry in earlier:
        for name in FIGURES:
            if previous[name] is None and getattr(entry, name) is not None:
                previous[name] = entry
        if all(previous.values()):
            break
    return previous


def lower_figures(data, previous: dict[str, ProgressEntry | None]) -> list[str]:
    """The figures of ``data`` lower than the previous report's."""
    lower = []
    for name in FIGURES:
        value, before = getattr(data, name), previous.get(name)
        if value is not None and before is not None and value < getattr(before, name):
            lower.append(name)
    return lower


def _label(name: str) -> str:
    return _("ก่อหนี้ผูกพันสะสม") if name == "committed" else _("เบิกจ่ายสะสม")


def budget_errors(project: Project, period: dt.date, data) -> tuple[dict, list[str], dict]:
    """The errors of the figures of ``data`` by form field, in Thai, which figures are
    lower than last reported, and the reports last reported (previous_figures). Nothing
    for a project without a budget (no figures)."""
    if not project.has_budget:
        return {}, [], {}
    errors: dict[str, list[str]] = {}
    after = project.budget_after_transfers()
    committed, disbursed = data.committed, data.disbursed
    if disbursed is not None and disbursed > after:
        errors.setdefault("disbursed", []).append(
            _("เบิกจ่ายสะสม %(amount)s เกินงบประมาณหลังโอนเปลี่ยนแปลง (%(budget)s)")
            % {"amount": format_baht(disbursed), "budget": format_baht(after)}
        )
    elif committed is not None and committed + (disbursed or Decimal(0)) > after:
        errors.setdefault("committed", []).append(
            _("ก่อหนี้ผูกพันสะสมรวมกับเบิกจ่ายสะสม (%(total)s) เกินงบประมาณหลังโอนเปลี่ยนแปลง (%(budget)s)")
            % {
                "total": format_baht(committed + (disbursed or Decimal(0))),
                "budget": format_baht(after),
            }
        )
    previous = previous_figures(project, period)
    lower = lower_figures(data, previous)
    if lower and not data.budget_lower_reason.strip():
        errors["budget_lower_reason"] = [
            _lower_message(name, getattr(data, name), previous[name]) for name in lower
        ]
    return errors, lower, previous


def _lower_message(name: str, value: Decimal, before: ProgressEntry) -> str:
    return _("%(figure)s %(new)s น้อยกว่ารายงานครั้งก่อน (%(old)s เดือน%(month)s) กรุณาระบุเหตุผล") % {
        "figure": _label(name),
        "new": format_baht(value),
        "old": format_baht(getattr(before, name)),
        "month": thaidates.month_label(before.period),
    }
