"""ประวัติการแก้ไข: every change to the project, its steps, entries and evidence, readable
(who, when, field: old → new), paginated, in a bounded number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import plan_editing, reporting, services
from tests.factories import (
    UserFactory,
    project_with_steps,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 5)


@pytest.fixture
def project():
    return project_with_steps((40, 60))


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency, first_name="สุดา", last_name="ใจดี")


def submit(project, user, steps, *, entry=None, version=0, **extra):
    return services.progress_entry_submit(
        project=project,
        user=user,
        data=services.ReportInput(
            reported_on=TODAY,
            period=dt.date(2026, 3, 1),
            completed_step_ids=[s.pk for s in steps],
            narrative=extra.pop("narrative", "เริ่มดำเนินการ"),
            **extra,
        ),
        loaded_entry_id=entry,
        loaded_version=version,
        today=TODAY,
    )


def test_an_edited_entry_reads_as_field_old_to_new_with_who_and_when(project, staff):
    steps = list(project.steps.order_by("order"))
    entry = submit(project, staff, steps[:1])
    submit(project, staff, steps, entry=entry.pk, version=1, narrative="ดำเนินการครบแล้ว")
    page = reporting.change_history(project, 1)
    newest = page.object_list[0]
    assert newest.kind == "entry" and newest.action == "~"
    assert str(newest.who) == "สุดา ใจดี"
    assert newest.subject == "รายงานเดือนมีนาคม 2569"
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes["ความคืบหน้า (ร้อยละ)"] == ("40.00", "100.00")
    assert changes["ขั้นตอนที่แล้วเสร็จ"] == ("1", "1, 2")
    assert changes["ผลการดำเนินงาน"] == ("เริ่มดำเนินการ", "ดำเนินการครบแล้ว")
    assert "รุ่นของรายงาน" not in changes and "แก้ไขเมื่อ" not in changes
    created = page.object_list[1]
    assert created.action == "+" and created.action_label == "เพิ่ม"
    assert {c.label for c in created.changes} >= {"วันที่รายงาน", "ความคืบหน้า (ร้อยละ)"}


def test_plan_changes_and_removed_steps_are_readable(project, staff):
    first, second = project.steps.order_by("order")
    plan_editing.plan_save(
        project=project,
        user=staff,
        loaded_version=1,
        rows=[
            plan_editing.StepInput(
                first.pk, 1, first.title, Decimal(30), dt.date(2025, 10, 1), dt.date(2025, 12, 31)
            ),
            plan_editing.StepInput(second.pk, 2, second.title, second.weight, None, None, True),
        ],
    )
    records = reporting.change_history(project, 1).object_list
    removed = next(r for r in records if r.action == "-")
    assert (removed.kind, removed.subject, removed.action_label) == ("step", "ขั้นตอนที่ 2", "ลบ")
    changed = next(r for r in records if r.action == "~")
    changes = {c.label: (c.old, c.new) for c in changed.changes}
    assert changes["น้ำหนัก (ร้อยละ)"] == ("40.00", "30.00")
    assert changes["สิ้นสุด"][1] == "31/12/2568"


def test_the_page_shows_changes_and_is_paginated(client, project, staff, settings):
    settings.BMA_HISTORY_PAGE_SIZE = 4
    steps = list(project.steps.order_by("order"))
    entry = submit(project, staff, steps[:1])
    for version in range(1, 6):
        submit(
            project,
            staff,
            steps[: 1 + version % 2],
            entry=entry.pk,
            version=version,
            narrative=f"ครั้งที่ {version}",
            lower_reason="ปรับตามจริง",
        )
    client.force_login(UserFactory(manager=True))
    response = client.get(f"/projects/{project.code}/changes/")
    page = page_of(response)
    assert len(page.all("li.change")) == 4
    assert "สุดา ใจดี" in page.text(".change__who")
    assert page.all("del") and page.all("ins")
    assert "หน้า 1 / 3" in page.text(".pager")
    second = page_of(client.get(f"/projects/{project.code}/changes/?page=3"))
    # 1 project + 2 steps + 6 versions of the entry = 9 records, 4 per page.
    assert len(second.all("li.change")) == 1
    assert "ข้อมูลโครงการ" in second.text(".change__subject")


def test_the_project_page_loads_the_latest_changes_compactly(client, project, staff):
    client.force_login(staff)
    page = page_of(client.get(f"/projects/{project.code}/"))
    loader = page.one("#change-history [hx-get]")
    assert loader.get("hx-get") == f"/projects/{project.code}/changes/?compact=1"
    assert loader.get("hx-trigger") == "load"
    fragment = page_of(client.get(loader.get("hx-get"), HTTP_HX_REQUEST="true"))
    assert len(fragment.all("li.change")) == 3  # project + two steps
    assert "ดูประวัติการแก้ไขทั้งหมด (3 รายการ)" in fragment.text()


def test_query_count_does_not_grow_with_the_number_of_changes(client, project, staff):
    steps = list(project.steps.order_by("order"))
    client.force_login(staff)
    path = f"/projects/{project.code}/changes/"

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    entry = submit(project, staff, steps[:1])
    few = count()
    for version in range(1, 30):
        submit(
            project,
            staff,
            steps[: 1 + version % 2],
            entry=entry.pk,
            version=version,
            narrative=f"ครั้งที่ {version}",
            lower_reason="ปรับ",
        )
    for _ in range(5):
        plan_editing.plan_save(
            project=project,
            user=staff,
            loaded_version=project.__class__.objects.get(pk=project.pk).plan_version,
            rows=[
                plan_editing.StepInput(s.pk, s.order, s.title + ".", s.weight, None, None)
                for s in project.steps.order_by("order")
            ],
        )
    many = count()
    # session, user, agency (top bar), project; count and page of the UNION; per kind
    # present on the page its rows and their previous versions; the steps' numbers.
    assert few <= 14 and many <= 14, (few, many)
