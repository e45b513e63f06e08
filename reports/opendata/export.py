"""Writing the open-data files into a directory: per data set its CSV (through
projects.spreadsheets, the one formula-safe cell writer: UTF-8 with BOM, text that
starts like a formula behind a leading ``'``) and its metadata JSON, then
``datapackage.json``, the index of them all.

Used by ``manage.py export_open_data DIR`` (``export_to_directory``: into a fresh
directory beside DIR, then each file moved into DIR) and by the background export
(reports/opendata/services.py: into a temporary directory, then into the media storage).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils import timezone, translation

from projects import spreadsheets
from reports.opendata import metadata
from reports.opendata.datasets import DATASETS, DataSet

INDEX_NAME = "datapackage.json"


def _watch_years(dataset: DataSet, rows: Iterator[tuple], years: set[int]) -> Iterator[tuple]:
    """``rows`` unchanged, noting the fiscal years they cover (a handful of numbers)."""
    index = dataset.header.index(dataset.year_column) if dataset.year_column else None
    for row in rows:
        value = row[index] if index is not None else None
        if isinstance(value, str):  # a KPI's years, space-separated
            years.update(int(year) for year in value.split())
        elif value is not None:
            years.add(value)
        yield row


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_dataset(dataset: DataSet, directory: Path, *, updated_at: dt.datetime) -> dict:
    """Write one set's CSV and metadata; returns its entry of the index (name, rows, bytes,
    years)."""
    years: set[int] = set()
    path = directory / dataset.csv_name
    with path.open("w", encoding="utf-8", newline="") as handle:
        rows = _watch_years(dataset, dataset.rows(), years)
        written = spreadsheets.csv_write(handle, itertools.chain([dataset.header], rows))
    rows, size = written - 1, path.stat().st_size
    span = (min(years), max(years)) if years else None
    _write_json(
        directory / dataset.metadata_name,
        metadata.gdc_metadata(dataset, rows=rows, size=size, years=span, updated_at=updated_at),
    )
    return {"name": dataset.name, "rows": rows, "bytes": size, "years": list(span or ())}


def write_all(
    directory: Path,
    *,
    on_dataset: Callable[[dict], None] | None = None,
    updated_at: dt.datetime | None = None,
) -> dict:
    """Every set and the index into ``directory`` (which exists); Thai metadata whatever
    language is active. Returns the manifest: ``{"updated_at", "datasets": [entries]}``."""
    updated_at = updated_at or timezone.localtime()
    entries = []
    with translation.override("th"):
        for dataset in DATASETS:
            entry = write_dataset(dataset, directory, updated_at=updated_at)
            entries.append(entry)
            if on_dataset:
                on_dataset(entry)
        _write_json(directory / INDEX_NAME, metadata.datapackage(entries, updated_at=updated_at))
    return {"updated_at": updated_at.isoformat(timespec="seconds"), "datasets": entries}


def file_names() -> list[str]:
    """Every file an export holds."""
    names = [INDEX_NAME]
    for dataset in DATASETS:
        names += [dataset.csv_name, dataset.metadata_name]
    return names


def export_to_directory(target: Path, **kwargs) -> dict:
    """``write_all`` into a new directory beside ``target``, then each file moved into
    ``target`` (a rename on the same file system: a reader never sees half a file)."""
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        manifest = write_all(staging, **kwargs)
        for name in file_names():
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
