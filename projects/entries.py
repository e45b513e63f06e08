"""Writing a month's report (ProgressEntry): the one home of it, for the report form where an
agency's reports need no approval (services.progress_entry_submit) and for an approved
submission (approvals.report_approve). Created once per project and month (a second
creation meets the unique constraint: EditConflict), updated from the version the writer
acted on (projects/locking.py)."""

from django.db import IntegrityError, transaction

from projects.locking import EditConflict, claim_version
from projects.models import ProgressEntry


def progress_entry_write(
    *, project, period, values, user, late, existing, loaded_entry_id, loaded_version
) -> ProgressEntry:
    """The one home of writing a month's entry (the report form where no approval is needed,
    approvals.report_approve): create it, late or not, or update ``existing``, the month's
    entry, from the version the writer acted on. Call inside a transaction."""
    if existing is None:
        return _entry_create(project=project, period=period, values=values, user=user, late=late)
    return _entry_update(
        existing=existing,
        loaded_entry_id=loaded_entry_id,
        loaded_version=loaded_version,
        values=values,
        user=user,
    )


def _entry_create(*, project, period, values, user, late) -> ProgressEntry:
    entry = ProgressEntry(
        project=project, period=period, created_by=user, is_late=late, version=1, **values
    )
    entry._history_user = user
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Somebody created this month's entry between our read and our insert.
        raise EditConflict(ProgressEntry.objects.get(project=project, period=period)) from None
    return entry


def _entry_update(*, existing, loaded_entry_id, loaded_version, values, user) -> ProgressEntry:
    if loaded_entry_id != existing.pk:
        # The form showed a new report (or another month's) but this month has one already.
        raise EditConflict(existing)
    claim_version(
        ProgressEntry.objects.filter(pk=existing.pk),
        loaded=loaded_version,
        stored=lambda: EditConflict(ProgressEntry.objects.get(pk=existing.pk)),
    )
    existing.refresh_from_db(fields=["version"])
    for name, value in values.items():
        setattr(existing, name, value)
    existing._history_user = user
    existing.save()
    return existing
