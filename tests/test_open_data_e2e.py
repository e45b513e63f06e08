"""Open data in the browser: a visitor who has not logged in finds the data sets and
downloads one; a manager asks for a fresh export and sees it replace the listed one."""

from pathlib import Path

import pytest

from reports.models import OpenDataExport
from reports.opendata import jobs
from tests.factories import ProgressEntryFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.e2e

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def exported(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    settings.BMA_PUBLIC_SITE = True
    project = ProjectFactory(name='=HYPERLINK("x") โครงการเปิดเผย')
    ProgressEntryFactory(project=project)
    export = jobs.open_data_export_request()
    export.refresh_from_db()
    assert export.status == OpenDataExport.Status.DONE
    return export


def test_a_visitor_downloads_a_data_set(exported, live_server, page):
    page.goto(f"{live_server.url}/open-data/")
    row = page.locator("#dataset-projects")
    assert "โครงการตามแผนปฏิบัติราชการกรุงเทพมหานคร" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfproject_code,")
    assert '\'=HYPERLINK(""x"") โครงการเปิดเผย' in data.decode("utf-8")


def test_a_manager_orders_a_fresh_export(exported, live_server, login):
    page = login(UserFactory(manager=True))
    page.goto(f"{live_server.url}/open-data/")
    with page.expect_navigation():
        page.get_by_role("button", name="สร้างไฟล์ข้อมูลเปิดชุดใหม่").click()
    assert "รับคำสั่งสร้างไฟล์ข้อมูลเปิดชุดใหม่แล้ว" in page.inner_text("main")
    assert OpenDataExport.objects.filter(status=OpenDataExport.Status.DONE).count() == 2
