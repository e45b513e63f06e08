"""The project page /projects/<code>/: every piece of the old system's page for the seed
project, login, history paging with and without htmx, the query budget, the plan pages
and the print view."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import thaidates
from projects.models import ProgressEntry
from tests.conftest import SEED_CODE
from tests.factories import (
    IndicatorFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    QuarterEvaluationFactory,
    StrategyLinkFactory,
    UserFactory,
)
from tests.html import page_of, text_of

SEED_URL = f"/projects/{SEED_CODE}/"
SEED_WEIGHTS = ["5", "5", "5", "5", "50", "5", "5", "10", "5", "5"]
# (number, percent, reported on) of all twelve entries of the seed page, newest first.
SEED_HISTORY = [
    (1, "100.00", "22/09/2564"),
    (2, "50.00", "30/08/2564"),
    (3, "20.00", "27/07/2564"),
    (4, "20.00", "28/06/2564"),
    (5, "20.00", "21/05/2564"),
    (6, "20.00", "26/04/2564"),
    (7, "20.00", "23/03/2564"),
    (8, "15.00", "23/02/2564"),
    (9, "15.00", "28/01/2564"),
    (10, "15.00", "22/12/2563"),
    (11, "10.00", "27/11/2563"),
    (12, "5.00", "22/10/2563"),
]


@pytest.fixture
def seed_page(seed_project, logged_in_client):
    response = logged_in_client.get(SEED_URL)
    assert response.status_code == 200
    return page_of(response)


def entry_numbers(page):
    return [int(text.strip("()")) for text in page.texts(".entry .entry__no")]


def entry_rows(page):
    """(number, percent, dd/mm/BE) of each entry on the page (its date as the
    ``<time datetime>`` of its heading)."""
    return [
        (
            int(text_of(item.find(".//*[@class='entry__no']")).strip("()")),
            text_of(item.find(".//*[@class='entry__pct']")),
            thaidates.format_be(dt.date.fromisoformat(item.find(".//{*}time").get("datetime"))),
        )
        for item in page.all("li.entry")
    ]


# --- the seed page, piece by piece (seed text in the comments) -----------------------------


def test_head_kpi_label_name_code_agency_and_year(seed_page):
    # อ.2/2โครงการสภากรุงเทพมหานครพบประชาชน : 01000000-2462
    # สํานักงานเลขานุการสภากรุงเทพมหานคร : (2564)
    assert seed_page.texts("h1 .kpi-label") == ["อ.2/2"]
    assert seed_page.text("h1 .project-name") == "โครงการสภากรุงเทพมหานครพบประชาชน"
    assert seed_page.text("h1 .project-code") == ": 01000000-2462"
    agency = seed_page.text(".project-agency")
    assert "สำนักงานเลขานุการสภากรุงเทพมหานคร" in agency or (
        "สํานักงานเลขานุการสภากรุงเทพมหานคร" in agency
    )
    assert agency.endswith(": (2564)")


def test_gauge_and_progress_text(seed_page):
    # 100 / ความคืบหน้าโครงการ ร้อยละ 100
    assert seed_page.text(".gauge figcaption") == "ความคืบหน้าโครงการ ร้อยละ 100"
    chart = seed_page.one(".gauge__chart")
    figure = json.loads(text_of(seed_page.one(f"script#{chart.get('data-figure')}")))
    assert figure["data"][0]["type"] == "indicator"
    assert figure["data"][0]["value"] == 100
    # The number reads without JavaScript too.
    assert seed_page.text(".gauge__value") == "100"


def test_responsible_print_link_and_headline_evaluation(seed_page):
    # นางสุดา / ดูโครงการแผนปีฯ : พิมพ์ข้อมูล / *** สยป. ประเมินโครงการ : ไตรมาสที่ 1 100
    assert "นางสุดา" in seed_page.text(".facts")
    links = [a for a in seed_page.all("a") if "พิมพ์ข้อมูล" in text_of(a)]
    assert [a.get("href") for a in links] == [reverse("print:project", args=[SEED_CODE])]
    assert text_of(links[0]) == "ดูโครงการแผนปีฯ : พิมพ์ข้อมูล"
    pdf_links = [a.get("href") for a in seed_page.all("a") if "PDF" in text_of(a)]
    assert pdf_links == [reverse("print:project_pdf", args=[SEED_CODE])]
    assert seed_page.text(".headline-eval") == "สยป. ประเมินโครงการ : ไตรมาสที่ 1 100"


def test_rationale_codes_objectives_targets_and_strategy(seed_page):
    text = seed_page.text()
    assert "หลักการและเหตุผล" in text
    assert "จึงได้จัดทำโครงการสภากรุงเทพมหานครพบประชาชน โดยมีกลุ่มเป้าหมายคือ" in text
    assert "อันจะเป็นการสร้างภาพลักษณ์ที่ดีให้แก่สภากรุงเทพมหานคร" in text
    # 01000800/01000800
    assert "01000800/01000800" in seed_page.text(".facts")
    # วัตถุประสงค์ของโครงการ 1 … 2 … 3 …
    objectives = seed_page.all("ol.numbered li")
    assert [li.get("value") for li in objectives] == ["1", "2", "3"]
    assert [text_of(li) for li in objectives] == [
        "เพื่อให้ผู้เข้าร่วมโครงการตระหนักถึงบทบาทหน้าที่ในการดำเนินงานของสภากรุงเทพมหานคร",
        "เพื่อส่งเสริมและสร้างภาพลักษณ์ที่ดีของสภากรุงเทพมหานครและสำนักงานเลขานุการสภากรุงเทพมหานคร",
        "เพื่อนำความคิดเห็นและประเด็นปัญหาไปพิจารณาดำเนินการและนำไปสู่การแก้ไข",
    ]
    # เป้าหมายของโครงการ -
    assert "เป้าหมายของโครงการ -" in text
    # สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ: four lines of routine work
    strategy = seed_page.texts("ul.strategy li")
    assert len(strategy) == 4
    assert all("ภารกิจงานประจำของหน่วยงาน" in line for line in strategy)


def test_history_first_page_numbered_newest_first(seed_page):
    assert seed_page.text("#h-history .count") == "12 รายการ"
    assert seed_page.one("ol.entries").get("start") == "1"
    assert entry_rows(seed_page) == SEED_HISTORY[:10]
    first = seed_page.all("li.entry")[0]
    assert first.find(".//{*}time").get("datetime") == "2021-09-22"
    assert text_of(first.find(".//{*}time")) == "22 ก.ย. 2564"
    # "(1) … (2021-09-22)" and "22/09/2564 : …" of the seed page: the month the report is
    # about and its date head the entry, in one date style (tests/test_report_dates.py);
    # the narrative is what was written.
    assert text_of(first.find(".//*[@class='entry__month']")) == "รายงานเดือนกันยายน 2564"
    narrative = text_of(first.find(".//*[@class='entry__text']"))
    assert narrative.startswith("- สำนักงานเลขานุการสภากรุงเทพมหานครได้กำหนดการจัดกิจกรรม")
    assert narrative.endswith("พิจารณาดำเนินการต่อไป")


def test_history_problems_and_obstacles(seed_page):
    issues = [
        [text_of(dd) for dd in item.iter("{http://www.w3.org/1999/xhtml}dd")]
        for item in seed_page.all("li.entry .entry__issues")
    ]
    # (1): a problem, no obstacle
    assert issues[0] == [
        "เนื่องจากสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 จึงไม่สามารถจัดโครงการตามที่กำหนดได้",
        "ไม่มี",
    ]
    assert issues[1] == ["ไม่มี", "ไม่มี"]
    # (4): the long problem of 28/06/2564
    assert issues[3][0].startswith("ด้วยการแพร่ระบาดของเชื้อโควิด ทำให้การรวมกลุ่มในการจัดกิจกรรม")
    assert issues[3][0].endswith("จึงพิจารณาเห็นควรให้มีการอุทธรณ์ตัวชี้วัดต่อไป")


def test_plan_steps_weights_sum_and_links(seed_page):
    rows = seed_page.all("table.steps tbody tr")
    assert [text_of(row.find("./{*}th")) for row in rows] == [str(n) for n in range(1, 11)]
    weights = [text_of(row.findall("./{*}td")[-1]) for row in rows]
    assert weights == [f"{w}%" for w in SEED_WEIGHTS]
    assert text_of(rows[0].findall("./{*}td")[0]).startswith("จัดทำแผนการดำเนินการตามโครงการ")
    assert "เริ่มต้น 01/10/2563 · สิ้นสุด 01/10/2563" in text_of(rows[0])
    assert [text_of(cell) for cell in seed_page.one("table.steps tfoot tr")] == ["รวม", "100%"]
    assert "แผนยังไม่สมบูรณ์" not in seed_page.text()
    links = {a.get("href"): text_of(a) for a in seed_page.all("#plan ul.links a")}
    assert links == {
        reverse("projects:timeline", args=[SEED_CODE]): (
            f"แสดงขั้นตอนการดำเนินงานโครงการ : {SEED_CODE}"
        ),
        reverse("projects:procedure", args=[SEED_CODE]): (
            f"ขั้นตอนการปฏิบัติงานของโครงการ : {SEED_CODE}"
        ),
        reverse("projects:plan_versions", args=[SEED_CODE]): "แผนฉบับต่าง ๆ และการอนุมัติแผน",
    }


def test_kpi_block(seed_page):
    kpi = seed_page.text(".kpi")
    assert "รายละเอียดเกี่ยวกับตัวชี้วัด : 0100-814" in kpi
    assert (
        "ตัวชี้วัด : อ.2/2ระดับความสำเร็จในการนำข้อมูลความต้องการจากเครือข่ายประชาคมเขต"
        "เสนอสภากรุงเทพมหานครเพื่อนำไปสู่การแก้ไข"
    ) in kpi
    levels = [[text_of(part) for part in level] for level in seed_page.all(".kpi .level")]
    assert levels == [["ค่าเป้าหมาย ระดับ", "5"], ["ผลงานที่ทำได้ ระดับ", "3"]]
    assert "ประเภทตัวชี้วัด : ตัวชี้วัดเชิงยุทธศาสตร์ ตัวชี้วัดระดับผลผลิต" in kpi  # no "(output)"


def test_quarter_table(seed_page):
    rows = seed_page.all("table.quarters tbody tr")
    cells = [[text_of(cell) for cell in row] for row in rows]
    assert [row[0] for row in cells] == ["1", "2", "3", "4"]
    assert [row[1].rstrip(" *") for row in cells] == ["15.00", "20.00", "20.00", "3.00"]
    assert [row[2].split(" ", 3)[:3] for row in cells] == [
        ["100", "/", "100"],
        ["100", "/", "100"],
        ["0", "/", "0"],
        ["100", "/", "100"],
    ]


def test_quarter_rows_name_their_evaluator_only_for_people_who_log_in(
    db, logged_in_client, client, settings
):
    """One quarter table (projects/_quarter_table.html) on both pages: the logged-in page
    says who scored each quarter and when; the public page (issue 17) names no one."""
    settings.BMA_PUBLIC_SITE = True
    project = ProjectFactory(fiscal_year__year_be=2564, is_internal=False)
    evaluator = UserFactory(evaluator=True, first_name="ผู้ประเมิน", last_name="ทดสอบไตรมาส")
    QuarterEvaluationFactory(
        project=project,
        quarter=2,
        criterion_21=Decimal(80),
        criterion_22=Decimal(90),
        evaluated_by=evaluator,
        evaluated_at=dt.datetime(2021, 4, 5, 10, tzinfo=dt.UTC),
    )
    pages = {
        "logged in": logged_in_client.get(f"/projects/{project.code}/"),
        "public": client.get(reverse("public:project", args=[project.code])),
    }
    rows = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        second = page_of(response).all("table.quarters tbody tr")[1]
        rows[name] = [text_of(cell) for cell in second]
    assert rows["logged in"][2].startswith("80 / 90")
    assert "ผู้ประเมิน ทดสอบไตรมาส" in rows["logged in"][2]
    assert rows["logged in"][2].endswith("· 5 เม.ย. 2564")
    assert rows["public"][2] == "80 / 90"


# --- access --------------------------------------------------------------------------------


def test_login_required(client, seed_project):
    response = client.get(SEED_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={SEED_URL}"


def test_login_page_is_thai(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "เข้าสู่ระบบ" in page_of(response).text("h1")


def test_unknown_code_is_404(logged_in_client):
    assert logged_in_client.get("/projects/99999999-0000/").status_code == 404
    fragment = logged_in_client.get(
        "/projects/99999999-0000/?page=2",
        headers={"HX-Request": "true", "HX-Target": "history-more"},
    )
    assert fragment.status_code == 404


@pytest.mark.parametrize(
    "name", ["projects:detail", "projects:procedure", "projects:timeline", "print:project"]
)
def test_every_project_page_needs_login(client, db, name):
    project = ProjectFactory()
    response = client.get(reverse(name, args=[project.code]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- history paging ------------------------------------------------------------------------


def test_history_second_page_without_javascript_is_a_full_page(seed_project, logged_in_client):
    response = logged_in_client.get(SEED_URL, {"page": 2})
    page = page_of(response)
    assert response.status_code == 200
    assert page.text("h1 .project-name") == "โครงการสภากรุงเทพมหานครพบประชาชน"
    assert page.one("ol.entries").get("start") == "11"
    assert entry_rows(page) == SEED_HISTORY[10:]
    assert not page.all("#history-more")
    # A way back to the newest entries.
    assert [a.get("href") for a in page.all("nav.pager a")] == ["?page=1#history-section"]


def test_more_link_works_with_and_without_htmx(seed_page):
    link = seed_page.one("#history-more a")
    assert link.get("href") == "?page=2#history-section"
    assert link.get("hx-get") == "?page=2"
    assert link.get("hx-target") == "#history-more"
    assert "ดูเพิ่มเติม" in text_of(link)
    assert "แสดง 10 จาก 12" in text_of(link)


def test_history_more_over_htmx_returns_only_the_fragment(seed_project, logged_in_client):
    response = logged_in_client.get(
        SEED_URL, {"page": 2}, headers={"HX-Request": "true", "HX-Target": "history-more"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html and "<body" not in html.lower()
    page = page_of(response)
    assert page.one("ol.entries").get("start") == "11"
    assert entry_rows(page) == SEED_HISTORY[10:]
    assert not page.all("#history-more")


def test_history_fragment_has_its_own_more_link(db, logged_in_client):
    project = _project_with_entries(25)
    response = logged_in_client.get(
        f"/projects/{project.code}/",
        {"page": 2},
        headers={"HX-Request": "true", "HX-Target": "history-more"},
    )
    page = page_of(response)
    assert entry_numbers(page) == list(range(11, 21))
    link = page.one("#history-more a")
    assert link.get("hx-get") == "?page=3"


def test_history_page_out_of_range_shows_the_last_page(seed_project, logged_in_client):
    page = page_of(logged_in_client.get(SEED_URL, {"page": 99}))
    assert entry_numbers(page) == [11, 12]
    page = page_of(logged_in_client.get(SEED_URL, {"page": "abc"}))
    assert entry_numbers(page) == list(range(1, 11))


def test_project_without_entries_steps_or_kpi(db, logged_in_client):
    project = ProjectFactory()
    page = page_of(logged_in_client.get(f"/projects/{project.code}/"))
    assert page.text(".gauge figcaption") == "ความคืบหน้าโครงการ ร้อยละ 0"
    assert "ยังไม่มีการรายงานผลการดำเนินงาน" in page.text()
    assert "ยังไม่มีขั้นตอนการดำเนินงาน" in page.text()
    assert "แผนยังไม่สมบูรณ์" in page.text()
    assert "สยป. ยังไม่ได้ประเมินโครงการ" in page.text(".headline-eval")


def test_incomplete_plan_is_flagged(db, logged_in_client):
    project = ProjectFactory()
    PlanStepFactory(project=project, order=1, weight=Decimal(60))
    PlanStepFactory(project=project, order=2, weight=Decimal(30))
    page = page_of(logged_in_client.get(f"/projects/{project.code}/"))
    assert "แผนยังไม่สมบูรณ์: น้ำหนักรวม 90.00% (ต้องเท่ากับ 100%)" in page.text("#plan")
    assert [text_of(cell) for cell in page.one("table.steps tfoot tr")] == ["รวม", "90%"]


# --- query budget --------------------------------------------------------------------------


def _project_with_entries(count: int):
    """A project shaped like the seed (10 steps, 3 objectives, 4 strategy lines, a KPI,
    4 scored quarters) with ``count`` monthly entries, one per month."""
    project = ProjectFactory(fiscal_year__year_be=2564)
    for order, weight in enumerate(SEED_WEIGHTS, start=1):
        PlanStepFactory(project=project, order=order, weight=Decimal(weight))
    for order in (1, 2, 3):
        ProjectObjectiveFactory(project=project, order=order)
        StrategyLinkFactory(project=project, order=order)
    StrategyLinkFactory(project=project, order=4)
    IndicatorFactory(projects=[project], achieved_level=3)
    evaluator = UserFactory(evaluator=True)
    for quarter in (1, 2, 3, 4):
        QuarterEvaluationFactory(
            project=project,
            quarter=quarter,
            criterion_21=Decimal(100),
            criterion_22=Decimal(100),
            project_score=Decimal(100),
            evaluated_by=evaluator,
        )
    first = dt.date(2020, 10, 22)
    ProgressEntry.objects.bulk_create(
        ProgressEntryFactory.build(
            project=project,
            reported_on=thaidates.add_months(first, -month) + dt.timedelta(days=21),
            percent=Decimal(min(100, 5 + month)),
        )
        for month in range(count)
    )
    assert project.entries.count() == count
    return project


def _count_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(queries), response


def test_project_page_query_budget_does_not_grow_with_entries(db, logged_in_client):
    # Expected queries of one project page (logged-in agency staff):
    #  1. session (none from the cache) 8. prefetch indicators (KPIs)
    #  2. user                          9. prefetch quarter evaluations + evaluator
    #  3. code, name, agency (views)   10. progress points (date, percent) for the quarters
    #  4. project + agency + fiscal    11. count of entries (history paginator)
    #     year + latest entry (subq.)  12. one page of entries (the history partial)
    #  5. prefetch objectives          13. the user's agency (top bar of base.html)
    #  6. prefetch strategy links
    #  7. prefetch plan steps
    #  7b. prefetch the baseline (its plan version last approved; its steps: a 15th
    #      query, only where there is one)
    # (readers get the kept page in 3 or 4: tests/test_pagecache.py)
    small = _project_with_entries(12)
    large = _project_with_entries(300)
    small_count, small_response = _count_queries(logged_in_client, f"/projects/{small.code}/")
    large_count, large_response = _count_queries(logged_in_client, f"/projects/{large.code}/")
    assert small_count <= 14
    assert large_count == small_count
    # Both pages really show their history, quarters and KPI.
    assert page_of(small_response).text("#h-history .count") == "12 รายการ"
    assert page_of(large_response).text("#h-history .count") == "300 รายการ"
    assert len(page_of(large_response).all("li.entry")) == 10
    assert len(page_of(large_response).all("table.quarters tbody tr")) == 4


def test_history_fragment_query_budget_does_not_grow_with_entries(db, logged_in_client):
    # session, user, project, count, page of entries
    htmx = {"HX-Request": "true", "HX-Target": "history-more"}
    small = _project_with_entries(12)
    large = _project_with_entries(300)
    small_count, _ = _count_queries(
        logged_in_client, f"/projects/{small.code}/?page=2", headers=htmx
    )
    large_count, _ = _count_queries(
        logged_in_client, f"/projects/{large.code}/?page=2", headers=htmx
    )
    assert small_count <= 5
    assert large_count == small_count


def test_seed_page_within_budget(seed_project, logged_in_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        assert logged_in_client.get(SEED_URL).status_code == 200


# --- plan pages and print ------------------------------------------------------------------


def test_plan_procedure_page(seed_project, logged_in_client):
    page = page_of(logged_in_client.get(reverse("projects:procedure", args=[SEED_CODE])))
    assert page.text("h1") == f"ขั้นตอนการปฏิบัติงานของโครงการ : {SEED_CODE}"
    steps = page.all("ol.procedure li.procedure__step")
    assert len(steps) == 10
    assert page.texts(".procedure__no") == [f"ขั้นตอน {n}" for n in range(1, 11)]
    # running weight: 5, 10, 15, 20, 70, 75, 80, 90, 95, 100
    running = [text_of(step).split("สะสม ")[1].split("%")[0] for step in steps]
    assert running == ["5", "10", "15", "20", "70", "75", "80", "90", "95", "100"]
    assert "แผนยังไม่สมบูรณ์" not in page.text()


def test_plan_timeline_page_marks_the_seed_placeholder_dates(seed_project, logged_in_client):
    page = page_of(logged_in_client.get(reverse("projects:timeline", args=[SEED_CODE])))
    assert page.text("h1") == f"แสดงขั้นตอนการดำเนินงานโครงการ : {SEED_CODE}"
    assert "(1 ต.ค. 2563 – 30 ก.ย. 2564)" in page.text(".lead")
    assert page.texts(".timeline__months span") == list(
        thaidates.MONTHS_SHORT[9:] + thaidates.MONTHS_SHORT[:9]
    )
    assert len(page.all(".timeline__bar")) == 10
    assert len(page.all(".timeline__bar--undated")) == 10
    assert "10 ขั้นตอนยังไม่ได้กำหนดช่วงเวลาจริง" in page.text(".alert")


def test_plan_timeline_places_dated_steps_in_the_year(db, logged_in_client):
    project = ProjectFactory(fiscal_year__year_be=2564)
    PlanStepFactory(
        project=project,
        order=1,
        weight=Decimal(50),
        starts_on=dt.date(2020, 10, 1),
        ends_on=dt.date(2021, 3, 31),
    )
    PlanStepFactory(
        project=project,
        order=2,
        weight=Decimal(50),
        starts_on=dt.date(2021, 4, 1),
        ends_on=dt.date(2021, 9, 30),
    )
    page = page_of(logged_in_client.get(reverse("projects:timeline", args=[project.code])))
    bars = page.all(".timeline__bar")
    assert [bar.get("class") for bar in bars] == ["timeline__bar", "timeline__bar"]
    # 182 and 183 of the 365 days of 2564 (SVG attributes: no inline style, for the CSP)
    assert (bars[0].get("x"), bars[0].get("width")) == ("0.0%", "49.86%")
    assert (bars[1].get("x"), bars[1].get("width")) == ("49.86%", "50.14%")
    assert not page.all(".alert")


def test_print_view_renders_the_whole_project(seed_project, logged_in_client):
    response = logged_in_client.get(reverse("print:project", args=[SEED_CODE]))
    assert response.status_code == 200
    page = page_of(response)
    title = page.text("h1")
    assert title.startswith("อ.2/2")
    assert title.endswith(f"โครงการสภากรุงเทพมหานครพบประชาชน : {SEED_CODE}")
    text = page.text()
    assert "ความคืบหน้าโครงการ ร้อยละ 100" in text
    assert "สยป. ประเมินโครงการ" in text and "ไตรมาสที่ 1 100" in text
    assert "01000800/01000800" in text
    assert "0100-814" in text
    # all twelve entries, not one page of them, newest first
    entries = page.texts(".entry")
    assert len(entries) == 12
    assert entries[0].startswith(
        "(1) รายงานเดือนกันยายน 2564 · ส่งเมื่อ 22 ก.ย. 2564 · ความคืบหน้าโครงการฯ ร้อยละ 100.00"
    )
    assert entries[-1].startswith("(12) รายงานเดือนตุลาคม 2563 · ส่งเมื่อ 22 ต.ค. 2563")
    assert entries[-1].split("·")[-1].startswith(" ความคืบหน้าโครงการฯ ร้อยละ 5.00")


@pytest.mark.parametrize("role", ["own_staff", "evaluator", "admin"])
def test_project_page_queries_do_not_grow_with_entries_for_every_role(db, client, role):
    # The staff of the project's agency, evaluators and administrators also get the
    # report, reopen and evaluation parts of the page: more queries than a reader (see
    # the test above), but still as many with 300 entries as with 12.
    small = _project_with_entries(12)
    large = _project_with_entries(300)
    large.agency = small.agency
    large.save()
    user = {
        "own_staff": lambda: UserFactory(agency=small.agency),
        "evaluator": lambda: UserFactory(evaluator=True),
        "admin": lambda: UserFactory(admin=True),
    }[role]()
    client.force_login(user)
    small_count, _ = _count_queries(client, f"/projects/{small.code}/")
    large_count, _ = _count_queries(client, f"/projects/{large.code}/")
    assert large_count == small_count
