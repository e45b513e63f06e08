"""The language menu in Debian's Chromium (issue 17): an English browser gets English, the
menu is reached and used with the keyboard, and a person's choice follows them after
logging in."""

import pytest

from projects.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_an_english_visitor_switches_to_thai_with_the_keyboard(browser, live_server, db):
    UserFactory(username="lang-e2e")
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Log in"
        thai = page.locator('nav.langmenu a[lang="th"]')
        thai.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "th"
        assert page.locator("h1").inner_text() == "เข้าสู่ระบบ"
        assert page.locator('nav.langmenu a[aria-current="true"]').inner_text() == "ไทย"
        # Logged in, the person chooses English: it is kept on the account.
        page.fill("#id_username", "lang-e2e")
        page.fill("#id_password", "demo")
        with page.expect_navigation():
            page.click("button[type=submit]")
        with page.expect_navigation():
            page.click('nav.langmenu a[lang="en"]')
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Log out" in page.locator("header").inner_text()
        assert User.objects.get(username="lang-e2e").language == "en"
    finally:
        context.close()
