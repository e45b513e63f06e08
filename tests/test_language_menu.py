"""Choosing the language (issue 17): the header's menu on every page, a plain GET link
that sets Django's language cookie and, for a logged-in person, User.language, which wins
on any device; Accept-Language for a visitor who chose nothing; each kept page and
fragment in its own language."""

import json

import pytest
from django.conf import settings

from projects.models import User
from tests.factories import UserFactory
from tests.html import page_of

COOKIE = settings.LANGUAGE_COOKIE_NAME


def menu_links(response) -> dict[str, str]:
    page = page_of(response)
    return {a.get("lang"): a.get("href") for a in page.all("nav.langmenu a")}


@pytest.mark.parametrize("url", ["/accounts/login/", "/no-such-page/"])
def test_pages_a_visitor_sees_carry_the_menu_as_links_without_a_form(client, db, url):
    response = client.get(url)
    page = page_of(response)
    links = menu_links(response)
    assert links == {
        "th": f"/language/th/?next={url}",
        "en": f"/language/en/?next={url}",
    }
    assert [a.text for a in page.all("nav.langmenu a")] == ["ไทย", "English"]
    assert page.one('nav.langmenu a[aria-current="true"]').get("lang") == "th"
    assert page.all("nav.langmenu form") == [] and page.all("nav.langmenu input") == []


def test_the_error_pages_without_a_request_carry_the_menu_too():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert 'href="/language/en/"' in html and 'href="/language/th/"' in html


def test_a_visitor_chooses_english_and_keeps_it(client, db):
    response = client.get("/language/en/?next=/accounts/login/%3Fnext%3D/projects/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/projects/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "en" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    page = page_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="th"))
    assert page.one("html").get("lang") == "en"
    assert page.text("h1") == "Log in"
    client.get("/language/th/?next=/")
    assert page_of(client.get("/accounts/login/")).text("h1") == "เข้าสู่ระบบ"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_the_menu_goes_back_only_to_this_site(client, db, next_url):
    response = client.get("/language/en/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_without_next_it_goes_back_to_the_page_it_was_on(client, db):
    response = client.get("/language/en/", HTTP_REFERER="http://testserver/accounts/login/")
    assert response["Location"] == "http://testserver/accounts/login/"
    response = client.get("/language/en/", HTTP_REFERER="https://evil.example/")
    assert response["Location"] == "/"


def test_an_unknown_language_is_not_found(client, db):
    assert client.get("/language/fr/?next=/").status_code == 404
    assert COOKIE not in client.cookies


def test_a_logged_in_person_s_choice_is_kept_on_their_account(client, db):
    user = UserFactory(username="chooser")
    client.force_login(user)
    response = client.get("/language/en/?next=/projects/")
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    user.refresh_from_db()
    assert user.language == "en"


def test_user_language_wins_over_cookie_and_browser_on_any_device(client, db):
    """A new device (a cookie saying Thai, a Thai browser): logging in brings the person's
    own English, and the cookie follows the account."""
    UserFactory(username="traveller", language="en")
    client.cookies[COOKIE] = "th"
    response = client.post(
        "/accounts/login/",
        {"username": "traveller", "password": "demo"},
        HTTP_ACCEPT_LANGUAGE="th",
    )
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    response = client.get("/projects/my-agency/", HTTP_ACCEPT_LANGUAGE="th", follow=True)
    page = page_of(response)
    assert page.one("html").get("lang") == "en"
    assert "Log out" in page.text("header")
    # So the login page after logging out stays English.
    client.post("/accounts/logout/")
    assert page_of(client.get("/accounts/login/")).text("h1") == "Log in"


def test_a_logged_in_browser_without_the_cookie_reads_the_account(client, db):
    """A session whose browser dropped the language cookie: the account's language, and
    the cookie set again."""
    client.force_login(UserFactory(username="cookieless", language="en"))
    assert COOKIE not in client.cookies
    response = client.get("/projects/my-agency/", HTTP_ACCEPT_LANGUAGE="th", follow=True)
    assert page_of(response).one("html").get("lang") == "en"
    assert client.cookies[COOKIE].value == "en"


def test_with_the_cookie_the_language_reads_neither_session_nor_user(rf):
    """The cookie carries the language: the middleware leaves the lazy user (the session
    and a user query) to the pages that need it. It had read it on every request: 2.3 ms
    in-process for the bare benchmark page instead of 0.2."""
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from bmaprogress.language import UserLanguageMiddleware

    read = []
    request = rf.get("/anything/", HTTP_COOKIE=f"{COOKIE}=en; sessionid=abc")
    request.user = SimpleLazyObject(lambda: read.append("user") or UserFactory.build())
    response = UserLanguageMiddleware(lambda request: HttpResponse("ok"))(request)
    assert response.status_code == 200 and read == []

    del request.COOKIES[COOKIE]  # a browser that dropped it: the account is read
    UserLanguageMiddleware(lambda request: HttpResponse("ok"))(request)
    assert read == ["user"]


def test_the_logged_in_menu_marks_the_person_s_language(client, db):
    client.force_login(UserFactory(username="marked", language="en"))
    page = page_of(client.get("/projects/", follow=True))
    assert page.one('nav.langmenu a[aria-current="true"]').get("lang") == "en"


def test_the_kept_menu_is_kept_per_language(client, db):
    """The main menu is a fragment kept in the cache (base.html): one copy per language."""
    user = UserFactory(username="menu-reader")
    client.force_login(user)
    thai = page_of(client.get("/projects/", follow=True)).text("nav.mainnav")
    client.get("/language/en/")
    english = page_of(client.get("/projects/", follow=True)).text("nav.mainnav")
    assert "โครงการ" in thai and "Projects" not in thai
    assert "Projects" in english and "โครงการ" not in english


def test_the_dashboard_is_kept_per_language(client, seed_project):
    """The dashboard's numbers and charts are kept (reports/dashboard.py): the chart
    labels are in the reader's language."""
    user = UserFactory(username="boss", role=User.Role.MANAGER)
    client.force_login(user)
    url = f"/dashboard/?year={seed_project.fiscal_year.year_be}"
    thai = client.get(url).content.decode()
    assert 'lang="th"' in thai and "แดชบอร์ด" in thai
    client.get("/language/en/")
    english = client.get(url).content.decode()
    assert 'lang="en"' in english and "Project progress dashboard" in english
    assert not shows(english, "เป็นไปตามแผน") and not shows(english, "ต.ค. 63")
    assert shows(english, "Oct 20") and shows(english, "On schedule")
    client.get("/language/th/")
    assert shows(client.get(url).content.decode(), "ต.ค. 63")


def shows(html: str, text: str) -> bool:
    """In the page's text or in a chart's JSON (non-ASCII written as \\u escapes)."""
    return text in html or json.dumps(text)[1:-1] in html


def test_the_admin_in_english_for_a_person_who_chose_it(client, db):
    """Django's own admin chrome comes in English; a Thai administrator keeps Thai
    (tests/test_admin_thai.py)."""
    admin = UserFactory(username="admin-en", admin=True, is_superuser=True, language="en")
    client.force_login(admin)
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in html
    assert "Log out" in html and "ออกจากระบบ" not in html
