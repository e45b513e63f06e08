"""Uploads are bounded before they are stored (issue 12, item 8).

Every request's files pass a bounded upload handler (projects/uploads.py) before Django
writes them to memory or to a temporary file: a page takes no files unless it says how many
and how big (evidence: 10 files of 10 MB, 50 MB in all; the imports their own). Past a
limit nothing more reaches storage, and the form says so in Thai next to the field, with
what was typed in the other fields kept.

What reaches storage is counted by spies in place of Django's two storage handlers
(``storage`` fixture). The requests are made as a browser makes them: CSRF checks on,
the token in the form (or in the htmx header), so the CSRF middleware reads the body
before the view would, as it does in production.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import EvidenceFile, ProgressEntry
from tests.factories import PlanStepFactory, ProjectFactory, UserFactory
from tests.html import page_of
from tests.test_permissions_matrix import MATRIX, path_of, world  # noqa: F401

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KB = 1024
CHUNK = 64 * KB  # Django's upload handlers' chunk size

# --- what reaches storage -------------------------------------------------------------------


class _Written:
    bytes = 0
    files = 0


class SpyTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        _Written.files += 1

    def receive_data_chunk(self, raw_data, start):
        _Written.bytes += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


class SpyMemoryFileUploadHandler(MemoryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        finally:
            if self.activated:
                _Written.files += 1

    def receive_data_chunk(self, raw_data, start):
        if self.activated:
            _Written.bytes += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


SPIES = {
    "django.core.files.uploadhandler.MemoryFileUploadHandler": (
        f"{__name__}.SpyMemoryFileUploadHandler"
    ),
    "django.core.files.uploadhandler.TemporaryFileUploadHandler": (
        f"{__name__}.SpyTemporaryFileUploadHandler"
    ),
}


@pytest.fixture
def storage(settings):
    """Django's storage handlers, counting the bytes and files they are given."""
    settings.FILE_UPLOAD_HANDLERS = [
        SPIES.get(path, path) for path in settings.FILE_UPLOAD_HANDLERS
    ]
    _Written.bytes = _Written.files = 0
    return _Written


# --- the report form's evidence ---------------------------------------------------------------


@pytest.fixture
def project(db):
    project = ProjectFactory()
    PlanStepFactory(project=project, order=1, weight=100)
    return project


def browser(user) -> tuple[Client, str]:
    """A client that checks CSRF as production does, logged in, with its CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("projects:list"), {"year": ""})
    return client, client.cookies["csrftoken"].value


def pdf(name: str, size: int = len(PDF)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"0" * (size - len(PDF)), "application/pdf")


NARRATIVE = "ประชุมคณะทำงานแล้ว 3 ครั้ง แนบหลักฐาน"


def post_report(user, project, files, *, htmx=False):
    client, token = browser(user)
    today = timezone.localdate()
    data = {
        "period": today.replace(day=1).isoformat(),
        "reported_on": today.isoformat(),
        "narrative": NARRATIVE,
        "problems": "งบประมาณล่าช้า",
        "version": "0",
        "evidence": files,
    }
    if htmx:
        return client.post(
            reverse("projects:report", args=[project.code]),
            data,
            HTTP_HX_REQUEST="true",
            HTTP_X_CSRFTOKEN=token,
        )
    return client.post(
        reverse("projects:report", args=[project.code]), {"csrfmiddlewaretoken": token, **data}
    )


def assert_refused(response, media, message: str):
    """Refused with ``message`` next to the evidence field; what was typed is kept; nothing
    saved."""
    assert response.status_code == 200
    page = page_of(response)
    errors = page.texts("#id_evidence_error .field__error")
    assert any(message in error for error in errors), errors
    assert page.one("textarea[name=narrative]").text.strip() == NARRATIVE
    assert page.one("textarea[name=problems]").text.strip() == "งบประมาณล่าช้า"
    assert not ProgressEntry.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_eleven_files_are_refused_and_the_eleventh_is_never_stored(project, media, storage, htmx):
    staff = UserFactory(agency=project.agency)
    files = [pdf(f"หลักฐาน-{n}.pdf") for n in range(11)]
    response = post_report(staff, project, files, htmx=htmx)
    assert_refused(response, media, "แนบไฟล์หลักฐานได้ครั้งละไม่เกิน 10 ไฟล์ (เลือกมา 11 ไฟล์)")
    assert storage.files <= 10


def test_ten_files_are_accepted(project, media, storage):
    staff = UserFactory(agency=project.agency)
    response = post_report(staff, project, [pdf(f"{n}.pdf") for n in range(10)])
    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 10


def test_a_file_far_over_the_limit_is_refused_before_it_is_written(
    project, media, storage, settings
):
    """A small limit stands for 10 MB, and a 5 MB file for a 50 MB one: the handler stops
    passing the file on at the limit, so storage gets at most the limit and one chunk."""
    settings.BMA_EVIDENCE_MAX_FILE_BYTES = 256 * KB
    staff = UserFactory(agency=project.agency)
    response = post_report(staff, project, [pdf("small.pdf"), pdf("ใหญ่.pdf", 5 * 1024 * KB)])
    assert_refused(response, media, "ไฟล์ ใหญ่.pdf มีขนาด 5.0 MB เกินกำหนด 0.25 MB ต่อไฟล์")
    assert storage.bytes <= len(PDF) + 256 * KB + CHUNK


def test_files_over_the_request_total_are_refused(project, media, storage, settings):
    settings.BMA_UPLOAD_MAX_REQUEST_BYTES = 1024 * KB
    staff = UserFactory(agency=project.agency)
    files = [pdf(f"{n}.pdf", 400 * KB) for n in range(4)]
    response = post_report(staff, project, files)
    assert_refused(response, media, "ไฟล์ที่แนบรวมกันเกิน 1 MB ต่อครั้ง")
    assert storage.bytes <= 1024 * KB + CHUNK


def test_more_files_than_django_takes_get_a_thai_message(project, media, storage, settings):
    """Past DATA_UPLOAD_MAX_NUMBER_FILES Django stops reading the body (what was typed is
    lost with it): a Thai message on the form, not a 400 or a CSRF failure."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 12
    staff = UserFactory(agency=project.agency)
    response = post_report(staff, project, [pdf(f"{n}.pdf") for n in range(13)])
    assert response.status_code == 200
    errors = page_of(response).texts("#id_evidence_error .field__error")
    assert errors == ["ส่งไฟล์ได้ครั้งละไม่เกิน 10 ไฟล์ กรุณาเลือกไฟล์ใหม่ไม่เกิน 10 ไฟล์"]
    assert not EvidenceFile.objects.exists()


