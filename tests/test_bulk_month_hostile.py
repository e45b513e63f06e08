"""Hostile month workbooks (issue 18 item 3) are refused with Thai messages and change
nothing: the wrong month, another agency's project, a step the project does not have,
formulas and merged cells in the data, 10,000 rows, not a workbook, a zip bomb."""

import io
import re

import pytest
from openpyxl import load_workbook

from projects.imports import month_import, month_read
from projects.imports.month_columns import DATA_SHEET
from projects.models import ProgressEntry
from tests.bulk_month import fill
from tests.factories import AgencyFactory, UserFactory, project_with_steps
from tests.test_bulk_month import FEBRUARY, TODAY, download

pytestmark = pytest.mark.django_db
THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture
def world():
    agency = AgencyFactory(reports_need_approval=False)
    two = project_with_steps((40, 60), agency=agency)
    three = project_with_steps((20, 30, 50), agency=agency)
    other = project_with_steps((100,), agency=AgencyFactory(name="สำนักการโยธา"))
    return {
        "agency": agency,
        "two": two,
        "three": three,
        "other": other,
        "staff": UserFactory(agency=agency),
    }


def refused(world, data: bytes, *, period=FEBRUARY) -> list[str]:
    """Upload ``data`` and confirm at once: the errors (nothing may be saved)."""
    result = month_import.month_report_import(
        read=month_read.read(data),
        agency=world["agency"],
        period=period,
        user=world["staff"],
        today=TODAY,
        dry_run=False,
    )
    assert not result.applied
    assert not ProgressEntry.objects.exists()
    assert result.errors and all(THAI.search(e) for e in result.errors), result.errors
    return result.errors


def good_row(world) -> dict:
    return {world["two"].code: {"step:1": "✓", "narrative": "ดำเนินการแล้ว"}}


def edit(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book[DATA_SHEET])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_of_another_month(world):
    data = fill(download(world["agency"]), good_row(world))
    errors = refused(world, data, period=FEBRUARY.replace(month=3))
    assert "ไฟล์นี้เป็นรายงานเดือนกุมภาพันธ์" in errors[0]


def test_another_agencys_project(world):
    data = fill(download(world["agency"]), good_row(world))
    data = edit(data, lambda sheet: setattr(sheet["A5"], "value", world["other"].code))
    errors = refused(world, data)
    assert any("แถว 5 คอลัมน์ A" in e and "หน่วยงานอื่น (สำนักการโยธา)" in e for e in errors), errors


def test_a_step_the_project_does_not_have(world):
    two = world["two"]
    data = fill(
        download(world["agency"]), {two.code: {"step:1": "✓", "step:3": "✓", "narrative": "x"}}
    )
    errors = refused(world, data)
    assert any("คอลัมน์ G" in e and "ไม่มีขั้นตอนที่ 3" in e for e in errors), errors


def test_a_formula_in_an_input_cell(world):
    data = fill(
        download(world["agency"]), {world["two"].code: {"step:1": "✓", "narrative": "=A1&B1"}}
    )
    errors = refused(world, data)
    assert any("ห้ามใช้สูตร" in e for e in errors), errors


def test_merged_cells(world):
    data = fill(download(world["agency"]), good_row(world))
    errors = refused(world, edit(data, lambda sheet: sheet.merge_cells("J4:K5")))
    assert any("J4:K5" in e and "ผสาน" in e for e in errors), errors


def test_ten_thousand_rows(world):
    def grow(sheet):
        for number in range(10_000):
            sheet.append([f"9999-{number}", "x"])

    errors = refused(world, edit(download(world["agency"]), grow))
    assert "เกิน 2,000 แถว" in errors[0]


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4 not a workbook", "รหัส,ชื่อ\n1,2".encode(), b"\xd0\xcf\x11\xe0old xls"]
)
def test_not_a_workbook(world, data):
    errors = refused(world, data)
    assert "Excel" in errors[0]


def test_a_zip_bomb(world):
    from tests.hostile.bombs import shared_strings_bomb

    errors = refused(world, shared_strings_bomb())
    assert "จึงไม่อ่าน" in errors[0] or "zip bomb" in errors[0], errors


def test_a_token_changed_by_hand(world):
    data = fill(
        download(world["agency"]),
        {world["two"].code: {"step:1": "✓", "narrative": "x", "token": "2026-01-01/-/0/-/1"}},
    )
    errors = refused(world, data)
    assert any("รหัสตรวจสอบ" in e for e in errors), errors
