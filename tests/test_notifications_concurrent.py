"""Two sendings at the same moment (two workers, or cron and a worker): nobody is told
twice, in the app or by e-mail. On PostgreSQL, with real transactions: both runs compute
the same notices and insert them at once (the unique sent-log keeps one of each), then
e-mail at once (row locks: each e-mail goes from one run only)."""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections

from projects.models import Notification
from projects.notifications import kinds, sending
from tests.notices import at, world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent inserts are PostgreSQL's (SQLite runs one writer): CI runs it",
)


def test_two_runs_at_once_tell_nobody_twice(transactional_db, monkeypatch):
    w = world()
    together = threading.Barrier(2)
    compute, render = kinds.all_notices, sending.message_of

    def computed_by_both(now):
        notices = compute(now)
        together.wait(timeout=30)  # both have found every notice new before either inserts
        return notices

    def slow_message(notification, connection):
        time.sleep(0.05)  # both runs are e-mailing at the same time
        return render(notification, connection)

    monkeypatch.setattr(kinds, "all_notices", computed_by_both)
    monkeypatch.setattr(sending, "message_of", slow_message)
    outcomes = []

    def run():
        try:
            outcomes.append(sending.notifications_send(now=at(dt.date(2026, 12, 11))))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    # the late notice of November: staff and heads of both agencies, five people
    expected = sorted(w[p].email for p in ("s1", "s2", "head", "t1", "t_head"))
    assert sorted(Notification.objects.values_list("user__email", flat=True)) == expected
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert Counter(m.to[0] for m in mail.outbox).most_common(1)[0][1] == 1
    assert sum(o["made"] for o in outcomes) == 5
    assert sum(o["sent"] for o in outcomes) == 5
