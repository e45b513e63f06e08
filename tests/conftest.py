"""Shared fixtures: the seed project, users, and Playwright on Debian's Chromium.

Browser tests are marked ``e2e`` and use pytest-playwright's ``page`` with pytest-django's
``live_server``. They run in ``make test`` and in CI; a missing /usr/bin/chromium fails
them (``make install`` installs it) rather than skipping them silently.
"""

import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

SEED_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "seed.json"
SEED_CODE = "01000000-2462"

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts,
# which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's million rounds cost ~0.3 s a user, and
    most tests make one. The real hashers stay listed, so their hashes still verify."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (kept pages, their versions, sessions, the
    dashboard's numbers): a test's rollback leaves the cache as the test left it, and ids
    are used again, so a page kept by one test could meet another test's data. With
    REDIS_URL set this empties that Redis database: give the tests one of their own."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["template_fragments"].clear()


@pytest.fixture(autouse=True)
def thai_first():
    """Every test starts in Thai, the site's language (LANGUAGE_CODE): a request in English
    leaves English active in its thread (LocaleMiddleware activates the language of each
    request and nothing deactivates it), which must not follow into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def versions_change_at_once(request, monkeypatch):
    """Kept pages get new versions once a write commits (``projects.pagecache.bump``). A
    test inside one transaction (the ``db`` fixture) commits nothing, so there they
    change at once: what such a test writes stands for a committed write. Tests that
    commit (``transactional_db``, ``live_server``) keep the real order, which
    tests/test_pagecache.py checks."""
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        return
    from projects import pagecache

    monkeypatch.setattr(pagecache, "bump", lambda *scopes: pagecache._set_new_versions(scopes))


@pytest.fixture
def session_queries(settings) -> int:
    """Queries that reading a logged-in session costs: none when the cache holds it
    (``cached_db`` with REDIS_URL), one without a shared cache (``db``: settings.py)."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in the test's own folder: evidence files, reports, import batches."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seed_project(db):
    """The project of the old system's page, loaded from fixtures/seed.json."""
    from projects.models import Project

    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    return Project.objects.select_related("agency", "fiscal_year").get(code=SEED_CODE)


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="staff-test")


@pytest.fixture
def logged_in_client(client, staff_user):
    client.force_login(staff_user)
    return client


# --- Playwright --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright(playwright):
    """pytest-playwright's sync API keeps an event loop running in the main thread, so
    Django refuses database access there ("You cannot call this from an async context").
    The tests are synchronous; allow it for as long as Playwright runs."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's Chromium "
            "(`make install` installs it: apt-get install -y chromium)",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Thai browser: pytest-playwright's contexts say Accept-Language en-US, which the
    site answers in English (issue 17); the browser tests read the Thai pages. A test of
    English asks for ``locale="en-US"`` in its own context."""
    return {**browser_context_args, "locale": "th-TH"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory
):
    """On SQLite, a run with browser tests gets a test database in a file, not in memory.

    For an in-memory test database, Django's live server hands the test's own connection
    to each of its request threads (``connections_override``, thread sharing on). When the
    run ends, the server stops sharing it while request threads that Chromium's open
    connections kept alive are still finishing; each then fails to close it ("DatabaseWrapper
    objects created in a thread can only be used in that same thread"), reported at the
    last browser test's teardown. A fresh clone's ``make test`` failed so once, and one of
    two runs of the browser tests on SQLite. With a file, each request thread opens and
    closes its own connection, as the threads of ``make run``'s server do, and nothing is
    handed over (tests/test_live_server_e2e.py). Runs without browser tests keep the faster
    in-memory database; PostgreSQL is not touched."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and any(
        "live_server" in getattr(item, "fixturenames", ()) for item in request.session.items
    ):
        name = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(scope="session")
def _database_sessions_end(django_db_setup, django_db_blocker):
    """At the end of the run, after the live server has stopped and before the test
    database is dropped: ends the sessions that still hold that database.

    Chromium keeps its connections to the live server open (keep-alive), and each of the
    server's request threads keeps its database connection while its socket lives
    (CONN_MAX_AGE 60, as in production). Dropping the test database then failed on
    PostgreSQL: "database … is being accessed by other users" (CI, stop 21)."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        connection.close()  # (a session of its own, opened afresh, closed before the drop)
        end_database_sessions(other_database_sessions())
        connection.close()


@pytest.fixture(scope="session")
def live_server(_database_sessions_end, live_server):
    """pytest-django's live server; set up after ``_database_sessions_end``, so that it is
    stopped before that fixture's teardown ends the sessions its threads left."""
    return live_server


def other_database_sessions() -> set[int]:
    """The process ids of the other sessions (PostgreSQL) on the test database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def end_database_sessions(pids: set[int], wait: float = 10) -> None:
    """Ends these sessions and waits (up to ``wait`` seconds) until they are gone:
    pg_terminate_backend only signals them."""
    from django.db import connection

    if not pids:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [list(pids)])
    deadline = time.monotonic() + wait
    while pids & other_database_sessions() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in ``page.goto("/projects/")`` go to pytest-django's live server.

    Also replaces pytest-playwright's own fallback ``base_url``, a session fixture defined
    as an instance method, which pytest 9 deprecates (and warnings are errors here)."""
    return live_server.url


@pytest.fixture
def login(page, live_server):
    """Log a user in through the real login form: ``login(user)`` (password ``demo``)."""

    def do_login(user, password="demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/accounts/login/" not in page.url, "login failed"
        return page

    return do_login
