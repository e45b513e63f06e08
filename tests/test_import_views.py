"""Import pages (issue 8): who may, upload → preview → confirm for pages of today's system
and for the annual-plan workbook, nothing written before confirmation, size limits with
clear messages, tokens bound to their user, stale previews, template and export."""

import datetime as dt
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from projects import import_uploads, plan_xlsx
from projects.models import PlanStep, Project, User
from tests.factories import AgencyFactory, FiscalYearFactory, ProjectFactory, UserFactory
from tests.html import page_of
from tests.test_plan_xlsx import AGENCY, YEAR, project_row, step_rows, workbook

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "fixtures" / "pages" / "bma-project-page-01000000-2462.txt"
pytestmark = pytest.mark.usefixtures("media")
SEED_BYTES = SEED_PAGE.read_bytes()
CODE = "01000000-2462"


@pytest.fixture
def agency(db):
    return AgencyFactory(code=AGENCY, name="สำนักงานเลขานุการสภากรุงเทพมหานคร")


@pytest.fixture
def year(db):
    return FiscalYearFactory(year_be=YEAR)


@pytest.fixture
def admin(db):
    return UserFactory(admin=True, username="admin-i")


@pytest.fixture
def staff(agency):
    return UserFactory(username="staff-i", role=User.Role.STAFF, agency=agency)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def token_of(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def digest_of(response) -> str:
    return page_of(response).one("input[name=digest]").get("value")


def batches(media) -> list[Path]:
    folder = media / "imports"
    return sorted(folder.iterdir()) if folder.is_dir() else []


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, pages, plan",
    [
        ("anonymous", 302, 302),
        ("evaluator", 403, 403),
        ("manager", 403, 403),
        ("staff", 403, 200),
        ("admin", 200, 200),
    ],
)
def test_who_may_open_the_upload_forms(role, pages, plan, staff, admin):
    users = {
        "staff": staff,
        "admin": admin,
        "evaluator": UserFactory(evaluator=True),
        "manager": UserFactory(manager=True),
    }
    client = Client() if role == "anonymous" else client_for(users[role])
    assert client.get("/imports/pages/").status_code == pages
    assert client.get("/imports/plan/").status_code == plan
    # Reading: the index, the template and the export form, for everybody logged in.
    expected = 302 if role == "anonymous" else 200
    assert client.get("/imports/").status_code == expected
    assert client.get("/imports/plan/template.xlsx").status_code == expected
    assert client.get("/imports/plan/export/").status_code == expected


def test_nav_link_for_those_who_may_import(staff, admin):
    def nav(user):
        return page_of(client_for(user).get("/imports/")).texts(".mainnav a")

    assert "นำเข้าข้อมูล" in nav(admin)
    assert "นำเข้าข้อมูล" in nav(staff)
    assert "นำเข้าข้อมูล" not in nav(UserFactory(evaluator=True))


