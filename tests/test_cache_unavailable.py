"""Redis (the shared cache: sessions, kept pages) out of reach answers the Thai 503 page
with Retry-After, as the database out of reach does, not a 500."""

import pytest
from django.test import Client, override_settings

from tests.factories import UserFactory

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 9 (discard) here: the connection is refused at once.
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


@pytest.mark.django_db
def test_a_logged_in_page_with_redis_down_is_the_thai_503():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())  # the session is in the database (no cache yet)
    with override_settings(
        CACHES=DEAD_REDIS, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        response = client.get("/projects/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "ระบบขัดข้องชั่วคราว" in response.content.decode()
