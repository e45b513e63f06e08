"""Dates in the Django admin are read and shown in BE, as everywhere else in the app.

Django's Thai formats read ``10/01/2570`` as the year 2570 CE: an administrator who typed a
reporting deadline the way every other form of the app asks for it (วว/ดด/ปปปป, พ.ศ.) stored
a date 543 years away, with no word. The admin's date fields are the app's ThaiDateField
(projects/form_helpers.py): dd/mm/BE or ISO in, dd/mm/BE shown."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from projects.form_helpers import ThaiDateField
from projects.models import (
    BudgetTransfer,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    ReportingDeadline,
)
from tests.factories import (
    MonthReopeningFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ReportSubmissionFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="admin-dates", admin=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("typed", ["10/01/2570", "๑๐/๐๑/๒๕๗๐", "2027-01-10"])
def test_a_deadline_typed_in_be_is_stored_in_its_year_and_shown_in_be(admin_client, typed):
    response = admin_client.post(
        "/admin/projects/reportingdeadline/add/",
        {"period": "01/12/2569", "due_on": typed, "note": "หยุดยาวปีใหม่"},
    )

    assert response.status_code == 302, page_of(response).text(".errorlist")
    deadline = ReportingDeadline.objects.get()
    assert (deadline.period, deadline.due_on) == (dt.date(2026, 12, 1), dt.date(2027, 1, 10))
    page = page_of(admin_client.get(f"/admin/projects/reportingdeadline/{deadline.pk}/change/"))
    assert page.one("input[name=due_on]").get("value") == "10/01/2570"
    assert page.one("input[name=period]").get("value") == "01/12/2569"


def test_an_impossible_date_is_refused_in_thai_with_what_was_typed_kept(admin_client):
    response = admin_client.post(
        "/admin/projects/reportingdeadline/add/",
        {"period": "01/12/2569", "due_on": "31/02/2570", "note": ""},
    )

    assert response.status_code == 200
    page = page_of(response)
    # (Django's Thai catalog has this note only in its old, non-plural form: locale/th.)
    assert page.text(".errornote") == "กรุณาแก้ไขข้อผิดพลาดด้านล่าง"
    assert "ไม่มีวันที่ 31/02/2570 ในปฏิทิน" in page.text(".errorlist")
    assert page.one("input[name=due_on]").get("value") == "31/02/2570"
    assert not ReportingDeadline.objects.exists()


def test_the_lists_date_columns_are_in_be_and_sort_by_the_date(admin_client):
    ReportingDeadline.objects.create(period=dt.date(2026, 12, 1), due_on=dt.date(2027, 1, 12))
    ReportingDeadline.objects.create(period=dt.date(2026, 11, 1), due_on=dt.date(2026, 12, 11))

    page = page_of(admin_client.get("/admin/projects/reportingdeadline/?o=2"))

    cells = page.texts("#result_list tbody tr > :not(.action-checkbox)")
    assert cells == ["1 พ.ย. 2569", "11 ธ.ค. 2569", "-", "1 ธ.ค. 2569", "12 ม.ค. 2570", "-"]


def test_a_date_and_time_column_is_in_be_and_bangkok_time(admin_client):
    reopening = MonthReopeningFactory(
        period=dt.date(2026, 11, 1), until=dt.date(2026, 12, 20), reason="ทดสอบ"
    )
    MonthReopening.objects.filter(pk=reopening.pk).update(
        reopened_at=dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC)
    )

    page = page_of(admin_client.get("/admin/projects/monthreopening/"))

    assert page.texts("#result_list tbody td.field-reopened_at") == ["7 ธ.ค. 2569 09:30 น."]
    assert page.texts("#result_list tbody td.field-until") == ["20 ธ.ค. 2569"]


def test_every_date_column_of_the_apps_admins_is_in_be(superuser):
    """Derived from the admin's registry: a list column that names a date (or date-and-time)
    field of the app's models is drawn by Django in CE ("7 ธันวาคม 2026")."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    in_ce = [
        f"{model.__name__}.{name}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"projects", "indicators", "reports", "api"}
        for name in model_admin.get_list_display(request)
        if isinstance(name, str)
        and name in {f.name for f in model._meta.fields if isinstance(f, models.DateField)}
    ]
    assert in_ce == [], "\n".join(in_ce)


