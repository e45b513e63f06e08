"""Cache-Control (issue 12, item 7): nothing a logged-in person saw may be kept by the
browser or a proxy (the back button of a shared office PC must not show a report after
logout), static files keep their long cache, and a public page (issue 17's, for anonymous
visitors) declares its own policy with ``public_page``.

The class of bug, a page or a download without the header, is checked on every URL
pattern of the site, as every role, with the permission matrix's list of URLs
(tests/test_permissions_matrix.py): a view added later is in that list or fails there."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache

from bmaprogress.middleware import CacheControlMiddleware, public_page
from tests import test_permissions_matrix as matrix
from tests.conftest import SEED_CODE
from tests.factories import UserFactory

# The permission matrix's world: a project with this month's report and its evidence, a
# KPI, a finished report job, and a user per role.
world = matrix.world

# URL patterns whose allowed answer is a file (the walk must meet downloads too).
FILES = {
    "projects:evidence",
    "print:project_pdf",
    "reports:download",
    "dashboard:export",
    "imports:plan_template",
    "imports:plan_export",
}


# Issue 17's public pages (bmaprogress/public_site.py): an anonymous visitor's browser or a
# proxy may keep them; a logged-in reader's may not.
PUBLIC_FOR_ANONYMOUS = {
    "public:projects",
    "public:project",
    "public:project_pdf",
    "public:agency",
    "public:indicator",
    "robots",
}
# The JSON API's data (reports/api/polling.py): a page's session does not open it, so every role
# here reads it as the public does, and gets ``no-cache`` with an ETag and
# ``Vary: Authorization``: a cache may keep the public answer but asks each time (304 when
# unchanged). A token's answer is private, no-store (tests/test_api.py).
API_DATA = {key for key in matrix.MATRIX if key.startswith("api:")} - {"api:schema", "api:docs"}


def directives(header: str | None) -> dict[str, str | None]:
    parsed = {}
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            parsed[name.lower()] = value or None
    return parsed


def private_no_store(header: str | None) -> bool:
    policy = directives(header)
    return "private" in policy and "no-store" in policy and "public" not in policy


def is_private_no_store(response) -> bool:
    return private_no_store(response.get("Cache-Control"))


@pytest.mark.parametrize("key", sorted(matrix.MATRIX))
def test_every_page_and_file_of_every_role_is_private_no_store(client, world, key):
    """Logged-in roles: ``private, no-store`` on whatever they get (200, 302, 403, 404,
    410, 422, files). Anonymous visitors get it too (the login page carries a CSRF token;
    the rest redirects to it), except on the public pages (PUBLIC_FOR_ANONYMOUS)."""
    method, spec, _expected = matrix.MATRIX[key]
    seen, files = {}, []
    for role in matrix.ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        path = matrix.path_of(key, spec, world)
        response = getattr(client, method)(path)
        seen[role] = (response.status_code, response.get("Cache-Control"))
        if response.status_code == 200 and response.has_header("Content-Disposition"):
            files.append(role)
        if key in API_DATA:
            assert "Authorization" in response["Vary"] and response.has_header("ETag")
            seen[role] = (
                response.status_code,
                "private, no-store" if seen[role][1] == "no-cache" else seen[role][1],
            )
    public_for = {"anonymous"} if key in PUBLIC_FOR_ANONYMOUS else set()
    assert {
        role: seen[role]
        for role in seen
        if not private_no_store(seen[role][1]) and role not in public_for
    } == {}
    for role in public_for:
        assert "public" in directives(seen[role][1]), (key, seen[role])
    if key in FILES:
        assert files, f"{key}: no role got the file, so its header was not checked: {seen}"


def test_htmx_fragments_are_private_no_store(client, seed_project):
    client.force_login(UserFactory(manager=True))
    response = client.get(reverse("projects:list"), {"q": "2462"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert is_private_no_store(response)


def test_a_kept_project_page_is_private_no_store_too(client, seed_project):
    """The page cache (projects/pagecache.py) keeps bodies, not responses: the second
    view, answered from the kept body, gets the header like the first."""
    client.force_login(UserFactory(manager=True))
    path = reverse("projects:detail", args=[SEED_CODE])
    first, second = client.get(path), client.get(path)
    assert SEED_CODE in first.text and SEED_CODE in second.text
    assert is_private_no_store(first) and is_private_no_store(second)


def test_static_files_keep_their_cache_for_logged_in_users(client, db, settings):
    """WhiteNoise answers before the middleware: a stylesheet stays cacheable."""
    settings.WHITENOISE_USE_FINDERS = True  # (no collectstatic in tests)
    client.force_login(UserFactory())
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    policy = directives(response["Cache-Control"])
    assert "no-store" not in policy and "private" not in policy
    assert int(policy["max-age"]) > 0


# --- the middleware's rules, on single responses --------------------------------------------


def answer(view, user=None):
    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    return CacheControlMiddleware(view)(request)


def logged_in():
    return UserFactory.build()


@pytest.mark.parametrize("user", [None, "logged in"])
def test_a_response_without_a_policy_gets_private_no_store(user):
    response = answer(lambda request: HttpResponse("x"), logged_in() if user else None)
    assert directives(response["Cache-Control"]) == {"private": None, "no-store": None}


@pytest.mark.parametrize("user", [None, "logged in"])
def test_a_stricter_policy_of_the_view_is_kept(user):
    response = answer(never_cache(lambda request: HttpResponse("x")), logged_in() if user else None)
    assert directives(response["Cache-Control"]) == {
        "max-age": "0",
        "no-cache": None,
        "no-store": None,
        "must-revalidate": None,
        "private": None,
    }
    assert response.has_header("Expires")


def test_a_public_page_is_public_for_anonymous_visitors():
    @public_page(max_age=600)
    def view(request):
        return HttpResponse("x")

    response = answer(view)
    assert directives(response["Cache-Control"]) == {"public": None, "max-age": "600"}
    assert "Cookie" in response["Vary"]


def test_a_public_page_is_private_no_store_for_a_logged_in_user():
    """Its top bar shows the person and their menu."""

    @public_page(max_age=600)
    def view(request):
        return HttpResponse("x")

    response = answer(view, logged_in())
    assert is_private_no_store(response)


def test_a_cacheable_policy_set_by_a_view_is_overridden_for_a_logged_in_user():
    response = answer(cache_control(max_age=3600)(lambda request: HttpResponse("x")), logged_in())
    assert is_private_no_store(response)
