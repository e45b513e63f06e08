"""Approval of monthly reports by the head of the agency (หัวหน้าหน่วยงาน), issue 15.

Where an agency's reports need approval (``Agency.reports_need_approval``, on by default),
a staff member's report is a ``ReportSubmission``: saved as a draft (ร่าง) as often as they
like, submitted (ส่งแล้ว รออนุมัติ), then approved (อนุมัติแล้ว) or returned with the head's
comment (ส่งกลับแก้ไข) and submitted again. Only an approved submission becomes the month's
``ProgressEntry``, which is what counts: readers outside the agency, the dashboards, the
evaluation's defaults, KPI pages, exports and PDFs read entries only. A change to an
approved report is a new submission; the entry stays as it was until that one is approved.
Where an agency needs no approval, the report form writes the entry directly, as before.

Every change of state is a ``ReportTransition`` (who, when, the comment). The rules of the
states live in one service (projects/approvals.py); nothing else writes these rows.

Heads are users with the role ``User.Role.HEAD`` and their agency (an agency may have
several); a head hands approval to a deputy for a period with an ``ApprovalDelegation``.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects import thaidates
from projects.models.agencies import Agency, User
from projects.models.reports import PERCENT_RANGE, ProgressEntry, ReportValues


class ApprovalDelegation(models.Model):
    """A head of an agency hands the approval of its reports to a deputy (ผู้รักษาราชการแทน)
    from ``starts_on`` to ``ends_on``, both days included."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("หน่วยงาน"), on_delete=models.CASCADE, related_name="delegations"
    )
    head = models.ForeignKey(
        User,
        verbose_name=_("หัวหน้าหน่วยงานผู้มอบหมาย"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    deputy = models.ForeignKey(
        User,
        verbose_name=_("ผู้ได้รับมอบหมาย"),
        on_delete=models.CASCADE,
        related_name="delegations_received",
    )
    starts_on = models.DateField(_("ตั้งแต่วันที่"))
    ends_on = models.DateField(_("ถึงวันที่"))
    note = models.CharField(_("หมายเหตุ"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("มอบหมายเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("การมอบหมายให้อนุมัติรายงานแทน")
        verbose_name_plural = pgettext_lazy("plural", "การมอบหมายให้อนุมัติรายงานแทน")
        ordering = ["agency", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(deputy=F("head")), name="delegation_deputy_is_not_the_head"
            ),
        ]

    def __str__(self):
        return _("%(deputy)s แทน %(head)s (%(starts)s–%(ends)s)") % {
            "deputy": self.deputy,
            "head": self.head,
            "starts": thaidates.format_be(self.starts_on),
            "ends": thaidates.format_be(self.ends_on),
        }


class ReportSubmission(ReportValues):
    """One month's report of a project on its way to approval: the values of the report
    form (as ``ProgressEntry`` has them) and where it stands. At most one submission of a
    project's month is open (not yet approved) at a time; approved ones stay as records."""

    class State(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        SUBMITTED = "submitted", _("ส่งแล้ว รออนุมัติ")
        RETURNED = "returned", _("ส่งกลับแก้ไข")
        APPROVED = "approved", _("อนุมัติแล้ว")

    OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    period = models.DateField(_("เดือนที่รายงาน"))
    state = models.CharField(
        _("สถานะ"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # The entry this submission changes (None: the month has none yet); once approved, the
    # entry it became.
    entry = models.ForeignKey(
        ProgressEntry,
        verbose_name=_("ผลการดำเนินงานที่อนุมัติแล้ว"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    # The deadline applies to the submission: recorded when it is submitted.
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้ส่ง"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("ส่งล่าช้า"), default=False)
    decided_at = models.DateTimeField(_("อนุมัติหรือส่งกลับเมื่อ"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้อนุมัติหรือส่งกลับ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField(_("ความเห็นเมื่อส่งกลับ"), blank=True)
    # Optimistic lock (projects/locking.py): a change made from an older version is refused.
    version = models.PositiveIntegerField(_("รุ่น"), default=1, editable=False)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้จัดทำ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้แก้ไขล่าสุด"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("รายงานประจำเดือนที่รออนุมัติ")
        verbose_name_plural = pgettext_lazy("plural", "รายงานประจำเดือนที่รออนุมัติ")
        ordering = ["project", "-period", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"],
                condition=~Q(state="approved"),
                name="submission_one_open_per_month",
            ),
            models.CheckConstraint(condition=PERCENT_RANGE, name="submission_percent_0_100"),
            models.CheckConstraint(
                condition=Q(committed__isnull=True) | Q(committed__gte=0),
                name="submission_committed_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(disbursed__isnull=True) | Q(disbursed__gte=0),
                name="submission_disbursed_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(partial_percent__isnull=True)
                | (Q(partial_percent__gte=0) & Q(partial_percent__lte=100)),
                name="submission_partial_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="submission_submitted_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "project"])]

    def __str__(self):
        return (
            f"{self.project.code} {thaidates.month_label(self.period)} {self.get_state_display()}"
        )

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_editable(self) -> bool:
        """Staff may still change it (a draft, or returned to be corrected): not while it
        waits for the head, nor once decided."""
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class ReportTransition(models.Model):
    """One change of a submission's state: who, when, and the comment (the head's, when
    returned). The report's history of approval."""

    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("รายงาน"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_state = models.CharField(
        _("จากสถานะ"), max_length=20, choices=ReportSubmission.State.choices, blank=True
    )
    to_state = models.CharField(
        _("เป็นสถานะ"), max_length=20, choices=ReportSubmission.State.choices
    )
    by = models.ForeignKey(
        User, verbose_name=_("โดย"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("เมื่อ"), auto_now_add=True, db_index=True)
    comment = models.TextField(_("ความเห็น"), blank=True)

    class Meta:
        verbose_name = _("การเปลี่ยนสถานะรายงาน")
        verbose_name_plural = pgettext_lazy("plural", "การเปลี่ยนสถานะรายงาน")
        ordering = ["submission", "at", "pk"]

    def __str__(self):
        return f"{self.submission} {self.from_state or '-'} → {self.to_state}"