def _admin_forms(request):
    """(name, form class) of every registered admin's form and of its inlines' forms."""
    for model, model_admin in admin.site._registry.items():
        yield model.__name__, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield f"{model.__name__}.{inline.model.__name__}", inline.get_formset(request).form


def test_every_date_field_of_the_admin_is_read_in_be(superuser):
    """Derived from the admin's registry: a new admin (or inline) with a date field fails
    here until it takes projects.admin_dates.ThaiDatesAdmin."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    wrong = []
    for name, form in _admin_forms(request):
        model = form._meta.model
        for field_name, field in form.base_fields.items():
            try:
                model_field = model._meta.get_field(field_name)
            except Exception:
                continue
            if type(model_field) is models.DateField and not isinstance(field, ThaiDateField):
                wrong.append(f"{name}.{field_name}")
    assert wrong == [], "\n".join(wrong)


def test_a_read_only_date_and_time_of_a_change_form_is_in_be(admin_client):
    """A reopening's time is read-only in its change form; Django wrote it in CE
    ("7 ธันวาคม 2026 09:30"), beside the BE dates of the fields around it."""
    reopening = MonthReopeningFactory(
        period=dt.date(2026, 11, 1), until=dt.date(2026, 12, 20), reason="ทดสอบ"
    )
    MonthReopening.objects.filter(pk=reopening.pk).update(
        reopened_at=dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC)
    )

    page = page_of(admin_client.get(f"/admin/projects/monthreopening/{reopening.pk}/change/"))

    assert page.text(".field-reopened_at .readonly") == "7 ธ.ค. 2569 09:30 น."
    assert page.text(".field-reopened_at label") == "เปิดเมื่อ:"
    assert page.one("input[name=until]").get("value") == "20/12/2569"
    response = admin_client.post(
        f"/admin/projects/monthreopening/{reopening.pk}/change/",
        {
            "project": reopening.project_id,
            "period": "01/11/2569",
            "until": "25/12/2569",
            "reason": "ทดสอบ",
        },
    )
    assert response.status_code == 302, page_of(response).text(".errorlist")
    reopening.refresh_from_db()
    assert (reopening.until, reopening.reopened_at.hour) == (dt.date(2026, 12, 25), 2)


def _viewer(client, *models_):
    """A logged-in staff user who may only view ``models_`` in the admin."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="admin-viewer", admin=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=[f"view_{m._meta.model_name}" for m in models_])
    )
    client.force_login(user)
    return client


def test_the_dates_of_a_form_that_may_only_be_viewed_are_in_be(client):
    """A user who may only view a report: Django shows every field read-only without asking
    get_readonly_fields, and wrote its dates in CE ("7 ธันวาคม 2026")."""
    entry = ProgressEntryFactory(reported_on=dt.date(2026, 12, 7), period=dt.date(2026, 11, 1))
    viewer = _viewer(client, ProgressEntry)

    page = page_of(viewer.get(f"/admin/projects/progressentry/{entry.pk}/change/"))

    assert page.text(".field-reported_on .readonly") == "7 ธ.ค. 2569"
    assert page.text(".field-period .readonly") == "1 พ.ย. 2569"
    assert page.text(".field-reported_on label") == "วันที่รายงาน:"
    assert "2026" not in page.text("#content-main")
    past = entry.history.earliest()
    response = viewer.get(f"/admin/projects/progressentry/{entry.pk}/history/{past.pk}/")
    assert response.status_code == 200  # (a past version's page)
    assert "2026" not in page_of(response).text("#content-main")


def test_the_dates_of_inline_rows_that_may_only_be_viewed_are_in_be(client):
    """A project's steps (an inline) for a user who may only view them: in CE before."""
    step = PlanStepFactory(starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 7))
    viewer = _viewer(client, Project, PlanStep)

    page = page_of(viewer.get(f"/admin/projects/project/{step.project_id}/change/"))

    assert page.texts("td.field-starts_on") == ["1 ต.ค. 2569"]
    assert page.texts("td.field-ends_on") == ["7 ธ.ค. 2569"]
    assert "2026" not in page.text("#content-main")


