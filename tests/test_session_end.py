"""Sessions end when they should (issue 12, item 5): deactivating a person, changing their
role, agency, admin rights or password ends every session of theirs, whatever made the
change (the admin, the shell, ``set_password``, ``QuerySet.update``), and reactivating
them does not bring an old cookie back.

Built on Django's own session verification (``get_session_auth_hash``, checked by
``django.contrib.auth.get_user`` on every request), not on the session table: the hash
includes ``User.session_stamp``, which such a change replaces. Run on SQLite and on
PostgreSQL (``DATABASE_URL``)."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from projects import pagecache
from projects.models import SESSION_ENDING_FIELDS, User
from tests.factories import AgencyFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ผักกาด-ขาว-2569"


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def person(project):
    return UserFactory(username="somchai", first_name="สมชาย", agency=project.agency)


@pytest.fixture
def their_client(person, project):
    """The person's browser, logged in before the change, with the project page kept."""
    client = Client()
    client.force_login(person)
    url = page(project)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # served from the kept page
    return client


@pytest.fixture
def administrator():
    return UserFactory(username="admin-sec", admin=True, is_superuser=True)


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def page(project) -> str:
    return reverse("projects:detail", args=[project.code])


def assert_logged_out(client, project):
    response = client.get(page(project))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert HASH_SESSION_KEY not in client.session


def assert_logged_in(client, project):
    assert client.get(page(project)).status_code == 200


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


# --- every way to change a person ends their sessions -----------------------------------------


def deactivate_and_reactivate(user):
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()


def change_role(user):
    user.role = User.Role.EVALUATOR
    user.save()


def change_agency(user):
    user.agency = AgencyFactory()
    user.save()


def remove_agency(user):
    user.agency = None
    user.save()


def change_password(user):
    user.set_password(NEW_PASSWORD)
    user.save()


def change_password_of_its_field_only(user):
    user.set_password(NEW_PASSWORD)
    user.save(update_fields=["password"])


def give_admin_rights(user):
    user.is_staff = True
    user.is_superuser = True
    user.save()


@pytest.mark.parametrize(
    "change",
    [
        deactivate_and_reactivate,
        change_role,
        change_agency,
        remove_agency,
        change_password,
        change_password_of_its_field_only,
        give_admin_rights,
    ],
)
def test_a_change_through_the_model_ends_the_session(their_client, person, project, change):
    change(person)
    assert_logged_out(their_client, project)


def test_a_change_on_another_copy_of_the_user_ends_the_session(their_client, person, project):
    """The shell: a copy read before the login, changed after it."""
    copy = fresh(person)
    copy.role = User.Role.MANAGER
    copy.save()
    assert_logged_out(their_client, project)


def test_reactivation_does_not_bring_the_old_cookie_back(their_client, person, project):
    """The reported bug: the cookie of a deactivated person worked again once they were
    active again."""
    person.is_active = False
    person.save()
    copy = Client()
    copy.cookies = their_client.cookies  # the same cookie, not used while inactive
    person.is_active = True
    person.save()
    assert_logged_out(copy, project)