def test_anonymous_post_is_sent_to_login_and_reads_nothing(db, media):
    response = Client().post("/imports/pages/", {"files": upload("a.txt", SEED_BYTES)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert batches(media) == []


def test_uploads_are_csrf_protected(admin, media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/imports/pages/", {"files": upload("a.txt", SEED_BYTES)})
    assert response.status_code == 403
    assert batches(media) == []


# --- pages of today's system ----------------------------------------------------------------


def test_page_upload_preview_confirm(admin, media, django_assert_max_num_queries):
    client = client_for(admin)
    response = client.post("/imports/pages/", {"files": [upload("seed.txt", SEED_BYTES)]})
    assert response.status_code == 302
    preview_url = response["Location"]
    assert preview_url.startswith("/imports/pages/")
    assert len(batches(media)) == 1
    assert not Project.objects.exists()

    response = client.get(preview_url)
    assert response.status_code == 200
    page = page_of(response)
    cells = page.texts(".import-files tbody td")
    assert cells[0].startswith("seed.txt") and cells[1] == CODE
    totals = dict(
        zip(page.texts(".import-totals dt"), page.texts(".import-totals dd"), strict=True)
    )
    assert totals["ลบ"] == "0" and int(totals["สร้างใหม่"]) > 30
    assert "สร้างใหม่ โครงการ 01000000-2462" in page.text(".import-changes")
    assert not Project.objects.exists()  # the preview writes nothing

    response = client.post(preview_url, {"digest": digest_of(response)})
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{CODE}/"
    project = Project.objects.get(code=CODE)
    assert project.steps.count() == 10
    assert project.history.get().history_user == admin
    assert batches(media) == []  # the batch is gone once imported
    # The token cannot be used again.
    again = client.get(preview_url)
    assert again.status_code == 410
    assert "อาจนำเข้าไปแล้วหรือหมดอายุ" in page_of(again).text(".alert")


def test_same_page_twice_has_nothing_to_change(admin):
    client = client_for(admin)
    for _ in range(2):
        response = client.post("/imports/pages/", {"files": [upload("seed.txt", SEED_BYTES)]})
        preview = client.get(response["Location"])
        form = page_of(preview).all("input[name=digest]")
        if form:
            client.post(response["Location"], {"digest": form[0].get("value")})
    page = page_of(preview)
    assert "ไม่มีอะไรต้องเปลี่ยน" in page.text(".alert")
    assert page.all("input[name=digest]") == []
    assert Project.objects.count() == 1


def test_several_pages_with_a_broken_one_show_problems_by_file_line_field(admin):
    broken = SEED_BYTES.replace("พบประชาชน : 01000000-2462\n".encode(), "พบประชาชน\n".encode())
    other = SEED_BYTES.decode().replace(CODE, "01000000-2463").encode()
    client = client_for(admin)
    response = client.post(
        "/imports/pages/",
        {
            "files": [
                upload("ok.txt", SEED_BYTES),
                upload("broken.txt", broken),
                upload("b.txt", other),
            ]
        },
    )
    preview = client.get(response["Location"])
    page = page_of(preview)
    rows = [[td.strip() for td in row] for row in _rows(page, ".import-problems tbody tr")]
    assert rows[0][:3] == ["broken.txt", "6", "รหัสโครงการ"]
    assert "ไม่พบรหัสโครงการ" in rows[0][3]
    assert "ยังนำเข้าไม่ได้" in page.text(".alert--error")
    assert page.all("input[name=digest]") == []
    # Even a forged confirmation writes nothing: the stored files are checked again.
    response = client.post(response["Location"], {"digest": "x"})
    assert response.status_code == 200
    assert not Project.objects.exists()


def _rows(page, selector):
    from tests.html import text_of

    return [[text_of(td) for td in row if td.tag.endswith("td")] for row in page.all(selector)]


def test_50_mb_page_gets_a_message_not_a_500(admin, media):
    big = SimpleUploadedFile("huge.txt", b"x" * (50 * 1024 * 1024))
    response = client_for(admin).post(
        "/imports/pages/", {"files": [upload("seed.txt", SEED_BYTES), big]}
    )
    assert response.status_code == 200
    errors = page_of(response).texts(".field__error")
    assert errors == [
        "ไฟล์ใหญ่เกิน 2 MB ซึ่งเป็นขนาดสูงสุดของหน้าโครงการ: huge.txt (50.0 MB) "
        "ไฟล์เหล่านี้ไม่ใช่หน้าโครงการที่บันทึกเป็นข้อความ นำออกแล้วอัปโหลดใหม่"
    ]
    assert batches(media) == []


def test_too_many_files_get_a_message(admin, settings, media):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload(f"{n}.txt", SEED_BYTES) for n in range(3)]
    # With CSRF checks on, as in a browser: Django's refusal comes before the token is read.
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    client.get("/imports/pages/")
    token = client.cookies["csrftoken"].value
    response = client.post("/imports/pages/", {"csrfmiddlewaretoken": token, "files": files})
    assert response.status_code == 200
    assert page_of(response).texts(".field__error") == [
        "ส่งไฟล์ได้ครั้งละไม่เกิน 2 ไฟล์ กรุณาแบ่งส่งหลายครั้ง หรือให้ผู้ดูแลระบบใช้คำสั่ง manage.py import_bma_page"
    ]
    assert batches(media) == []


def test_no_file_chosen(admin):
    response = client_for(admin).post("/imports/pages/", {})
    assert page_of(response).texts(".field__error") == ["กรุณาเลือกไฟล์หน้าโครงการอย่างน้อยหนึ่งไฟล์"]


def test_wrong_encoding_is_a_problem_of_that_file(admin):
    legacy = SEED_BYTES.decode().encode("cp874", errors="replace")
    client = client_for(admin)
    response = client.post("/imports/pages/", {"files": [upload("tis.txt", legacy)]})
    text = page_of(client.get(response["Location"])).text(".import-problems")
    assert "TIS-620" in text and "tis.txt" in text


def test_a_token_belongs_to_its_user(admin):
    response = client_for(admin).post(
        "/imports/pages/", {"files": [upload("seed.txt", SEED_BYTES)]}
    )
    other_admin = UserFactory(admin=True, username="admin-other")
    stolen = client_for(other_admin).get(response["Location"])
    assert stolen.status_code == 410
    assert "ไม่ได้อัปโหลดโดยผู้ใช้นี้" in page_of(stolen).text(".alert")
    forged = client_for(admin).get(response["Location"][:-6] + "AAAAA/")
    assert forged.status_code == 410
    assert "ลิงก์นำเข้านี้ไม่ถูกต้อง" in page_of(forged).text(".alert")


def test_an_expired_batch_is_refused_and_cleaned_up(admin, media, settings):
    client = client_for(admin)
    response = client.post("/imports/pages/", {"files": [upload("seed.txt", SEED_BYTES)]})
    settings.BMA_IMPORT_BATCH_MAX_AGE = 60
    later = time.time() + 120
    import django.core.signing

    original = django.core.signing.time.time
    django.core.signing.time.time = lambda: later
    try:
        expired = client.get(response["Location"])
    finally:
        django.core.signing.time.time = original
    assert expired.status_code == 410
    assert "หมดอายุแล้ว (เก็บไว้ 1 นาที)" in page_of(expired).text(".alert")
    assert import_uploads.cleanup(now=later) == 1
    assert batches(media) == []


def test_files_changed_on_disk_are_refused(admin, media):
    client = client_for(admin)
    response = client.post("/imports/pages/", {"files": [upload("seed.txt", SEED_BYTES)]})
    (batches(media)[0] / "0").write_bytes(SEED_BYTES.replace("นางสุดา".encode(), "นายอื่น".encode()))
    refused = client.get(response["Location"])
    assert refused.status_code == 410
    assert "ไม่ตรงกับที่อัปโหลด" in page_of(refused).text(".alert")


def test_confirmation_after_the_database_changed_shows_a_new_preview(admin, seed_project):
    changed = SEED_BYTES.replace("นางสุดา".encode(), "นางสุดาใจ".encode())
    client = client_for(admin)
    response = client.post("/imports/pages/", {"files": [upload("seed.txt", changed)]})
    url = response["Location"]
    digest = digest_of(client.get(url))
    seed_project.name = "แก้ไขระหว่างรอยืนยัน"
    seed_project.save()
    stale = client.post(url, {"digest": digest})
    assert stale.status_code == 409
    assert "ข้อมูลในระบบเปลี่ยนไปหลังจากแสดงตัวอย่าง" in page_of(stale).text(".alert--warn")
    seed_project.refresh_from_db()
    assert seed_project.responsible == "นางสุดา"
    assert client.post(url, {"digest": digest_of(stale)}).status_code == 302
    seed_project.refresh_from_db()
    assert (seed_project.name, seed_project.responsible) == (
        "โครงการสภากรุงเทพมหานครพบประชาชน",
        "นางสุดาใจ",
    )


# --- the annual-plan workbook ----------------------------------------------------------------


def plan_post(client, data: bytes, *, agency=AGENCY, year=YEAR, name="plan.xlsx"):
    return client.post(
        "/imports/plan/", {"agency": agency, "fiscal_year": year, "file": upload(name, data)}
    )


def test_staff_imports_their_agency_plan(staff, year, media):
    client = client_for(staff)
    form = page_of(client.get("/imports/plan/"))
    assert [o.get("value") for o in form.all("select[name=agency] option")] == [AGENCY]
    response = plan_post(client, workbook())
    assert response.status_code == 302
    url = response["Location"]
    preview = client.get(url)
    page = page_of(preview)
    assert "plan.xlsx" in page.text(".lead") and "ปีงบประมาณ 2564" in page.text(".lead")
    assert page.texts(".import-action") == ["สร้างใหม่"]
    assert not Project.objects.exists()
    done = client.post(url, {"digest": digest_of(preview)})
    assert done.status_code == 302
    assert done["Location"] == f"/projects/?agency={AGENCY}&year={YEAR}"
    project = Project.objects.get()
    assert project.history.get().history_user == staff
    assert PlanStep.objects.count() == 3
    assert batches(media) == []


def test_staff_cannot_import_for_another_agency(staff, year, media):
    other = AgencyFactory(code="02000000")
    response = plan_post(client_for(staff), workbook(), agency=other.code)
    assert response.status_code == 200
    assert page_of(response).texts(".field__error") == [
        "ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์นำเข้าข้อมูลของหน่วยงานนี้"
    ]
    assert batches(media) == []


def test_staff_moved_to_another_agency_cannot_confirm(staff, year, agency):
    client = client_for(staff)
    url = plan_post(client, workbook())["Location"]
    staff.agency = AgencyFactory(code="02000000")
    staff.save()
    # Changing a person's agency ends their sessions (User.session_stamp): to the login page.
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client.post(url, {"digest": "x"})["Location"].startswith("/accounts/login/")
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "big.xlsx",
            b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024),
            "ไฟล์ใหญ่ 50.0 MB เกินขนาดสูงสุด 10 MB ของไฟล์แผนปฏิบัติราชการ "
            "แบ่งไฟล์ตามหน่วยงานหรือลบแผ่นงานอื่นที่ไม่เกี่ยวข้องออกก่อน",
        ),
        (
            "plan.csv",
            "รหัสโครงการ,ชื่อ\n".encode(),
            "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) เช่น เป็น CSV ข้อความ หรือ PDF "
            "กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ แล้วบันทึกเป็น .xlsx",
        ),
        ("empty.xlsx", b"", "ไฟล์ที่เลือกว่างเปล่า"),
    ],
)
def test_plan_file_refused_at_upload_keeps_the_choices(
    admin, year, agency, media, name, data, message
):
    response = plan_post(client_for(admin), data, name=name)
    assert response.status_code == 200
    page = page_of(response)
    assert page.texts(".field__error") == [message]
    assert page.one("select[name=agency] option[selected]").get("value") == AGENCY
    assert page.one("select[name=fiscal_year] option[selected]").get("value") == str(YEAR)
    assert batches(media) == []


