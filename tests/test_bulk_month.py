"""A month's reports in one workbook (issue 18 item 3): download, fill, preview, confirm
through the report form's own services (projects/imports/month_*.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from projects import approvals, services
from projects.imports import month_data, month_import, month_read, month_write
from projects.models import ProgressEntry, ReportSubmission
from tests.bulk_month import cell, fill
from tests.factories import (
    AgencyFactory,
    ProgressEntryFactory,
    UserFactory,
    project_with_steps,
)

pytestmark = pytest.mark.django_db

# Fiscal year 2569; February's report is due 10 March.
TODAY = dt.date(2026, 3, 5)
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)


@pytest.fixture
def agency():
    return AgencyFactory(reports_need_approval=False)


@pytest.fixture
def projects(agency):
    return [project_with_steps((20, 30, 50), agency=agency) for _ in range(3)]


@pytest.fixture
def staff(agency):
    return UserFactory(agency=agency)


def download(agency, period=FEBRUARY, today=TODAY) -> bytes:
    rows = month_data.month_projects(agency, period, today=today)
    return month_write.month_workbook(agency=agency, period=period, rows=rows, today=today)


def run(agency, data, user, *, dry_run=True, period=FEBRUARY, submit=False):
    read = month_read.read(data)
    return month_import.month_report_import(
        read=read,
        agency=agency,
        period=period,
        user=user,
        today=TODAY,
        dry_run=dry_run,
        submit=submit,
    )


def test_open_months_are_those_before_their_deadline(agency):
    # 5 March: February (due 10 March) and March; January's deadline has passed.
    assert month_data.open_months(agency, today=TODAY) == [dt.date(2026, 3, 1), FEBRUARY]


def test_the_workbook_has_a_row_per_project_with_its_token_and_formula(agency, projects):
    data = download(agency)
    first = projects[0]
    assert cell(data, first.code, "name").value == first.name
    assert cell(data, first.code, "token").value == f"2026-02-01/-/0/-/{first.plan_version}"
    assert cell(data, first.code, "computed").value.startswith("=ROUND(")
    assert "ขั้นตอนที่ 1" in cell(data, first.code, "step:1").comment.text
    token = cell(data, first.code, "token")
    sheet = token.parent
    assert sheet.protection.sheet and token.protection.locked
    assert sheet.column_dimensions[token.column_letter].hidden
    assert cell(data, first.code, "narrative").protection.locked is False
    assert {v.type for v in sheet.data_validations.dataValidation} == {"list", "decimal"}
    assert all(v.showErrorMessage for v in sheet.data_validations.dataValidation)


def test_preview_shows_what_changes_and_saves_nothing(agency, projects, staff):
    first = projects[0]
    data = fill(
        download(agency), {first.code: {"step:1": "✓", "step:2": 50, "narrative": "จัดประชุม"}}
    )
    result = run(agency, data, staff)
    assert not result.errors
    row = next(r for r in result.rows if r.code == first.code)
    assert row.status == month_import.CHANGE
    assert row.after == Decimal("35.00")  # 20 + half of 30
    assert result.count(month_import.SKIP) == 2
    assert not ProgressEntry.objects.exists()


def test_confirm_saves_the_same_rows_as_the_form(agency, projects, staff):
    """The workbook's rows equal those the report form's service saves for the same input."""
    typed, filled = projects[0], projects[1]
    steps = list(typed.steps.order_by("order"))
    services.progress_entry_submit(
        project=typed,
        user=staff,
        data=services.ReportInput(
            reported_on=TODAY,
            period=FEBRUARY,
            completed_step_ids=[steps[0].pk],
            in_progress_step_id=steps[1].pk,
            partial_percent=Decimal(50),
            narrative="จัดประชุม",
            problems="ฝนตก",
            obstacles="-",
        ),
        loaded_entry_id=None,
        loaded_version=0,
        today=TODAY,
    )
    values = {
        "step:1": "✓",
        "step:2": 50,
        "narrative": "จัดประชุม",
        "problems": "ฝนตก",
        "obstacles": "-",
        "reported_on": "05/03/2569",
    }
    data = fill(download(agency), {filled.code: values})
    result = run(agency, data, staff, dry_run=False)
    assert result.applied, result.errors
    one, two = (ProgressEntry.objects.get(project=p, period=FEBRUARY) for p in (typed, filled))
    fields = (
        "reported_on",
        "percent",
        "partial_percent",
        "narrative",
        "problems",
        "obstacles",
        "lower_reason",
        "is_late",
        "committed",
        "disbursed",
        "version",
        "created_by_id",
    )
    assert {f: getattr(one, f) for f in fields} == {f: getattr(two, f) for f in fields}

    def orders(entry):
        return sorted(s.order for s in entry.project.steps.filter(pk__in=entry.completed_steps))

    assert orders(one) == orders(two) == [1]
    assert one.in_progress_step.order == two.in_progress_step.order == 2


def test_uploading_the_same_file_again_changes_nothing(agency, projects, staff):
    data = fill(download(agency), {projects[0].code: {"step:1": "✓", "narrative": "ทำแล้ว"}})
    assert run(agency, data, staff, dry_run=False).applied
    again = fill(download(agency), {})
    result = run(agency, again, staff)
    assert result.count(month_import.CHANGE) == 0
    assert result.count(month_import.SAME) == 1


def test_a_report_changed_since_the_download_is_refused_with_the_other_change(
    agency, projects, staff
):
    first = projects[0]
    data = fill(download(agency), {first.code: {"step:1": "✓", "narrative": "จากไฟล์"}})
    ProgressEntryFactory(
        project=first,
        period=FEBRUARY,
        percent=Decimal(50),
        narrative="พิมพ์ในแบบฟอร์ม",
        reported_on=TODAY,
    )
    result = run(agency, data, staff, dry_run=False)
    assert not result.applied
    row = next(r for r in result.rows if r.code == first.code)
    assert "พิมพ์ในแบบฟอร์ม" in row.conflict and "50.00" in row.conflict
    assert ProgressEntry.objects.get(project=first).narrative == "พิมพ์ในแบบฟอร์ม"


def test_one_bad_row_saves_nothing_and_names_its_cell(agency, projects, staff):
    good, bad = projects[0], projects[1]
    ProgressEntryFactory(project=bad, period=JANUARY, percent=Decimal(50), reported_on=JANUARY)
    data = fill(
        download(agency),
        {
            good.code: {"step:1": "✓", "narrative": "ดี"},
            # lower than January's 50 without a reason
            bad.code: {"step:1": "✓", "step:2": None, "step:3": None, "narrative": "ลดลง"},
        },
    )
    result = run(agency, data, staff, dry_run=False)
    assert not result.applied
    assert any("คอลัมน์" in e and "ระบุเหตุผล" in e for e in result.errors), result.errors
    assert not ProgressEntry.objects.filter(period=FEBRUARY).exists()


def test_with_approval_the_rows_become_submissions(staff):
    agency = staff.agency
    agency.reports_need_approval = True
    agency.save()
    project = project_with_steps((50, 50), agency=agency)
    data = fill(download(agency), {project.code: {"step:1": "✓", "narrative": "ส่ง"}})
    result = run(agency, data, staff, dry_run=False, submit=True)
    assert result.applied, result.errors
    submission = ReportSubmission.objects.get(project=project)
    assert submission.state == ReportSubmission.State.SUBMITTED
    assert submission.percent == Decimal(50)
    assert not ProgressEntry.objects.exists()
    # Submitted: a second file cannot change it (the head decides first).
    again = fill(download(agency), {project.code: {"step:2": "✓", "narrative": "อีกครั้ง"}})
    refused = run(agency, again, staff)
    assert any("รออนุมัติ" in e for e in refused.errors), refused.errors
    assert approvals  # the service of the form


def test_a_head_may_download_but_not_upload(agency, projects):
    head = UserFactory(agency=agency, head=True)
    data = download(agency)
    with pytest.raises(PermissionDenied):
        run(agency, data, head)


def test_budget_figures_are_saved_and_checked_as_in_the_form(agency, staff):
    funded = project_with_steps((100,), agency=agency, budget_allocated=Decimal("1000.00"))
    routine = project_with_steps((100,), agency=agency)
    data = download(agency)
    assert cell(data, funded.code, "committed").protection.locked is False
    over = fill(data, {funded.code: {"step:1": "✓", "narrative": "จ่าย", "disbursed": 5000}})
    errors = run(agency, over, staff).errors
    assert any("เกินงบประมาณหลังโอนเปลี่ยนแปลง" in e for e in errors), errors
    stray = fill(data, {routine.code: {"step:1": "✓", "narrative": "x", "committed": 10}})
    assert any("ไม่มีงบประมาณ" in e for e in run(agency, stray, staff).errors)
    good = fill(
        data, {funded.code: {"step:1": "✓", "narrative": "จ่าย", "committed": 300, "disbursed": 200}}
    )
    assert run(agency, good, staff, dry_run=False).applied
    entry = ProgressEntry.objects.get(project=funded)
    assert (entry.committed, entry.disbursed) == (Decimal("300.00"), Decimal("200.00"))


def test_with_approval_a_draft_saved_since_the_download_is_a_conflict(staff):
    agency = staff.agency
    agency.reports_need_approval = True
    agency.save()
    project = project_with_steps((50, 50), agency=agency)
    data = fill(download(agency), {project.code: {"step:1": "✓", "narrative": "จากไฟล์"}})
    approvals.report_save(
        project=project,
        data=services.ReportInput(reported_on=TODAY, period=FEBRUARY, narrative="จากแบบฟอร์ม"),
        user=staff,
        today=TODAY,
        loaded_version=None,
        submit=False,
    )
    result = run(agency, data, staff, dry_run=False)
    assert not result.applied
    assert "จากแบบฟอร์ม" in result.rows[0].conflict
    assert ReportSubmission.objects.get(project=project).narrative == "จากแบบฟอร์ม"


def test_a_refusal_while_saving_rolls_back_the_rows_saved_before_it(
    agency, projects, staff, monkeypatch
):
    rows = {p.code: {"step:1": "✓", "narrative": "ทำแล้ว"} for p in projects}
    data = fill(download(agency), rows)
    real = services.progress_entry_submit

    def refuse_the_last(*, project, **kwargs):
        if project.pk == projects[-1].pk:
            ProgressEntryFactory(project=project, period=FEBRUARY, narrative="ระหว่างนั้น")
        return real(project=project, **kwargs)

    monkeypatch.setattr(services, "progress_entry_submit", refuse_the_last)
    result = run(agency, data, staff, dry_run=False)
    assert not result.applied
    assert any("ระหว่างนั้น" in e for e in result.errors), result.errors
    assert not ProgressEntry.objects.exclude(narrative="ระหว่างนั้น").exists()


def test_with_approval_the_submissions_equal_those_of_the_form(staff):
    agency = staff.agency
    agency.reports_need_approval = True
    agency.save()
    typed, filled = (project_with_steps((40, 60), agency=agency) for _ in range(2))
    first = typed.steps.get(order=1)
    approvals.report_save(
        project=typed,
        data=services.ReportInput(
            reported_on=TODAY,
            period=FEBRUARY,
            completed_step_ids=[first.pk],
            narrative="ส่งหัวหน้า",
            obstacles="ไม่มี",
        ),
        user=staff,
        today=TODAY,
        loaded_version=None,
        submit=True,
    )
    values = {"step:1": "✓", "narrative": "ส่งหัวหน้า", "obstacles": "ไม่มี"}
    data = fill(download(agency), {filled.code: {**values, "reported_on": "05/03/2569"}})
    assert run(agency, data, staff, dry_run=False, submit=True).applied
    one, two = (ReportSubmission.objects.get(project=p) for p in (typed, filled))
    fields = ("state", "reported_on", "percent", "narrative", "obstacles", "is_late", "version")
    assert {f: getattr(one, f) for f in fields} == {f: getattr(two, f) for f in fields}
    assert [t.to_state for t in one.transitions.order_by("pk")] == [
        t.to_state for t in two.transitions.order_by("pk")
    ]
