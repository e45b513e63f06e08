"""Login lockout behind a reverse proxy (issue 12, item 9).

django-axes locks a username from one client address (AXES_LOCKOUT_PARAMETERS). Behind a
reverse proxy every request comes from the proxy's address (REMOTE_ADDR): unless the
app is told how many proxies add themselves to X-Forwarded-For (BMA_PROXY_COUNT), all
clients share one address, and five bad passwords from anyone lock the person out for
everyone. With BMA_PROXY_COUNT=1 the address is the right-most X-Forwarded-For entry,
the one the proxy wrote; what the client wrote to the left of it changes nothing.
``check --deploy`` warns when the production profile (behind a proxy: it trusts
X-Forwarded-Proto) runs with BMA_PROXY_COUNT=0."""

import io

import pytest
from axes.helpers import get_client_ip_address
from django.core import checks
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_security import manage, production_env

PROXY = "10.0.0.1"  # the reverse proxy: REMOTE_ADDR of every request through it
ATTACKER = "203.0.113.66"
SOMCHAI_AT_HOME = "198.51.100.7"


def post_login(client, username, password, *, remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_five_times(client, username, **where):
    for _ in range(5):
        post_login(client, username, "wrong", **where)


@pytest.fixture
def somchai(db):
    return UserFactory(username="somchai")


@pytest.fixture
def behind_one_proxy(settings):
    settings.BMA_PROXY_COUNT = 1


# --- the address axes uses -----------------------------------------------------------------


def address(remote=PROXY, forwarded=None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return get_client_ip_address(RequestFactory().post("/accounts/login/", **extra))


def test_without_a_proxy_count_the_address_is_the_connections(settings):
    settings.BMA_PROXY_COUNT = 0
    assert address(remote="192.0.2.10") == "192.0.2.10"
    # What a client writes in X-Forwarded-For is not believed.
    assert address(remote="192.0.2.10", forwarded="198.51.100.1") == "192.0.2.10"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, ATTACKER, ATTACKER),  # the proxy appended the client's address
        (1, f"192.0.2.1, {ATTACKER}", ATTACKER),  # the client wrote the left one
        (1, f"not-an-address, 192.0.2.1,{ATTACKER}", ATTACKER),
        (1, f" {ATTACKER} ", ATTACKER),
        (1, "2001:db8::1", "2001:db8::1"),
        (2, f"192.0.2.1, {ATTACKER}, 10.0.0.2", ATTACKER),  # two proxies
        (1, None, PROXY),  # no header: not through the proxy (a health check)
        (1, "", PROXY),
        (2, ATTACKER, PROXY),  # fewer entries than proxies: not through them all
        (1, "192.0.2.1, garbage", PROXY),  # not an address where the proxy writes
    ],
)
def test_behind_proxies_the_address_is_the_one_the_proxies_wrote(
    settings, count, forwarded, expected
):
    settings.BMA_PROXY_COUNT = count
    assert address(forwarded=forwarded) == expected


# --- lockouts -------------------------------------------------------------------------------


def test_a_lock_is_for_that_user_from_that_address_only(client, somchai):
    """(a) Locked by username and address together."""
    UserFactory(username="somsri")
    fail_five_times(client, "somchai", remote=ATTACKER)
    assert post_login(client, "somchai", "demo", remote=ATTACKER).status_code == 429
    assert post_login(Client(), "somchai", "demo", remote=SOMCHAI_AT_HOME).status_code == 302
    assert post_login(Client(), "somsri", "demo", remote=ATTACKER).status_code == 302


def test_with_proxy_count_0_behind_a_proxy_everyone_shares_its_address(client, somchai, settings):
    """(c) The finding, as it still is when BMA_PROXY_COUNT is left at 0 behind a proxy
    (check --deploy warns about it): the attacker's failures lock somchai out at home."""
    settings.BMA_PROXY_COUNT = 0
    fail_five_times(client, "somchai", forwarded=ATTACKER)
    response = post_login(Client(), "somchai", "demo", forwarded=SOMCHAI_AT_HOME)
    assert response.status_code == 429


def test_behind_one_proxy_a_lock_is_for_the_clients_own_address(client, somchai, behind_one_proxy):
    fail_five_times(client, "somchai", forwarded=ATTACKER)
    assert post_login(client, "somchai", "demo", forwarded=ATTACKER).status_code == 429
    assert post_login(Client(), "somchai", "demo", forwarded=SOMCHAI_AT_HOME).status_code == 302


def test_a_spoofed_left_most_entry_neither_escapes_nor_moves_a_lock(
    client, somchai, behind_one_proxy
):
    """(b) The attacker writes a new address in front of the proxy's entry each time."""
    for n in range(5):
        post_login(client, "somchai", "wrong", forwarded=f"192.0.2.{n}, {ATTACKER}")
    response = post_login(client, "somchai", "demo", forwarded=f"192.0.2.99, {ATTACKER}")
    assert response.status_code == 429
    # Nor is the person whose address the attacker wrote locked out.
    assert post_login(Client(), "somchai", "demo", forwarded="192.0.2.1").status_code == 302


def test_the_lockout_page_is_unchanged_behind_a_proxy(client, somchai, behind_one_proxy):
    fail_five_times(client, "somchai", forwarded=ATTACKER)
    response = post_login(client, "somchai", "demo", forwarded=ATTACKER)
    assert response.status_code == 429
    text = response.content.decode()
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in text and "ไม่ถูกต้องครบ 5 ครั้ง" in text
    assert response["Retry-After"] == "900"


# --- check --deploy --------------------------------------------------------------------------


def deploy_check_output(settings) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--deploy", "--tag", "security", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_check_deploy_warns_behind_a_proxy_with_proxy_count_0(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.BMA_PROXY_COUNT = 0
    output = deploy_check_output(settings)
    assert "bmaprogress.W001" in output
    assert "BMA_PROXY_COUNT=1" in output


def test_check_deploy_is_quiet_with_a_proxy_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.BMA_PROXY_COUNT = 1
    assert "bmaprogress.W001" not in deploy_check_output(settings)


def test_check_deploy_is_quiet_without_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.BMA_PROXY_COUNT = 0
    assert "bmaprogress.W001" not in deploy_check_output(settings)


def test_the_check_is_not_run_outside_deploy(settings):
    """Development servers (runserver, the tests) run behind no proxy."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.BMA_PROXY_COUNT = 0
    assert "bmaprogress.W001" not in {message.id for message in checks.run_checks()}
    deploy = checks.run_checks(include_deployment_checks=True)
    assert "bmaprogress.W001" in {message.id for message in deploy}


def test_check_deploy_with_production_settings_names_bma_proxy_count(tmp_path):
    """As an operator runs it: the production profile, BMA_PROXY_COUNT left out."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(tmp_path, BMA_PROXY_COUNT=None),
    )
    assert result.returncode != 0
    assert "bmaprogress.W001" in result.stderr
    assert "BMA_PROXY_COUNT" in result.stderr
