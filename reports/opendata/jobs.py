"""Ordering an open-data export: record it and queue its task in one transaction (a
worker sees both or neither). Apart from services.py so that the task's module, which
calls the services, is not imported back by them."""

from __future__ import annotations

from django.db import transaction

from reports.models import OpenDataExport
from reports.opendata import services, tasks


@transaction.atomic
def open_data_export_request(*, requested_by=None) -> OpenDataExport:
    """Queue a fresh export, unless one is already queued or being built (that one is
    returned: two at once would only do the same work twice)."""
    pending = services.open_data_pending()
    if pending is not None:
        return pending
    export = services.open_data_export_create(requested_by=requested_by)
    tasks.build_open_data.enqueue(export.pk)
    return export


def open_data_export_ensure() -> OpenDataExport | None:
    """The first visit of the page when no export exists (a new site, ``make run``'s
    demo): queue one, so that the page can say the files are being prepared. Only when
    there has never been one: a failed build is not tried again on every visit (those who
    may ask for an export see the failure and ask again)."""
    if OpenDataExport.objects.exists():
        return None
    return open_data_export_request()
