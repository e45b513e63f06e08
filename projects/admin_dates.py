"""Dates in the Django admin as in the rest of the app: typed and shown in BE.

Django's own Thai formats read ``10/01/2570`` as the year 2570 CE and its calendar writes CE
dates, so an administrator who typed a date the way every other form asks for it (วว/ดด/ปปปป,
พ.ศ.) stored it 543 years away without a word. An admin (or inline) of the app that edits
or lists a date takes ``ThaiDatesAdmin`` first among its bases; tests/test_admin_dates.py
fails for one that does not. Date-and-time fields keep the admin's own widgets (they are
read-only here).

The lists' date and date-and-time columns are shown in BE too (``22 ก.ย. 2564``, and
``22 ก.ย. 2564 09:30 น.`` in Bangkok time, as the app's pages), and so are the date links
above a list (templates/admin/date_hierarchy.html). Still in CE, as Django draws them: the
read-only fields of a change form. The admins of django-axes and django-tasks are theirs,
and stay as they are."""

import datetime as dt
from functools import cache

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

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
        editable = set(getattr(self, "list_editable", ()))  # (an edited column stays a field)
        return [
            name if name in editable else _be_column(self.model, name)
            for name in super().get_list_display(request)
        ]

    def get_list_display_links(self, request, list_display):
        """Links named by field (``list_display_links = ("period",)``) follow the column."""
        links = super().get_list_display_links(request, list_display)
        if links is None:
            return None
        shown = set(list_display)
        return [link if link in shown else _be_column(self.model, link) for link in links]


@cache
def _be_column(model, name):
    """The list column of ``model``'s date (or date-and-time) field ``name`` in BE, sorted by
    the field; any other column as it is."""
    if not isinstance(name, str):
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if not isinstance(field, models.DateField):
        return name

    @admin.display(description=field.verbose_name, ordering=name, empty_value="-")
    def column(obj):
        return be_text(getattr(obj, name))

    column.__name__ = name
    return column


def be_text(value: dt.date | dt.datetime | None) -> str | None:
    """``22 ก.ย. 2564``; a date and time ``22 ก.ย. 2564 09:30 น.`` in Bangkok time, as the
    app's pages write it (``thai_date``, ``time:"H:i"``, "น."). None stays None (the
    column's "-")."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        time = _("%(time)s น.") % {"time": f"{value:%H:%M}"}
        return f"{thaidates.format_thai_short(value.date())} {time}"
    return thaidates.format_thai_short(value)
