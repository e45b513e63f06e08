"""The background open-data export (issue 17): ordering one, building it, and reading the
newest finished one. The task in reports/opendata/tasks.py calls ``open_data_export_build``;
reports/opendata/jobs.py orders and queues.

A build writes every file into a temporary directory on the worker, copies them into the
media storage under ``opendata/<id>/``, and only then marks the export DONE: the page
serves the newest DONE export, so a build in progress or failed never replaces the files
people download. Older finished exports go (``BMA_OPEN_DATA_KEEP`` are kept).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.models import OpenDataExport
from reports.opendata.datasets import DATASETS
from reports.opendata.export import file_names, write_all

logger = logging.getLogger(__name__)


def open_data_export_create(*, requested_by=None) -> OpenDataExport:
    """Record an order (queued: reports/opendata/jobs.py queues its task with it)."""
    return OpenDataExport.objects.create(requested_by=requested_by, parts_total=len(DATASETS) + 1)


def open_data_latest() -> OpenDataExport | None:
    """The export the page serves: the newest finished one."""
    return OpenDataExport.objects.filter(status=OpenDataExport.Status.DONE).first()


# An export still queued or running this long after its order is taken for lost (no
# worker, or its worker stopped in the middle): it no longer holds back a fresh one. The
# 20,000-project data take about a minute and a half.
ABANDONED_AFTER = dt.timedelta(hours=1)


def open_data_pending() -> OpenDataExport | None:
    """An export queued or being built, if any (ABANDONED_AFTER aside)."""
    return OpenDataExport.objects.filter(
        status__in=[OpenDataExport.Status.QUEUED, OpenDataExport.Status.RUNNING],
        created_at__gte=timezone.now() - ABANDONED_AFTER,
    ).first()


def open_data_failure() -> OpenDataExport | None:
    """The newest export when it failed (the page tells those who may order another)."""
    newest = OpenDataExport.objects.first()
    return newest if newest and newest.status == OpenDataExport.Status.FAILED else None


def _advance(export_id: int) -> None:
    OpenDataExport.objects.filter(pk=export_id, parts_done__lt=F("parts_total")).update(
        parts_done=F("parts_done") + 1
    )


def open_data_export_build(*, export_id: int) -> OpenDataExport:
    export = OpenDataExport.objects.get(pk=export_id)
    if export.is_finished:
        return export
    OpenDataExport.objects.filter(pk=export_id).update(
        status=OpenDataExport.Status.RUNNING, started_at=timezone.now(), parts_done=0
    )
    folder = f"opendata/{export_id}"
    try:
        with tempfile.TemporaryDirectory(prefix="opendata-") as temporary:
            directory = Path(temporary)
            manifest = write_all(directory, on_dataset=lambda entry: _advance(export_id))
            manifest["files"] = _store(directory, folder)
    except Exception as exc:
        logger.exception("open-data export %s failed", export_id)
        OpenDataExport.objects.filter(pk=export_id).update(
            status=OpenDataExport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        OpenDataExport.objects.filter(pk=export_id).update(
            status=OpenDataExport.Status.DONE,
            folder=folder,
            manifest=manifest,
            parts_done=F("parts_total"),
            finished_at=timezone.now(),
        )
    open_data_exports_cleanup()
    return OpenDataExport.objects.get(pk=export_id)


def _store(directory: Path, folder: str) -> dict[str, str]:
    """Copy the files into the media storage; their stored names by file name."""
    stored = {}
    for name in file_names():
        target = f"{folder}/{name}"
        if default_storage.exists(target):
            default_storage.delete(target)
        with (directory / name).open("rb") as handle:
            stored[name] = default_storage.save(target, File(handle, name=name))
    return stored


def open_data_exports_cleanup() -> int:
    """Delete finished exports older than the newest ``BMA_OPEN_DATA_KEEP`` done ones
    (failed ones among them), with their files."""
    keep = max(1, int(getattr(settings, "BMA_OPEN_DATA_KEEP", 2)))
    done = OpenDataExport.objects.filter(status=OpenDataExport.Status.DONE)
    kept = list(done.values_list("pk", flat=True)[:keep])
    if len(kept) < keep:
        return 0
    old = OpenDataExport.objects.filter(
        status__in=[OpenDataExport.Status.DONE, OpenDataExport.Status.FAILED],
        pk__lt=min(kept),
    )
    removed = 0
    for export in old:
        for stored in (export.manifest or {}).get("files", {}).values():
            if default_storage.exists(stored):
                default_storage.delete(stored)
        export.delete()
        removed += 1
    return removed


def open_data_listing(export: OpenDataExport | None) -> list[dict]:
    """The page's rows: each data set of ``export`` with its title, description, rows,
    size, last update and file names, in the order of DATASETS."""
    if export is None:
        return []
    updated_at = dt.datetime.fromisoformat(export.manifest["updated_at"])
    entries = {entry["name"]: entry for entry in export.manifest.get("datasets", [])}
    listing = []
    for dataset in DATASETS:
        entry = entries.get(dataset.name)
        if entry is None:
            continue
        listing.append(
            {
                "name": dataset.name,
                "title": dataset.title,
                "description": dataset.description,
                "rows": entry["rows"],
                "bytes": entry["bytes"],
                "years": entry.get("years", []),
                "updated_at": updated_at,
                "csv": dataset.csv_name,
                "metadata": dataset.metadata_name,
                "primary_key": dataset.primary_key,
            }
        )
    return listing
