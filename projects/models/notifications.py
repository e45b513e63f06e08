"""Notifications (issue 15): what the site tells a person, in the app (the bell, the list)
and by e-mail.

A ``Notification`` is made by projects/notifications/ from the data (a deadline coming, a
month missed, a report returned, reports waiting, a month reopened, a quarter evaluated),
never by hand. ``key`` names what it is about (a month, a transition, a day): the unique
constraint on (user, kind, key) is the sent-log, so a notice is made once whoever runs
the sending and however often, two workers at the same time included. Its e-mail goes
once too: ``email_state`` moves from pending to sent (or failed) under a row lock.

``NotificationPreference``: a person's e-mail for one kind turned off (no row: on).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models.agencies import User


class Notification(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", _("เตือนก่อนถึงกำหนดส่งรายงาน")
        LATE = "late", _("รายงานเลยกำหนดส่ง")
        RETURNED = "returned", _("รายงานถูกส่งกลับแก้ไข")
        DIGEST = "digest", _("สรุปรายงานรออนุมัติประจำวัน")
        REOPENED = "reopened", _("เปิดรับรายงานย้อนหลัง")
        EVALUATED = "evaluated", _("ผลการประเมินรายไตรมาส")

    class EmailState(models.TextChoices):
        # "e-mail": these words are also a month's report states (projects/months.py).
        PENDING = "pending", pgettext_lazy("e-mail", "รอส่ง")
        SENT = "sent", pgettext_lazy("e-mail", "ส่งแล้ว")
        OFF = "off", _("ไม่ส่ง (ปิดไว้หรือไม่มีอีเมล)")
        FAILED = "failed", _("ส่งไม่สำเร็จ")

    user = models.ForeignKey(
        User, verbose_name=_("ผู้รับ"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("เรื่อง"), max_length=100)
    title = models.CharField(_("หัวเรื่อง"), max_length=255)
    body = models.TextField(_("ข้อความ"), blank=True)
    url = models.CharField(_("ลิงก์"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("แจ้งเมื่อ"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    email_state = models.CharField(
        _("อีเมล"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    emailed_at = models.DateTimeField(_("ส่งอีเมลเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = pgettext_lazy("plural", "การแจ้งเตือน")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="notification_once_per_user_kind_key"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(
                fields=["email_state"],
                name="notification_email_pending",
                condition=models.Q(email_state="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """One person's choice for one kind: e-mail on or off (the app's list always has it)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("ผู้ใช้"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Notification.Kind.choices)
    email = models.BooleanField(_("ส่งทางอีเมล"), default=True)

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = pgettext_lazy("plural", "การตั้งค่าการแจ้งเตือน")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {'on' if self.email else 'off'}"
