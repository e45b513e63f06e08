"""A person makes a personal API token in the browser, copies it with the button, and a
program reads the API with it (issue 17, item 3)."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_a_token_made_on_the_page_is_copied_and_opens_the_api(
    live_server, login, page, context, transactional_db
):
    project = ProjectFactory(is_internal=True)
    user = UserFactory()
    login(user)
    page.get_by_role("link", name="โทเค็น API").click()
    page.get_by_label("ชื่อโทเค็น").fill("สคริปต์ดึงข้อมูลรายเดือน")
    page.get_by_role("button", name="สร้างโทเค็น").click()
    key = page.locator("#new-token").input_value()
    assert key.startswith("bma_")

    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.get_by_role("button", name="คัดลอก", exact=True).click()
    expect(page.locator("#new-token-status")).to_have_text("คัดลอกแล้ว")
    assert page.evaluate("navigator.clipboard.readText()") == key

    page.goto("/account/tokens/")  # shown once
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_role("cell", name="สคริปต์ดึงข้อมูลรายเดือน", exact=True)).to_be_visible()

    request = urllib.request.Request(
        f"{live_server.url}/api/v1/projects/", headers={"Authorization": f"Token {key}"}
    )
    with urllib.request.urlopen(request) as answer:
        codes = [row["code"] for row in json.load(answer)["results"]]
    assert codes == [project.code]  # internal: read with the token only
