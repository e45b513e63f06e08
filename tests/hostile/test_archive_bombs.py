"""Archive bombs through the real pages (issue 12, items 1 and 3): every place that takes
an uploaded archive refuses a small zip that unpacks to hundreds of megabytes, with a
Thai message, without ever holding what it would unpack.

Memory is measured with tracemalloc around the request (the bombs are built before):
the bound, 50 MB, is generous for a page and a tenth of what one bomb unpacks to. Before
issue 12 the evidence form accepted the .docx after reading its 400 MB part whole, and
the plan preview parsed 190 MB of shared strings (96.5 s, 1.1 GB).

The places: the evidence upload of the monthly report (projects/evidence.py) and the
annual-plan workbook upload and its preview (projects/imports/workbook_read.py). A new place that
opens an archive is found by tests/test_archives.py::test_no_archive_is_opened_outside_the_helper.
"""

import tracemalloc
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import EvidenceFile, PlanStep, ProgressEntry, Project
from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory
from tests.hostile import bombs, http
from tests.hostile.test_hostile_projects import valid_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

MB = 1024 * 1024
MEMORY_BOUND = 50 * MB


@contextmanager
def peak_memory():
    """The peak of Python's allocations inside the block, in ``box["peak"]``."""
    box = {}
    tracemalloc.start()
    try:
        yield box
    finally:
        box["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def stored():
    return http.snapshot(ProgressEntry, EvidenceFile, PlanStep, Project)


EVIDENCE_BOMBS = {
    # The finding: 400 KB whose [Content_Types].xml unpacks to 400 MB.
    "content-types-400MB.docx": bombs.docx_bomb,
    # 110,000 empty parts: a directory that zipfile would turn into ~60 MB of objects.
    "parts-110000.docx": bombs.many_parts_zip,
    # Workbooks and slides are read by the same code: the same refusal.
    "shared-strings-190MB.xlsx": bombs.shared_strings_bomb,
}


@pytest.mark.parametrize("name", EVIDENCE_BOMBS)
def test_evidence_upload_refuses_archive_bombs(client, project, staff, media, name):
    data = EVIDENCE_BOMBS[name]()
    assert len(data) < 10 * MB
    client.force_login(staff)
    before = stored()
    with peak_memory() as memory:
        response = http.post(
            client,
            f"/projects/{project.code}/report/",
            valid_report(project),
            files={"evidence": [SimpleUploadedFile(name, data)]},
            form="evidence upload (POST)",
        )
    http.assert_refused(response, before, stored(), field="evidence")
    messages = http.thai_errors(response)
    assert any(f"ไฟล์ {name}" in m and "จึงไม่อ่าน" in m for m in messages), messages
    assert memory["peak"] < MEMORY_BOUND, f"{memory['peak'] / MB:.0f} MB"
    assert not media.exists() or not list(media.rglob("*.*"))


WORKBOOK_BOMBS = {
    # The finding: 461 KB, 190 MB of shared strings.
    "shared-strings-190MB": (bombs.shared_strings_bomb, "xl/sharedStrings.xml"),
    "styles-150MB": (bombs.styles_bomb, "xl/styles.xml"),
    "sheet-150MB": (bombs.sheet_bomb, "xl/worksheets/sheet2.xml"),
    "parts-110000": (bombs.many_parts_zip, "ส่วนประกอบ 110,00"),
}


@pytest.fixture
def plan_staff():
    agency = AgencyFactory(code="01000000")
    FiscalYearFactory(year_be=2564)
    return UserFactory(agency=agency)


@pytest.mark.parametrize("name", WORKBOOK_BOMBS)
def test_plan_upload_and_preview_refuse_archive_bombs(client, plan_staff, media, name):
    make, where = WORKBOOK_BOMBS[name]
    data = make()
    assert len(data) < 10 * MB
    client.force_login(plan_staff)
    before = stored()
    with peak_memory() as memory:
        # Whatever page comes after the upload (the form again, or the preview) is the answer.
        response = client.post(
            "/imports/plan/",
            {
                "agency": "01000000",
                "fiscal_year": "2564",
                "file": SimpleUploadedFile(f"{name}.xlsx", data),
            },
            follow=True,
        )
    http.assert_answer(response)
    http.assert_refused(response, before, stored())
    messages = http.thai_errors(response)
    assert any(where in m and "จึงไม่อ่าน" in m for m in messages), messages
    assert memory["peak"] < MEMORY_BOUND, f"{memory['peak'] / MB:.0f} MB"
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())
