"""The annual-plan workbook (issue 8): template, reader, import and export.

Malformed variants each with the message a person gets (sheet, row, column, text),
idempotence, the export → import round trip, history and optimistic locking."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from projects.imports import (
    workbook_columns,
    workbook_import,
    workbook_read,
    workbook_rows,
    workbook_write,
)
from projects.imports.workbook_columns import (
    PROJECT_COLUMNS,
    PROJECT_SHEET,
    STEP_COLUMNS,
    STEP_SHEET,
)
from projects.models import PlanStep, Project, ProjectObjective, StrategyLink, User
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    StrategyLinkFactory,
    UserFactory,
)

AGENCY = "01000000"
YEAR = 2564


def project_row(code=f"{AGENCY}-2462", **changes):
    values = {
        "code": code,
        "name": "โครงการสภากรุงเทพมหานครพบประชาชน",
        "agency_code": AGENCY,
        "fiscal_year": YEAR,
        "responsible": "นางสุดา",
        "responsible_phone": "1234",
        "rationale": "สำนักงานเลขานุการสภากรุงเทพมหานคร จึงได้จัดทำโครงการ\nบรรทัดที่สอง",
        "budget_code": "01000800",
        "organisation_code": "01000800",
        "objectives": "1. เพื่อเป็นเวทีให้ประชาชน\n2. เพื่อสร้างความเชื่อมั่น",
        "targets": "-",
        "strategy": "**** ภารกิจงานประจำของหน่วยงาน ****\nด้านที่ 5 มหานครประชาธิปไตย",
        "budget_allocated": None,
        "budget_type": "",
        "budget_source": "",
    }
    values.update(changes)
    return [values[c.key] for c in PROJECT_COLUMNS]


def step_rows(code=f"{AGENCY}-2462", weights=(20, 30, 50)):
    start = dt.date(2020, 10, 1)
    return [
        [code, i, f"ขั้นตอนที่ {i}", w, start, start + dt.timedelta(days=30 * i)]
        for i, w in enumerate(weights, start=1)
    ]


def workbook(projects=None, steps=None) -> bytes:
    return workbook_write.build_workbook(
        projects=[project_row()] if projects is None else projects,
        steps=step_rows() if steps is None else steps,
    )


def raw_workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def headers(columns):
    return [c.header for c in columns]


@pytest.fixture
def agency(db):
    return AgencyFactory(code=AGENCY, name="สำนักงานเลขานุการสภากรุงเทพมหานคร")


@pytest.fixture
def year(db):
    return FiscalYearFactory(year_be=YEAR)


@pytest.fixture
def admin(db):
    return UserFactory(admin=True, username="admin-x")


def run(data, agency, year, user, *, dry_run=False, **kwargs):
    return workbook_import.plan_import(
        data=data, agency=agency, fiscal_year=year, dry_run=dry_run, user=user, **kwargs
    )


# --- the template --------------------------------------------------------------------------


def test_template_has_the_sheets_headers_validation_and_guide(settings):
    book = load_workbook(io.BytesIO(workbook_write.template_workbook()))
    assert book.sheetnames == ["คำอธิบาย", PROJECT_SHEET, STEP_SHEET]
    projects = book[PROJECT_SHEET]
    assert [c.value for c in projects[1]] == [
        "รหัสโครงการ *",
        "ชื่อโครงการ *",
        "รหัสหน่วยงาน *",
        "ปีงบประมาณ (พ.ศ.) *",
        "ผู้รับผิดชอบ",
        "โทรศัพท์",
        "หลักการและเหตุผล",
        "รหัสงบประมาณ",
        "รหัสหน่วยงานเจ้าของงบ",
        "วัตถุประสงค์",
        "เป้าหมายของโครงการ",
        "สนับสนุนยุทธศาสตร์",
        "งบประมาณที่ได้รับจัดสรร (บาท)",
        "ประเภทงบประมาณ",
        "แหล่งงบประมาณ",
    ]
    assert projects.max_row == 1
    steps = book[STEP_SHEET]
    assert [c.value for c in steps[1]] == [
        "รหัสโครงการ *",
        "ขั้นตอนที่ *",
        "ขั้นตอน *",
        "น้ำหนัก (ร้อยละ) *",
        "วันเริ่มต้น",
        "วันสิ้นสุด",
    ]
    rules = {str(v.sqref): v for v in steps.data_validations.dataValidation}
    assert rules["D2:D5001"].type == "decimal"
    assert (rules["D2:D5001"].formula1, rules["D2:D5001"].formula2) == ("0", "100")
    assert rules["B2:B5001"].type == "whole"
    assert rules["E2:E5001"].type == "date"
    assert rules["E2:E5001"].errorStyle == "warning"
    project_rules = {str(v.sqref): v.type for v in projects.data_validations.dataValidation}
    assert project_rules == {"D2:D5001": "whole", "C2:C5001": "textLength"}
    guide = " ".join(str(c.value) for row in book["คำอธิบาย"].iter_rows() for c in row if c.value)
    assert "น้ำหนักของทุกขั้นตอนในโครงการเดียวกันต้องรวมกันได้ 100" in guide
    assert "01/10/2563" in guide


def test_template_imports_as_nothing(agency, year, admin):
    plan = run(workbook_write.template_workbook(), agency, year, admin, dry_run=True)
    assert plan.ok
    assert plan.projects == []


# --- import, idempotence, history, locking --------------------------------------------------


def test_import_creates_the_projects_and_their_plan(agency, year, admin):
    plan = run(workbook(), agency, year, admin)
    assert plan.ok and plan.applied, [str(p) for p in plan.problems]
    project = Project.objects.get(code=f"{AGENCY}-2462")
    assert project.agency == agency and project.fiscal_year == year
    assert project.name == "โครงการสภากรุงเทพมหานครพบประชาชน"
    assert project.responsible == "นางสุดา" and project.responsible_phone == "1234"
    assert project.rationale.endswith("\nบรรทัดที่สอง")
    assert (project.budget_code, project.organisation_code, project.targets) == (
        "01000800",
        "01000800",
        "-",
    )
    assert list(project.objectives.values_list("order", "text")) == [
        (1, "เพื่อเป็นเวทีให้ประชาชน"),
        (2, "เพื่อสร้างความเชื่อมั่น"),
    ]
    assert list(project.strategy_links.values_list("text", flat=True)) == [
        "**** ภารกิจงานประจำของหน่วยงาน ****",
        "ด้านที่ 5 มหานครประชาธิปไตย",
    ]
    steps = list(project.steps.order_by("order"))
    assert [(s.order, s.title, s.weight) for s in steps] == [
        (1, "ขั้นตอนที่ 1", Decimal("20.00")),
        (2, "ขั้นตอนที่ 2", Decimal("30.00")),
        (3, "ขั้นตอนที่ 3", Decimal("50.00")),
    ]
    assert steps[0].starts_on == dt.date(2020, 10, 1)
    assert steps[2].ends_on == dt.date(2020, 10, 1) + dt.timedelta(days=90)
    assert plan.project_counts["created"] == 1
    assert plan.counts["created"] == 1 + 2 + 2 + 3
    # History names the importing user and the reason.
    record = project.history.get()
    assert record.history_user == admin and record.history_type == "+"
    assert record.history_change_reason == workbook_import.CHANGE_REASON
    assert PlanStep.history.filter(project_id=project.pk, history_user=admin).count() == 3


def test_dry_run_writes_nothing(agency, year, admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        plan = run(workbook(), agency, year, admin, dry_run=True)
    assert plan.ok and not plan.applied
    assert plan.counts["created"] == 8
    assert not Project.objects.exists()


def test_second_import_of_the_same_file_changes_nothing(agency, year, admin):
    data = workbook()
    run(data, agency, year, admin)
    project = Project.objects.get()
    before = (project.plan_version, project.updated_at, project.history.count())
    plan = run(data, agency, year, admin)
    assert plan.applied
    assert plan.counts["created"] == plan.counts["updated"] == plan.counts["deleted"] == 0
    assert not plan.has_changes
    assert plan.project_counts["unchanged"] == 1
    project.refresh_from_db()
    assert (project.plan_version, project.updated_at, project.history.count()) == before
    assert PlanStep.history.count() == 3


def test_changed_file_updates_in_place_bumps_plan_version_and_records_history(agency, year, admin):
    run(workbook(), agency, year, admin)
    project = Project.objects.get()
    step_ids = list(project.steps.order_by("order").values_list("pk", flat=True))
    version = project.plan_version
    changed = workbook(
        projects=[project_row(name="ชื่อใหม่", objectives="เพื่อข้อเดียว")],
        steps=step_rows(weights=(50, 50)),
    )
    plan = run(changed, agency, year, admin, dry_run=True)
    listed = {str(c) for c in plan.changes}
    assert "แก้ไข โครงการ 01000000-2462 (ชื่อโครงการ)" in listed
    assert "แก้ไข วัตถุประสงค์ของโครงการ 01000000-2462 วัตถุประสงค์ 1 (วัตถุประสงค์)" in listed
    assert "ลบ วัตถุประสงค์ของโครงการ 01000000-2462 วัตถุประสงค์ 2" in listed
    assert "แก้ไข ขั้นตอนการดำเนินงาน 01000000-2462 ขั้นตอน 1 (น้ำหนัก (ร้อยละ))" in listed
    assert "ลบ ขั้นตอนการดำเนินงาน 01000000-2462 ขั้นตอน 3" in listed
    assert plan.project_counts["updated"] == 1
    run(changed, agency, year, admin)
    project.refresh_from_db()
    assert project.name == "ชื่อใหม่"
    assert project.plan_version == version + 1
    assert list(project.objectives.values_list("text", flat=True)) == ["เพื่อข้อเดียว"]
    # Steps are updated in place (progress entries refer to them by id).
    assert list(project.steps.order_by("order").values_list("pk", flat=True)) == step_ids[:2]
    assert project.history.filter(history_type="~", history_user=admin).count() == 1
    deleted = PlanStep.history.get(history_type="-")
    assert deleted.id == step_ids[2] and deleted.history_user == admin


def test_project_without_step_rows_keeps_its_plan(agency, year, admin):
    project = ProjectFactory(code=f"{AGENCY}-2462", agency=agency, fiscal_year=year)
    PlanStepFactory(project=project, order=1, weight=Decimal(60))
    PlanStepFactory(project=project, order=2, weight=Decimal(30))
    plan = run(workbook(steps=[]), agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    assert project.steps.count() == 2
    assert plan.counts["kept"] == 2
    # The stored plan's 90 is only noted: this file does not change it.
    assert [str(n) for n in plan.notes] == [
        "แผ่นงาน «โครงการ» (น้ำหนัก (ร้อยละ)): น้ำหนักของขั้นตอนทั้ง 2 ขั้นตอนของโครงการ "
        "01000000-2462 รวมกันได้ร้อยละ 90 ต้องรวมกันได้ร้อยละ 100 (แผนที่บันทึกไว้แล้ว ไฟล์นี้ไม่ได้เปลี่ยน)"
    ]


def test_projects_missing_from_the_file_are_kept(agency, year, admin):
    other = ProjectFactory(code=f"{AGENCY}-9999", agency=agency, fiscal_year=year, name="อื่น")
    plan = run(workbook(), agency, year, admin)
    assert plan.applied
    assert Project.objects.filter(pk=other.pk, name="อื่น").exists()
    kept = [o for o in plan.projects if o.action == "kept"]
    assert [(o.code, o.row) for o in kept] == [(other.code, None)]


def test_staff_of_another_agency_may_not_import(agency, year):
    stranger = UserFactory(role=User.Role.STAFF, agency=AgencyFactory(code="02000000"))
    with pytest.raises(PermissionDenied):
        run(workbook(), agency, year, stranger, dry_run=True)
    own = UserFactory(role=User.Role.STAFF, agency=agency)
    assert run(workbook(), agency, year, own, dry_run=True).ok


def test_confirmation_from_an_out_of_date_preview_writes_nothing(agency, year, admin):
    run(workbook(), agency, year, admin)
    data = workbook(steps=step_rows(weights=(10, 40, 50)))
    preview = run(data, agency, year, admin, dry_run=True)
    # Somebody edits the plan between the preview and the confirmation.
    project = Project.objects.get()
    Project.objects.filter(pk=project.pk).update(plan_version=project.plan_version + 1)
    step = project.steps.get(order=3)
    step.title = "แก้ในระหว่างนั้น"
    step.save()
    plan = run(data, agency, year, admin, expected_digest=preview.digest)
    assert plan.stale and not plan.applied
    assert project.steps.get(order=1).weight == Decimal("20.00")
    fresh = run(data, agency, year, admin, dry_run=True)
    assert fresh.digest != preview.digest
    assert run(data, agency, year, admin, expected_digest=fresh.digest).applied
    assert project.steps.get(order=1).weight == Decimal("10.00")


def test_dry_run_query_count_does_not_grow_with_projects(agency, year, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        rows = [project_row(code=f"{AGENCY}-{n}") for n in range(1, count + 1)]
        steps = [s for n in range(1, count + 1) for s in step_rows(code=f"{AGENCY}-{n}")]
        data = workbook(projects=rows, steps=steps)
        run(data, agency, year, admin)
        with CaptureQueriesContext(connection) as captured:
            plan = run(data, agency, year, admin, dry_run=True)
        assert plan.ok and not plan.has_changes
        return len(captured)

    assert queries(3) == queries(40)


# --- what cells may hold ---------------------------------------------------------------------


def test_excel_dates_and_text_dates_in_be_and_iso(agency, year, admin):
    steps = [
        [f"{AGENCY}-2462", 1, "ก", 50, dt.datetime(2020, 10, 1), "22/09/2564"],
        [f"{AGENCY}-2462", 2, "ข", "50", "๐๑/๑๐/๒๕๖๓", "2021-09-30"],
    ]
    plan = run(workbook(steps=steps), agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    dates = list(PlanStep.objects.order_by("order").values_list("starts_on", "ends_on"))
    assert dates == [
        (dt.date(2020, 10, 1), dt.date(2021, 9, 22)),
        (dt.date(2020, 10, 1), dt.date(2021, 9, 30)),
    ]


def test_dates_as_excel_day_numbers():
    assert workbook_columns.read_date(44105) == dt.date(2020, 10, 1)
    with pytest.raises(ValueError, match="«5» ไม่ใช่วันที่"):
        workbook_columns.read_date(5)


def test_codes_typed_as_numbers_get_their_leading_zeros_back(agency, year, admin):
    rows = [project_row(agency_code=1000000, budget_code=1000800, fiscal_year="2564")]
    plan = run(workbook(projects=rows), agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    assert Project.objects.get().budget_code == "01000800"


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("1. ก\n2. ข", ("ก", "ข")),
        ("1) ก\n2) ข", ("ก", "ข")),
        ("ก\nข\n\n", ("ก", "ข")),
        ("1 เพื่อก 2 เพื่อข", ("เพื่อก", "เพื่อข")),
        ("1. ก\n3. ข", ("1. ก", "3. ข")),  # not numbered in order: kept as written
        ("-", ()),
        (None, ()),
        ("สํานักงาน\r\nสำนักงาน", ("สํานักงาน", "สำนักงาน")),  # ํา and ำ kept as written
    ],
)
def test_objective_cells(cell, expected):
    assert workbook_columns.read_objectives(cell) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (5, Decimal("5.00")),
        (33.33, Decimal("33.33")),
        ("12.5%", Decimal("12.50")),
        ("๕", Decimal("5.00")),
    ],
)
def test_weights(value, expected):
    assert workbook_columns.read_weight(value) == expected


# --- malformed workbooks: each with its message ----------------------------------------------

P, S = PROJECT_SHEET, STEP_SHEET

VARIANTS = [
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", 1, "ก", "abc", None, None], *step_rows()[1:]]),
        (S, 2, "D", "น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «abc»"),
        id="weight-abc",
    ),
    pytest.param(
        lambda: workbook(steps=step_rows(weights=(20, 30, 45))),
        (
            S,
            2,
            "D",
            "น้ำหนักของขั้นตอนทั้ง 3 ขั้นตอนของโครงการ 01000000-2462 รวมกันได้ร้อยละ 95 ต้องรวมกันได้ร้อยละ 100",
        ),
        id="weights-not-100",
    ),
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", 1, "ก", 100, "31/02/2564", None]]),
        (S, 2, "E", "ไม่มีวันที่ 31/02/2564 ในปฏิทิน"),
        id="date-31-02",
    ),
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", 1, "ก", 100, "เดือนหน้า", None]]),
        (S, 2, "E", "รูปแบบวันที่ไม่ถูกต้อง ให้ใช้ วว/ดด/ปปปป (พ.ศ.) เช่น 22/09/2564"),
        id="date-words",
    ),
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", 1, "ก", 100, "01/12/2563", "01/11/2563"]]),
        (S, 2, "F", "วันสิ้นสุด 01/11/2563 อยู่ก่อนวันเริ่มต้น 01/12/2563"),
        id="ends-before-start",
    ),
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", 1, "ก", 150, None, None]]),
        (S, 2, "D", "น้ำหนักต้องอยู่ระหว่าง 0 ถึง 100 ได้ 150"),
        id="weight-150",
    ),
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", 1, "ก", 33.333, None, None]]),
        (S, 2, "D", "น้ำหนักมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง ได้ 33.333"),
        id="weight-3-decimals",
    ),
    pytest.param(
        lambda: workbook(steps=[[f"{AGENCY}-2462", "สอง", "ก", 100, None, None]]),
        (S, 2, "B", "ขั้นตอนที่ต้องเป็นเลขจำนวนเต็ม 1 ถึง 999 ได้ «สอง»"),
        id="order-words",
    ),
    pytest.param(
        lambda: workbook(steps=[*step_rows(), [f"{AGENCY}-2462", 2, "ซ้ำ", 0, None, None]]),
        (S, 5, "B", "ขั้นตอนที่ 2 ของโครงการ 01000000-2462 ซ้ำกับแถว 3"),
        id="duplicate-step",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(), project_row(name="ซ้ำ")]),
        (P, 3, "A", "รหัสโครงการ 01000000-2462 ซ้ำกับแถว 2 โครงการหนึ่งมีได้แถวเดียว"),
        id="duplicate-code",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(name="  ")]),
        (P, 2, "B", "ต้องกรอกชื่อโครงการ"),
        id="missing-name",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(agency_code="02000000")]),
        (
            P,
            2,
            "C",
            "รหัสหน่วยงาน 02000000 ไม่ตรงกับหน่วยงานที่เลือกนำเข้า (01000000) "
            "ไฟล์หนึ่งนำเข้าได้เฉพาะโครงการของหน่วยงานเดียว",
        ),
        id="other-agency",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(fiscal_year=2565)]),
        (P, 2, "D", "ปีงบประมาณ 2565 ไม่ตรงกับปีที่เลือกนำเข้า (2564)"),
        id="other-year",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(fiscal_year=2021)]),
        (P, 2, "D", "ปีงบประมาณ 2021 ไม่ใช่ปี พ.ศ. (เช่น 2564 ไม่ใช่ 2021)"),
        id="year-ce",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(code="0100-2462")], steps=[]),
        (
            P,
            2,
            "A",
            "รหัสโครงการ «0100-2462» ต้องเป็นรหัสหน่วยงาน 01000000 ตามด้วยขีดและตัวเลข เช่น 01000000-2462",
        ),
        id="code-shape",
    ),
    pytest.param(
        lambda: workbook(projects=[project_row(responsible_phone="x" * 51)]),
        (P, 2, "F", "ยาว 51 ตัวอักษร เกินที่กำหนด 50 ตัวอักษร"),
        id="too-long",
    ),
    pytest.param(
        lambda: workbook(steps=step_rows(code=f"{AGENCY}-7777", weights=(100,))),
        (
            S,
            2,
            "A",
            "ไม่พบรหัสโครงการ 01000000-7777 ในแผ่นงาน «โครงการ» ขั้นตอนต้องเป็นของโครงการที่อยู่ในไฟล์เดียวกัน",
        ),
        id="step-of-unknown-project",
    ),
    pytest.param(
        lambda: raw_workbook({P: [headers(PROJECT_COLUMNS)[1:]], S: [headers(STEP_COLUMNS)]}),
        (
            P,
            1,
            "",
            "ไม่พบคอลัมน์ «รหัสโครงการ» ในแถวหัวตาราง (แถวที่ 1) อย่าแก้ไขหรือลบหัวตารางของแม่แบบ",
        ),
        id="header-missing",
    ),
    pytest.param(
        lambda: raw_workbook({"Sheet1": [["a"]]}),
        (
            P,
            None,
            "",
            "ไม่พบแผ่นงาน «โครงการ» (ไฟล์นี้มีแผ่นงาน «Sheet1») กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ",
        ),
        id="sheet-missing",
    ),
    pytest.param(
        lambda: "รหัสโครงการ,ชื่อโครงการ\n01000000-2462,ก\n".encode(),
        (
            "",
            None,
            "",
            "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) เช่น เป็น CSV ข้อความ หรือ PDF "
            "กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ แล้วบันทึกเป็น .xlsx",
        ),
        id="csv",
    ),
    pytest.param(
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        (
            "",
            None,
            "",
            "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่านไว้ ระบบอ่านได้เฉพาะ .xlsx "
            "กรุณาเปิดใน Excel แล้วบันทึกเป็น «Excel Workbook (.xlsx)» โดยไม่ตั้งรหัสผ่าน",
        ),
        id="xls",
    ),
    pytest.param(
        lambda: b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024),
        (
            "",
            None,
            "",
            "ไฟล์ใหญ่ 50.0 MB เกินขนาดสูงสุด 10 MB ของไฟล์แผนปฏิบัติราชการ "
            "แบ่งไฟล์ตามหน่วยงานหรือลบแผ่นงานอื่นที่ไม่เกี่ยวข้องออกก่อน",
        ),
        id="50-MB",
    ),
    pytest.param(
        lambda: workbook()[:2000],
        ("", None, "", "ไฟล์ .xlsx นี้เสียหรือไม่ครบ (เปิดเป็นไฟล์ zip ไม่ได้) กรุณาบันทึกจาก Excel ใหม่"),
        id="truncated",
    ),
    pytest.param(
        lambda: _zip({"hello.txt": b"hi"}),
        ("", None, "", "ไฟล์ zip นี้ไม่ใช่ไฟล์ Excel (.xlsx) (ไม่พบ xl/workbook.xml)"),
        id="plain-zip",
    ),
    pytest.param(
        lambda: _zip({"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b"<x/>"}),
        (
            "",
            None,
            "",
            "เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหายหรือไม่ได้บันทึกจาก Excel "
            "กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่",
        ),
        id="broken-workbook",
    ),
]


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("make, expected", VARIANTS)
def test_malformed_workbook_gets_its_message(make, expected, agency, year, admin):
    plan = run(make(), agency, year, admin)
    found = [(p.sheet, p.row, p.column, p.message) for p in plan.problems]
    assert expected in found, found
    assert not plan.applied
    assert not Project.objects.exists()


def test_zip_bomb_is_refused_before_anything_is_decompressed(agency, year, admin, monkeypatch):
    # 3 MB of spaces packs into a few kilobytes; the limit is lowered to keep the test small
    # (the real one is MAX_UNCOMPRESSED_BYTES, 200 MB).
    monkeypatch.setattr(workbook_read, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    data = _zip({"xl/workbook.xml": b"<", "xl/worksheets/sheet1.xml": b" " * 3 * 1024 * 1024})
    assert len(data) < 20_000
    plan = run(data, agency, year, admin)
    assert [(p.sheet, p.row, p.message) for p in plan.problems] == [
        (
            "",
            None,
            "ไฟล์นี้เมื่อคลายการบีบอัดจะใหญ่ 3 MB เกิน 2 MB จึงไม่อ่าน (ไฟล์แผนของหน่วยงานหนึ่งไม่ควรใหญ่ขนาดนี้)",
        )
    ]


def test_problem_reads_as_sheet_row_column_and_field(agency, year, admin):
    data = workbook(steps=[[f"{AGENCY}-2462", 1, "ก", "abc", None, None]])
    problem = run(data, agency, year, admin).problems[0]
    assert str(problem) == (
        "แผ่นงาน «ขั้นตอน» แถว 2 คอลัมน์ D (น้ำหนัก (ร้อยละ)): น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «abc»"
    )


def test_moved_columns_are_found_by_header(agency, year, admin):
    order = list(reversed(PROJECT_COLUMNS))
    row = dict(zip([c.key for c in PROJECT_COLUMNS], project_row(), strict=True))
    data = raw_workbook(
        {
            P: [[c.header + " *" for c in order], [row[c.key] for c in order]],
            S: [headers(STEP_COLUMNS), *step_rows()],
        }
    )
    plan = run(data, agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    # Problems name the column where the file has it.
    data = raw_workbook(
        {
            P: [[c.header for c in order], [row[c.key] if c.key != "name" else "" for c in order]],
            S: [headers(STEP_COLUMNS)],
        }
    )
    name_column = "ABCDEFGHIJKLMNO"[order.index(PROJECT_COLUMNS[1])]
    found = [(p.row, p.column, p.message) for p in run(data, agency, year, admin).problems]
    assert found == [(2, name_column, "ต้องกรอกชื่อโครงการ")]


def test_a_code_of_another_agency_or_year_is_a_problem(agency, year, admin):
    other = ProjectFactory(
        code=f"{AGENCY}-2462", agency=agency, fiscal_year=FiscalYearFactory(year_be=2565)
    )
    plan = run(workbook(), agency, year, admin)
    assert [(p.sheet, p.row, p.column, p.message) for p in plan.problems] == [
        (
            P,
            2,
            "A",
            "รหัสโครงการ 01000000-2462 เป็นโครงการของสำนักงานเลขานุการสภากรุงเทพมหานคร (01000000) "
            "ปีงบประมาณ 2565 อยู่แล้ว ไฟล์ของหน่วยงาน 01000000 ปีงบประมาณ 2564 แก้ไขโครงการนี้ไม่ได้",
        )
    ]
    other.refresh_from_db()
    assert other.steps.count() == 0


def test_rows_beyond_the_cap_are_a_problem(agency, year, admin, monkeypatch):
    monkeypatch.setattr(workbook_read, "MAX_ROWS", 3)
    rows = [project_row(code=f"{AGENCY}-{n}") for n in range(1, 6)]
    plan = run(workbook(projects=rows, steps=[]), agency, year, admin)
    assert [(p.sheet, p.row, p.message) for p in plan.problems] == [
        (P, 5, "แผ่นงานมีข้อมูลเกิน 3 แถว ระบบอ่านได้ไม่เกินนี้ต่อครั้ง กรุณาแบ่งเป็นหลายไฟล์")
    ]


def test_problems_of_every_row_are_listed_together(agency, year, admin):
    steps = [
        [f"{AGENCY}-2462", 1, "ก", "abc", "31/02/2564", None],
        [f"{AGENCY}-2462", 2, "", 50, None, "2021-13-01"],
    ]
    found = {(p.row, p.column) for p in run(workbook(steps=steps), agency, year, admin).problems}
    assert found == {(2, "D"), (2, "E"), (3, "C"), (3, "F")}


# --- export → import changes nothing ---------------------------------------------------------


def test_round_trip_of_the_seed_project_changes_nothing(seed_project, admin):
    agency, year = seed_project.agency, seed_project.fiscal_year
    data = workbook_write.export_workbook(agency=agency, fiscal_year=year)
    plan = run(data, agency, year, admin, dry_run=True)
    assert plan.ok, [str(p) for p in plan.problems]
    assert not plan.has_changes
    assert plan.counts["unchanged"] == 1 + 3 + 4 + 10
    run(data, agency, year, admin)
    seed_project.refresh_from_db()
    assert not seed_project.history.filter(history_user=admin).exists()


def test_round_trip_of_many_projects_with_awkward_text(agency, year, admin):
    for n in range(1, 4):
        project = ProjectFactory(
            code=f"{AGENCY}-{n}",
            agency=agency,
            fiscal_year=year,
            rationale="บรรทัดแรก\nบรรทัดสอง  มีช่องว่าง",
            budget_code="01000800",
            responsible_phone="",
            targets="",
        )
        ProjectObjectiveFactory(project=project, order=1, text="1. ข้อความที่ขึ้นต้นด้วยเลข")
        ProjectObjectiveFactory(project=project, order=2, text="สํานักงาน (ํา) และ สำนักงาน (ำ)")
        StrategyLinkFactory(project=project, order=1, text="2 ด้านที่ 5")
        for order, weight in enumerate((Decimal("33.33"), Decimal("33.33"), Decimal("33.34")), 1):
            PlanStepFactory(project=project, order=order, weight=weight)
        PlanStepFactory(project=project, order=4, weight=Decimal(0), starts_on=None, ends_on=None)
    ProjectFactory(code=f"{AGENCY}-9", agency=agency, fiscal_year=year)  # no plan at all
    data = workbook_write.export_workbook(agency=agency, fiscal_year=year)
    book = load_workbook(io.BytesIO(data))
    assert book[STEP_SHEET]["E2"].number_format == workbook_write.BE_DATE_FORMAT
    assert book[STEP_SHEET]["E2"].is_date
    assert book[PROJECT_SHEET]["J2"].value == (
        "1. 1. ข้อความที่ขึ้นต้นด้วยเลข\n2. สํานักงาน (ํา) และ สำนักงาน (ำ)"
    )
    plan = run(data, agency, year, admin)
    assert plan.applied, [str(p) for p in plan.problems]
    assert not plan.has_changes, [str(c) for c in plan.changes if c.action != "unchanged"]
    assert ProjectObjective.objects.filter(text="1. ข้อความที่ขึ้นต้นด้วยเลข").count() == 3
    assert StrategyLink.objects.filter(text="2 ด้านที่ 5").count() == 3
    assert not Project.history.filter(history_user=admin).exists()


def test_round_trip_after_an_import(agency, year, admin):
    run(workbook(), agency, year, admin)
    data = workbook_write.export_workbook(agency=agency, fiscal_year=year)
    assert not run(data, agency, year, admin, dry_run=True).has_changes


# --- bounds of the reading (issue 12, item 3) ------------------------------------------------


def test_huge_shared_strings_are_refused_before_openpyxl_parses_them():
    from tests.hostile import bombs

    data = bombs.shared_strings_bomb()
    result = workbook_read.read(data, agency_code=AGENCY, fiscal_year_be=YEAR)
    assert [(p.sheet, p.row, p.message) for p in result.problems] == [
        (
            "",
            None,
            "ส่วน «xl/sharedStrings.xml» ของไฟล์เมื่อคลายการบีบอัดจะใหญ่ 190 MB เกิน 16 MB ต่อส่วน "
            "จึงไม่อ่าน (ไฟล์แผนของหน่วยงานหนึ่งไม่ควรใหญ่ขนาดนี้)",
        )
    ]


def _renamed(data: bytes, old: str, new: str) -> bytes:
    """The workbook with part ``old`` moved to ``new`` (and the references to it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for info in source.infolist():
        content = source.read(info).replace(f"/{old}".encode(), f"/{new}".encode())
        parts[new if info.filename == old else info.filename] = content
    return _zip(parts)


def test_every_part_is_bounded_whatever_its_name(monkeypatch):
    # openpyxl finds sheets through the workbook's relations and shared strings through
    # [Content_Types].xml, so any name may hold them: the bound is on every part.
    rows = [project_row(code=f"{AGENCY}-{n}", rationale=f"{n} " + "ก" * 30_000) for n in range(15)]
    data = raw_workbook({P: [headers(PROJECT_COLUMNS), *rows]})
    data = _renamed(data, "xl/worksheets/sheet1.xml", "xl/notes/remarks.xml")
    assert load_workbook(io.BytesIO(data))[P]["G2"].value == "0 " + "ก" * 30_000
    monkeypatch.setattr(workbook_read, "MAX_PART_BYTES", 1024 * 1024)
    result = workbook_read.read(data, agency_code=AGENCY, fiscal_year_be=YEAR)
    assert [p.message for p in result.problems] == [
        "ส่วน «xl/notes/remarks.xml» ของไฟล์เมื่อคลายการบีบอัดจะใหญ่ 1.3 MB เกิน 1 MB ต่อส่วน "
        "จึงไม่อ่าน (ไฟล์แผนของหน่วยงานหนึ่งไม่ควรใหญ่ขนาดนี้)"
    ]
    assert result.projects == []


class Clock:
    """A clock that moves ``step`` seconds each time it is read, and counts the reads."""

    def __init__(self, step: float):
        self.now, self.step, self.reads = 0.0, step, 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


def test_reading_stops_at_the_deadline_and_keeps_no_rows():
    from projects import archives

    rows = [project_row(code=f"{AGENCY}-{n}") for n in range(1, 200)]
    data = workbook(projects=rows, steps=[])
    deadline = archives.Deadline(50, clock=Clock(step=1))
    result = workbook_read.read(data, agency_code=AGENCY, fiscal_year_be=YEAR, deadline=deadline)
    assert [(p.sheet, p.row, p.message) for p in result.problems] == [
        (
            "",
            None,
            "อ่านไฟล์นานเกิน 50 วินาที จึงหยุดอ่าน ไฟล์อาจมีข้อมูลมากหรือซับซ้อนเกินกว่าแผนของหน่วยงานหนึ่ง "
            "กรุณาลบแผ่นงานหรือข้อมูลที่ไม่เกี่ยวข้องออก หรือแบ่งเป็นหลายไฟล์",
        )
    ]
    assert result.projects == [] and result.steps == []


def test_the_deadline_is_checked_at_every_row():
    from projects import archives

    rows = [project_row(code=f"{AGENCY}-{n}") for n in range(1, 300)]
    clock = Clock(step=0)
    result = workbook_read.read(
        workbook(projects=rows, steps=[]),
        agency_code=AGENCY,
        fiscal_year_be=YEAR,
        deadline=archives.Deadline(1, clock=clock),
    )
    assert result.ok and len(result.projects) == 299
    assert clock.reads > 299


def test_what_was_read_is_kept_as_json_and_comes_back_the_same():
    import json

    data = workbook(
        projects=[project_row(), project_row(code=f"{AGENCY}-7", name="")],
        steps=[*step_rows(), [f"{AGENCY}-2462", 4, "ขั้นสุดท้าย", "33.33", None, "30/09/2564"]],
    )
    result = workbook_read.read(data, agency_code=AGENCY, fiscal_year_be=YEAR)
    assert result.projects and result.steps and result.problems  # all three kinds
    kept = json.loads(json.dumps(result.as_json()))
    assert workbook_rows.ReadResult.from_json(kept) == result


def test_kept_rows_of_another_agency_or_year_are_not_imported(agency, year, admin):
    result = workbook_read.read(workbook(), agency_code=AGENCY, fiscal_year_be=YEAR + 1)
    with pytest.raises(ValueError):
        workbook_import.plan_import(
            read_result=result, agency=agency, fiscal_year=year, dry_run=True, user=admin
        )
