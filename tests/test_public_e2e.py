"""An anonymous visitor in Debian's Chromium (issue 17), in Thai and in English: finds a
project by search from the site's root, opens its page and its PDF, and meets none of the
data a visitor may not read (tests/test_public.py's PUBLIC_NEVER_SHOWS).

The browser's language (Accept-Language) chooses: the page's words and the PDF's are
those of its language (WORDS), the project's own texts stay as they were written."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from tests.browser import problems_of
from tests.test_public import PUBLIC_NEVER_SHOWS, PUBLIC_TEXT, SECRETS, world  # noqa: F401

pytestmark = pytest.mark.e2e

# A heading of the page and of the PDF, the login link, in each language.
WORDS = {
    "th": {"plan": "แผนการดำเนินงานฯ", "progress": "ความคืบหน้าเทียบกับแผน", "login": "เข้าสู่ระบบ"},
    "en": {"plan": "Project plan", "progress": "Progress against plan", "login": "Log in"},
}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def pdf_text(data: bytes) -> str:
    return nfkc("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.mark.parametrize(("locale", "lang"), [("th-TH", "th"), ("en-US", "en")])
def test_a_visitor_finds_a_project_and_reads_its_page_and_pdf(
    world,  # noqa: F811
    live_server,
    browser,
    locale,
    lang,
):
    project = world["project"]
    context = browser.new_context(locale=locale)
    page = context.new_page()
    problems = problems_of(page)
    try:
        page.goto(live_server.url + "/")
        assert "/public/" in page.url
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("#login-link").inner_text().strip() == WORDS[lang]["login"]

        page.fill("#id_q", "สาธารณะทดสอบ")
        page.keyboard.press("Enter")
        link = page.locator("table.projects a", has_text=project.code)
        link.wait_for()
        assert page.locator("table.projects", has_text=SECRETS["internal project"]).count() == 0
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(f"/public/projects/{project.code}/")
        assert page.get_attribute("html", "lang") == lang
        page.locator("#project-title").wait_for()
        assert project.name in page.inner_text("#project-title")
        html = nfkc(page.content())
        assert {name: mark for name, mark in PUBLIC_NEVER_SHOWS.items() if nfkc(mark) in html} == {}
        main = page.inner_text("main")
        assert WORDS[lang]["plan"] in main and WORDS[lang]["progress"] in main
        other = WORDS["en" if lang == "th" else "th"]
        assert other["plan"] not in main and other["progress"] not in main
        assert PUBLIC_TEXT in main  # the approved report's own text, in any language

        pdf_url = page.get_attribute("#public-pdf", "href")
        # Playwright's request API does not send the context's Accept-Language: as the
        # browser would when the link is followed.
        response = page.request.get(live_server.url + pdf_url, headers={"Accept-Language": locale})
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        text = pdf_text(response.body())
        assert project.code in text
        assert nfkc(project.name) in text  # Thai is read back: the check below can fail
        assert nfkc(WORDS[lang]["plan"]) in text
        assert {name: mark for name, mark in SECRETS.items() if nfkc(mark) in text} == {}
        assert problems == []
    finally:
        context.close()
