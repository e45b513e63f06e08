"""Hostile input on the report order form and the import pages (upload forms, the
preview's confirmation, the plan export form)."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from projects.models import PlanStep, ProgressEntry, Project
from reports.models import ReportJob
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.hostile import http, values
from tests.hostile.test_hostile_projects import some_of
from tests.hostile.values import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def year():
    return FiscalYearFactory(year_be=current_fiscal_year_be())


@pytest.fixture
def staff(agency, year):
    ProjectFactory(agency=agency, fiscal_year=year)
    return UserFactory(agency=agency)


@pytest.fixture
def admin(db):
    return UserFactory(admin=True)


def stored():
    return http.snapshot(ReportJob, Project, PlanStep, ProgressEntry)


ORDER_FIELDS = {
    "kind": values.anything(),
    "agency": values.anything(),
    "fiscal_year": values.anything(),
    "quarter": values.anything(),
    "format": values.anything(),
    "thai_digits": values.anything(),
}


@HOSTILE
@given(hostile=some_of(ORDER_FIELDS), as_admin=st.booleans())
def test_report_order(client, staff, admin, agency, year, hostile, as_admin):
    client.force_login(admin if as_admin else staff)
    posted = {
        "kind": "agency",
        "agency": str(agency.pk),
        "fiscal_year": str(year.pk),
        "quarter": "",
        "format": "xlsx",
        **hostile,
    }
    with http.rolled_back():
        before = stored()
        response = http.post(client, "/reports/", posted, form="report order (POST)")
        after = stored()
        if response.status_code != 302:
            http.assert_refused(response, before, after)
            return
        job = ReportJob.objects.latest("pk")
        assert job.fiscal_year == year
        if not as_admin:
            # Staff order their own agency's report, whatever the post says.
            assert job.agency == agency
        http.get(client, f"/reports/jobs/{job.pk}/", form="report order (POST)")


def workbook_bytes(rows) -> bytes:
    """A workbook of hostile cells (less what XLSX cannot hold: control characters and
    lone surrogates)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v).encode("utf-8", "replace").decode() for v in row]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


UPLOAD_NAMES = st.sampled_from(
    [
        "plan.xlsx",
        "../../plan.xlsx",
        '<script>alert("h10")</script>.xlsx',
        "\u202exslx.exe",
        "ก่่่่่่.xlsx",
        "a" * 500 + ".xlsx",
        "page.txt",
        "x",
    ]
)


@settings(HOSTILE, max_examples=25)
@given(
    name=UPLOAD_NAMES,
    content=st.one_of(
        st.sampled_from(
            [
                b"",
                b"PK\x03\x04" + b"\x00" * 50,
                b"<html><script>alert(1)</script></html>",
                "ก่่่่่่".encode(),
                b"\x00" * 100,
            ]
        ),
        st.lists(
            st.lists(values.anything().map(lambda v: v[:200]), min_size=1, max_size=5),
            min_size=1,
            max_size=4,
        ).map(workbook_bytes),
    ),
    hostile=st.one_of(
        st.just({}), some_of({"agency": values.anything(), "fiscal_year": values.anything()})
    ),
)
def test_plan_upload(client, staff, agency, year, name, content, hostile):
    client.force_login(staff)
    posted = {"agency": agency.code, "fiscal_year": str(year.year_be), **hostile}
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            "/imports/plan/",
            posted,
            files={"file": SimpleUploadedFile(name, content)},
            form="plan workbook upload (POST)",
        )
        if response.status_code == 302:
            # Nothing is written before the confirmation: the preview only reads.
            preview = http.get(client, response["Location"], form="plan workbook upload (POST)")
            assert preview.status_code in (200, 410)
            assert stored() == before
            confirm = http.post(
                client,
                response["Location"],
                {"digest": "<script>alert(1)</script>\x00"},
                form="plan workbook upload (POST)",
            )
            assert confirm.status_code in (200, 302, 409, 410)
            return
        http.assert_refused(response, before, stored())


SEED_PAGE = (
    Path(__file__).resolve().parent.parent.parent
    / "fixtures"
    / "pages"
    / "bma-project-page-01000000-2462.txt"
).read_text(encoding="utf-8")


# Where a pattern of the importer reads a line of the seed page: each line replaced (or,
# for a heading, followed) by a hostile line in turn.
SEED_PLACES = (
    "สํานักงานเลขานุการสภากรุงเทพมหานคร : (2564)\n",  # the agency line
    "นางสุดา\n",  # the responsible person and phone
    "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ\n",  # + a strategy line
    "ผลการดำเนินงาน\n",  # + an entry heading
    ":5%\n",  # step 1's weight
    "(คลิก) ขั้นตอนการปฏิบัติงานของโครงการ : 01000000-2462\n",  # the step link
    "ค่าเป้าหมาย ระดับ : 5\n",  # a KPI's target
    "ผลงานที่ทำได้ ระดับ : 3\n",  # … and what it achieved
)


def seed_page_with(line: str, place: str) -> bytes:
    assert place in SEED_PAGE
    new = (
        place + line + "\n" if place.endswith("ฯ\n") or place == "ผลการดำเนินงาน\n" else line + "\n"
    )
    return SEED_PAGE.replace(place, new, 1).encode()


PAGE_CONTENTS = st.one_of(
    st.builds(seed_page_with, st.sampled_from(values.BACKTRACKING), st.sampled_from(SEED_PLACES)),
    st.sampled_from(
        [
            b"",
            b"\x00" * 100,
            b"\xff\xfe\x00\x00garbage",
            b'<script>alert("h10")</script>',
            "ดูโครงการแผนปีฯ\nรหัสโครงการ : <script>alert(1)</script>\n".encode(),
            ("ก่" * 100_000).encode(),
        ]
    ),
    values.texts().map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@settings(HOSTILE, max_examples=25)
@given(
    files=st.lists(st.tuples(UPLOAD_NAMES, PAGE_CONTENTS), min_size=1, max_size=3),
)
def test_pages_upload(client, admin, files):
    client.force_login(admin)
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            "/imports/pages/",
            {},
            files={"files": [SimpleUploadedFile(name, content) for name, content in files]},
            form="pages upload (POST)",
        )
        if response.status_code == 302:
            preview = http.get(client, response["Location"], form="pages upload (POST)")
            assert preview.status_code in (200, 410)
            assert stored() == before
            return
        http.assert_refused(response, before, stored())


@HOSTILE
@given(hostile=some_of({"agency": values.anything(), "fiscal_year": values.anything()}))
def test_plan_export(client, staff, hostile):
    client.force_login(staff)
    response = http.get(client, "/imports/plan/export/", hostile, form="plan export (GET)")
    assert response.status_code in (200, 400, 403)