def test_nobody_else_gets_a_file_stored(project, media, storage):
    """The permission is checked before the body is read: another agency's staff sending
    files to the report form get a 403 and nothing is written anywhere."""
    other = UserFactory()
    response = post_report(other, project, [pdf("x.pdf", 300 * KB)])
    assert response.status_code == 403
    assert storage.bytes == 0


# --- the imports --------------------------------------------------------------------------


def test_the_import_of_pages_refuses_files_past_the_request_total(db, media, storage, settings):
    settings.BMA_UPLOAD_MAX_REQUEST_BYTES = 100 * KB
    page = (settings.BASE_DIR / "fixtures/pages/bma-project-page-01000000-2462.txt").read_bytes()
    files = [SimpleUploadedFile(f"{n}.txt", page, "text/plain") for n in range(6)]
    client, token = browser(UserFactory(admin=True))
    response = client.post(reverse("imports:pages"), {"csrfmiddlewaretoken": token, "files": files})
    assert response.status_code == 200
    [error] = page_of(response).texts(".field__error")
    assert error.startswith("ไฟล์ที่ส่งรวมกันเกิน 0.1 MB ต่อครั้ง (ไม่ได้รับ: 4.txt, 5.txt")
    assert storage.bytes <= 100 * KB
    assert not (media / "imports").exists() or not list((media / "imports").iterdir())


def test_the_plan_import_takes_one_file(db, media, storage):
    client, token = browser(UserFactory(admin=True))
    files = [SimpleUploadedFile(f"{n}.xlsx", b"PK\x03\x04 plan", "application/zip") for n in (1, 2)]
    response = client.post(reverse("imports:plan"), {"csrfmiddlewaretoken": token, "file": files})
    assert response.status_code == 200
    assert "ส่งไฟล์ได้ครั้งละไม่เกิน 1 ไฟล์ (เลือกมา 2 ไฟล์)" in page_of(response).texts(".field__error")
    assert storage.files == 1


# --- every page of the site ------------------------------------------------------------------

# The pages that take files, with the most bytes of files one request may leave in storage.
TAKES_FILES = {
    "projects:report",
    "imports:pages",
    "imports:plan",
    "imports:month",  # a month's reports in one workbook (issue 18)
    "imports:strategy",  # the strategy tree's workbook (issue 18)
}
EXTRA_PATHS = ["/admin/projects/agency/add/", "/admin/login/"]


@pytest.mark.parametrize("key", sorted(MATRIX) + EXTRA_PATHS)
def test_every_page_bounds_the_files_it_is_sent(world, media, storage, settings, key):  # noqa: F811
    """Whatever a POST is sent to, files the page does not take never reach storage, and
    a page that takes files keeps no more than the request's limit."""
    settings.BMA_UPLOAD_MAX_REQUEST_BYTES = 256 * KB
    client, token = browser(world["users"]["admin"])
    path = path_of(key, MATRIX[key][1] if key in MATRIX else {}, world)
    files = [pdf(f"{n}.pdf", 300 * KB) for n in range(3)]
    client.post(
        path,
        {"csrfmiddlewaretoken": token, "evidence": files, "files": files, "file": files[0]},
    )
    if key in TAKES_FILES:
        assert storage.bytes <= 256 * KB
    else:
        assert (storage.files, storage.bytes) == (0, 0)


# --- the handler's contract -------------------------------------------------------------------


def test_limits_cannot_be_changed_after_the_body_was_read(rf):
    from projects import uploads

    request = rf.post("/", {"file": pdf("a.pdf")})
    request.POST  # noqa: B018
    with pytest.raises(AttributeError):
        uploads.accept_files(request, uploads.UploadLimits(files=1, file_bytes=10, total_bytes=10))
