"""Making the notices and e-mailing them, each once.

``notifications_make``: every kind's notices (projects/notifications/kinds.py) inserted
under the sent-log, the unique (user, kind, key): a notice already made is left alone,
and when two runs insert the same one at once the database keeps one (each row in a
savepoint: the loser's unique violation is skipped). A notice's e-mail is
pending, or off when its person turned that kind off or has no address.

``notifications_email``: the pending e-mails, a batch at a time, each row locked
(``select_for_update(skip_locked=True)``: a second run takes other rows, never the same)
and marked sent (or failed) in the same transaction as it was sent. Django's e-mail
framework: a Thai subject, the text and an HTML alternative, an absolute link
(``BMA_SITE_URL``); the backend and the SMTP server come from settings (the environment).

Each person reads in their own language (``User.language``, issue 17): a notice's title
and body are made in it (``notices_in_languages``), its e-mail rendered under it.
"""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects import languages
from projects.models import Notification, NotificationPreference, User
from projects.notifications import bell, kinds

log = logging.getLogger(__name__)
EmailState = Notification.EmailState
BATCH = 50


def email_off(user_ids) -> set[tuple[int, str]]:
    """(user, kind) pairs whose e-mail is turned off: one query."""
    return set(
        NotificationPreference.objects.filter(user_id__in=user_ids, email=False).values_list(
            "user_id", "kind"
        )
    )


def notices_in_languages(now: dt.datetime) -> list[kinds.Notice]:
    """Every kind's notices, each in its person's language: the kinds are computed in the
    site's language, then once more in each other language that their people read (none
    more while everybody reads Thai), whose notices replace those people's."""
    with translation.override(settings.LANGUAGE_CODE):
        notices = kinds.all_notices(now)
    read_in = {
        pk: languages.or_default(code)
        for pk, code in User.objects.filter(pk__in={n.user_id for n in notices}).values_list(
            "pk", "language"
        )
    }
    for language in sorted(set(read_in.values()) - {settings.LANGUAGE_CODE}):
        with translation.override(language):
            translated = [n for n in kinds.all_notices(now) if read_in.get(n.user_id) == language]
        notices = [n for n in notices if read_in.get(n.user_id) != language] + translated
    return notices


def notifications_make(*, now: dt.datetime) -> int:
    """Insert the notices not made yet (inside the caller's transaction); the number this
    run inserted. A notice that another run inserts at the same moment is kept once: on
    PostgreSQL the second insert waits for the first to commit, then fails on the unique
    sent-log and is skipped."""
    notices = notices_in_languages(now)
    if not notices:
        return 0
    user_ids = {n.user_id for n in notices}
    made = set(
        Notification.objects.filter(
            user_id__in=user_ids, key__in={n.key for n in notices}
        ).values_list("user_id", "kind", "key")
    )
    new = [n for n in notices if (n.user_id, n.kind, n.key) not in made]
    if not new:
        return 0
    addresses = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
    off = email_off(user_ids)
    rows = [  # in one order: two runs inserting at once wait for each other, never deadlock
        Notification(
            user_id=n.user_id,
            kind=n.kind,
            key=n.key,
            title=n.title[:255],
            body=n.body,
            url=n.url,
            email_state=(
                EmailState.OFF
                if (n.user_id, n.kind) in off or not addresses.get(n.user_id)
                else EmailState.PENDING
            ),
        )
        for n in sorted(dict.fromkeys(new), key=lambda n: (n.user_id, n.kind, n.key))
    ]
    inserted = 0
    for row in rows:
        try:
            with transaction.atomic():  # a savepoint: a notice made meanwhile is skipped
                row.save(force_insert=True)
            inserted += 1
        except IntegrityError:  # made by another run since we looked (the sent-log)
            continue
    transaction.on_commit(lambda: bell.forget(user_ids))
    return inserted


def site_url(path: str) -> str:
    return settings.BMA_SITE_URL.rstrip("/") + path


def message_of(notification: Notification, connection) -> mail.EmailMultiAlternatives:
    """The e-mail of ``notification`` in its person's language."""
    user = notification.user
    with translation.override(languages.or_default(user.language)):
        return _message(notification, user, connection)


def _message(notification: Notification, user: User, connection) -> mail.EmailMultiAlternatives:
    context = {
        "notification": notification,
        "name": user.get_full_name() or user.username,
        "link": site_url(notification.url) if notification.url else "",
        "settings_link": site_url("/notifications/settings/"),
    }
    message = mail.EmailMultiAlternatives(
        subject=_("[BMA Progress] %(title)s") % {"title": notification.title},
        body=render_to_string("emails/notification.txt", context),
        to=[user.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


# A message the server refused (an address, its content) or that cannot be made: marked
# failed, the others go on. Anything else of SMTP or the network (the server went away):
# the rest stay pending for the next run. Nothing escapes a batch, whose transaction
# would then forget which of its messages had gone.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def email_batch(connection) -> tuple[int, int, bool]:
    """E-mail up to BATCH pending notices, each row locked by this run only: (sent,
    failed, whether to go on)."""
    sent = failed = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(email_state=EmailState.PENDING)
            .select_related("user")
            .order_by("pk")[:BATCH]
        )
        for notification in batch:
            try:
                message_of(notification, connection).send()
                state = EmailState.SENT
                sent += 1
            except REFUSED:
                log.exception("notification %s: the e-mail was refused", notification.pk)
                state = EmailState.FAILED
                failed += 1
            except OSError:  # smtplib.SMTPException too: the server is gone, try next run
                log.exception("notification %s: e-mail server unreachable", notification.pk)
                return sent, failed, False  # what was sent is committed as sent
            except Exception:  # this message cannot be made (a bad header...): not again
                log.exception("notification %s: the e-mail could not be made", notification.pk)
                state = EmailState.FAILED
                failed += 1
            Notification.objects.filter(pk=notification.pk).update(
                email_state=state, emailed_at=timezone.now()
            )
    return sent, failed, bool(batch)


def notifications_email() -> tuple[int, int]:
    """E-mail every pending notice once: (sent, failed)."""
    sent = failed = 0
    if not Notification.objects.filter(email_state=EmailState.PENDING).exists():
        return sent, failed  # no connection to the mail server for nothing
    with mail.get_connection() as connection:
        going = True
        while going:
            batch_sent, batch_failed, going = email_batch(connection)
            sent, failed = sent + batch_sent, failed + batch_failed
    return sent, failed


def notifications_send(*, now: dt.datetime | None = None) -> dict:
    """Make the notices due at ``now`` and e-mail what is pending: what the hourly command
    and the task do."""
    now = now or timezone.now()
    with transaction.atomic():
        made = notifications_make(now=now)
    sent, failed = notifications_email()
    waiting = Notification.objects.filter(email_state=EmailState.PENDING).count()
    return {"made": made, "sent": sent, "failed": failed, "waiting": waiting}
