"""Dates in the Django admin as in the rest of the app: typed and shown in BE.

Django's own Thai formats read ``10/01/2570`` as the year 2570 CE and its calendar writes CE
dates, so an administrator who typed a date the way every other form asks for it (วว/ดด/ปปปป,
พ.ศ.) stored it 543 years away without a word. An admin (or inline) of the app that edits
or lists a date takes ``ThaiDatesAdmin`` first among its bases; tests/test_admin_dates.py
fails for one that does not. Date-and-time fields keep the admin's own widgets (they are
read-only here).

The lists' date and date-and-time columns are shown in BE too (``22 ก.ย. 2564``, and
``22 ก.ย. 2564 09:30 น.`` in Bangkok time, as the app's pages), and so are the date links
above a list (templates/admin/date_hierarchy.html) and the read-only dates of a change form
(each shown by its list column), also of one that the user may only view. The admins of
django-axes and django-tasks are theirs, and stay as they are."""

import datetime as dt
from functools import cache

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from simple_history.template_utils import HistoricalRecordContextHelper

from projects.form_helpers import ThaiDateField, ThaiDateInput
from projects.templatetags.thai import as_read


class ThaiDatesAdmin:
    """Its date fields are the app's ThaiDateField: dd/mm/BE (Thai or Arabic digits) or ISO
    in, dd/mm/BE shown, impossible days refused in Thai. ModelAdmin lays these over its
    defaults, so they also replace the admin's calendar."""

    formfield_overrides = {
        models.DateField: {"form_class": ThaiDateField, "widget": ThaiDateInput},
    }

    def get_readonly_fields(self, request, obj=None):
        """A read-only date (or date-and-time) of a change form, or of an inline's rows, in
        BE: its list column (_be_column), shown under the field's own label. So are the
        dates of a form that the user may only view (_view_only_dates)."""
        names = list(super().get_readonly_fields(request, obj))
        names += [name for name in self._view_only_dates(request, obj) if name not in names]
        return [_be_column(self.model, name) for name in names]

    def get_exclude(self, request, obj=None):
        """The read-only dates stay out of the form, as Django leaves out the read-only
        fields that it shows itself (it leaves out the BE columns instead)."""
        excluded = super().get_exclude(request, obj)
        dates = self._readonly_dates(request, obj)
        if not dates:
            return excluded
        if excluded is None:  # (Django then takes the form's own Meta.exclude)
            excluded = getattr(getattr(self.form, "_meta", None), "exclude", None)
        return [*(excluded or ()), *dates]

    def get_fields(self, request, obj=None):
        """Declared fields that name a read-only date name its BE column. A form that the
        user may only view has its dates' columns in their places (and not again after the
        form's fields, where Django adds the read-only ones)."""
        dates = self._readonly_dates(request, obj).union(self._view_only_dates(request, obj))
        fields = [_swap(name, dates, self.model) for name in super().get_fields(request, obj)]
        return [name for i, name in enumerate(fields) if name not in fields[:i]]

    def get_fieldsets(self, request, obj=None):
        """Declared fieldsets likewise."""
        dates = self._readonly_dates(request, obj).union(self._view_only_dates(request, obj))
        return [
            (title, {**options, "fields": [_swap(f, dates, self.model) for f in options["fields"]]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def _readonly_dates(self, request, obj) -> set[str]:
        return {
            name
            for name in super().get_readonly_fields(request, obj)
            if _be_column(self.model, name) is not name
        }

    def _view_only_dates(self, request, obj) -> list[str]:
        """The dates of a change form, or of an inline's rows, that the user may only view:
        Django shows every field of the fieldsets read-only then, without asking
        get_readonly_fields. (An inline that may still add rows keeps its date fields.)"""
        if isinstance(self, InlineModelAdmin):
            editable = self.has_add_permission(request, obj)
        else:
            editable = obj is None
        if editable or self.has_change_permission(request, obj):
            return []
        return [
            field.name
            for field in self.model._meta.fields
            if isinstance(field, models.DateField) and field.editable
        ]

    def get_historical_record_context_helper(self, request, historical_record):
        """The history of changes (django-simple-history's admins): a changed date before
        and after in BE; when each change was made: templates/simple_history/."""
        return _BEHistory(self.model, historical_record)

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


class _BEHistory(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        if value is None:  # (an empty value, "None" before)
            return "-"
        if isinstance(value, dt.date):
            return as_read(value)
        return super().prepare_delta_change_value(change, value)


def _swap(name, dates: set[str], model):
    """``name`` of a fields list (or a line of them, a tuple) with each read-only date of
    ``dates`` put as its BE column."""
    if isinstance(name, (list, tuple)):
        return type(name)(_swap(each, dates, model) for each in name)
    return _be_column(model, name) if isinstance(name, str) and name in dates else name


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
        return as_read(getattr(obj, name))  # (None: the column's "-")

    column.__name__ = name
    return column
