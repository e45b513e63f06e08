"""The metadata of the open-data sets: one JSON per set in the fields of the Thai
government's CKAN metadata schema (GDC, ckanext-thai-gdc field names; Thai values), and
a datapackage-like index of them all (Frictionless Data Package: resources with their
schema and primary key).

Each set's JSON also carries what a CKAN datastore needs to upsert its rows: ``fields``
(ids, types, Thai labels) and ``primary_key``.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext as _

from reports.opendata.datasets import BY_NAME, DataSet

# CKAN licence ids → their titles (the licences CKAN ships that fit open data).
LICENCES = {
    "odc-by": "Open Data Commons Attribution License",
    "odc-odbl": "Open Data Commons Open Database License (ODbL)",
    "odc-pddl": "Open Data Commons Public Domain Dedication and License (PDDL)",
    "cc-by": "Creative Commons Attribution",
    "cc-by-sa": "Creative Commons Attribution Share-Alike",
    "cc-zero": "Creative Commons CCZero",
}
LICENCE_URLS = {
    "odc-by": "https://opendatacommons.org/licenses/by/1-0/",
    "odc-odbl": "https://opendatacommons.org/licenses/odbl/1-0/",
    "odc-pddl": "https://opendatacommons.org/licenses/pddl/1-0/",
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
}

# Every field of the Thai GDC schema a set's JSON holds (the tests check each).
GDC_FIELDS = (
    "data_type",
    "title",
    "owner_org",
    "maintainer",
    "maintainer_email",
    "notes",
    "tags",
    "objective",
    "update_frequency_unit",
    "update_frequency_interval",
    "geo_coverage",
    "data_source",
    "data_format",
    "data_category",
    "data_class_level",
    "license_id",
    "accessible_condition",
    "last_updated_date",
    "first_year_of_data",
    "last_year_of_data",
    "unit_of_measure",
)


def licence_id() -> str:
    return getattr(settings, "BMA_OPEN_DATA_LICENCE", "odc-by") or "odc-by"


def maintainer_email() -> str:
    """The setting, else the address the app sends its e-mail from."""
    configured = getattr(settings, "BMA_OPEN_DATA_MAINTAINER_EMAIL", "")
    return configured or parseaddr(getattr(settings, "DEFAULT_FROM_EMAIL", ""))[1]


def gdc_metadata(
    dataset: DataSet,
    *,
    rows: int,
    size: int,
    years: tuple[int, int] | None,
    updated_at: dt.datetime,
) -> dict:
    """The set's metadata (call inside ``translation.override("th")``)."""
    licence = licence_id()
    unit, interval = dataset.frequency
    first, last = years if years else (None, None)
    return {
        "name": f"bma-progress-{dataset.name.replace('_', '-')}",
        "data_type": _("ข้อมูลสถิติ") if dataset.statistical else _("ข้อมูลระเบียน"),
        "title": str(dataset.title),
        "owner_org": settings.BMA_OPEN_DATA_ORGANISATION,
        "maintainer": settings.BMA_OPEN_DATA_MAINTAINER,
        "maintainer_email": maintainer_email(),
        "notes": str(dataset.description),
        "tags": [str(tag) for tag in dataset.tags],
        "objective": [_("พันธกิจหน่วยงาน"), _("เพื่อการติดตามและประเมินผล")],
        "update_frequency_unit": str(unit),
        "update_frequency_interval": interval,
        "geo_coverage": _("จังหวัด"),
        "geo_coverage_detail": _("กรุงเทพมหานคร"),
        "data_source": _("ระบบติดตามความคืบหน้าโครงการ BMA Progress ของกรุงเทพมหานคร"),
        "data_format": ["CSV"],
        "data_category": _("ข้อมูลสาธารณะ"),
        "data_class_level": _("เปิดเผย"),
        "license_id": licence,
        "license_title": LICENCES.get(licence, licence),
        "license_url": LICENCE_URLS.get(licence, ""),
        "accessible_condition": _(
            "เผยแพร่ต่อสาธารณะ ใช้ได้โดยไม่ต้องขออนุญาต ตามสัญญาอนุญาตที่ระบุ โดยอ้างอิงแหล่งที่มา"
        ),
        "last_updated_date": updated_at.isoformat(timespec="seconds"),
        "first_year_of_data": first,
        "last_year_of_data": last,
        "unit_of_measure": str(dataset.unit),
        "data_language": [_("ไทย")],
        "resource": {
            "name": dataset.csv_name,
            "format": "CSV",
            "mimetype": "text/csv",
            "encoding": "utf-8-sig",
            "rows": rows,
            "size": size,
        },
        "primary_key": list(dataset.primary_key),
        "fields": [
            {"id": column.name, "type": column.type, "info": {"label": str(column.title)}}
            for column in dataset.columns
        ],
    }


def datapackage(entries: list[dict], *, updated_at: dt.datetime) -> dict:
    """The index: ``entries`` are the page's rows (name, rows, bytes) in DATASETS order."""
    licence = licence_id()
    resources = []
    for entry in entries:
        dataset = BY_NAME[entry["name"]]
        resources.append(
            {
                "name": dataset.name,
                "title": str(dataset.title),
                "description": str(dataset.description),
                "path": dataset.csv_name,
                "metadata": dataset.metadata_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "bytes": entry["bytes"],
                "rows": entry["rows"],
                "schema": {
                    "fields": [
                        {"name": c.name, "type": c.type, "title": str(c.title)}
                        for c in dataset.columns
                    ],
                    "primaryKey": list(dataset.primary_key),
                },
            }
        )
    return {
        "name": "bma-progress-open-data",
        "title": _("ข้อมูลเปิดความคืบหน้าโครงการกรุงเทพมหานคร"),
        "created": updated_at.isoformat(timespec="seconds"),
        "licenses": [
            {
                "name": licence,
                "title": LICENCES.get(licence, licence),
                "path": LICENCE_URLS.get(licence, ""),
            }
        ],
        "contributors": [
            {
                "title": settings.BMA_OPEN_DATA_MAINTAINER,
                "email": maintainer_email(),
                "organization": settings.BMA_OPEN_DATA_ORGANISATION,
                "role": "publisher",
            }
        ],
        "resources": resources,
    }
