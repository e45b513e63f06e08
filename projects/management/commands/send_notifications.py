"""Make the notices that are due and e-mail them (projects/notifications/): safe to run
every hour from cron or a systemd timer, and by several at once (README, Notifications)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.notifications.sending import notifications_send


class Command(BaseCommand):
    help = _("แจ้งเตือนผู้ใช้ (ในระบบและทางอีเมล): รันซ้ำได้ทุกชั่วโมง ไม่แจ้งเรื่องเดิมซ้ำ")

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=dt.datetime.fromisoformat,
            help="as if it were this time (ISO 8601, e.g. 2026-11-08T09:00+07:00): for tests",
        )

    def handle(self, *args, now=None, **options):
        if now is not None and timezone.is_naive(now):
            now = timezone.make_aware(now)
        outcome = notifications_send(now=now)
        self.stdout.write(
            "notifications: {made} made, {sent} e-mailed, {failed} e-mails failed".format(**outcome)
        )
        if outcome["waiting"]:
            # the mail server went away mid-way (logged): the next run sends the rest
            self.stderr.write(f"{outcome['waiting']} e-mails wait for the next run")
