"""The browser tests' live server lets its test database be dropped at the end of the run.

Chromium keeps its connection to the live server open, and the server's request thread
keeps its database session while that socket lives (CONN_MAX_AGE, as in production). CI
failed once at the very end for it: "database test_…_e2e is being accessed by other users"
when pytest-django dropped the database (stop 21). ``tests.conftest.live_server`` ends those
sessions at its teardown; this test shows they exist and that ending them works, and that
the server answers again afterwards. It ends only the server's sessions: the test's own
fixtures hold theirs."""

import pytest
from django.db import connection

from tests.conftest import SEED_CODE, end_database_sessions, other_database_sessions

pytestmark = pytest.mark.e2e


def test_no_request_thread_shares_the_tests_connection(live_server):
    """On SQLite, an in-memory test database made Django's live server hand the test's own
    connection to every request thread (``connections_override``). When the run ended, the
    server stopped sharing it while request threads kept alive by Chromium's open
    connections were still finishing, and each failed to close it: "DatabaseWrapper objects
    created in a thread can only be used in that same thread" at the last browser test's
    teardown (a fresh clone's make test; 1 run in 2 of the browser tests on SQLite this
    session). The browser tests' SQLite database is a file (tests/conftest.py), so each
    thread has its own connection and nothing is handed over; PostgreSQL never shares."""
    assert live_server.thread.connections_override == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no sessions to end")
def test_the_live_servers_database_sessions_can_be_ended(seed_project, page, live_server):
    before = other_database_sessions()
    page.goto(f"{live_server.url}/public/projects/{SEED_CODE}/")
    servers = other_database_sessions() - before
    assert servers, "the live server's request thread keeps its session"

    end_database_sessions(servers)
    assert not servers & other_database_sessions()

    page.goto(f"{live_server.url}/public/projects/{SEED_CODE}/")
    assert SEED_CODE in page.locator("h1").inner_text()
