"""Who and when: agencies (หน่วยงาน), the people who use the app, fiscal years."""

import datetime as dt
import functools
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects import thaidates


class Agency(models.Model):
    """A BMA agency (หน่วยงาน), e.g. 01000000 สำนักงานเลขานุการสภากรุงเทพมหานคร."""

    code = models.CharField(_("รหัสหน่วยงาน"), max_length=8, unique=True)
    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=50, blank=True)
    # Issue 15: a report counts once the head of the agency approved it
    # (projects/models/approval.py); off, a saved report counts at once, as before.
    reports_need_approval = models.BooleanField(
        _("รายงานประจำเดือนต้องได้รับอนุมัติจากหัวหน้าหน่วยงาน"), default=True
    )

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = pgettext_lazy("plural", "หน่วยงาน")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def owns_project_code(self, code: str) -> bool:
        """A project code of this agency: its eight digits, a dash and a number of one to
        eight digits (01000000-2462, domain.md)."""
        number = code.removeprefix(f"{self.code}-")
        return number != code and 1 <= len(number) <= 8 and number.isascii() and number.isdigit()

    @property
    def kpi_prefix(self) -> str:
        """KPI codes start with the first four digits of the agency code: 0100-814."""
        return self.code[:4]


# What decides whether a person may log in and what they may do: a change to any of these
# ends every session of theirs (User.session_stamp). A new field of that kind belongs here
# (and in tests/test_session_end.py).
SESSION_ENDING_FIELDS = frozenset(
    {"password", "is_active", "role", "agency", "is_staff", "is_superuser"}
)


class UserQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """An update that writes a session-ending field gives its rows a new session stamp
        (one for all of them: the stamp only has to differ from the one before)."""
        names = {self.model._meta.get_field(name).name for name in kwargs}
        if names & SESSION_ENDING_FIELDS and "session_stamp" not in names:
            kwargs["session_stamp"] = uuid.uuid4()
        return super().update(**kwargs)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", _("เจ้าหน้าที่หน่วยงาน")
        # Approves the agency's monthly reports (projects/models/approval.py).
        HEAD = "head", _("หัวหน้าหน่วยงาน")
        EVALUATOR = "evaluator", _("ผู้ประเมิน (สยป.)")
        MANAGER = "manager", _("ผู้บริหาร")
        ADMIN = "admin", _("ผู้ดูแลระบบ")

    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices, default=Role.STAFF)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    # The language the person chose (issue 17): pages after login, e-mails and the PDFs of
    # their background jobs. One of settings.LANGUAGES.
    language = models.CharField(_("ภาษา"), max_length=8, default="th")
    # Part of every session's check (get_session_auth_hash), replaced whenever a
    # SESSION_ENDING_FIELDS value changes: every session made before then ends on its next
    # request. Random, so that a value is never met again (reactivating a person does not
    # bring back the stamp of their old sessions).
    session_stamp = models.UUIDField(_("รุ่นของการเข้าสู่ระบบ"), default=uuid.uuid4, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = pgettext_lazy("plural", "ผู้ใช้")

    def __str__(self):
        return self.get_full_name() or self.username

    # --- sessions end when what the person may do changes ------------------------------------
    # A security invariant of the login model, not a business rule, so it lives in save()
    # (against the project's style of no logic in save()): every way of writing a user goes
    # through it (the admin's forms, set_password, the shell, the demo loader), while a
    # service would be skipped by all of them. QuerySet.update goes through UserQuerySet;
    # SQL written by hand is not caught (README, Production).

    def get_session_auth_hash(self):
        return self._session_auth_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret=secret)

    def _session_auth_hash(self, *, secret):
        """Django's HMAC of the password (a changed password still ends sessions), with the
        session stamp."""
        return salted_hmac(
            "projects.models.User.get_session_auth_hash",
            f"{self.password}:{self.session_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._remember_session_fields(_session_ending_attnames())
        return user

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_session_fields(
            _session_ending_attnames() if fields is None else _attnames(fields)
        )

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        saved = _session_ending_attnames()
        if update_fields is not None:
            saved = _attnames(update_fields) & _session_ending_attnames()
        if self._session_fields_changed(saved):
            self.session_stamp = uuid.uuid4()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "session_stamp"}
        super().save(*args, **kwargs)
        self._remember_session_fields(saved)

    def _remember_session_fields(self, attnames) -> None:
        """Keep the values of ``attnames`` as the database has them now (loaded ones only)."""
        # A new dict each time: a copy of the instance (copy.copy) shares the old one.
        self.__dict__["_session_fields_seen"] = {
            **self.__dict__.get("_session_fields_seen", {}),
            **{name: self.__dict__[name] for name in attnames if name in self.__dict__},
        }

    def _session_fields_changed(self, attnames) -> bool:
        seen = self.__dict__.get("_session_fields_seen", {})
        return any(
            attname in self.__dict__
            and (attname not in seen or seen[attname] != self.__dict__[attname])
            for attname in attnames
        )


def _attnames(names) -> frozenset[str]:
    """The columns' names of the fields ``names`` (``agency`` is ``agency_id``); names of
    no field (refresh_from_db takes prefetched relations too) are left out."""
    columns = User._meta.concrete_fields
    by_name = {f.name: f.attname for f in columns} | {f.attname: f.attname for f in columns}
    return frozenset(by_name[name] for name in names if name in by_name)


@functools.cache
def _session_ending_attnames() -> frozenset[str]:
    return _attnames(SESSION_ENDING_FIELDS)


class FiscalYear(models.Model):
    """ปีงบประมาณ, named by its BE year: 2564 = 1 Oct 2020 – 30 Sep 2021."""

    year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    # Monthly reports of this year are due on this day of the following month; a
    # ReportingDeadline row moves the date of one month (a holiday, say).
    report_deadline_day = models.PositiveSmallIntegerField(
        _("กำหนดส่งรายงานประจำเดือน (วันที่ของเดือนถัดไป)"),
        default=10,
        help_text=_("เช่น 10 = รายงานของเดือนตุลาคมต้องส่งภายในวันที่ 10 พฤศจิกายน"),
    )

    class Meta:
        verbose_name = _("ปีงบประมาณ")
        verbose_name_plural = pgettext_lazy("plural", "ปีงบประมาณ")
        ordering = ["-year_be"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_be__gte=2500) & Q(year_be__lte=2700), name="fiscal_year_be_range"
            ),
            models.CheckConstraint(
                condition=Q(report_deadline_day__gte=1) & Q(report_deadline_day__lte=28),
                name="fiscal_year_deadline_day_1_28",
            ),
        ]

    def __str__(self):
        # As people read it: 2564 in Thai, 2021 in English (forms' choices, the admin).
        return thaidates.fiscal_year_label(self.year_be)

    @property
    def starts_on(self) -> dt.date:
        return thaidates.fiscal_year_bounds(self.year_be)[0]

    @property
    def ends_on(self) -> dt.date:
        return thaidates.fiscal_year_bounds(self.year_be)[1]

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on
