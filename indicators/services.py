"""Writes of the evaluation: project and KPI results per quarter, quarter locks, KPI criteria.

Every function is keyword-only and atomic. Saves of a row use optimistic locking
(projects/locking.py): the caller passes the ``version`` it edited, and a row somebody else
saved meanwhile is refused with ``EditConflict`` (holding their row) instead of being
overwritten silently. Saves
into a closed quarter raise ``QuarterLocked``; they hold the quarter's lock row
(SELECT … FOR UPDATE) so that a save and a close of the same quarter cannot interleave.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    Indicator,
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
    QuarterLock,
    QuarterLockEvent,
)
from projects.locking import EditConflict, claim_version
from projects.models import FiscalYear, Project, User
from projects.permissions import can_edit_project
from projects.signals import rows_written

# history_change_reason of the record that keeps a row's values from before its history.
BASELINE_REASON = "baseline"


class QuarterLocked(Exception):
    """The quarter is closed: its results are read-only."""

    def __init__(self, lock: QuarterLock):
        super().__init__(_("ไตรมาสนี้ปิดแล้ว แก้ไขผลการประเมินไม่ได้"))
        self.lock = lock


class LockStateError(Exception):
    """Closing a closed quarter, or reopening an open one."""


@dataclass(frozen=True)
class EvaluationValues:
    result_value: Decimal | None
    criterion_21: Decimal | None
    criterion_22: Decimal | None
    project_score: Decimal | None
    comment: str


@dataclass(frozen=True)
class IndicatorResultValues:
    achieved_level: int | None
    criterion_21: Decimal | None
    criterion_22: Decimal | None
    comment: str


def _lock_row_for_update(*, fiscal_year: FiscalYear, quarter: int) -> QuarterLock:
    lock, _created = QuarterLock.objects.select_for_update().get_or_create(
        fiscal_year=fiscal_year, quarter=quarter
    )
    return lock


def _ensure_open(*, fiscal_year: FiscalYear, quarter: int) -> None:
    lock = _lock_row_for_update(fiscal_year=fiscal_year, quarter=quarter)
    if lock.is_locked:
        raise QuarterLocked(lock)


def _save_versioned(*, model, lookup: dict, version: int, values: dict, user: User):
    """Create or update the row identified by ``lookup`` if it is still at ``version``.

    Returns (row, changed). Nothing is written when the values equal the stored ones.
    """
    current = model.objects.select_related("evaluated_by").filter(**lookup).first()
    if current is None:
        if version != 0:
            # The row the caller edited was deleted meanwhile: treat as a conflict too.
            raise EditConflict(model(**lookup))
        row = model(**lookup, **values, evaluated_by=user, evaluated_at=timezone.now(), version=1)
        row._history_user = user
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            # Somebody created it between our read and our insert.
            raise EditConflict(model.objects.select_related("evaluated_by").get(**lookup)) from None
        return row, True
    if current.version != version:
        raise EditConflict(current)
    if all(getattr(current, name) == value for name, value in values.items()):
        return current, False
    now = timezone.now()
    if not model.history.filter(id=current.pk).exists():
        # A row loaded without history (fixtures, the old system's data): keep its values as
        # the first record, so that this change shows old → new like any other.
        current._history_user = current.evaluated_by  # not the person saving now
        model.history.bulk_history_create(
            [current],
            default_date=min(current.evaluated_at or now, now),
            default_change_reason=BASELINE_REASON,
        )
    claim_version(
        model.objects.filter(**lookup),
        loaded=version,
        values={**values, "evaluated_by": user, "evaluated_at": now},
        stored=lambda: EditConflict(model.objects.select_related("evaluated_by").get(**lookup)),
    )
    # QuerySet.update() sends no signals: record the change in the history ourselves, and
    # say which rows changed (kept pages show them).
    row = model.objects.select_related("evaluated_by").get(**lookup)
    project_id = getattr(row, "project_id", None)
    rows_written.send(sender=model, project_ids=None if project_id is None else [project_id])
    model.history.bulk_history_create([row], update=True, default_user=user, default_date=now)
    return row, True


@transaction.atomic
def quarter_evaluation_save(
    *, project: Project, quarter: int, version: int, values: EvaluationValues, user: User
) -> QuarterEvaluation:
    """Save สยป.'s result for ``project`` in ``quarter`` of its fiscal year."""
    _ensure_open(fiscal_year=project.fiscal_year, quarter=quarter)
    row, _changed = _save_versioned(
        model=QuarterEvaluation,
        lookup={"project": project, "quarter": quarter},
        version=version,
        values=vars(values),
        user=user,
    )
    return row


