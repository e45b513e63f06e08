"""Dates in the Django admin as in the rest of the app: typed and shown in BE.

Django's own Thai formats read ``10/01/2570`` as the year 2570 CE and its calendar writes CE
dates, so an administrator who typed a date the way every other form asks for it (วว/ดด/ปปปป,
พ.ศ.) stored it 543 years away without a word. An admin (or inline) with a date field takes
``ThaiDatesAdmin`` first among its bases; tests/test_admin_dates.py fails for one that does
not. Date-and-time fields keep the admin's own widgets (they are read-only here)."""

from django.db import models

from projects.form_helpers import ThaiDateField, ThaiDateInput


class ThaiDatesAdmin:
    """Its date fields are the app's ThaiDateField: dd/mm/BE (Thai or Arabic digits) or ISO
    in, dd/mm/BE shown, impossible days refused in Thai. ModelAdmin lays these over its
    defaults, so they also replace the admin's calendar."""

    formfield_overrides = {
        models.DateField: {"form_class": ThaiDateField, "widget": ThaiDateInput},
    }
