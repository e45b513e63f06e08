"""The budget columns of the annual-plan workbook checked against the database (issue 16),
for projects/imports/workbook_import.py's importer: the type is one the administrators
keep, a type needs an amount, and the amount after the stored transfers is 0 or more and
no less than what the latest approved report has used."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from projects import money
from projects.imports.workbook_columns import PROJECT_COLUMNS, PROJECT_SHEET
from projects.imports.workbook_rows import SheetProblem
from projects.models import BudgetTransfer, BudgetType, ProgressEntry


class WorkbookBudgets:
    """The budget of each row checked against the database: its type is one of the list
    administrators keep (active, unless the project has it already), a type needs an
    amount, and the amount leaves the project's stored transfers at 0 or more after."""

    def __init__(self, importer, ids: list[int]):
        self.importer = importer
        self.types = {t.name: t for t in BudgetType.objects.all()}
        self.transfers: dict[int, Decimal] = dict(
            BudgetTransfer.objects.filter(project_id__in=ids)
            .values("project_id")
            .annotate(total=Sum("amount"))
            .values_list("project_id", "total")
        )
        # What each project's latest approved report with figures has used (committed +
        # disbursed): the amount after transfers may not fall below it.
        self.used: dict[int, Decimal] = {}
        figures = (
            ProgressEntry.objects.filter(project_id__in=ids)
            .filter(Q(committed__isnull=False) | Q(disbursed__isnull=False))
            .order_by("project_id", "period")
            .values_list("project_id", "committed", "disbursed")
        )
        for project_id, committed, disbursed in figures:  # the latest month last
            self.used[project_id] = (committed or Decimal(0)) + (disbursed or Decimal(0))

    def problem(self, row, key, message) -> None:
        importer = self.importer
        column = next(c for c in PROJECT_COLUMNS if c.key == key)
        importer.plan.problems.append(
            SheetProblem(
                PROJECT_SHEET,
                row.row,
                importer.result.letter(PROJECT_SHEET, key),
                column.header,
                message,
            )
        )

    def check(self, row, project) -> int | None:
        """The row's budget type id (None: none or a problem, said)."""
        budget_type = None
        if row.budget_type:
            budget_type = self.types.get(row.budget_type)
            kept = (
                project is not None
                and budget_type is not None
                and (project.budget_type_id == budget_type.pk)
            )
            if budget_type is None or not (budget_type.is_active or kept):
                names = ", ".join(t.name for t in self.types.values() if t.is_active)
                self.problem(
                    row,
                    "budget_type",
                    _("ไม่มีประเภทงบประมาณ «%(type)s» ในรายการ ใช้ %(names)s")
                    % {"type": row.budget_type, "names": names},
                )
                budget_type = None
            elif row.budget_allocated is None:
                self.problem(
                    row,
                    "budget_allocated",
                    _("ระบุประเภทงบประมาณแล้ว กรุณากรอกงบประมาณที่ได้รับจัดสรร"),
                )
        transfers = self.transfers.get(project.pk) if project is not None and project.pk else None
        if transfers is not None:
            if row.budget_allocated is None:
                self.problem(
                    row,
                    "budget_allocated",
                    _("โครงการนี้มีการโอนเปลี่ยนแปลงงบประมาณแล้ว ต้องกรอกงบประมาณที่ได้รับจัดสรร"),
                )
            elif row.budget_allocated + transfers < 0:
                self.problem(
                    row,
                    "budget_allocated",
                    _("งบประมาณหลังโอนเปลี่ยนแปลงจะติดลบ (โอนสุทธิแล้ว %(transfers)s)")
                    % {"transfers": money.format_baht(transfers)},
                )
        used = self.used.get(project.pk) if project is not None and project.pk else None
        if used is not None and row.budget_allocated is not None:
            after = row.budget_allocated + (transfers or Decimal(0))
            if after < used:
                self.problem(
                    row,
                    "budget_allocated",
                    _(
                        "งบประมาณหลังโอนเปลี่ยนแปลงจะเหลือ %(after)s "
                        "น้อยกว่าที่ก่อหนี้ผูกพันและเบิกจ่ายแล้ว %(used)s"
                    )
                    % {"after": money.format_baht(after), "used": money.format_baht(used)},
                )
        return budget_type.pk if budget_type else None
