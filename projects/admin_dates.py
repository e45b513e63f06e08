"""Dates in the Django admin as in the rest of the app: typed and shown in BE.

Django's own Thai formats read ``10/01/2570`` as the year 2570 CE and its calendar writes CE
dates, so an administrator who typed a date the way every other form asks for it (วว/ดด/ปปปป,
พ.ศ.) stored it 543 years away without a word. An admin (or inline) with a date field takes
``ThaiDatesAdmin`` first among its bases; tests/test_admin_dates.py fails for one that does
not. Date-and-time fields keep the admin's own widgets (they are read-only here).

The lists' date columns are shown in BE too (``22 ก.ย. 2564``, as the app's lists). The
admin's year links above a list (``date_hierarchy``) stay in CE: Django draws them."""

from functools import cache

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from projects import thaidates
from projects.form_helpers import ThaiDateField, ThaiDateInput


class ThaiDatesAdmin:
    """Its date fields are the app's ThaiDateField: dd/mm/BE (Thai or Arabic digits) or ISO
    in, dd/mm/BE shown, impossible days refused in Thai. ModelAdmin lays these over its
    defaults, so they also replace the admin's calendar."""

    formfield_overrides = {
        models.DateField: {"form_class": ThaiDateField, "widget": ThaiDateInput},
    }

    def get_list_display(self, request):
        return [_be_column(self.model, name) for name in super().get_list_display(request)]


@cache
def _be_column(model, name):
    """The list column of ``model``'s date field ``name`` in BE, sorted by the field; any
    other column as it is."""
    if not isinstance(name, str):
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if type(field) is not models.DateField:
        return name

    @admin.display(description=field.verbose_name, ordering=name, empty_value="-")
    def column(obj):
        return thaidates.format_thai_short(getattr(obj, name))

    column.__name__ = name
    return column
