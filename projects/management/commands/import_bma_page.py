"""``manage.py import_bma_page FILE...``: import project pages of today's system saved as text.

All files are checked first. When any has a problem nothing at all is written and the
command exits with status 1; otherwise all files are written in one transaction.
``--dry-run`` only shows what would be created, updated, deleted or left alone.
``-v 2`` lists every row.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.imports import services
from projects.imports.changes import ACTIONS
from projects.imports.page_data import Problem
from projects.imports.page_import import ImportPlan
from projects.imports.page_parser import MAX_PAGE_BYTES


class Command(BaseCommand):
    help = gettext_lazy(
        "นำเข้าหน้าโครงการจากระบบเดิมที่บันทึกเป็นไฟล์ข้อความ (UTF-8) ทีละหลายไฟล์ "
        "ตรวจทุกไฟล์ก่อน ถ้าไฟล์ใดมีปัญหาจะไม่บันทึกอะไรเลย"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help=gettext_lazy("หน้าโครงการที่บันทึกเป็นข้อความ"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("ตรวจสอบและแสดงสิ่งที่จะสร้าง แก้ไข หรือคงไว้ โดยไม่บันทึกข้อมูล"),
        )

    def handle(self, *args, files, dry_run=False, verbosity=1, **options):
        pages, unreadable = [], []
        for name in files:
            problem = None
            try:
                path = Path(name)
                size = path.stat().st_size
                if size > MAX_PAGE_BYTES:
                    problem = Problem(
                        None,
                        _("ขนาดไฟล์"),
                        _("ไฟล์ใหญ่ %(size)s MB เกินขนาดสูงสุดของหน้าโครงการ %(limit)s MB จึงไม่ได้อ่านไฟล์นี้")
                        % {
                            "size": f"{size / 1024 / 1024:,.1f}",
                            "limit": MAX_PAGE_BYTES // 1024 // 1024,
                        },
                    )
                else:
                    pages.append((name, path.read_bytes()))
            except OSError as error:
                problem = Problem(
                    None, _("ไฟล์"), _("เปิดไฟล์ไม่ได้: %(error)s") % {"error": error.strerror or error}
                )
            if problem is not None:
                unreadable.append(ImportPlan(source=name, dry_run=True, problems=[problem]))

        plans = services.bma_pages_import(pages=pages, dry_run=dry_run or bool(unreadable))
        plans = sorted([*plans, *unreadable], key=lambda plan: files.index(plan.source))
        for plan in plans:
            self.show(plan, verbosity)

        failed = [plan for plan in plans if plan.problems]
        if failed:
            raise CommandError(
                _("พบปัญหาใน %(failed)s จาก %(total)s ไฟล์ จึงไม่ได้บันทึกข้อมูลใดเลย แก้ไฟล์แล้วนำเข้าใหม่ทั้งชุด")
                % {"failed": len(failed), "total": len(plans)}
            )
        if dry_run:
            self.stdout.write(_("ตรวจสอบเท่านั้น (--dry-run): ยังไม่ได้บันทึกข้อมูลใด"))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("บันทึกแล้ว %(count)s ไฟล์") % {"count": len(plans)})
            )

    def show(self, plan: ImportPlan, verbosity: int) -> None:
        title = plan.source
        if plan.project_code:
            title = _("%(source)s: โครงการ %(code)s") % {
                "source": plan.source,
                "code": plan.project_code,
            }
        if verbosity >= 1 or plan.problems:
            self.stdout.write(title)
        if plan.changes and verbosity >= 1:
            counts = plan.counts
            self.stdout.write(
                "  " + " · ".join(f"{ACTIONS[action]} {counts[action]}" for action in ACTIONS)
            )
            if verbosity >= 2:
                for change in plan.changes:
                    self.stdout.write(f"    {change}")
            elif verbosity == 1:
                for action in ("created", "updated", "deleted"):
                    by_model = plan.counts_by_model(action)
                    if by_model:
                        listed = ", ".join(f"{model} {n}" for model, n in by_model.items())
                        self.stdout.write(f"    {ACTIONS[action]}: {listed}")
        for problem in plan.problems:
            self.stderr.write(f"  {plan.source} {problem}")
