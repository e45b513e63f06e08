"""Evidence files: type checked by content, stored under MEDIA_ROOT with a random name,
downloaded as an attachment with nosniff, only by the agency's staff, สยป. and
administrators (who may open what: tests/test_permissions_matrix.py, test_read_access.py)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects import evidence
from projects.models import EvidenceFile, ProgressEntry
from tests.factories import (
    EvidenceFileFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512


def ooxml(part: str, content_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<xml/>")
    return buffer.getvalue()


DOCX = ooxml(
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
DOCM = ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("หนังสือ.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("anim.gif", GIF, "image/gif"),
        (
            "report.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("old.doc", OLE + "WordDocument".encode("utf-16-le") + b"\x00\x00", "application/msword"),
        ("old.xls", OLE + "Workbook".encode("utf-16-le") + b"\x00\x00", "application/vnd.ms-excel"),
    ],
)
def test_accepted_kinds(name, content, content_type):
    assert evidence.identify(upload(name, content)).content_type == content_type


def test_a_real_xlsx_is_accepted():
    kind = evidence.identify(upload("ผลการดำเนินงาน.xlsx", xlsx_bytes()))
    assert kind.extension == ".xlsx"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>", "ไม่ใช่ชนิดที่รับได้"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "ไม่ใช่ชนิดที่รับได้"),
        ("macro.docx", DOCM, "ไม่ใช่ชนิดที่รับได้"),
        ("archive.docx", ooxml("other.xml", "text/xml"), "ไม่ใช่ชนิดที่รับได้"),
        ("broken.docx", b"PK\x03\x04not a zip", "ไม่ใช่ชนิดที่รับได้"),
        ("thing.doc", OLE, "ไม่ใช่ชนิดที่รับได้"),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 64, "ไม่ใช่ชนิดที่รับได้"),
        ("image.pdf", PNG, "นามสกุลของไฟล์ image.pdf ไม่ตรงกับเนื้อหาไฟล์"),
        ("report.html", PDF, "ไม่ตรงกับเนื้อหาไฟล์"),
        ("empty.pdf", b"", "ว่างเปล่า"),
    ],
)
def test_refused_kinds(name, content, reason):
    with pytest.raises(evidence.EvidenceRejected) as excinfo:
        evidence.identify(upload(name, content))
    assert reason in str(excinfo.value)


def test_files_over_10_mb_are_refused():
    big = upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(evidence.EvidenceRejected) as excinfo:
        evidence.identify(big)
    assert "เกินกำหนด 10 MB" in str(excinfo.value)
    exactly = upload("ok.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))
    assert evidence.identify(exactly).extension == ".pdf"


@pytest.fixture
def project(db):
    project = ProjectFactory()
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    return project


def post_report(client, project, files, **extra):
    today = timezone.localdate()
    data = {
        "period": today.replace(day=1).isoformat(),
        "reported_on": today.isoformat(),
        "narrative": "แนบหลักฐาน",
        "version": "0",
        "evidence": files,
        **extra,
    }
    return client.post(f"/projects/{project.code}/report/", data)


def test_upload_stores_a_random_name_and_downloads_as_attachment(client, media, project):
    staff = UserFactory(agency=project.agency)
    client.force_login(staff)
    response = post_report(client, project, [upload("หนังสือเชิญ.pdf", PDF), upload("a.png", PNG)])
    assert response.status_code == 302
    files = list(EvidenceFile.objects.order_by("pk"))
    assert [f.original_name for f in files] == ["หนังสือเชิญ.pdf", "a.png"]
    stored = files[0]
    assert stored.file.name.startswith(f"evidence/{project.pk}/")
    assert stored.file.name.endswith(".pdf") and "หนังสือ" not in stored.file.name
    assert (media / stored.file.name).read_bytes() == PDF
    assert stored.history.first().history_user == staff

    reader = UserFactory(evaluator=True)
    client.force_login(reader)
    response = client.get(f"/projects/{project.code}/evidence/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_evidence_is_listed_on_the_project_page(client, media, project):
    entry = ProgressEntryFactory(project=project)
    file = EvidenceFileFactory(entry=entry, original_name="ภาพกิจกรรม.pdf")
    client.force_login(UserFactory(evaluator=True))
    body = client.get(f"/projects/{project.code}/").content.decode()
    assert f'href="/projects/{project.code}/evidence/{file.pk}/"' in body
    assert "ภาพกิจกรรม.pdf" in body


def test_anonymous_users_are_sent_to_login_and_media_is_not_served(client, media, project):
    file = EvidenceFileFactory(entry=ProgressEntryFactory(project=project))
    response = client.get(f"/projects/{project.code}/evidence/{file.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/media/" + file.file.name).status_code == 404


def test_evidence_of_another_project_is_not_found(client, media, project):
    file = EvidenceFileFactory(entry=ProgressEntryFactory(project=project))
    other = ProjectFactory()
    client.force_login(UserFactory(evaluator=True))
    assert client.get(f"/projects/{other.code}/evidence/{file.pk}/").status_code == 404


def test_a_refused_file_is_reported_next_to_the_field_and_nothing_is_saved(client, media, project):
    client.force_login(UserFactory(agency=project.agency))
    response = post_report(client, project, [upload("x.pdf", b"<html></html>")])
    assert response.status_code == 200
    body = response.content.decode()
    assert "ไฟล์ x.pdf ไม่ใช่ชนิดที่รับได้" in body
    assert "แนบหลักฐาน" in body  # the narrative typed is still there
    assert not ProgressEntry.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not list(media.rglob("*.*"))


def test_files_are_removed_from_storage_when_the_report_is_refused(
    client, media, project, monkeypatch
):
    """A rule broken at save time rolls the rows back; the written files must go too."""
    from projects import services

    client.force_login(UserFactory(agency=project.agency))
    original = services._evidence_add
    calls = []

    def add_then_fail(**kwargs):
        calls.append(original(**kwargs))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_evidence_add", add_then_fail)
    with pytest.raises(RuntimeError):
        post_report(client, project, [upload("a.pdf", PDF)])
    assert calls and not EvidenceFile.objects.exists()
    assert not (media / calls[0].file.name).exists()


def test_staff_remove_a_file_while_the_month_is_open(
    client, media, project, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    entry = ProgressEntryFactory(
        project=project, reported_on=today, period=ProgressEntry.period_of(today)
    )
    file = EvidenceFileFactory(entry=entry)
    path = media / file.file.name
    assert path.exists()
    client.force_login(UserFactory())  # another agency
    assert client.post(f"/projects/{project.code}/evidence/{file.pk}/delete/").status_code == 403
    client.force_login(UserFactory(agency=project.agency))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.code}/evidence/{file.pk}/delete/", HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert 'id="evidence-list"' in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not path.exists()


def test_files_of_a_locked_month_cannot_be_removed_by_staff(db, client, media):
    last_year = ProjectFactory(fiscal_year__year_be=current_fiscal_year_be() - 1)
    entry = ProgressEntryFactory(project=last_year)  # a month long past its deadline
    file = EvidenceFileFactory(entry=entry)
    client.force_login(UserFactory(agency=last_year.agency))
    response = client.post(f"/projects/{last_year.code}/evidence/{file.pk}/delete/")
    assert response.status_code == 403
    assert EvidenceFile.objects.filter(pk=file.pk).exists()
