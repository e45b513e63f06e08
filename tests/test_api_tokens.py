"""Personal API tokens (issue 17, item 3): made and revoked by each person on
/account/tokens/, shown once, kept as a digest; expired or revoked → 401; throttled."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.api import authentication, services
from reports.api.models import ApiToken
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY = re.compile(r'value="(bma_[A-Za-z0-9_-]{40,})"')


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def make_token(client, name="ระบบ BI", expires_on=""):
    answer = client.post("/account/tokens/", {"name": name, "expires_on": expires_on})
    match = KEY.search(answer.content.decode())
    return answer, match and match.group(1)


def test_a_token_is_shown_once_and_kept_only_as_a_digest(client, person):
    answer, key = make_token(client)
    assert answer.status_code == 200
    assert key
    assert "ระบบจะไม่แสดงโทเค็นนี้อีก" in answer.content.decode()
    assert "no-store" in answer["Cache-Control"]

    token = ApiToken.objects.get(user=person)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) < 16
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(key in value for value in stored)

    page = client.get("/account/tokens/").content.decode()
    assert key not in page
    assert "ระบบ BI" in page and token.prefix in page and "ยังไม่เคยใช้" in page

    api = client.get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_user_menu_links_to_the_tokens_page(client, person):
    assert 'href="/account/tokens/"' in client.get("/account/tokens/").content.decode()


def test_the_tokens_page_needs_a_login(client):
    assert client.get("/account/tokens/").status_code == 302


def test_a_token_needs_a_name_and_a_future_expiry(client, person):
    answer, key = make_token(client, name="  ")
    assert answer.status_code == 422 and key is None
    assert "กรุณาตั้งชื่อโทเค็น" in answer.content.decode()
    with pytest.raises(ValidationError) as error:
        services.api_token_create(user=person, name="x", expires_on=timezone.localdate())
    assert "expires_on" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(client, person):
    _answer, key = make_token(client)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/agencies/", **headers).status_code == 200
    token = ApiToken.objects.get()
    answer = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "ยกเลิกโทเค็นแล้ว" in answer.content.decode()
    refused = client.get("/api/v1/agencies/", **headers)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_nobody_revokes_another_persons_token(client, person):
    other, _key = services.api_token_create(user=UserFactory(), name="x", expires_on=None)
    client.post(f"/account/tokens/{other.pk}/revoke/")
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_an_expired_token_is_refused(client, monkeypatch):
    """Expiry is checked on each request, also on the token kept in the cache."""
    user = UserFactory()
    token, key = services.api_token_create(
        user=user, name="x", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/agencies/", **headers).status_code == 200
    later = token.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(authentication.timezone, "now", lambda: later)
    assert client.get("/api/v1/agencies/", **headers).status_code == 401


def test_an_expiry_brought_forward_by_an_administrator_holds_at_once(client):
    user = UserFactory()
    token, key = services.api_token_create(user=user, name="x", expires_on=None)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/agencies/", **headers).status_code == 200
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()  # as the admin's form saves it
    assert client.get("/api/v1/agencies/", **headers).status_code == 401


def test_a_kept_token_follows_its_person(client, django_assert_num_queries):
    """The token and its person are kept (no query on a poll) until the person changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    _token, key = services.api_token_create(user=user, name="x", expires_on=None)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client.get("/api/v1/agencies/", **headers)
    with django_assert_num_queries(0):
        assert client.get("/api/v1/agencies/", **headers).status_code == 200
    user.first_name = "เปลี่ยน"
    user.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/agencies/", **headers).status_code == 200
    assert [q for q in queries if 'FROM "api_apitoken"' in q["sql"]]  # read again


def test_a_wrong_or_inactive_token_is_refused(client):
    user = UserFactory()
    _token, key = services.api_token_create(user=user, name="x", expires_on=None)
    assert client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}x").status_code == 401
    assert client.get("/api/v1/agencies/", HTTP_AUTHORIZATION="Token a b").status_code == 401
    user.is_active = False
    user.save()
    assert client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_each_token_has_its_own_rate_limit(client, settings):
    settings.BMA_API_RATES = {"token": "2/minute", "anonymous": "100/minute"}
    ProjectFactory()
    _first, key = services.api_token_create(user=UserFactory(), name="a", expires_on=None)
    _second, other = services.api_token_create(user=UserFactory(), name="b", expires_on=None)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert [client.get("/api/v1/projects/", **headers).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/projects/", **headers)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert client.get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {other}").status_code == 200
    assert client.get("/api/v1/projects/").status_code == 200  # anonymous: its own limit


def test_anonymous_requests_are_limited_per_address(client, settings):
    settings.BMA_API_RATES = {"token": "100/minute", "anonymous": "1/minute"}
    assert client.get("/api/v1/agencies/", REMOTE_ADDR="10.0.0.1").status_code == 200
    # X-Forwarded-For is not trusted without declared proxies (BMA_API_NUM_PROXIES).
    spoofed = client.get(
        "/api/v1/agencies/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert spoofed.status_code == 429
    assert client.get("/api/v1/agencies/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_administrators_see_and_revoke_tokens_but_never_their_keys(client):
    token, key = services.api_token_create(user=UserFactory(), name="ของคนที่ย้ายไป", expires_on=None)
    client.force_login(UserFactory(admin=True, is_superuser=True))
    listing = client.get("/admin/api/apitoken/").content.decode()
    assert "ของคนที่ย้ายไป" in listing and key not in listing and token.digest not in listing
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    client.post(f"/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.exists()


def test_the_kept_token_carries_no_password_hash(client):
    from django.core.cache import cache

    user = UserFactory()
    token, key = services.api_token_create(user=user, name="x", expires_on=None)
    client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}")
    kept = cache.get(f"api-token:{token.digest}")
    assert kept is not None and kept.user.pk == user.pk
    assert "password" not in kept.user.__dict__
