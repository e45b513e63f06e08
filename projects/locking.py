"""Optimistic locking: the one helper of every versioned save (monthly reports, the plan,
quarter evaluations and KPI results).

A form carries the version of what it showed. The save claims the row with one UPDATE
whose WHERE clause holds that version and which bumps it, so that of two people saving
from the same version exactly one wins, whatever the database's isolation level; the
other gets EditConflict with what is stored now, to show beside what they typed. Nothing
is ever overwritten silently.
"""

from collections.abc import Callable

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _


class EditConflict(Exception):
    """Somebody else saved first. ``current`` is what is stored now (an entry, an evaluation
    row, or the plan's list of steps) and ``version`` its version: a save made from it is a
    deliberate overwrite."""

    def __init__(self, current, *, version: int | None = None):
        super().__init__(_("มีผู้อื่นบันทึกข้อมูลนี้ก่อนหน้าคุณ"))
        self.current = current
        self.version = version if version is not None else current.version


def claim_version(
    rows: QuerySet,
    *,
    loaded: int,
    stored: Callable[[], EditConflict],
    field: str = "version",
    values: dict | None = None,
) -> None:
    """``UPDATE rows SET <field> = <field> + 1, <values> WHERE <field> = <loaded>``.

    When no row is at ``loaded`` any more (somebody saved since, or deleted it), raise the
    EditConflict that ``stored()`` builds from what is stored now. ``values`` are written
    by the same UPDATE (QuerySet.update: no save(), no signals).
    """
    claimed = rows.filter(**{field: loaded}).update(**{field: F(field) + 1}, **(values or {}))
    if not claimed:
        raise stored()