def test_a_report_is_named_by_its_month_in_be(admin_client):
    """A report's name (the admin's page titles, breadcrumbs, "deleted" messages, history)
    was its project, the ISO CE day it was written on and its percent ("2026-12-07 20.00"):
    now its month (one report per project per month) in BE, as the app names it elsewhere."""
    entry = ProgressEntryFactory(
        reported_on=dt.date(2026, 12, 7), period=dt.date(2026, 11, 1), percent=Decimal("20.00")
    )

    assert str(entry) == f"{entry.project.code} พฤศจิกายน 2569 20.00%"
    page = page_of(admin_client.get(f"/admin/projects/progressentry/{entry.pk}/change/"))
    assert page.text("#content h2") == str(entry)
    assert page.texts(".breadcrumbs")[0].endswith(str(entry))


def test_a_submission_and_a_transfer_are_named_by_their_projects_code(admin_client):
    """A report on its way to approval and a budget transfer were named by their project's
    database id ("16530 พฤศจิกายน 2569 ร่าง"), which nobody knows: now by its code, as a
    report is. The transfer's amount is written as money, with its sign."""
    submission = ReportSubmissionFactory(period=dt.date(2026, 11, 1))
    transfer = BudgetTransfer.objects.create(
        project=submission.project,
        transferred_on=dt.date(2026, 12, 7),
        amount=Decimal("-2500.50"),
        reason="โอนออก",
    )

    code = submission.project.code
    assert str(submission) == f"{code} พฤศจิกายน 2569 {submission.get_state_display()}"
    assert str(transfer) == f"{code} 07/12/2569 -2,500.50"
    page = page_of(admin_client.get(f"/admin/projects/reportsubmission/{submission.pk}/change/"))
    assert page.texts(".breadcrumbs")[0].endswith(str(submission))


def test_the_history_of_changes_writes_its_times_and_changed_dates_in_be(admin_client):
    """The history page of a report (django-simple-history): when each change was made,
    and a changed date before and after, were in CE ("7 ธันวาคม 2026 09:30", "2020-10-22")."""
    entry = ProgressEntryFactory(reported_on=dt.date(2020, 10, 22))
    entry.history.update(history_date=dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC))
    entry.reported_on = dt.date(2020, 10, 25)
    entry.save()
    entry.history.filter(reported_on=dt.date(2020, 10, 25)).update(
        history_date=dt.datetime(2026, 12, 8, 3, 0, tzinfo=dt.UTC)
    )

    page = page_of(admin_client.get(f"/admin/projects/progressentry/{entry.pk}/history/"))

    cells = page.texts("#change-history tbody td:nth-child(2)")
    assert cells == ["8 ธ.ค. 2569 10:00 น.", "7 ธ.ค. 2569 09:30 น."]
    assert "22 ต.ค. 2563 → 25 ต.ค. 2563" in " ".join(page.text("#change-history li").split())


def test_the_history_of_changes_speaks_thai(admin_client):
    """django-simple-history has no Thai catalog: its history page and a past version's
    page were in English around the app's Thai ("Choose a date…", "Changed by",
    "Changed", "None"). The app's catalog (locale/th) has its words."""
    entry = ProgressEntryFactory(reported_on=dt.date(2020, 10, 22), committed=None)
    entry.reported_on, entry.committed = dt.date(2020, 10, 25), 1500
    entry.save()

    page = page_of(admin_client.get(f"/admin/projects/progressentry/{entry.pk}/history/"))

    assert "(บาท): - → 1500.00" in " ".join(page.text("#change-history").split())  # (was None)
    assert page.texts("#change-history thead th") == [
        "รายการ",
        "วันที่/เวลา",
        "การดำเนินการ",
        "ผู้แก้ไข",
        "เหตุผลที่แก้ไข",
        "สิ่งที่เปลี่ยน",
    ]
    assert page.texts("#change-history tbody td:nth-child(3)") == ["แก้ไข", "สร้าง"]
    assert page.texts("#change-history tbody td:nth-child(5)") == ["-", "-"]
    assert "เลือกวันที่" in page.text("#content-main")
    assert page.text("h1").startswith("ประวัติการแก้ไข: ")
    record = entry.history.earliest()
    past = page_of(
        admin_client.get(f"/admin/projects/progressentry/{entry.pk}/history/{record.pk}/")
    )
    assert "ย้อนกลับ" in past.text("#content-main")
    assert not re.search(r"\b(Revert|Press|Choose|Changed|None)\b", past.text("#content"))


