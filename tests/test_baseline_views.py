"""The plan's versions page (issue 18): the list with its changes, sending a plan, the
head's approve / return buttons (htmx and plain POST), the editor's reason, and the
approvals page's list of plans waiting."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import plan_versions
from projects.models import PlanVersion
from tests import test_baseline as base
from tests.factories import ApprovalDelegationFactory, UserFactory
from tests.html import page_of
from tests.test_plan_editor import formset_data

HTMX = {"HTTP_HX_REQUEST": "true"}
# The project of four quarterly steps, its staff and head (tests/test_baseline.py).
project, staff, head = base.project, base.staff, base.head
approved_v1, replan = base.approved_v1, base.replan


def versions_url(project):
    return reverse("projects:plan_versions", args=[project.code])


def decide_url(project, number):
    return reverse("projects:plan_decide", args=[project.code, number])


@pytest.fixture
def today(monkeypatch):
    from projects import view_helpers

    day = dt.date(2026, 3, 31)
    monkeypatch.setattr(view_helpers, "today", lambda: day)
    return day


def test_the_page_lists_versions_with_what_changed(client, project, staff, head):
    approved_v1(project, staff, head)
    replan(project, staff)
    client.force_login(UserFactory(manager=True))

    page = page_of(client.get(versions_url(project)))

    assert page.texts(".plan-version h2 [data-state]") == ["ส่งแล้ว รออนุมัติ", "อนุมัติแล้ว"]
    assert "แผนฐาน" in page.text("#version-1 h2")
    assert page.text("#version-2 .plan-version__reason") == "เลื่อนงานตามงบประมาณที่ได้รับจริง"
    changes = page.texts("#version-2 .plan-version__diff li")
    assert any("น้ำหนักขั้นตอน 3." in c and "30% → 10%" in c for c in changes)
    assert any("น้ำหนักขั้นตอน 4." in c and "40% → 60%" in c for c in changes)
    assert any(c.startswith("วันที่ขั้นตอน 3.") for c in changes)
    assert "ฉบับแรก: 4 ขั้นตอน" in page.text("#version-1")
    # A manager reads, and decides nothing.
    assert not page.all("form.plan-version__decide") and not page.all("form.plan-versions__submit")


def test_staff_send_the_plan_and_the_head_approves_it_over_htmx(
    client, project, staff, head, today
):
    client.force_login(staff)
    response = client.post(
        reverse("projects:plan_submit", args=[project.code]), {"reason": ""}, **HTMX
    )
    assert "ส่งแผนฉบับที่ 1 ให้อนุมัติแล้ว" in response.content.decode()
    client.force_login(head)
    page = page_of(client.get(versions_url(project)))
    assert page.all("#version-1 form.plan-version__decide")

    response = client.post(decide_url(project, 1), {"action": "approve"}, **HTMX)

    fragment = page_of(response)
    assert "อนุมัติแผนฉบับที่ 1 แล้ว เป็นแผนฐานของโครงการ" in fragment.text("#version-1")
    assert PlanVersion.objects.get(project=project).is_baseline


def test_a_return_needs_a_comment_said_beside_the_button(client, project, staff, head, today):
    plan_versions.plan_version_submit(project=project, user=staff)
    client.force_login(head)

    response = client.post(decide_url(project, 1), {"action": "return", "comment": ""}, **HTMX)
    assert "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข" in response.content.decode()
    assert PlanVersion.objects.get(project=project).state == "submitted"

    response = client.post(decide_url(project, 1), {"action": "return", "comment": "แก้วันที่"})
    assert response.status_code == 302  # without JavaScript: back to the page (PRG)
    assert PlanVersion.objects.get(project=project).state == "returned"


def test_a_deputy_in_force_approves_and_the_sender_cannot(client, project, staff, head, today):
    plan_versions.plan_version_submit(project=project, user=staff)
    client.force_login(staff)
    assert client.post(decide_url(project, 1), {"action": "approve"}).status_code == 403
    deputy = ApprovalDelegationFactory(
        agency=project.agency, head=head, starts_on=today, ends_on=today
    ).deputy
    client.force_login(deputy)
    assert client.post(decide_url(project, 1), {"action": "approve"}).status_code == 302
    assert PlanVersion.objects.get(project=project).is_baseline


def test_the_editor_asks_for_the_reason_once_there_is_a_baseline(client, project, staff, head):
    approved_v1(project, staff, head)
    project.refresh_from_db()
    steps = list(project.steps.order_by("order"))
    rows = [(s, s.order, s.title, s.weight, s.starts_on, s.ends_on, False) for s in steps]
    rows[0] = (
        steps[0],
        1,
        steps[0].title,
        Decimal(15),
        steps[0].starts_on,
        steps[0].ends_on,
        False,
    )
    rows[3] = (
        steps[3],
        4,
        steps[3].title,
        Decimal(35),
        steps[3].starts_on,
        steps[3].ends_on,
        False,
    )
    client.force_login(staff)
    url = reverse("projects:plan_edit", args=[project.code])
    assert page_of(client.get(url)).all("textarea[name=reason]")

    refused = page_of(client.post(url, formset_data(project, rows), **HTMX))
    assert "กรุณาระบุเหตุผลที่ปรับแผน" in refused.text(".plan__reason")
    assert project.steps.get(order=1).weight == 10

    data = {**formset_data(project, rows), "reason": "ปรับน้ำหนักตามงานจริง"}
    assert client.post(url, data).status_code == 302
    v2 = PlanVersion.objects.get(project=project, number=2)
    assert (v2.state, v2.reason) == ("submitted", "ปรับน้ำหนักตามงานจริง")


def test_the_approvals_page_lists_plans_waiting(client, project, staff, head):
    plan_versions.plan_version_submit(project=project, user=staff, reason="แผนแรก")
    client.force_login(head)
    page = page_of(client.get(reverse("projects:approvals")))
    assert project.code in page.text(".queue__plans")
    assert "แผนฉบับที่ 1" in page.text(".queue__plans")
    # The top bar counts it with the reports waiting (none here), on every page.
    assert page.text("#nav-approvals") == "รออนุมัติ (1)"
    assert page_of(client.get("/projects/my-agency/")).text("#nav-approvals") == "รออนุมัติ (1)"


def test_a_version_sent_again_after_the_head_opened_it_is_not_approved_unseen(
    client, project, staff, head, today
):
    plan_versions.plan_version_submit(project=project, user=staff)
    client.force_login(head)
    seen = page_of(client.get(versions_url(project))).one("input[name=sent]").get("value")
    plan_versions.plan_version_submit(project=project, user=staff)  # sent again meanwhile

    response = client.post(decide_url(project, 1), {"action": "approve", "sent": seen}, **HTMX)

    assert "ถูกส่งใหม่หลังจากที่คุณเปิดหน้านี้" in response.content.decode()
    assert PlanVersion.objects.get(project=project).state == "submitted"
    seen = page_of(client.get(versions_url(project))).one("input[name=sent]").get("value")
    client.post(decide_url(project, 1), {"action": "approve", "sent": seen})
    assert PlanVersion.objects.get(project=project).is_baseline


def test_administrators_read_versions_in_the_admin(client, project, staff, head):
    approved_v1(project, staff, head)
    client.force_login(UserFactory(admin=True, is_superuser=True))
    listing = client.get("/admin/projects/planversion/")
    assert listing.status_code == 200 and project.code in listing.content.decode()
    version = PlanVersion.objects.get(project=project)
    page = client.get(f"/admin/projects/planversion/{version.pk}/change/")
    assert page.status_code == 200 and "ขั้นตอนของแผนฉบับ" in page.content.decode()
