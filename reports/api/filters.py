"""The list filters: ``year`` (BE), ``agency`` (agency code), ``code`` and ``updated_since``
(ISO 8601). Each view names the lookup each filter uses (``api_filters``): a field path, or
a function for a rule that lives elsewhere (a KPI's year and agency: IndicatorQuerySet)."""

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

DESCRIPTIONS = {
    "year": ("integer", "ปีงบประมาณ (พ.ศ.) เช่น 2569 / fiscal year, Buddhist Era, e.g. 2569"),
    "agency": ("string", "รหัสหน่วยงาน 8 หลัก เช่น 01000000 / agency code"),
    "code": ("string", "รหัส (โครงการหรือตัวชี้วัด) / code of the project or KPI"),
    "updated_since": (
        "string",
        "เฉพาะที่แก้ไขตั้งแต่เวลานี้ (ISO 8601) / only rows changed since (ISO 8601), "
        "e.g. 2026-01-31T00:00:00+07:00",
    ),
}


def year_value(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or not 2500 <= int(raw) <= 2700:
        raise ValidationError({"year": [_("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569")]})
    return int(raw)


def since_value(raw: str) -> dt.datetime:
    value = parse_datetime(raw)
    if value is None and (day := parse_date(raw)) is not None:
        value = dt.datetime.combine(day, dt.time.min)
    if value is None:
        raise ValidationError(
            {"updated_since": [_("รูปแบบเวลาไม่ถูกต้อง ใช้ ISO 8601 เช่น 2026-01-31T00:00:00+07:00")]}
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


PARSERS: dict[str, Callable] = {
    "year": year_value,
    "agency": str.strip,
    "code": str.strip,
    "updated_since": since_value,
}


class ApiFilters(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        for name, lookup in getattr(view, "api_filters", {}).items():
            raw = request.query_params.get(name)
            if raw is None or raw == "":
                continue
            value = PARSERS[name](raw)
            if callable(lookup):
                queryset = lookup(queryset, value)
            else:
                queryset = queryset.filter(**{lookup: value})
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": DESCRIPTIONS[name][1],
                "schema": {"type": DESCRIPTIONS[name][0]},
            }
            for name in getattr(view, "api_filters", {})
        ]
