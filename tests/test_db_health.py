"""PostgreSQL connections (Django's backend, CONN_MAX_AGE with CONN_HEALTH_CHECKS): a
connection the server has ended is replaced at the start of the next request."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's connections (CI runs it)"
    ),
]


@pytest.fixture
def other():
    """A second connection to the test database, as another request's would be."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def ended_soon(wrapper, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not wrapper.is_usable():
            return True
        time.sleep(0.02)
    return False


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced(other):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert ended_soon(other)
    # What Django does at the start of a request that reuses the connection:
    other.health_check_enabled = True
    other.health_check_done = False
    other.close_if_health_check_failed()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_the_settings_use_djangos_own_backend():
    assert connection.settings_dict["ENGINE"] == "django.db.backends.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
