"""Login sessions read with their user and the page's tokens in one query
(projects/sessions.py): as safe as Django's own database sessions, one round trip."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import pagecache, revisions, sessions
from projects.models import Project, RevisionToken, Session, User
from tests.factories import FiscalYearFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))


@pytest.fixture
def manager():
    return UserFactory(manager=True, first_name="ผู้อ่าน")


@pytest.fixture
def reader(client, manager):
    client.force_login(manager)
    return client


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries], response


def test_the_session_row_names_its_user(reader, manager):
    session = Session.objects.get(session_key=reader.session.session_key)
    assert session.user_id == manager.pk
    assert session.get_decoded()[SESSION_KEY] == str(manager.pk)


def test_a_kept_project_page_costs_one_query(reader, project):
    url = f"/projects/{project.code}/"
    reader.get(url)  # keeps the body, sets the CSRF cookie
    reader.get(url)  # keeps the reader's shell (the page around the body)
    sql, response = queries_of(reader, url)
    assert len(sql) == 1, sql
    assert "projects_session" in sql[0] and "projects_user" in sql[0]
    assert "projects_project" in sql[0] and "projects_revisiontoken" in sql[0]
    assert response.context is None  # no template rendered


def test_a_kept_project_list_costs_one_query(reader, project):
    reader.get("/projects/?year=")
    reader.get("/projects/?year=")
    sql, response = queries_of(reader, "/projects/?year=")
    assert len(sql) == 1, sql
    assert response.context is None


def test_the_user_read_with_the_session_is_the_user_the_orm_reads(reader, manager):
    """Every field, converted as the ORM converts it (SQLite keeps datetimes as text)."""
    manager.last_login = timezone.now() - dt.timedelta(days=2)
    manager.save()
    store = sessions.SessionStore(reader.session.session_key)
    store.load()
    user_id, user = sessions._session_user.get()
    assert user_id == manager.pk
    fresh = User.objects.get(pk=manager.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(fresh, field.attname), field.name
    assert user.last_login.tzinfo is not None
    assert user.is_active is True


def test_the_riders_are_what_the_page_would_read_itself(reader, project):
    store = sessions.SessionStore(reader.session.session_key)
    store.ask_for_project(project.code)
    store.load()
    assert store.riders["tokens"] == revisions.tokens()
    request = type("Request", (), {"session": store})()
    from_session = pagecache.project_stamp(project.code, request)
    from_query = pagecache.project_stamp(project.code)
    for name in ("id", "code", "name", "agency_id", "revision", "site_token"):
        assert str(getattr(from_session, name)) == str(getattr(from_query, name)), name


def test_an_unknown_project_is_404_and_the_reader_stays_logged_in(reader):
    assert reader.get("/projects/99999999-9999/").status_code == 404
    assert reader.get("/projects/?year=").status_code == 200


def test_the_stamp_of_another_project_is_not_taken_for_this_one(reader, project):
    other = ProjectFactory()
    store = sessions.SessionStore(reader.session.session_key)
    store.ask_for_project(other.code)
    store.load()
    request = type("Request", (), {"session": store})()
    assert pagecache.project_stamp(project.code, request).pk == project.pk


def test_logout_ends_the_session_for_every_copy_of_the_cookie(reader, project):
    url = f"/projects/{project.code}/"
    reader.get(url)
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = reader.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert stolen.get(url).status_code == 200
    reader.post("/accounts/logout/")
    assert stolen.get(url).status_code == 302
    assert not Session.objects.exists()


def test_a_password_changed_elsewhere_ends_the_session(reader, manager, project):
    url = f"/projects/{project.code}/"
    reader.get(url)
    assert reader.get(url).status_code == 200
    manager.set_password("รหัสใหม่-2569")
    manager.save()
    assert reader.get(url).status_code == 302


def test_a_deactivated_user_is_logged_out(reader, manager, project):
    url = f"/projects/{project.code}/"
    assert reader.get(url).status_code == 200
    User.objects.filter(pk=manager.pk).update(is_active=False)
    assert reader.get(url).status_code == 302


def test_deleting_a_user_deletes_their_sessions(reader, manager):
    assert Session.objects.filter(user=manager).exists()
    manager.delete()
    assert not Session.objects.exists()
    assert reader.get("/projects/").status_code == 302


def test_an_expired_session_is_no_login(reader, project):
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert reader.get(f"/projects/{project.code}/").status_code == 302


def test_the_user_read_with_a_session_serves_only_that_request(reader, manager):
    """The backend takes it once, for the user the session names; after that (another
    request, another user) it reads the database as ModelBackend does."""
    store = sessions.SessionStore(reader.session.session_key)
    store.load()
    backend = sessions.SessionUserBackend()
    assert backend.get_user(manager.pk + 1000) is None  # not the one read: from the database
    store.load()
    first = backend.get_user(manager.pk)
    assert first.pk == manager.pk
    User.objects.filter(pk=manager.pk).update(first_name="ชื่อใหม่")
    assert backend.get_user(manager.pk).first_name == "ชื่อใหม่"  # taken once only
    sessions.SessionStore(reader.session.session_key)  # a new request's store
    assert sessions._session_user.get() is None


def test_a_session_without_a_user_reads_none(db):
    store = sessions.SessionStore()
    store["lang"] = "th"
    store.create()
    again = sessions.SessionStore(store.session_key)
    assert again.load() == {"lang": "th"}
    assert sessions._session_user.get() == (None, None)
    assert (
        again.riders["tokens"][RevisionToken.SITE] is not None or not RevisionToken.objects.exists()
    )


def test_a_project_page_of_an_unknown_code_reads_no_project(reader):
    store = sessions.SessionStore(reader.session.session_key)
    store.ask_for_project("00000000-0000")
    store.load()
    assert store.riders["project"] == ("00000000-0000", None)
    assert not Project.objects.filter(code="00000000-0000").exists()
