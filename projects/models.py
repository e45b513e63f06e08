import datetime as dt
import functools
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects import thaidates

PERCENT_RANGE = Q(percent__gte=0) & Q(percent__lte=100)


class Agency(models.Model):
    """A BMA agency (หน่วยงาน), e.g. 01000000 สำนักงานเลขานุการสภากรุงเทพมหานคร."""

    code = models.CharField(_("รหัสหน่วยงาน"), max_length=8, unique=True)
    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
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
    # Part of every session's check (get_session_auth_hash), replaced whenever a
    # SESSION_ENDING_FIELDS value changes: every session made before then ends on its next
    # request. Random, so that a value is never met again (reactivating a person does not
    # bring back the stamp of their old sessions).
    session_stamp = models.UUIDField(_("รุ่นของการเข้าสู่ระบบ"), default=uuid.uuid4, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")

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
        verbose_name_plural = _("ปีงบประมาณ")
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
        return str(self.year_be)

    @property
    def starts_on(self) -> dt.date:
        return thaidates.fiscal_year_bounds(self.year_be)[0]

    @property
    def ends_on(self) -> dt.date:
        return thaidates.fiscal_year_bounds(self.year_be)[1]

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ProjectQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(agency=agency)

    def with_latest_progress(
        self, *, as_of: dt.date | None = None, since: dt.date | None = None, prefix="latest"
    ):
        """Annotate ``<prefix>_percent`` and ``<prefix>_reported_on`` from the project's
        latest report (ProgressEntryQuerySet.newest_first: its latest *month*), among the
        months from ``since`` to ``as_of`` when given. ``as_of=<a quarter's last day>`` is
        the progress reported at the quarter's end (domain.md)."""
        entries = ProgressEntry.objects.filter(project=OuterRef("pk"))
        if as_of is not None:
            entries = entries.filter(period__lte=as_of)
        if since is not None:
            entries = entries.filter(period__gte=since)
        newest = entries.newest_first()
        return self.annotate(
            **{
                f"{prefix}_percent": Subquery(newest.values("percent")[:1]),
                f"{prefix}_reported_on": Subquery(newest.values("reported_on")[:1]),
            }
        )


class Project(models.Model):
    code = models.CharField(_("รหัสโครงการ"), max_length=30, unique=True)
    name = models.CharField(_("ชื่อโครงการ"), max_length=500)
    agency = models.ForeignKey(
        Agency, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="projects"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="projects"
    )
    responsible = models.CharField(_("ผู้รับผิดชอบ"), max_length=255, blank=True)
    responsible_phone = models.CharField(_("โทรศัพท์ผู้รับผิดชอบ"), max_length=50, blank=True)
    rationale = models.TextField(_("หลักการและเหตุผล"), blank=True)
    budget_code = models.CharField(_("รหัสงบประมาณ"), max_length=30, blank=True)
    organisation_code = models.CharField(_("รหัสหน่วยงานเจ้าของงบ"), max_length=30, blank=True)
    targets = models.TextField(_("เป้าหมายของโครงการ"), blank=True)
    # Optimistic lock of the plan: every change to the steps bumps it, and a save made
    # from an older version is refused (services.plan_save).
    plan_version = models.PositiveIntegerField(_("รุ่นของแผน"), default=1, editable=False)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("ประวัติโครงการ"))
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("โครงการ")
        verbose_name_plural = _("โครงการ")
        ordering = ["code"]
        indexes = [models.Index(fields=["fiscal_year", "agency"])]

    def __str__(self):
        return f"{self.code} {self.name}"


class ProjectObjective(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    text = models.TextField(_("วัตถุประสงค์"))

    class Meta:
        verbose_name = _("วัตถุประสงค์ของโครงการ")
        verbose_name_plural = _("วัตถุประสงค์ของโครงการ")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="objective_order_unique")
        ]

    def __str__(self):
        return f"{self.order} {self.text}"


