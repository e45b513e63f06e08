"""Monthly reports (ผลการดำเนินงาน) and what goes with them: moved deadlines, months
reopened by สยป., evidence files. Projects and steps are named by string ("projects.Project"):
projects.models.plans imports this module for the latest report."""

import datetime as dt
import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects import thaidates
from projects.models.agencies import User
from projects.models.budget import money_field

PERCENT_RANGE = Q(percent__gte=0) & Q(percent__lte=100)


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


class ReportValues(models.Model):
    """What a monthly report says, as the report form has it: one declaration for the
    month's report (ProgressEntry) and for a report on its way to approval
    (projects/models/approval.py ReportSubmission), which becomes the entry with these
    values when approved (``value_names``)."""

    reported_on = models.DateField(_("วันที่รายงาน"))
    percent = models.DecimalField(_("ความคืบหน้า (ร้อยละ)"), max_digits=5, decimal_places=2)
    narrative = models.TextField(_("ผลการดำเนินงาน"), blank=True)
    problems = models.TextField(_("ปัญหาของโครงการ"), blank=True)
    obstacles = models.TextField(_("อุปสรรคของโครงการ"), blank=True)
    # The ticked steps, by PlanStep id. A JSON list rather than a many-to-many so that it
    # is one column of the entry, recorded with the rest of the entry by simple-history
    # on every save (a many-to-many would be written after the entry and recorded apart).
    completed_steps = models.JSONField(_("ขั้นตอนที่แล้วเสร็จ"), default=list, blank=True)
    in_progress_step = models.ForeignKey(
        "projects.PlanStep",
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
    # Cumulative amounts to the month's end (projects/models/budget.py); blank: not reported.
    committed = money_field(_("ก่อหนี้ผูกพันสะสม (บาท)"), null=True, blank=True)
    disbursed = money_field(_("เบิกจ่ายสะสม (บาท)"), null=True, blank=True)
    budget_lower_reason = models.TextField(_("เหตุผลที่ยอดสะสมลดลง"), blank=True)

    class Meta:
        abstract = True

    @classmethod
    def value_names(cls) -> tuple[str, ...]:
        """The report's values by attribute name (``in_progress_step_id``)."""
        return tuple(field.attname for field in ReportValues._meta.local_fields)


class ProgressEntry(ReportValues):
    """A monthly report (ผลการดำเนินงาน): cumulative percent, narrative, problems, obstacles."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    # First day of the reported month: one entry per project per month.
    period = models.DateField(_("เดือนที่รายงาน"))
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
        verbose_name_plural = pgettext_lazy("plural", "ผลการดำเนินงาน")
        # Newest month first, as ProgressEntryQuerySet.newest_first.
        ordering = ["project", "-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="entry_one_per_month"),
            models.CheckConstraint(
                condition=Q(committed__isnull=True) | Q(committed__gte=0),
                name="entry_committed_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(disbursed__isnull=True) | Q(disbursed__gte=0),
                name="entry_disbursed_not_negative",
            ),
            models.CheckConstraint(condition=PERCENT_RANGE, name="entry_percent_0_100"),
            models.CheckConstraint(
                condition=Q(partial_percent__isnull=True)
                | (Q(partial_percent__gte=0) & Q(partial_percent__lte=100)),
                name="entry_partial_percent_0_100",
            ),
        ]

    def __str__(self):
        """The admin's name of it (titles, breadcrumbs, history): its month in BE, as
        MonthReopening's (one report a month; the day it was written on can be later)."""
        return f"{self.project.code} {thaidates.month_label(self.period)} {self.percent}%"

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
        verbose_name_plural = pgettext_lazy("plural", "กำหนดส่งรายงานรายเดือน (กรณีพิเศษ)")
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
        "projects.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        related_name="reopenings",
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
        verbose_name_plural = pgettext_lazy("plural", "การเปิดรับรายงานย้อนหลัง")
        ordering = ["-reopened_at"]
        indexes = [models.Index(fields=["project", "period"])]

    def __str__(self):
        return f"{self.project.code} {thaidates.month_label(self.period)}"


def evidence_path(instance, filename: str) -> str:
    """A random name under evidence/<project id>/: the person's file name is kept only in
    ``original_name``, never used as a path."""
    extension = instance.extension or ""
    owner = instance.entry if instance.entry_id is not None else instance.submission
    return f"evidence/{owner.project_id}/{uuid.uuid4().hex}{extension}"


class EvidenceFile(models.Model):
    """A document or image attached to a progress entry (หลักฐาน), served only through
    the download view, never from MEDIA_URL. A file attached to a report that awaits
    approval belongs to its submission until it is approved, then to the entry."""

    entry = models.ForeignKey(
        ProgressEntry,
        verbose_name=_("ผลการดำเนินงาน"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    submission = models.ForeignKey(
        "projects.ReportSubmission",
        verbose_name=_("รายงานที่รออนุมัติ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
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
        verbose_name_plural = pgettext_lazy("plural", "ไฟล์หลักฐาน")
        ordering = ["entry", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entry__isnull=False) | Q(submission__isnull=False),
                name="evidence_belongs_to_a_report",
            )
        ]

    def __str__(self):
        return self.original_name
