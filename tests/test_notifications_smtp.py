"""The e-mails of one simulated month, received by a real SMTP server that the test starts
(aiosmtpd) and sent through Django's SMTP backend, as in production: the November 2026
reports of two agencies, due 10 December, sending run twice a day through December."""

import datetime as dt
import email
import os
import socket
import subprocess
import sys
from collections import Counter
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from projects.models import Notification, ProgressEntry
from projects.notifications.sending import notifications_send
from tests.factories import ProgressEntryFactory
from tests.notices import NOVEMBER, State, at, submission, transition, world

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.BMA_SITE_URL = "https://progress.bangkok.test"
    yield inbox
    server.stop()


def set_state(sub, state, **values):
    type(sub).objects.filter(pk=sub.pk).update(state=state, **values)
    sub.refresh_from_db()


def test_the_emails_of_one_month(smtp):
    w = world()
    sub = None

    def events(day):
        """What people do on ``day`` (at 10:00), before the sending runs at 12:00 and 20:00."""
        nonlocal sub
        if day == 2:  # staff submit p1's report
            sub = submission(
                w["p1"], State.SUBMITTED, by=w["s1"], submitted_at=at(dt.date(2026, 12, 2), 10)
            )
        elif day == 4:  # the head returns it with a comment
            set_state(sub, State.RETURNED, return_comment="ขอรูปประกอบ")
            transition(
                sub,
                State.RETURNED,
                by=w["head"],
                when=at(dt.date(2026, 12, 4), 10),
                comment="ขอรูปประกอบ",
            )
        elif day == 5:  # fixed and submitted again
            set_state(sub, State.SUBMITTED)
        elif day == 6:  # approved: the month's entry
            entry = ProgressEntryFactory(project=w["p1"], reported_on=dt.date(2026, 11, 28))
            set_state(sub, State.APPROVED, entry=entry)

    for day in range(1, 32):
        events(day)
        for hour in (12, 20):
            notifications_send(now=at(dt.date(2026, 12, day), hour))

    assert ProgressEntry.objects.get().period == NOVEMBER
    received = Counter()
    for recipients, message in smtp.messages:
        # (Django folds a long encoded subject after "Subject:": unfolded, a space leads)
        subject = str(message["Subject"]).strip()
        assert subject.startswith("[BMA Progress] ")
        assert message.get_body(("plain",)).get_content()
        assert "https://progress.bangkok.test/" in message.get_body(("html",)).get_content()
        received[(recipients[0], subject)] += 1
    assert all(count == 1 for count in received.values()), received

    def mails(*people, about):
        return sorted((w[p].email, f"[BMA Progress] {about}") for p in people)

    assert sorted(received) == sorted(
        # the reminder on 7 December, three days before the deadline: p2 and q1 are not in
        mails("s1", "s2", "t1", about="อีก 3 วันถึงกำหนดส่งรายงานเดือนพฤศจิกายน 2569")
        # the day after the deadline: staff and heads of both agencies
        + mails("s1", "s2", "head", about="รายงานเดือนพฤศจิกายน 2569 เลยกำหนดส่งแล้ว 1 โครงการ")
        + mails("t1", "t_head", about="รายงานเดือนพฤศจิกายน 2569 เลยกำหนดส่งแล้ว 1 โครงการ")
        # returned on 4 December: to who submitted it
        + mails("s1", about=f"รายงานเดือนพฤศจิกายน 2569 ของโครงการ {w['p1'].code} ถูกส่งกลับแก้ไข")
        # the heads' digest: waiting at noon on 2, 3 and 5 December; none on the 4th
        # (returned) nor from the 6th (approved); none for the other agency's head
        + mails("head", about="มีรายงานรออนุมัติ 1 รายการ (2 ธ.ค. 2569)")
        + mails("head", about="มีรายงานรออนุมัติ 1 รายการ (3 ธ.ค. 2569)")
        + mails("head", about="มีรายงานรออนุมัติ 1 รายการ (5 ธ.ค. 2569)")
    )
    assert len(smtp.messages) == 12
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"reminder": 3, "late": 5, "returned": 1, "digest": 3}
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"sent"}


# --- where e-mail goes, from the environment --------------------------------------------

SHOW = "import bmaprogress.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"


def backend(tmp_path, **env) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    base.update(DJANGO_SETTINGS_MODULE="bmaprogress.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=Path(__file__).resolve().parent.parent,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_prints_emails_or_writes_them_to_a_folder_and_production_uses_smtp(tmp_path):
    assert backend(tmp_path).startswith("django.core.mail.backends.console.EmailBackend")
    folder = backend(tmp_path, EMAIL_FILE_PATH=str(tmp_path / "mail"))
    assert folder.startswith("django.core.mail.backends.filebased.EmailBackend")
    production = backend(
        tmp_path,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "abcdefghij" * 4,
        DJANGO_ALLOWED_HOSTS="bma.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        EMAIL_HOST="smtp.bangkok.test",
        EMAIL_PORT="587",
    )
    assert production == "django.core.mail.backends.smtp.EmailBackend smtp.bangkok.test 587"
