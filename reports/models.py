import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Agency, FiscalYear


class ReportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Jobs a user may see on the reports page: those they may download
        (permissions.can_download_report): every job for those who follow every agency,
        their agency's for staff, whoever ordered them."""
        from projects import permissions

        if permissions.oversees_every_agency(user):
            return self
        if permissions.can_read_agency_internal(user, user.agency_id):
            return self.filter(agency_id=user.agency_id)
        return self.none()

    def finished_before(self, moment: dt.datetime):
        return self.filter(
            status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED], created_at__lt=moment
        )


class BackgroundJob(models.Model):
    """What every file built by the background worker records: its state, its steps done
    out of its steps (for the progress bar), why it failed, who ordered it and when it
    was ordered, started and finished. ReportJob and OpenDataExport are ones."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังสร้าง")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    status = models.CharField(
        _("สถานะ"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    parts_total = models.PositiveIntegerField(_("จำนวนขั้นตอน"), default=1)
    parts_done = models.PositiveIntegerField(_("ขั้นตอนที่เสร็จ"), default=0)
    error = models.TextField(_("สาเหตุที่ไม่สำเร็จ"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้สั่งสร้าง"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("สั่งเมื่อ"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("เริ่มเมื่อ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.parts_done * 100 / self.parts_total) if self.parts_total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportJob(BackgroundJob):
    """An agency or whole-BMA report built in the background (reports/tasks.py).

    PDFs are rendered in ``parts_total - 1`` parts by any number of workers, then joined
    (the last step); XLSX files in one step. ``parts_done`` counts finished steps, so the
    page can show progress.
    """

    class Kind(models.TextChoices):
        AGENCY = "agency", _("รายงานของหน่วยงาน")
        BMA = "bma", _("รายงานภาพรวมกรุงเทพมหานคร")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel (XLSX)")

    kind = models.CharField(_("ประเภทรายงาน"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("รูปแบบไฟล์"), max_length=10, choices=Format.choices)
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.CASCADE, related_name="+"
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาสที่"), null=True, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("หน่วยงาน"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    thai_digits = models.BooleanField(_("ใช้เลขไทย"), default=False)
    # The requester's language when ordered (issue 17): the workers render the file in it.
    language = models.CharField(_("ภาษา"), max_length=8, default="th")
    project_ids = models.JSONField(_("โครงการในรายงาน"), default=list, blank=True)

    # Failed steps put back in the queue (reports/tasks.py: each step is tried up to
    # BMA_REPORT_MAX_ATTEMPTS times); ``error`` holds the last failure meanwhile.
    retries = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ลองใหม่"), default=0)
    file = models.FileField(_("ไฟล์รายงาน"), upload_to="reports/%Y/%m/", blank=True)
    page_count = models.PositiveIntegerField(_("จำนวนหน้า"), null=True, blank=True)
    progressed_at = models.DateTimeField(_("คืบหน้าล่าสุดเมื่อ"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("งานสร้างรายงาน")
        verbose_name_plural = pgettext_lazy("plural", "งานสร้างรายงาน")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | (Q(quarter__gte=1) & Q(quarter__lte=4)),
                name="reportjob_quarter_1_4",
            ),
            models.CheckConstraint(
                condition=(Q(kind="agency") & Q(agency__isnull=False))
                | (Q(kind="bma") & Q(agency__isnull=True)),
                name="reportjob_agency_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(parts_done__lte=F("parts_total")), name="reportjob_parts_done_le_total"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.fiscal_year_id} #{self.pk}"

    @property
    def waiting_too_long(self) -> bool:
        """Still queued a minute after the order: probably no worker is running."""
        return (
            self.status == self.Status.QUEUED
            and timezone.now() - self.created_at > dt.timedelta(seconds=60)
        )

    @property
    def looks_stuck(self) -> bool:
        """Running, but no step finished for ten minutes: its worker probably stopped in the
        middle of a task (a worker restarted by code changes does that)."""
        if self.status != self.Status.RUNNING:
            return False
        last = self.progressed_at or self.started_at or self.created_at
        return timezone.now() - last > dt.timedelta(minutes=10)

    @property
    def download_name(self) -> str:
        scope = self.agency.code if self.agency_id else "BMA"
        quarter = f"-q{self.quarter}" if self.quarter else ""
        return f"report-{scope}-{self.fiscal_year.year_be}{quarter}.{self.format}"


class OpenDataExport(BackgroundJob):
    """One build of the open-data files (reports/opendata): every data set as CSV with its
    metadata, written in the background into the media storage under ``folder``. The
    download page serves the newest DONE export: a build in progress or failed never
    replaces it (the switch is the status becoming DONE)."""

    folder = models.CharField(_("โฟลเดอร์ของไฟล์"), max_length=200, blank=True)
    # What the page lists: per data set its file names, rows, bytes (reports/opendata).
    manifest = models.JSONField(_("รายการชุดข้อมูล"), default=dict, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("ชุดไฟล์ข้อมูลเปิด")
        verbose_name_plural = pgettext_lazy("plural", "ชุดไฟล์ข้อมูลเปิด")
        constraints = [
            models.CheckConstraint(
                condition=Q(parts_done__lte=F("parts_total")),
                name="opendataexport_parts_done_le_total",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
