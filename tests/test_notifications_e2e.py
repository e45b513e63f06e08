"""The bell and the notifications list in Debian's Chromium: the count arrives by itself
(htmx), marking a notice read from the keyboard updates the item and the bell, opening
one goes to its page."""

import pytest
from playwright.sync_api import expect

from tests.factories import AgencyFactory, UserFactory
from tests.notices import notice

pytestmark = pytest.mark.e2e


@pytest.fixture
def staff(db):
    user = UserFactory(username="bell-staff", agency=AgencyFactory(code="01000000"))
    for n in (1, 2):
        notice(user, n, title=f"รายงานถูกส่งกลับแก้ไข ฉบับที่ {n}", url="/projects/my-agency/")
    return user


def test_the_bell_counts_and_reading_from_the_keyboard_updates_it(staff, live_server, login):
    page = login(staff)
    bell = page.locator("#bell")
    expect(bell.locator(".bell__count")).to_have_text("2 รายการที่ยังไม่อ่าน")
    bell.click()
    assert page.url.endswith("/notifications/")
    expect(page.locator(".notice--unread")).to_have_count(2)
    first = page.locator(".notice").first
    button = first.get_by_role("button", name="ทำเครื่องหมายว่าอ่านแล้ว")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notice--unread")).to_have_count(1)
    expect(page.locator("#bell .bell__count")).to_have_text("1 รายการที่ยังไม่อ่าน")
    page.locator(".notice").nth(1).get_by_role("button", name="เปิดดู").click()
    page.wait_for_url("**/projects/my-agency/")
    # read now, and the bell (counted again by htmx after its kept count was forgotten)
    # has nothing left
    expect(page.locator("#bell .bell__count")).to_have_count(0)
    expect(page.locator("#bell")).not_to_have_attribute("hx-get", "/notifications/bell/")