def test_every_history_of_changes_with_dates_writes_them_in_be():
    """Derived from the admin's registry: an admin with a history of changes, of a model
    with a date (an update's time at least), shows a changed date through ThaiDatesAdmin."""
    from simple_history.admin import SimpleHistoryAdmin

    from projects.admin_dates import ThaiDatesAdmin

    missing = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
        and any(isinstance(f, models.DateField) for f in model._meta.fields)
        and not isinstance(model_admin, ThaiDatesAdmin)
    ]
    assert missing == []


def test_every_read_only_date_of_the_apps_admins_is_in_be(superuser):
    """Derived from the admin's registry: a read-only field of a change form (or of an
    inline's rows) that names a date or date-and-time field is drawn by Django in CE."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    in_ce = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"projects", "indicators", "reports", "api"}:
            continue
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for each in admins:
            dates = {f.name for f in each.model._meta.fields if isinstance(f, models.DateField)}
            in_ce += [
                f"{type(each).__name__}.{name}"
                for name in each.get_readonly_fields(request)
                if isinstance(name, str) and name in dates
            ]
    assert in_ce == [], "\n".join(in_ce)


def test_a_date_column_named_as_a_link_or_edited_in_the_list_keeps_working(superuser):
    """A link named by field still finds its (now BE) column; a column edited in the list
    stays the field, as the list's form needs it."""
    from projects.admin_dates import ThaiDatesAdmin

    request = RequestFactory().get("/admin/")
    request.user = superuser

    class Linked(ThaiDatesAdmin, admin.ModelAdmin):
        list_display = ("period", "due_on", "note")
        list_display_links = ("due_on",)

    class Edited(ThaiDatesAdmin, admin.ModelAdmin):
        list_display = ("period", "due_on", "note")
        list_editable = ("due_on",)

    linked = Linked(ReportingDeadline, admin.site)
    columns = linked.get_list_display(request)
    assert callable(columns[1]) and columns[1].__name__ == "due_on"
    assert linked.get_list_display_links(request, columns) == [columns[1]]
    assert Edited(ReportingDeadline, admin.site).get_list_display(request)[1] == "due_on"


def test_the_years_above_a_list_are_be(admin_client):
    """The date links above a list (date_hierarchy): years and months in BE."""
    ReportingDeadline.objects.create(period=dt.date(2026, 12, 1), due_on=dt.date(2027, 1, 12))
    ReportingDeadline.objects.create(period=dt.date(2025, 11, 1), due_on=dt.date(2025, 12, 12))

    years = page_of(admin_client.get("/admin/projects/reportingdeadline/"))
    months = page_of(admin_client.get("/admin/projects/reportingdeadline/?period__year=2026"))
    days = page_of(
        admin_client.get("/admin/projects/reportingdeadline/?period__year=2026&period__month=12")
    )

    assert years.texts(".toplinks a") == ["2568", "2569"]
    assert months.texts(".toplinks a")[1:] == ["ธันวาคม 2569"]
    assert days.texts(".toplinks a")[0] == "‹ 2569"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("th", "2026", "2569"),
        ("th", "ธันวาคม 2026", "ธันวาคม 2569"),
        ("th", "1 ธันวาคม", "1 ธันวาคม"),
        ("th", "ทุกวัน", "ทุกวัน"),
        ("th", "12026 20260", "12026 20260"),
        ("en", "December 2026", "December 2026"),
    ],
)
def test_years_as_read(language, text, expected):
    from django.utils import translation

    from projects.templatetags.thai import years_as_read

    with translation.override(language):
        assert years_as_read(text) == expected
