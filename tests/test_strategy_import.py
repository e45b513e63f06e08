"""Keeping the strategy tree (issue 18): the workbook import (ระดับ, รหัส, ชื่อ, รหัสแม่:
preview with Thai errors by row and column, confirm, idempotent upsert by code), the
node rules, the admin's unmatched links, and the page importer linking new lines."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from projects import strategy, strategy_services
from projects.imports import strategy_read
from projects.models import StrategyLink, StrategyNode
from projects.strategy_services import NodeRow
from tests.factories import (
    ProjectFactory,
    StrategyLinkFactory,
    UserFactory,
    strategy_top_levels,
)
from tests.html import page_of

HEADER = ("ระดับ", "รหัส", "ชื่อ", "รหัสแม่")
GOOD = [
    ("มิติ", "5.5", "มิติทดสอบ", "5"),
    ("เป้าหมาย", "5.5.1", "เป้าหมายทดสอบ", "5.5"),
    ("ด้าน", "5", "มหานครประชาธิปไตย", None),
]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def upload(client, data: bytes, name="tree.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/imports/strategy/", {"file": file})


@pytest.fixture(autouse=True)
def top_levels(db):
    return strategy_top_levels()


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(role="admin", is_staff=True, is_superuser=True))
    return client


def test_the_reader_reads_the_columns_by_their_headers(db):
    data = workbook([("x", "ด้าน", "7", "ชื่อ", "")], header=("อื่น", *HEADER))
    read = strategy_read.read(data)
    assert read.problems == []
    assert read.rows == [NodeRow(row=2, level="ด้าน", code="7", name="ชื่อ", parent="")]


def test_the_reader_refuses_what_is_not_a_workbook_or_lacks_columns(db):
    assert strategy_read.read(b"plain text").problems[0].column == "ไฟล์"
    read = strategy_read.read(workbook([], header=("ระดับ", "ชื่อ")))
    assert [(p.row, p.column) for p in read.problems] == [(1, "รหัส")]


def test_check_gives_every_error_by_row_and_column(db):
    rows = [
        NodeRow(2, "ระดับใหม่", "9", "ก"),
        NodeRow(3, "มิติ", "5.5", "ข"),  # no parent
        NodeRow(4, "มิติ", "6.1", "ค", "5"),  # the code is not under 5
        NodeRow(5, "เป้าหมาย", "5.5.1", "ง", "5"),  # a เป้าหมาย under a ด้าน
        NodeRow(6, "ด้าน", "", ""),
        NodeRow(7, "ด้าน", "8", "จ"),
        NodeRow(8, "ด้าน", "8", "ฉ"),  # duplicate
        NodeRow(9, "มิติ", "5", "ช", "1"),  # 5 is a ด้าน already
        NodeRow(10, "มิติ", "4.1", "ซ", "4.9"),  # no such parent
    ]
    _changes, errors = strategy_services.strategy_rows_check(rows)
    found = {(e.row, e.column) for e in errors}
    assert found == {
        (2, "ระดับ"),
        (3, "รหัสแม่"),
        (4, "รหัส"),
        (5, "รหัสแม่"),
        (6, "รหัส"),
        (6, "ชื่อ"),
        (8, "รหัส"),
        (9, "ระดับ"),
        (10, "รหัสแม่"),
    }
    assert all(e.message for e in errors)
    with pytest.raises(ValidationError):
        strategy_services.strategy_nodes_upsert(rows=rows)
    assert not StrategyNode.objects.filter(code="8").exists()  # all or nothing


def test_upsert_by_code_is_idempotent_and_matches_links(db):
    link = StrategyLinkFactory(
        project=ProjectFactory(), order=1, text="ด้านที่ 5 / มิติที่ 5.5 / เป้าหมายที่ 5.5.1"
    )
    strategy_services.strategy_links_match()
    link.refresh_from_db()
    assert link.node.code == "5"
    rows = [NodeRow(n, *(c or "" for c in row)) for n, row in enumerate(GOOD, start=2)]
    changes = strategy_services.strategy_nodes_upsert(rows=rows)
    assert [c.action for c in changes] == ["create", "create", "same"]
    link.refresh_from_db()
    assert link.node.code == "5.5.1"
    count = StrategyNode.objects.count()
    changes = strategy_services.strategy_nodes_upsert(rows=rows)
    assert [c.action for c in changes] == ["same", "same", "same"]
    assert StrategyNode.objects.count() == count
    renamed = [NodeRow(2, "มิติ", "5.5", "ใหม่", "5")]
    assert strategy_services.strategy_nodes_upsert(rows=renamed)[0].action == "update"
    assert StrategyNode.objects.get(code="5.5").name == "ใหม่"


def test_upload_previews_then_confirm_saves(admin_client):
    response = upload(admin_client, workbook(GOOD))
    assert response.status_code == 200
    page = page_of(response)
    assert "เพิ่มใหม่ 2" in page.text()
    assert not StrategyNode.objects.filter(code="5.5").exists()  # nothing before confirm
    payload = page.one("input[name=payload]").get("value")
    response = admin_client.post("/imports/strategy/confirm/", {"payload": payload})
    assert response.status_code == 302
    assert StrategyNode.objects.get(code="5.5.1").parent.code == "5.5"
    # A tampered payload saves nothing.
    response = admin_client.post("/imports/strategy/confirm/", {"payload": payload + "x"})
    assert response["Location"].endswith("/imports/strategy/")


def test_upload_with_errors_shows_them_and_offers_no_confirmation(admin_client):
    response = upload(admin_client, workbook([("มิติ", "5.9", "ก", "9")]))
    page = page_of(response)
    assert page.all("input[name=payload]") == []
    cells = page.texts(".import-problems tbody tr td")
    assert cells[:2] == ["2", "รหัสแม่"]
    assert "ไม่พบรหัสแม่ 9" in cells[2]


def test_only_administrators_import(client, db):
    client.force_login(UserFactory(manager=True))
    assert client.get("/imports/strategy/").status_code == 403
    assert client.post("/imports/strategy/confirm/", {"payload": "x"}).status_code == 403


def test_node_rules_in_the_model(db):
    pillar = StrategyNode.objects.get(code="5")
    bad = StrategyNode(level=strategy.GOAL, code="5.1", name="x", parent=pillar)
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert set(refused.value.message_dict) >= {"parent"}
    good = StrategyNode(level=strategy.DIMENSION, code="5.2", name="x", parent=pillar)
    good.full_clean()
    good.save()
    goal = StrategyNode.objects.create(level=strategy.GOAL, code="5.2.1", name="y", parent=good)
    goal = StrategyNode.objects.select_related("parent__parent").get(pk=goal.pk)
    assert [n.code for n in goal.path] == ["5", "5.2", "5.2.1"]
    assert sorted(pillar.subtree_ids()) == sorted([pillar.pk, good.pk, goal.pk])


def test_the_admin_lists_unmatched_links_and_an_administrator_picks_the_node(admin_client):
    project = ProjectFactory()
    unmatched = StrategyLinkFactory(project=project, order=1, text="ข้อความที่ไม่ตรง")
    StrategyLinkFactory(project=project, order=2, node=StrategyNode.objects.get(code="R"))
    url = "/admin/projects/unmatchedstrategylink/"
    response = admin_client.get(url)
    text = response.content.decode()
    assert "ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่" in text
    assert "ข้อความที่ไม่ตรง" in text
    assert len(page_of(response).all("#result_list tbody tr")) == 1
    node = StrategyNode.objects.get(code="3")
    response = admin_client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(unmatched.pk),
            "form-0-node": str(node.pk),
            "_save": "บันทึก",
        },
    )
    assert response.status_code == 302
    unmatched.refresh_from_db()
    assert unmatched.node == node
    assert admin_client.get("/admin/projects/strategynode/").status_code == 200


def test_the_page_importer_links_strategy_lines(db):
    from django.core.management import call_command

    call_command(
        "import_bma_page", "fixtures/pages/bma-project-page-01000000-2462.txt", verbosity=0
    )
    links = StrategyLink.objects.filter(project__code="01000000-2462")
    assert links.count() == 4
    assert set(links.values_list("node__code", flat=True)) == {"R"}


def test_the_plan_workbook_links_new_and_changed_strategy_lines(db):
    from tests.factories import AgencyFactory, FiscalYearFactory
    from tests.test_plan_xlsx import AGENCY, YEAR, project_row, run, workbook

    agency, year = AgencyFactory(code=AGENCY), FiscalYearFactory(year_be=YEAR)
    admin = UserFactory(admin=True, username="admin-strategy")
    assert run(workbook(), agency, year, admin).applied
    links = StrategyLink.objects.filter(project__code=f"{AGENCY}-2462").order_by("order")
    # "**** ภารกิจงานประจำของหน่วยงาน ****" is not the routine line exactly: unmatched
    assert [link.node.code if link.node else None for link in links] == [None, "5"]
    changed = workbook(projects=[project_row(strategy="ภารกิจงานประจำของหน่วยงาน")])
    assert run(changed, agency, year, admin).applied
    assert [link.node.code for link in links.all()] == ["R"]


def test_the_print_view_shows_each_links_path(client, db):
    from tests.factories import FiscalYearFactory

    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    pillar = StrategyNode.objects.get(code="5")
    dimension = StrategyNode.objects.create(
        level=strategy.DIMENSION, code="5.5", name="มิติทดสอบ", parent=pillar
    )
    StrategyLinkFactory(project=project, order=1, node=dimension, text="ด้านที่ 5 / มิติที่ 5.5")
    client.force_login(UserFactory(manager=True))
    text = page_of(client.get(f"/projects/{project.code}/print/")).text(".strategy")
    assert text == "ด้านที่ 5 มหานครประชาธิปไตย › มิติที่ 5.5 มิติทดสอบ"
    page = page_of(client.get(f"/projects/{project.code}/"))
    hrefs = [a.get("href") for a in page.all(".strategy-path a")]
    assert hrefs == ["/dashboard/?year=2569&node=5", "/dashboard/?year=2569&node=5.5"]


def test_hostile_workbooks_are_refused_with_thai_messages(admin_client):
    before = StrategyNode.objects.count()
    # A formula has no value to read (openpyxl keeps no cached result): the cell is empty.
    read = strategy_read.read(workbook([("ด้าน", "=1+8", "ชื่อ", None)]))
    _changes, errors = strategy_services.strategy_rows_check(read.rows)
    assert [(e.row, e.column) for e in errors] == [(2, "รหัส")]
    many = strategy_read.read(workbook([("ด้าน", str(n), "ก", None) for n in range(6_000)]))
    assert any("เกิน" in p.message for p in many.problems)
    response = upload(admin_client, b"PK\x03\x04" + b"\x00" * 100)
    assert response.status_code == 200
    assert page_of(response).all("input[name=payload]") == []
    assert StrategyNode.objects.count() == before
