"""Login sessions are Django's own: ``cached_db`` with a shared cache (REDIS_URL), ``db``
without one (settings.py). Both engines end a session everywhere when it should end."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import User
from tests.factories import FiscalYearFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ["django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.db"]


@pytest.fixture(params=ENGINES, ids=["cached_db", "db"])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


@pytest.fixture
def project():
    return ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))


@pytest.fixture
def manager():
    return UserFactory(manager=True, first_name="ผู้อ่าน")


@pytest.fixture
def reader(engine, client, manager):
    client.force_login(manager)
    return client


def test_logout_ends_the_session_for_every_copy_of_the_cookie(reader, project):
    url = f"/projects/{project.code}/"
    reader.get(url)
    stolen = Client()
    stolen.cookies[django_settings.SESSION_COOKIE_NAME] = reader.cookies[
        django_settings.SESSION_COOKIE_NAME
    ].value
    assert stolen.get(url).status_code == 200
    reader.post("/accounts/logout/")
    assert stolen.get(url).status_code == 302


def test_a_password_changed_elsewhere_ends_the_session(reader, manager, project):
    url = f"/projects/{project.code}/"
    assert reader.get(url).status_code == 200
    manager.set_password("รหัสใหม่-2569")
    manager.save()
    assert reader.get(url).status_code == 302


def test_a_deactivated_user_is_logged_out(reader, manager, project):
    url = f"/projects/{project.code}/"
    assert reader.get(url).status_code == 200
    User.objects.filter(pk=manager.pk).update(is_active=False)
    assert reader.get(url).status_code == 302


def test_a_deleted_user_is_logged_out(reader, manager):
    assert reader.get("/projects/?year=").status_code == 200
    manager.delete()
    assert reader.get("/projects/?year=").status_code == 302


def test_an_expired_session_is_no_login(reader, project):
    assert reader.get(f"/projects/{project.code}/").status_code == 200
    session = reader.session
    session.set_expiry(timezone.now() - dt.timedelta(seconds=1))  # in the database and cache
    session.save()
    assert reader.get(f"/projects/{project.code}/").status_code == 302


def test_an_unknown_project_is_404_and_the_reader_stays_logged_in(reader):
    assert reader.get("/projects/99999999-9999/").status_code == 404
    assert reader.get("/projects/?year=").status_code == 200


def test_with_the_cache_a_session_costs_no_query(reader, engine):
    with CaptureQueriesContext(connection) as queries:
        assert reader.get("/projects/?year=").status_code == 200
    read_session = any("django_session" in query["sql"] for query in queries.captured_queries)
    assert read_session == engine.endswith(".db")


# --- which engine and cache the settings choose ---------------------------------------------


def settings_with(**env) -> dict:
    """SESSION_ENGINE and the cache backend as settings.py reads them from ``env``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DJANGO_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="bmaprogress.settings")
    script = (
        "import json; from django.conf import settings; print(json.dumps("
        "[settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_redis_url_gives_one_shared_cache_and_cached_sessions():
    assert settings_with(REDIS_URL="redis://127.0.0.1:6379/3") == [
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_without_redis_the_cache_is_in_memory_and_sessions_in_the_database():
    # A cache per process would keep a session alive in the other workers after logout.
    assert settings_with() == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
