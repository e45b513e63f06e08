"""Notifications in the app: the bell (no query of its own on a page), the list, marking
read (plain POST and htmx), the e-mail settings; nobody sees another person's notices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Notification, NotificationPreference
from projects.notifications import bell
from tests.factories import UserFactory
from tests.html import page_of
from tests.notices import notice

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_the_list_shows_ones_own_notices_newest_first_paginated(client, staff):
    for n in range(1, 23):
        notice(staff, n)
    notice(UserFactory(), 99, title="ของคนอื่น")
    first = client.get("/notifications/")
    assert first.status_code == 200
    text = page_of(first).text("main")
    assert "รายงานถูกส่งกลับแก้ไข 22" in text and "ของคนอื่น" not in text
    assert "รายงานถูกส่งกลับแก้ไข 2 " not in text + " "
    assert "รายงานถูกส่งกลับแก้ไข 2" in page_of(client.get("/notifications/?page=2")).text("main")


def test_marking_read_with_a_plain_post(client, staff):
    item = notice(staff)
    response = client.post(f"/notifications/{item.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_marking_read_with_htmx_swaps_the_item_and_the_bell(client, staff):
    item, _ = notice(staff, 1), notice(staff, 2)
    response = client.post(f"/notifications/{item.pk}/read/", **HTMX)
    html = response.content.decode()
    assert f'id="notice-{item.pk}"' in html and "ใหม่" not in html
    assert 'id="bell"' in html and 'hx-swap-oob="outerHTML"' in html
    assert page_of(response).text(".bell__count").startswith("1")


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, staff):
    item = notice(staff, url="/projects/my-agency/")
    response = client.post(f"/notifications/{item.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/projects/my-agency/"
    item.refresh_from_db()
    assert item.is_read


def test_a_notice_never_opens_another_site(client, staff):
    item = notice(staff, url="https://elsewhere.test/")
    response = client.post(f"/notifications/{item.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"


def test_another_persons_notice_is_not_found(client, staff):
    other = notice(UserFactory())
    assert client.post(f"/notifications/{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_all_read(client, staff):
    for n in range(3):
        notice(staff, n)
    others = notice(UserFactory())
    response = client.post("/notifications/read-all/", follow=True)
    assert "ทำเครื่องหมายว่าอ่านแล้ว 3 รายการ" in page_of(response).text("body")
    assert not Notification.objects.filter(user=staff, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None


def test_the_bell_asks_for_its_count_when_none_is_kept(client, staff):
    notice(staff)
    page = page_of(client.get("/notifications/settings/"))
    assert page.one("#bell").get("hx-get") == "/notifications/bell/"
    answer = client.get("/notifications/bell/")
    assert page_of(answer).text(".bell__count").startswith("1")
    # kept now: the next page shows it without asking, and without a query for it
    with CaptureQueriesContext(connection) as queries:
        page = page_of(client.get("/notifications/settings/"))
    assert page.one("#bell").get("hx-get") is None
    assert page.text(".bell__count").startswith("1")
    assert not [
        q for q in queries.captured_queries if 'notification"' in q["sql"] and "COUNT" in q["sql"]
    ]


def test_reading_and_new_notices_forget_the_kept_count(
    client, staff, django_capture_on_commit_callbacks
):
    item = notice(staff)
    assert bell.count(staff.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/notifications/{item.pk}/read/")
    assert bell.kept_count(staff.pk) is None
    assert bell.count(staff.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/notifications/read-all/")
    assert bell.kept_count(staff.pk) is None


def test_new_notices_forget_the_kept_count(django_capture_on_commit_callbacks):
    import datetime as dt

    from projects.notifications.sending import notifications_make
    from tests.notices import at, world

    w = world()
    assert bell.count(w["s1"].pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        notifications_make(now=at(dt.date(2026, 12, 7)))
    assert bell.kept_count(w["s1"].pk) is None
    assert bell.count(w["s1"].pk) == 1


def test_the_settings_turn_email_off_per_kind_plain_post(client, staff):
    page = page_of(client.get("/notifications/settings/"))
    assert len(page.all("input[type=checkbox][checked]")) == len(Kind.values)
    chosen = {kind: "on" for kind in Kind.values if kind != Kind.DIGEST}
    response = client.post("/notifications/settings/", chosen)
    assert response.status_code == 302
    assert list(
        NotificationPreference.objects.filter(user=staff, email=False).values_list(
            "kind", flat=True
        )
    ) == [Kind.DIGEST]
    page = page_of(client.get("/notifications/settings/"))
    assert page.one(f"input[name={Kind.DIGEST}]").get("checked") is None


def test_the_settings_with_htmx_say_so_beside_the_button(client, staff):
    response = client.post("/notifications/settings/", {Kind.REMINDER: "on"}, **HTMX)
    assert response.status_code == 200
    assert "บันทึกการตั้งค่าการแจ้งเตือนแล้ว" in response.content.decode()
    assert (
        NotificationPreference.objects.filter(user=staff, email=False).count()
        == len(Kind.values) - 1
    )


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ("/notifications/", "/notifications/settings/", "/notifications/bell/"):
        assert client.get(url).status_code == 302


def test_administrators_see_the_notices_in_the_admin_read_only(client):
    item = notice(UserFactory(), title="รายงานเลยกำหนดส่ง")
    client.force_login(UserFactory(admin=True, is_superuser=True))
    listing = client.get("/admin/projects/notification/")
    assert "รายงานเลยกำหนดส่ง" in listing.content.decode()
    assert client.get("/admin/projects/notification/add/").status_code == 403
    response = client.post(f"/admin/projects/notification/{item.pk}/change/", {"title": "x"})
    item.refresh_from_db()
    assert response.status_code in (200, 403) and item.title == "รายงานเลยกำหนดส่ง"
