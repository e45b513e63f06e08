"""A past version's page of the admin (django-simple-history) reverts only for a user who
may change the object.

simple-history's ``history_form_view`` asks only for the view permission, also of a POST:
a staff user who could only view reports posted a past version's form and changed a report
(302, its percent 99). Viewing a past version stays open to those who may view."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from simple_history.admin import SimpleHistoryAdmin

from tests.factories import (
    ProgressEntryFactory,
    QuarterEvaluationFactory,
    QuarterLockFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db


def _staff(client, username, *codenames):
    user = UserFactory(username=username, admin=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def _form_data(page) -> dict:
    """The fields of a past version's form as a browser sends them, its "ย้อนกลับ" pressed."""
    data = {"_save": "ย้อนกลับ"}
    for field in page.all("#content-main form input[name]"):
        kind = field.get("type", "text")
        if kind not in {"submit", "checkbox"} or field.get("checked") is not None:
            data[field.get("name")] = field.get("value", "")
    for field in page.all("#content-main form textarea[name]"):
        data[field.get("name")] = field.text or ""
    for field in page.all("#content-main form select[name]"):
        chosen = [o.get("value") for o in field.iter() if o.get("selected") is not None]
        data[field.get("name")] = chosen[0] if chosen else ""
    return data


@pytest.fixture
def changed_report():
    """A report written at 10% and changed to 20% since: its first version, the past one."""
    entry = ProgressEntryFactory(percent=Decimal("10.00"))
    entry.percent = Decimal("20.00")
    entry.save()
    return entry, entry.history.earliest()


def _past_url(entry, past) -> str:
    return f"/admin/projects/progressentry/{entry.pk}/history/{past.pk}/"


def test_a_user_who_may_only_view_a_report_cannot_revert_it(client, changed_report):
    entry, past = changed_report
    editor = _staff(client, "history-editor", "view_progressentry", "change_progressentry")
    data = {**_form_data(page_of(editor.get(_past_url(entry, past)))), "percent": "99"}
    viewer = _staff(client, "history-viewer", "view_progressentry")
    versions = entry.history.count()

    page = viewer.get(_past_url(entry, past))  # (looking at a past version is fine)
    response = viewer.post(_past_url(entry, past), data)

    assert page.status_code == 200
    assert page_of(page).all("input[name=_save]") == []  # (no "ย้อนกลับ" button)
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.percent == Decimal("20.00")
    assert entry.history.count() == versions


def test_a_user_who_may_change_a_report_still_reverts_it(client, changed_report):
    entry, past = changed_report
    editor = _staff(client, "history-editor", "view_progressentry", "change_progressentry")
    page = page_of(editor.get(_past_url(entry, past)))
    assert page.all("input[name=_save]") != []

    response = editor.post(_past_url(entry, past), _form_data(page))

    assert response.status_code == 302, page_of(response).text(".errorlist")
    entry.refresh_from_db()
    assert entry.percent == Decimal("10.00")
    assert entry.history.latest().history_user.username == "history-editor"


def test_a_row_of_a_closed_quarter_is_not_reverted_either(client):
    """indicators.admin.LockedQuarterReadOnly: a closed quarter's rows may not be changed,
    not even by a superuser; its past version's form saved them all the same."""
    evaluation = QuarterEvaluationFactory(result_value=Decimal("10.00"))
    evaluation.result_value = Decimal("20.00")
    evaluation.save()
    past, version = evaluation.history.earliest(), evaluation.version
    url = f"/admin/indicators/quarterevaluation/{evaluation.pk}/history/{past.pk}/"
    client.force_login(UserFactory(username="history-admin", admin=True, is_superuser=True))
    data = _form_data(page_of(client.get(url)))
    QuarterLockFactory(fiscal_year=evaluation.project.fiscal_year, quarter=1, is_locked=True)

    response = client.post(url, data)

    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert (evaluation.result_value, evaluation.version) == (Decimal("20.00"), version)


def test_every_past_version_page_refuses_a_post_from_a_user_who_may_only_view(client):
    """Derived from the admin's registry: each admin with a history of changes refuses a
    past version's form posted by a user who may view its model but not change it (before it
    looks the version up: no such version here, a 404 for one that does not refuse)."""
    history_admins = [
        model._meta
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    viewer = _staff(
        client, "history-viewer", *[f"view_{opts.model_name}" for opts in history_admins]
    )

    answers = {
        opts.label: viewer.post(
            f"/admin/{opts.app_label}/{opts.model_name}/0/history/0/", {"_save": "ย้อนกลับ"}
        ).status_code
        for opts in history_admins
    }

    assert len(answers) >= 7  # (projects' and indicators')
    assert answers == dict.fromkeys(answers, 403)