class StrategyLink(models.Model):
    """A line of สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ: ด้าน → มิติ → เป้าหมาย, or routine work."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="strategy_links")
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    text = models.CharField(_("ยุทธศาสตร์"), max_length=500)

    class Meta:
        verbose_name = _("การสนับสนุนยุทธศาสตร์")
        verbose_name_plural = _("การสนับสนุนยุทธศาสตร์")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="strategy_order_unique")
        ]

    def __str__(self):
        return self.text


class PlanStep(models.Model):
    """A step of แผนการดำเนินงาน; the weights of a project's steps should sum to 100."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("ขั้นตอนที่"))
    title = models.TextField(_("ขั้นตอน"))
    weight = models.DecimalField(_("น้ำหนัก (ร้อยละ)"), max_digits=5, decimal_places=2)
    starts_on = models.DateField(_("เริ่มต้น"), null=True, blank=True)
    ends_on = models.DateField(_("สิ้นสุด"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("ประวัติขั้นตอน"))

    class Meta:
        verbose_name = _("ขั้นตอนการดำเนินงาน")
        verbose_name_plural = _("ขั้นตอนการดำเนินงาน")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="step_order_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="step_weight_0_100"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="step_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class ProgressEntryQuerySet(models.QuerySet):
    """The one home of "a project's latest report": the report of its latest month
    (``period``; one report per project per month). The day a report was written or
    corrected on does not count: October corrected in December stays October's."""

    def newest_first(self):
        return self.order_by("-period", "-pk")

    def oldest_first(self):
        return self.order_by("period", "pk")

    def latest_month(self) -> "ProgressEntry | None":
        return self.newest_first().first()


class ProgressEntry(models.Model):
    """A monthly report (ผลการดำเนินงาน): cumulative percent, narrative, problems, obstacles."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entries")
    reported_on = models.DateField(_("วันที่รายงาน"))
    # First day of the reported month: one entry per project per month.
    period = models.DateField(_("เดือนที่รายงาน"))
    percent = models.DecimalField(_("ความคืบหน้า (ร้อยละ)"), max_digits=5, decimal_places=2)
    narrative = models.TextField(_("ผลการดำเนินงาน"), blank=True)
    problems = models.TextField(_("ปัญหาของโครงการ"), blank=True)
    obstacles = models.TextField(_("อุปสรรคของโครงการ"), blank=True)
    # The ticked steps, by PlanStep id. A JSON list rather than a many-to-many so that it
    # is one column of the entry, recorded with the rest of the entry by simple-history
    # on every save (a many-to-many would be written after the entry and recorded apart).
    completed_steps = models.JSONField(_("ขั้นตอนที่แล้วเสร็จ"), default=list, blank=True)
    in_progress_step = models.ForeignKey(
        PlanStep,
        verbose_name=_("ขั้นตอนที่กำลังดำเนินการ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    partial_percent = models.DecimalField(
        _("ความคืบหน้าของขั้นตอนที่กำลังดำเนินการ (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    lower_reason = models.TextField(_("เหตุผลที่ความคืบหน้าลดลง"), blank=True)
    is_late = models.BooleanField(_("ส่งล่าช้า"), default=False)
    # Optimistic lock: a save made from an older version is refused (services).
    version = models.PositiveIntegerField(_("รุ่นของรายงาน"), default=1, editable=False)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้รายงาน"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    updated_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้แก้ไขล่าสุด"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("ประวัติผลการดำเนินงาน"))
    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ผลการดำเนินงาน")
        verbose_name_plural = _("ผลการดำเนินงาน")
        # Newest month first, as ProgressEntryQuerySet.newest_first.
        ordering = ["project", "-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="entry_one_per_month"),
            models.CheckConstraint(condition=PERCENT_RANGE, name="entry_percent_0_100"),
            models.CheckConstraint(
                condition=Q(partial_percent__isnull=True)
                | (Q(partial_percent__gte=0) & Q(partial_percent__lte=100)),
                name="entry_partial_percent_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.reported_on} {self.percent}"

    @staticmethod
    def period_of(day: dt.date) -> dt.date:
        return day.replace(day=1)

    @property
    def written_after_its_month(self) -> bool:
        """October's report written in November (as is usual) or corrected later: the
        history then names the month beside the date, since it is ordered by month."""
        return self.reported_on >= thaidates.add_months(self.period, 1)


class ReportingDeadline(models.Model):
    """Moves the reporting deadline of one month away from the fiscal year's default day."""

    period = models.DateField(
        _("เดือนที่รายงาน"), unique=True, help_text=_("วันใดก็ได้ของเดือน ระบบจะใช้วันที่ 1")
    )
    due_on = models.DateField(_("กำหนดส่งรายงาน"))
    note = models.CharField(_("หมายเหตุ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("กำหนดส่งรายงานรายเดือน (กรณีพิเศษ)")
        verbose_name_plural = _("กำหนดส่งรายงานรายเดือน (กรณีพิเศษ)")
        ordering = ["-period"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gt=F("period")), name="deadline_after_period_start"
            )
        ]

    def __str__(self):
        return f"{thaidates.month_label(self.period)}: {thaidates.format_be(self.due_on)}"

    def clean(self):
        if self.period:
            self.period = ProgressEntry.period_of(self.period)


class MonthReopening(models.Model):
    """สยป. reopens a locked reporting month for one project, until a given day."""

    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="reopenings"
    )
    period = models.DateField(_("เดือนที่เปิดรับรายงาน"))
    until = models.DateField(_("เปิดรับถึงวันที่"))
    reason = models.TextField(_("เหตุผล"))
    reopened_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้เปิดรับรายงาน"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("เปิดเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("การเปิดรับรายงานย้อนหลัง")
        verbose_name_plural = _("การเปิดรับรายงานย้อนหลัง")
        ordering = ["-reopened_at"]
        indexes = [models.Index(fields=["project", "period"])]

    def __str__(self):
        return f"{self.project.code} {thaidates.month_label(self.period)}"


def evidence_path(instance, filename: str) -> str:
    """A random name under evidence/<project id>/: the person's file name is kept only in
    ``original_name``, never used as a path."""
    extension = instance.extension or ""
    return f"evidence/{instance.entry.project_id}/{uuid.uuid4().hex}{extension}"


class EvidenceFile(models.Model):
    """A document or image attached to a progress entry (หลักฐาน), served only through
    the download view, never from MEDIA_URL."""

    entry = models.ForeignKey(
        ProgressEntry,
        verbose_name=_("ผลการดำเนินงาน"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("ไฟล์"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=150)
    extension = models.CharField(_("นามสกุล"), max_length=10)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"))
    uploaded_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้แนบไฟล์"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("แนบเมื่อ"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("ประวัติไฟล์หลักฐาน"))

    class Meta:
        verbose_name = _("ไฟล์หลักฐาน")
        verbose_name_plural = _("ไฟล์หลักฐาน")
        ordering = ["entry", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


def weights_total(steps) -> Decimal:
    return sum((step.weight for step in steps), Decimal(0))