@transaction.atomic
def indicator_level_set(
    *,
    indicator: Indicator,
    fiscal_year: FiscalYear,
    quarter: int,
    version: int,
    values: IndicatorResultValues,
    user: User,
) -> IndicatorQuarterResult:
    """Set the level a KPI achieved in a quarter (and its criteria 2.1 / 2.2).

    The KPI's own achieved level (ผลงานที่ทำได้ ระดับ) follows the latest quarter that has
    one, as in the seed: quarter 4's result 3 is the KPI's achieved level 3.
    """
    _ensure_open(fiscal_year=fiscal_year, quarter=quarter)
    row, changed = _save_versioned(
        model=IndicatorQuarterResult,
        lookup={"indicator": indicator, "fiscal_year": fiscal_year, "quarter": quarter},
        version=version,
        values=vars(values),
        user=user,
    )
    if changed:
        latest = (
            IndicatorQuarterResult.objects.filter(indicator=indicator, achieved_level__isnull=False)
            .order_by("-fiscal_year__year_be", "-quarter")
            .values_list("achieved_level", flat=True)
            .first()
        )
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.achieved_level != latest:
            indicator.achieved_level = latest
            indicator._history_user = user
            indicator.save(update_fields=["achieved_level"])
    return row


@transaction.atomic
def indicator_criteria_save(
    *, indicator: Indicator, descriptions: dict[int, str], user: User
) -> list[IndicatorLevel]:
    """Set what each level 1–5 of the KPI means (เกณฑ์การประเมิน); blank removes a level."""
    existing = {lvl.level: lvl for lvl in IndicatorLevel.objects.filter(indicator=indicator)}
    for level in range(1, 6):
        text = (descriptions.get(level) or "").strip()
        current = existing.get(level)
        if text and current is None:
            IndicatorLevel.objects.create(indicator=indicator, level=level, description=text)
        elif text and current.description != text:
            current.description = text
            current.save(update_fields=["description"])
        elif not text and current is not None:
            current.delete()
    return list(IndicatorLevel.objects.filter(indicator=indicator).order_by("level"))


@transaction.atomic
def project_indicators_add(
    *, project: Project, indicators: Sequence[Indicator], user: User
) -> None:
    """Link ``project`` to KPIs it supports (สนับสนุนตัวชี้วัดตามแผนฯ): only its agency's
    KPIs of its fiscal year, or its KPIs of no year yet (IndicatorQuerySet.supportable_by).
    Called by the new-project view in the transaction that created the project."""
    if not can_edit_project(user, project):
        raise PermissionDenied
    wanted = {indicator.pk for indicator in indicators}
    allowed = set(
        Indicator.objects.supportable_by(agency=project.agency, fiscal_year=project.fiscal_year)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise ValidationError(
            {
                "indicators": _("เลือกได้เฉพาะตัวชี้วัดของหน่วยงานนี้ในปีงบประมาณ %(year)s")
                % {"year": project.fiscal_year.year_be}
            }
        )
    if wanted:
        project.indicators.add(*wanted)


@transaction.atomic
def quarter_lock(*, fiscal_year: FiscalYear, quarter: int, user: User) -> QuarterLock:
    """Close a quarter: from now on its results are read-only for everybody."""
    lock = _lock_row_for_update(fiscal_year=fiscal_year, quarter=quarter)
    if lock.is_locked:
        raise LockStateError(_("ไตรมาสนี้ปิดอยู่แล้ว"))
    lock.is_locked = True
    lock.locked_by = user
    lock.locked_at = timezone.now()
    lock.save(update_fields=["is_locked", "locked_by", "locked_at"])
    QuarterLockEvent.objects.create(
        lock=lock, action=QuarterLockEvent.Action.LOCK, by=user, at=lock.locked_at
    )
    return lock


@transaction.atomic
def quarter_reopen(
    *, fiscal_year: FiscalYear, quarter: int, user: User, reason: str
) -> QuarterLock:
    """Reopen a closed quarter; who, when and why are recorded."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("กรุณาระบุเหตุผลที่เปิดไตรมาสอีกครั้ง"))
    lock = _lock_row_for_update(fiscal_year=fiscal_year, quarter=quarter)
    if not lock.is_locked:
        raise LockStateError(_("ไตรมาสนี้ยังเปิดอยู่"))
    lock.is_locked = False
    lock.locked_by = None
    lock.locked_at = None
    lock.save(update_fields=["is_locked", "locked_by", "locked_at"])
    QuarterLockEvent.objects.create(
        lock=lock, action=QuarterLockEvent.Action.REOPEN, by=user, reason=reason
    )
    return lock
