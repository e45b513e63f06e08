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

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no sessions to end"),
]


def test_the_live_servers_database_sessions_can_be_ended(seed_project, page, live_server):
    before = other_database_sessions()
    page.goto(f"{live_server.url}/public/projects/{SEED_CODE}/")
    servers = other_database_sessions() - before
    assert servers, "the live server's request thread keeps its session"

    end_database_sessions(servers)
    assert not servers & other_database_sessions()

    page.goto(f"{live_server.url}/public/projects/{SEED_CODE}/")
    assert SEED_CODE in page.locator("h1").inner_text()