@pytest.mark.parametrize(
    "changes",
    [
        {"is_active": False},
        {"role": User.Role.MANAGER},
        {"agency": None},
        {"is_staff": True},
        {"is_superuser": True},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_a_queryset_update_ends_the_session(their_client, person, project, changes):
    User.objects.filter(pk=person.pk).update(**changes)
    if "is_active" in changes:
        User.objects.filter(pk=person.pk).update(is_active=True)
    assert_logged_out(their_client, project)


def test_a_bulk_update_ends_the_session(their_client, person, project):
    person.role = User.Role.MANAGER
    User.objects.bulk_update([person], ["role"])
    assert_logged_out(their_client, project)


# --- through the admin, as an administrator -----------------------------------------------------


def admin_form_data(client, user) -> dict:
    """The admin change form of ``user`` as a browser would post it back unchanged."""
    response = client.get(reverse("admin:projects_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = str(value)
    return data


def post_admin_form(client, user, **changes):
    data = {**admin_form_data(client, user), **changes}
    data = {name: value for name, value in data.items() if value is not None}
    response = client.post(reverse("admin:projects_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_deactivating_and_reactivating_in_the_admin_ends_the_session(
    their_client, admin_client, person, project
):
    post_admin_form(admin_client, person, is_active=None)
    assert not fresh(person).is_active
    post_admin_form(admin_client, person, is_active="on")
    assert fresh(person).is_active
    assert_logged_out(their_client, project)


@pytest.mark.parametrize("field", ["role", "agency"])
def test_changing_role_or_agency_in_the_admin_ends_the_session(
    their_client, admin_client, person, project, field
):
    value = User.Role.MANAGER if field == "role" else str(AgencyFactory().pk)
    post_admin_form(admin_client, person, **{field: value})
    assert str(getattr(fresh(person), "role" if field == "role" else "agency_id")) == value
    assert_logged_out(their_client, project)


def test_a_password_set_by_an_administrator_ends_the_session(
    their_client, admin_client, person, project
):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert fresh(person).check_password(NEW_PASSWORD)
    assert_logged_out(their_client, project)
    assert_logged_in(admin_client, project)


def test_an_administrator_who_changes_their_own_password_stays_logged_in(
    admin_client, administrator, project
):
    """Django's update_session_auth_hash keeps the browser that made the change; the
    administrator's other sessions end."""
    elsewhere = Client()
    elsewhere.force_login(administrator)
    assert_logged_in(elsewhere, project)
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[administrator.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert_logged_in(admin_client, project)
    assert_logged_out(elsewhere, project)


def test_an_unrelated_change_in_the_admin_keeps_the_session(
    their_client, admin_client, person, project
):
    post_admin_form(admin_client, person, first_name="สมชายใหม่", phone="0 2224 1234")
    assert fresh(person).first_name == "สมชายใหม่"
    assert_logged_in(their_client, project)


# --- what must not end a session -----------------------------------------------------------------


def test_logging_in_does_not_end_the_sessions_one_already_has(person, project):
    """A login saves last_login; that must not log the person out of their other browser."""
    first = Client()
    response = first.post(
        reverse("login"), {"username": "somchai", "password": "demo"}, REMOTE_ADDR="10.5.0.1"
    )
    assert response.status_code == 302
    stamp = fresh(person).session_stamp
    second = Client()
    response = second.post(
        reverse("login"), {"username": "somchai", "password": "demo"}, REMOTE_ADDR="10.5.0.2"
    )
    assert response.status_code == 302
    assert fresh(person).last_login is not None
    assert fresh(person).session_stamp == stamp
    assert_logged_in(first, project)
    assert_logged_in(second, project)


@pytest.mark.parametrize(
    "change",
    [
        lambda user: setattr(user, "first_name", "สมชายใหม่"),
        lambda user: setattr(user, "email", "somchai@bangkok.go.th"),
        lambda user: setattr(user, "phone", "0 2224 1234"),
        lambda user: setattr(user, "last_login", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        lambda user: None,  # saved as it is
        lambda user: setattr(user, "role", user.role),  # set to what it was
    ],
    ids=["name", "email", "phone", "last-login", "nothing", "same-role"],
)
def test_unrelated_saves_keep_the_stamp_and_the_session(their_client, person, project, change):
    stamp = fresh(person).session_stamp
    change(person)
    person.save()
    assert fresh(person).session_stamp == stamp
    assert_logged_in(their_client, project)


def test_a_name_change_through_update_keeps_the_session(their_client, person, project):
    User.objects.filter(pk=person.pk).update(first_name="สมชายใหม่")
    assert_logged_in(their_client, project)


def test_a_copy_refreshed_from_the_database_saves_without_ending_the_session(
    their_client, person, project
):
    copy = fresh(person)
    User.objects.filter(pk=person.pk).update(first_name="ชื่อจากที่อื่น")
    copy.refresh_from_db()
    copy.phone = "1555"
    copy.save()
    assert_logged_in(their_client, project)


# --- the class of bug: every field that decides what a person may do -------------------------


def test_these_are_the_fields_that_end_sessions():
    """Adding a field that decides what a person may do: add it here and to
    SESSION_ENDING_FIELDS."""
    expected = {"password", "is_active", "role", "agency", "is_staff", "is_superuser"}
    assert expected == SESSION_ENDING_FIELDS


def other_value(user, name):
    if name == "password":
        user.set_password(NEW_PASSWORD)
        return user.password
    if name == "role":
        return User.Role.MANAGER
    if name == "agency":
        return AgencyFactory()
    return not getattr(user, name)


@pytest.mark.parametrize("name", sorted(SESSION_ENDING_FIELDS))
@pytest.mark.parametrize("how", ["save", "save-update-fields", "queryset-update"])
def test_every_session_ending_field_rotates_the_stamp_however_it_is_written(person, name, how):
    stamp = fresh(person).session_stamp
    hash_before = fresh(person).get_session_auth_hash()
    value = other_value(person, name)
    if how == "queryset-update":
        User.objects.filter(pk=person.pk).update(**{name: value})
    else:
        setattr(person, name, value)
        person.save(**({"update_fields": [name]} if how == "save-update-fields" else {}))
        assert person.session_stamp != stamp  # the instance in hand, too
    assert fresh(person).session_stamp != stamp
    assert fresh(person).get_session_auth_hash() != hash_before


def test_the_session_hash_keeps_djangos_password_check(person):
    """Same stamp, other password: another hash (a password changed by SQL still ends
    sessions, as in Django)."""
    before = person.get_session_auth_hash()
    person.password = "md5$other$0123"
    assert person.get_session_auth_hash() != before
    person.password = fresh(person).password
    assert person.get_session_auth_hash() == before
    person.session_stamp = uuid.uuid4()
    assert person.get_session_auth_hash() != before


def test_the_old_secret_key_still_verifies_a_session(person, settings):
    """SECRET_KEY_FALLBACKS work as in Django: a key rotation does not log people out."""
    old = person.get_session_auth_hash()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    assert person.get_session_auth_hash() != old
    assert old in list(person.get_session_auth_fallback_hash())


# --- kept pages -------------------------------------------------------------------------------


def site_token():
    return pagecache.versions(pagecache.SITE)[0]


def test_a_password_change_keeps_the_kept_pages(person, project):
    """No page shows a password or a stamp: saving only those keeps every kept page."""
    before = site_token()
    person.set_password(NEW_PASSWORD)
    person.save(update_fields=["password"])
    assert site_token() == before


@pytest.mark.parametrize("field", ["role", "agency", "is_active", "first_name"])
def test_what_pages_show_of_a_person_still_renews_the_kept_pages(person, project, field):
    before = site_token()
    value = {"role": User.Role.MANAGER, "agency": None, "is_active": False}.get(field, "ใหม่")
    setattr(person, field, value)
    person.save(update_fields=[field])
    assert site_token() != before