def test_plan_problems_listed_by_sheet_row_column(admin, year, agency):
    data = workbook(steps=[[f"{AGENCY}-2462", 1, "ก", "abc", "31/02/2564", None]])
    client = client_for(admin)
    preview = client.get(plan_post(client, data)["Location"])
    rows = _rows(page_of(preview), ".import-problems tbody tr")
    assert rows == [
        ["ขั้นตอน", "2", "D น้ำหนัก (ร้อยละ)", "น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «abc»"],
        ["ขั้นตอน", "2", "E วันเริ่มต้น", "ไม่มีวันที่ 31/02/2564 ในปฏิทิน"],
    ]
    assert page_of(preview).all("input[name=digest]") == []


def test_export_then_import_through_the_web_changes_nothing(admin, agency, year):
    project = ProjectFactory(code=f"{AGENCY}-5", agency=agency, fiscal_year=year)
    for order in (1, 2):
        PlanStep.objects.create(
            project=project,
            order=order,
            title=f"ข{order}",
            weight=Decimal(50),
            starts_on=dt.date(2020, 10, 1),
            ends_on=dt.date(2021, 9, 30),
        )
    client = client_for(UserFactory(manager=True))
    response = client.get("/imports/plan/export/", {"agency": AGENCY, "fiscal_year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == plan_xlsx.WORKBOOK_CONTENT_TYPE
    assert 'filename="plan-01000000-2564.xlsx"' in response["Content-Disposition"]
    data = response.content
    assert load_workbook(io.BytesIO(data))["โครงการ"]["A2"].value == f"{AGENCY}-5"
    admin_client = client_for(admin)
    preview = admin_client.get(plan_post(admin_client, data)["Location"])
    assert "ไม่มีอะไรต้องเปลี่ยน" in page_of(preview).text(".alert")
    assert page_of(preview).texts(".import-action") == ["ไม่เปลี่ยนแปลง"]


def test_export_form_errors_in_thai(staff):
    response = client_for(staff).get(
        "/imports/plan/export/", {"agency": "99999999", "fiscal_year": ""}
    )
    assert response.status_code == 200
    assert set(page_of(response).texts(".field__error")) == {
        "ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์นำเข้าข้อมูลของหน่วยงานนี้",
        "กรุณาเลือกปีงบประมาณ",
    }


def test_template_download(staff):
    response = client_for(staff).get("/imports/plan/template.xlsx")
    assert response["Content-Type"] == plan_xlsx.WORKBOOK_CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["คำอธิบาย", "โครงการ", "ขั้นตอน"]


def test_plan_preview_is_paginated(admin, agency, year):
    rows = [project_row(code=f"{AGENCY}-{n}") for n in range(1, 61)]
    steps = [s for n in range(1, 61) for s in step_rows(code=f"{AGENCY}-{n}")]
    client = client_for(admin)
    url = plan_post(client, workbook(projects=rows, steps=steps))["Location"]
    first = page_of(client.get(url))
    assert len(first.all(".import-action")) == 50
    assert "หน้า 1 / 2" in first.text(".pager")
    second = page_of(client.get(url, {"page": 2}))
    assert len(second.all(".import-action")) == 10
    # The confirmation form is on every page and imports the whole file.
    client.post(url, {"digest": second.one("input[name=digest]").get("value")})
    assert Project.objects.count() == 60


def test_cleanup_command_removes_old_batches(admin, media, settings):
    from django.core.management import call_command

    import_uploads.store(user=admin, kind="pages", files=[("a.txt", b"a")])
    settings.BMA_IMPORT_BATCH_MAX_AGE = 0
    time.sleep(0.01)
    call_command("cleanup_imports", verbosity=0)
    assert batches(media) == []


def test_token_does_not_carry_the_file(admin):
    token = import_uploads.store(
        user=admin,
        kind="plan",
        files=[("a.xlsx", b"secret-bytes" * 100)],
        params={"agency": AGENCY},
    )
    assert len(token) < 300
    assert re.fullmatch(r"[A-Za-z0-9_\-:.]+", token)
