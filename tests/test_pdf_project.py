"""พิมพ์ข้อมูล of one project: the HTML print view and the PDF, opened with poppler."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import thaidates
from projects.models import ProgressEntry
from reports import pdf, render, selectors
from tests.factories import (
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import Page
from tests.pdfs import nfkc, page_count, pdf_fonts, pdf_pages, pdf_text

SEED = "01000000-2462"


@pytest.fixture
def seed_pdf(seed_project, logged_in_client):
    response = logged_in_client.get(reverse("print:project_pdf", args=[SEED]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_seed_pdf_text_has_name_agency_and_be_dates(seed_pdf, seed_project):
    text = pdf_text(seed_pdf)
    assert nfkc(seed_project.name) in text
    assert nfkc(seed_project.agency.name) in text
    assert "(2564)" in text
    # The newest entry as the project page shows it: the month it covers, then its date
    # in prose; one date style per item (issue 14), BE years.
    assert nfkc("รายงานเดือนกันยายน 2564 · ส่งเมื่อ 22 ก.ย. 2564") in text
    assert nfkc("ความคืบหน้าโครงการฯ ร้อยละ 100.00") in text
    assert "22/09/2564 :" not in text
    assert "2021" not in text
    # Printed today, in BE.
    today = timezone.localdate()
    assert nfkc(f"พิมพ์เมื่อ {thaidates.format_thai_long(today)}") in text
    for heading in ("หลักการและเหตุผล", "ผลการดำเนินงาน", "แผนการดำเนินงานฯ", "ผู้รายงาน"):
        assert nfkc(heading) in text
    assert nfkc("ผู้ตรวจสอบ") in text
    # The KPI block and the quarter table.
    assert "0100-814" in text
    assert "15.00" in text and "100 / 100" in text and "0 / 0" in text


def test_seed_pdf_numbers_every_page(seed_pdf):
    pages = pdf_pages(seed_pdf)
    total = page_count(seed_pdf)
    assert len(pages) == total > 1
    for number, page in enumerate(pages, start=1):
        assert nfkc(f"หน้า {number} / {total}") in page


def test_seed_pdf_embeds_sarabun_and_nothing_else(seed_pdf):
    fonts = pdf_fonts(seed_pdf)
    assert fonts, "no fonts in the PDF"
    for font in fonts:
        # A glyph missing from Sarabun would pull in a fallback font (or draw a box).
        assert "Sarabun" in font["name"], font
        assert font["emb"] == "yes", font
    assert {f["name"].split("+")[-1] for f in fonts} >= {"Sarabun", "Sarabun-Bold"}


def test_seed_without_schedule_says_so_instead_of_a_planned_line(seed_project):
    report = selectors.project_report_for_code(SEED)
    assert report.curve.planned is None
    assert report.planned is None
    html = render.project_print_html(report, pdf_mode=True)
    assert "ขั้นตอนของแผนยังไม่มีวันเริ่มต้นและสิ้นสุดจริง" in html
    assert 'stroke="#2f5fa8"' not in html  # the planned line's colour
    assert "<script" not in html


def test_scheduled_plan_draws_planned_line_and_planned_percent(db):
    project = ProjectFactory(fiscal_year__year_be=2564)
    start = project.fiscal_year.starts_on
    PlanStepFactory(
        project=project, order=1, weight=Decimal(50), starts_on=start, ends_on=dt.date(2020, 12, 31)
    )
    PlanStepFactory(
        project=project,
        order=2,
        weight=Decimal(50),
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2021, 9, 30),
    )
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 12, 20), percent=Decimal(40))
    report = selectors.project_report_for_code(project.code, today=dt.date(2021, 1, 10))
    # 31 Dec: step 1 done (50); 1–10 Jan: 10 of 273 days of step 2.
    assert report.planned == Decimal("51.83")
    assert report.actual == Decimal(40)
    assert report.behind  # 11.83 points behind, more than BMA_BEHIND_THRESHOLD (10)
    assert report.curve.planned
    html = render.project_print_html(report, pdf_mode=True)
    assert 'stroke="#2f5fa8"' in html
    assert "ล่าช้ากว่าแผน" in html


def test_thai_digits_option(seed_project, logged_in_client):
    response = logged_in_client.get(reverse("print:project_pdf", args=[SEED]) + "?digits=thai")
    text = pdf_text(response.content)
    assert nfkc("ส่งเมื่อ ๒๒ ก.ย. ๒๕๖๔") in text
    assert "๐๑๐๐๐๐๐๐-๒๔๖๒" in text
    total = thaidates.thai_digits(page_count(response.content))
    assert nfkc(f"หน้า ๑ / {total}") in text
    assert "2564" not in text


def test_thai_digits_leave_markup_alone():
    html = '<p class="a1" title="2">ปี 2564 &#x27;x&#39;</p><style>.a{width:10px}</style>'
    assert render.thai_digits_html(html) == (
        '<p class="a1" title="2">ปี ๒๕๖๔ &#x27;x&#39;</p><style>.a{width:10px}</style>'
    )


def test_two_hundred_entries_page_count(db, client):
    """Every entry is printed, newest first, and the footer counts the pages right."""
    project = ProjectFactory(fiscal_year__year_be=2564)
    first = dt.date(2004, 2, 1)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            project=project,
            reported_on=thaidates.add_months(first, n).replace(day=15),
            period=thaidates.add_months(first, n),
            percent=Decimal(n) / 2,
            narrative=f"รายงานครั้งที่ {n + 1} ดำเนินการตามแผนงานที่กำหนดไว้ " * 6,
            problems="ไม่มี",
            obstacles="ไม่มี",
        )
        for n in range(200)
    )
    client.force_login(UserFactory())
    data = client.get(reverse("print:project_pdf", args=[project.code])).content
    pages = pdf_pages(data)
    total = page_count(data)
    assert total == len(pages)
    # Each entry takes about four lines: 200 of them need well over twenty A4 pages.
    assert total >= 20
    for number, page in enumerate(pages, start=1):
        assert nfkc(f"หน้า {number} / {total}") in page, number
    text = "".join(pages)
    numbers = [int(n) for n in re.findall(r"^\((\d+)\) รายงานเดือน", text, flags=re.M)]
    assert numbers == list(range(1, 201))
    # (1) is the newest: reported 15 May 2020 (BE 2563).
    assert nfkc("ส่งเมื่อ 15 พ.ค. 2563") in text and nfkc("ส่งเมื่อ 15 ก.พ. 2547") in text


def test_long_narrative_flows_over_pages(db):
    project = ProjectFactory(fiscal_year__year_be=2564)
    sentence = "การประชุมคณะทำงานเพื่อพิจารณาแนวทางการดำเนินโครงการร่วมกับชุมชน "
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2021, 3, 22),
        percent=Decimal(30),
        narrative=sentence * 120 + "จบรายงานฉบับยาว",
    )
    data = render.project_pdf(selectors.project_report_for_code(project.code))
    text = pdf_text(data)
    assert page_count(data) >= 3
    # Nothing clipped: every repetition and the last words are there (read without the
    # pages' running heads and feet, which a page break puts inside a sentence).
    furniture = (nfkc("พิมพ์เมื่อ"), nfkc("ระบบติดตาม"), project.code)
    body = "".join(
        line for line in text.splitlines() if not any(part in line for part in furniture)
    )
    assert body.count(nfkc("คณะทำงานเพื่อพิจารณา")) == 120
    assert nfkc("จบรายงานฉบับยาว") in text


WORDS = ["แมว", "กิน", "ปลา", "บ้าน", "หลัง", "ใหญ่", "สวย", "มาก", "เด็ก", "เล่น", "ฟุตบอล"]


def _whole_words(line: str) -> bool:
    """Can ``line`` be cut into WORDS exactly?"""
    reachable = {0}
    for i in range(len(line) + 1):
        if i not in reachable:
            continue
        for word in WORDS:
            if line.startswith(word, i):
                reachable.add(i + len(word))
    return len(line) in reachable


def test_thai_breaks_only_between_words(db):
    project = ProjectFactory(fiscal_year__year_be=2564)
    words = "".join(WORDS[(i * 7) % len(WORDS)] for i in range(300))
    ProgressEntryFactory(
        project=project, reported_on=dt.date(2021, 3, 22), narrative=f"ทดสอบตัดคำ {words}"
    )
    data = render.project_pdf(selectors.project_report_for_code(project.code))
    text = pdf_text(data)
    body = text[text.index(nfkc("ทดสอบตัดคำ")) + len(nfkc("ทดสอบตัดคำ")) :]
    body = body[: body.index(nfkc("ปัญหาของโครงการ"))]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    # Lines of the narrative, between page furniture on a page break.
    lines = [line for line in lines if not re.search(r"[0-9]|หน้า|รายงาน", line)]
    assert len(lines) >= 5
    assert "".join(lines) == words
    for line in lines:
        assert _whole_words(line), f"broken inside a word: {line!r}"


def test_fetcher_refuses_the_network_and_files_outside_static():
    fetcher = pdf.LocalFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    response = fetcher.fetch(pdf.base_url() + "fonts/Sarabun-Regular.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()


def test_html_print_view(seed_project, logged_in_client):
    response = logged_in_client.get(reverse("print:project", args=[SEED]))
    assert response.status_code == 200
    page = Page(response.content)
    assert seed_project.name in page.text("h1")
    assert page.one(".toolbar a.btn").get("href") == reverse("print:project_pdf", args=[SEED])
    assert page.all('link[href$="css/report.css"]')
    assert "ส่งเมื่อ 22 ก.ย. 2564" in page.text(".entry__date")
    assert "22/09/2564" not in page.text(".entry")  # one date style per item
    assert not page.all("script")
    thai = Page(
        logged_in_client.get(reverse("print:project", args=[SEED]) + "?digits=thai").content
    )
    assert "ส่งเมื่อ ๒๒ ก.ย. ๒๕๖๔" in thai.text(".entry__date")


def test_print_requires_login(seed_project, client):
    for name in ("print:project", "print:project_pdf"):
        response = client.get(reverse(name, args=[SEED]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_unknown_project_is_404(db, logged_in_client):
    assert logged_in_client.get(reverse("print:project_pdf", args=["nope"])).status_code == 404


@pytest.mark.parametrize("entries", [12, 200])
def test_print_queries_do_not_grow_with_entries(
    db, client, entries, django_assert_num_queries, session_queries
):
    project = ProjectFactory(fiscal_year__year_be=2564)
    PlanStepFactory.create_batch(3, project=project)
    first = dt.date(2004, 2, 1)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            project=project,
            reported_on=thaidates.add_months(first, n).replace(day=15),
            period=thaidates.add_months(first, n),
            percent=Decimal(1),
        )
        for n in range(entries)
    )
    user = UserFactory()
    client.force_login(user)
    # the session (session_queries), its user, project, 8 prefetches (objectives,
    # strategy, steps, the baseline (none here), budget transfers, KPIs, quarter
    # evaluations, entries), reporting-deadline overrides.
    with django_assert_num_queries(session_queries + 11):
        assert client.get(reverse("print:project", args=[project.code])).status_code == 200
