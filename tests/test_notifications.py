"""Notifications (issue 15): each kind once and only once, from the data; e-mail off per
kind; the e-mail itself (Thai subject, text and HTML, an absolute link)."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from projects.models import (
    ApprovalDelegation,
    Notification,
    NotificationPreference,
    ProgressEntry,
)
from projects.notifications import kinds
from projects.notifications.sending import notifications_send
from tests.factories import MonthReopeningFactory, ProgressEntryFactory, QuarterEvaluationFactory
from tests.notices import NOVEMBER, State, at, notice, submission, transition, world

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def w():
    return world()


def told(kind) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "key"))


def names(w, *people) -> list[str]:
    return sorted(w[p].username for p in people)


def test_a_reminder_three_days_before_the_deadline_once(w):
    notifications_send(now=at(dt.date(2026, 12, 6)))  # four days before 10 December
    assert told(Kind.REMINDER) == []
    for _ in range(2):
        notifications_send(now=at(dt.date(2026, 12, 7)))
    notifications_send(now=at(dt.date(2026, 12, 9), hour=15))
    reminded = told(Kind.REMINDER)
    assert [name for name, _ in reminded] == names(w, "s1", "s2", "t1")
    assert {key for _, key in reminded} == {NOVEMBER.isoformat()}
    notice = Notification.objects.get(user=w["s1"], kind=Kind.REMINDER)
    assert notice.title == "อีก 3 วันถึงกำหนดส่งรายงานเดือนพฤศจิกายน 2569"
    assert w["p1"].code in notice.body and w["p2"].code in notice.body
    assert notice.url == "/projects/my-agency/"


def test_a_reminder_first_made_on_the_deadline_says_it_is_the_last_day(w):
    notifications_send(now=at(dt.date(2026, 12, 10)))
    notice = Notification.objects.get(user=w["s1"], kind=Kind.REMINDER)
    assert notice.title == "วันนี้เป็นวันสุดท้ายของการส่งรายงานเดือนพฤศจิกายน 2569"


def test_no_reminder_for_an_agency_whose_reports_are_in(w):
    ProgressEntryFactory(project=w["p1"], reported_on=dt.date(2026, 11, 25))
    submission(w["p2"], State.SUBMITTED, by=w["s1"])
    submission(w["q1"], State.RETURNED, by=w["t1"])  # returned: not in, still to do
    notifications_send(now=at(dt.date(2026, 12, 8)))
    assert [name for name, _ in told(Kind.REMINDER)] == names(w, "t1")


def test_a_draft_is_not_a_report_sent(w):
    ProgressEntryFactory(project=w["p1"], reported_on=dt.date(2026, 11, 25))
    submission(w["p2"], State.DRAFT, by=w["s1"])
    notifications_send(now=at(dt.date(2026, 12, 8)))
    notice = Notification.objects.get(user=w["s1"], kind=Kind.REMINDER)
    assert w["p2"].code in notice.body and w["p1"].code not in notice.body


def test_a_late_notice_the_day_after_the_deadline_to_staff_and_heads_once(w):
    ProgressEntryFactory(project=w["q1"], reported_on=dt.date(2026, 11, 25))
    notifications_send(now=at(dt.date(2026, 12, 10), hour=23))
    assert told(Kind.LATE) == []
    for day in (11, 11, 12):
        notifications_send(now=at(dt.date(2026, 12, day)))
    assert told(Kind.LATE) == [(n, NOVEMBER.isoformat()) for n in names(w, "s1", "s2", "head")]
    notice = Notification.objects.get(user=w["head"], kind=Kind.LATE)
    assert notice.title == "รายงานเดือนพฤศจิกายน 2569 เลยกำหนดส่งแล้ว 2 โครงการ"


def test_a_returned_report_tells_who_sent_it_once(w):
    sub = submission(w["p1"], State.RETURNED, by=w["s2"])
    moved = transition(
        sub, State.RETURNED, by=w["head"], when=at(dt.date(2026, 11, 28)), comment="แก้ร้อยละ"
    )
    for _ in range(2):
        notifications_send(now=at(dt.date(2026, 11, 28), hour=10))
    assert told(Kind.RETURNED) == [(w["s2"].username, str(moved.pk))]
    notice = Notification.objects.get(kind=Kind.RETURNED)
    assert "หัวหน้าหน่วยงานส่งกลับให้แก้ไข: แก้ร้อยละ" in notice.body
    assert notice.url == f"/projects/{w['p1'].code}/report/?period=2026-11-01"


def test_a_returned_report_of_nobody_still_there_tells_the_agency_staff(w):
    sub = submission(w["p1"], State.RETURNED, by=w["s2"])
    w["s2"].is_active = False
    w["s2"].save()
    transition(sub, State.RETURNED, by=w["head"], when=at(dt.date(2026, 11, 28)))
    notifications_send(now=at(dt.date(2026, 11, 28), hour=10))
    assert [name for name, _ in told(Kind.RETURNED)] == names(w, "s1")


def test_old_events_are_not_told(w):
    sub = submission(w["p1"], State.RETURNED, by=w["s2"])
    transition(sub, State.RETURNED, by=w["head"], when=at(dt.date(2026, 11, 1)))
    notifications_send(now=at(dt.date(2026, 11, 28)))  # 27 days later: past the 7 days
    assert told(Kind.RETURNED) == []


def test_a_daily_digest_of_waiting_reports_to_heads(w):
    submission(w["p1"], State.SUBMITTED, by=w["s1"])
    submission(w["p2"], State.DRAFT, by=w["s1"])
    submission(w["q1"], State.APPROVED, by=w["t1"])
    for hour in (8, 9, 17):
        notifications_send(now=at(dt.date(2026, 12, 2), hour=hour))
    notifications_send(now=at(dt.date(2026, 12, 3)))
    assert told(Kind.DIGEST) == [
        (w["head"].username, "2026-12-02"),
        (w["head"].username, "2026-12-03"),
    ]
    notice = Notification.objects.get(kind=Kind.DIGEST, key="2026-12-02")
    assert notice.title == "มีรายงานรออนุมัติ 1 รายการ (2 ธ.ค. 2569)"
    assert w["p1"].code in notice.body and w["p2"].code not in notice.body


def test_a_deputy_gets_the_digest_while_the_delegation_is_in_force(w):
    deputy = w["s2"]
    ApprovalDelegation.objects.create(
        agency=w["agency"],
        head=w["head"],
        deputy=deputy,
        starts_on=dt.date(2026, 12, 2),
        ends_on=dt.date(2026, 12, 2),
    )
    submission(w["p1"], State.SUBMITTED, by=w["s1"])
    notifications_send(now=at(dt.date(2026, 12, 2)))
    notifications_send(now=at(dt.date(2026, 12, 3)))
    assert told(Kind.DIGEST) == sorted(
        [
            (w["head"].username, "2026-12-02"),
            (deputy.username, "2026-12-02"),
            (w["head"].username, "2026-12-03"),
        ]
    )
    assert Notification.objects.get(user=deputy, kind=Kind.DIGEST).url == "/approvals/"


def test_the_calendar_notices_wait_for_the_working_day(w, settings):
    submission(w["p1"], State.SUBMITTED, by=w["s1"])
    notifications_send(now=at(dt.date(2026, 12, 11), hour=7))
    assert Notification.objects.count() == 0
    notifications_send(now=at(dt.date(2026, 12, 11), hour=8))
    assert set(Notification.objects.values_list("kind", flat=True)) == {Kind.LATE, Kind.DIGEST}


def test_the_list_page_costs_the_same_for_1_or_20_notices(client, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(w["s1"])
    counts = []
    for n in (1, 20):
        for i in range(n - Notification.objects.filter(user=w["s1"]).count()):
            notice(w["s1"], f"budget-{n}-{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_month_reopened_tells_the_agency_staff_once(w):
    reopening = MonthReopeningFactory(project=w["p1"], period=NOVEMBER, until=dt.date(2026, 12, 20))
    now = timezone.now()
    for _ in range(2):
        notifications_send(now=now)
    assert told(Kind.REOPENED) == [(n, str(reopening.pk)) for n in names(w, "s1", "s2")]


def test_a_quarter_evaluated_tells_the_agency_staff_once_a_day(w):
    now = timezone.now()
    for project in ("p1", "p2"):
        QuarterEvaluationFactory(project=w[project], quarter=1, evaluated_at=now)
    for _ in range(2):
        notifications_send(now=now)
    key = f"2570-Q1-{timezone.localdate(now).isoformat()}"
    assert told(Kind.EVALUATED) == [(n, key) for n in names(w, "s1", "s2")]
    body = Notification.objects.filter(kind=Kind.EVALUATED).first().body
    assert w["p1"].code in body and w["p2"].code in body


def test_every_kind_has_its_function():
    assert set(kinds.KINDS) == set(Kind)


# --- e-mail ---------------------------------------------------------------------------------


def test_each_notice_is_emailed_once_with_a_thai_subject_text_html_and_link(w, settings):
    settings.BMA_SITE_URL = "https://progress.bangkok.test/"
    for _ in range(2):
        notifications_send(now=at(dt.date(2026, 12, 7)))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(w[p].email for p in ("s1", "s2", "t1"))
    message = next(m for m in mail.outbox if m.to == [w["s1"].email])
    assert message.subject == "[BMA Progress] อีก 3 วันถึงกำหนดส่งรายงานเดือนพฤศจิกายน 2569"
    assert "https://progress.bangkok.test/projects/my-agency/" in message.body
    assert w["p1"].code in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://progress.bangkok.test/projects/my-agency/"' in html
    assert Notification.objects.filter(email_state="sent").count() == 3


def test_email_turned_off_for_a_kind_is_not_sent_but_the_notice_is_in_the_app(w):
    NotificationPreference.objects.create(user=w["s1"], kind=Kind.REMINDER, email=False)
    NotificationPreference.objects.create(user=w["s2"], kind=Kind.LATE, email=False)
    notifications_send(now=at(dt.date(2026, 12, 7)))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w["s2"].email, w["t1"].email])
    assert Notification.objects.get(user=w["s1"]).email_state == "off"


def test_nobody_without_an_address_is_emailed(w):
    w["t1"].email = ""
    w["t1"].save()
    notifications_send(now=at(dt.date(2026, 12, 7)))
    assert Notification.objects.filter(user=w["t1"]).get().email_state == "off"
    assert len(mail.outbox) == 2


def test_a_refused_email_is_marked_and_the_others_go(w, monkeypatch):
    from projects.notifications import sending

    real = sending.message_of

    def refusing(notification, connection):
        if notification.user_id == w["s1"].pk:
            raise smtplib.SMTPRecipientsRefused({w["s1"].email: (550, b"no such user")})
        return real(notification, connection)

    monkeypatch.setattr(sending, "message_of", refusing)
    outcome = notifications_send(now=at(dt.date(2026, 12, 7)))
    assert outcome == {"made": 3, "sent": 2, "failed": 1, "waiting": 0}
    assert Notification.objects.get(user=w["s1"]).email_state == "failed"
    assert notifications_send(now=at(dt.date(2026, 12, 7), hour=10))["sent"] == 0


def test_a_message_that_cannot_be_made_is_marked_and_the_others_go(w, monkeypatch):
    from django.core.mail import BadHeaderError

    from projects.notifications import sending

    real = sending.message_of

    def bad_header(notification, connection):
        if notification.user_id == w["s2"].pk:
            raise BadHeaderError("Header values can't contain newlines")
        return real(notification, connection)

    monkeypatch.setattr(sending, "message_of", bad_header)
    outcome = notifications_send(now=at(dt.date(2026, 12, 7)))
    assert outcome == {"made": 3, "sent": 2, "failed": 1, "waiting": 0}
    assert Notification.objects.get(user=w["s2"]).email_state == "failed"


def test_a_mail_server_gone_leaves_the_rest_for_the_next_run(w, monkeypatch):
    from projects.notifications import sending

    real, calls = sending.message_of, []

    def server_gone_at_the_second(notification, connection):
        calls.append(notification.pk)
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(notification, connection)

    monkeypatch.setattr(sending, "message_of", server_gone_at_the_second)
    outcome = notifications_send(now=at(dt.date(2026, 12, 7)))
    assert outcome == {"made": 3, "sent": 1, "failed": 0, "waiting": 2}
    assert notifications_send(now=at(dt.date(2026, 12, 7), hour=10))["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(w[p].email for p in ("s1", "s2", "t1"))


def test_the_command_says_what_it_did_and_what_waits(w, monkeypatch):
    from io import StringIO

    from projects.notifications import sending

    def server_gone(notification, connection):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(sending, "message_of", server_gone)
    out, err = StringIO(), StringIO()
    call_command("send_notifications", now=dt.datetime(2026, 12, 7, 9), stdout=out, stderr=err)
    assert out.getvalue() == "notifications: 3 made, 0 e-mailed, 0 e-mails failed\n"
    assert err.getvalue() == "3 e-mails wait for the next run\n"


def test_the_command_runs_as_of_a_time(w):
    call_command("send_notifications", now=dt.datetime(2026, 12, 7, 9))
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 3
    call_command("send_notifications", now=dt.datetime(2026, 12, 7, 10))
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


def test_the_task_does_what_the_command_does(w, settings):
    from projects.tasks import send_notifications

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sub = submission(w["p1"], State.RETURNED, by=w["s1"])
    transition(sub, State.RETURNED, by=w["head"], when=timezone.now() - dt.timedelta(hours=1))
    result = send_notifications.enqueue()
    # (today's date may bring reminders or late notices too: all are counted)
    made = Notification.objects.count()
    assert result.return_value == {"made": made, "sent": made, "failed": 0, "waiting": 0}
    assert told(Kind.RETURNED) == [(w["s1"].username, str(sub.transitions.get().pk))]
    assert len(mail.outbox) == made


def test_entries_of_another_month_do_not_count(w):
    ProgressEntryFactory(project=w["p1"], reported_on=dt.date(2026, 10, 25))
    assert ProgressEntry.objects.get().period != NOVEMBER
    notifications_send(now=at(dt.date(2026, 12, 7)))
    assert w["p1"].code in Notification.objects.get(user=w["s1"]).body
