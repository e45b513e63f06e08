"""The Django admin speaks Thai in Sarabun (issue 14, item 8).

A person reads the language they chose (issue 17: ``User.language``, Thai unless they
chose English), whatever their browser asks for: a Thai administrator with a browser set
to English must not get Django's English chrome ("Log out", "Change password") around the
app's Thai labels. And
the admin draws its Thai with the vendored Sarabun, not with whatever Thai font the
machine happens to have (a server or a PC without one shows boxes).
"""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import UserFactory
from tests.html import page_of


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin-test", admin=True, is_superuser=True))
    return client


def stylesheets(html) -> list[str]:
    """The text of every stylesheet the page links, from the static folders."""
    texts = []
    for link in html.all('link[rel="stylesheet"]'):
        path = link.get("href").removeprefix("/static/")
        found = finders.find(path)
        assert found, f"{path} is not a static file"
        with open(found, encoding="utf-8") as handle:
            texts.append(handle.read())
    return texts


@pytest.mark.parametrize("accept_language", ["en", "en-US,en;q=0.9", "th", ""])
def test_the_admin_is_thai_whatever_the_browser_asks(admin_client, accept_language):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept_language)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="th"' in html
    assert "ออกจากระบบ" in html and "เปลี่ยนรหัสผ่าน" in html
    for english in ("Log out", "Change password", "Site administration", "Recent actions"):
        assert english not in html, english


def test_the_admin_header_and_title_are_thai(admin_client):
    page = page_of(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "ผู้ดูแลระบบ" in page.text("#site-name")
    assert "ผู้ดูแลระบบ" in page.one("title").text
    assert "Django" not in page.text("#site-name") + page.one("title").text


def test_third_party_apps_in_the_admin_read_thai(admin_client):
    """django-axes and django-tasks-db have no Thai catalog: ours gives their names."""
    page = page_of(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en"))
    text = page.text("#content-main")
    for english in ("Access attempts", "Access failures", "Task Results", "Authentication"):
        assert english not in text, english


def test_every_field_of_the_apps_models_has_a_label_of_its_own():
    """The admin labels a field with its verbose_name, which Django makes from the field's
    name when none is given: "Project:" above a plan step's project. Every concrete field
    of the app's models (history copies aside, their labels are the originals') names
    itself; Thai reaches the page through the catalogs."""
    from django.apps import apps

    unnamed = [
        f"{model.__name__}.{field.name}"
        for app in ("projects", "indicators", "reports")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and str(field.verbose_name) == field.name.replace("_", " ")
    ]
    assert unnamed == []


def test_the_admin_loads_sarabun(admin_client):
    for url in ("/admin/", "/admin/projects/project/", "/admin/login/?next=/admin/"):
        if url.startswith("/admin/login/"):
            admin_client.logout()
        response = admin_client.get(url)
        assert response.status_code == 200, url
        css = "\n".join(stylesheets(page_of(response)))
        faces = re.findall(r"@font-face\s*{[^}]*}", css)
        sarabun = [face for face in faces if '"Sarabun"' in face]
        # Every weight the admin draws: regular text, its bold headings and labels.
        assert {re.search(r"font-weight:\s*(\d+)", f).group(1) for f in sarabun} >= {"400", "700"}
        for face in sarabun:
            font = re.search(r'url\("([^"]+)"\)', face).group(1)
            assert finders.find("fonts/" + font.rpartition("/")[2]), font
        assert re.search(r"--font-family-primary:\s*\"Sarabun\"", css), url


def test_the_admin_scripts_speak_thai(admin_client):
    """The selection counter and the calendar come from Django's JavaScript catalog, whose
    Thai said "%(sel)s จาก %(cnt)s selected" and had no month names."""
    script = admin_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["%(sel)s of %(cnt)s selected"] == ["เลือก %(sel)s จาก %(cnt)s"]
    assert catalog["abbrev. month October\x04Oct"] == "ต.ค."
    assert catalog["Monday"] == "จันทร์"


def test_django_messages_on_the_app_pages_are_thai_too(client, db):
    """The login form's own message comes from Django's catalog: Thai for a visitor whose
    browser asks for Thai or for a language the site does not have (issue 17: English only
    for those who ask for it)."""
    UserFactory(username="somchai")
    for accept_language in ("th", "fr-FR,fr;q=0.9", ""):
        response = client.post(
            "/accounts/login/",
            {"username": "somchai", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE=accept_language,
        )
        html = response.content.decode()
        assert "Please enter a correct" not in html, accept_language
        assert "ชื่อผู้ใช้" in html or "รหัสผ่าน" in html, accept_language


SARABUN_LOADED = """() => document.fonts.ready.then(() => [...document.fonts]
    .filter(f => f.family.replace(/["']/g, "") === "Sarabun" && f.status === "loaded")
    .map(f => f.weight))"""


@pytest.mark.e2e
def test_an_english_browser_gets_the_admin_in_thai_and_sarabun(browser, live_server, db):
    """Chromium set to English on a machine without a Thai system font: the admin's Thai
    is drawn in Sarabun, loaded from our static files (not a system font)."""
    UserFactory(username="admin-e2e", admin=True, is_superuser=True)
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", "admin-e2e")
        page.fill("#id_password", "demo")
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert page.evaluate("navigator.language") == "en-US"
        assert "ออกจากระบบ" in page.inner_text("#user-tools")
        assert "Log out" not in page.inner_text("body")
        assert "400" in page.evaluate(SARABUN_LOADED)
        family = page.evaluate("getComputedStyle(document.querySelector('#site-name')).fontFamily")
        assert family.replace('"', "").startswith("Sarabun,"), family
    finally:
        context.close()
