"""manage.py generate_demo --projects 20000: scale data for dashboards and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from projects.demo import scale


class Command(BaseCommand):
    help = (
        "สร้างข้อมูลจำลองจำนวนมากด้วย bulk insert: หน่วยงานราว 80 แห่ง โครงการกระจายหลาย"
        "ปีงบประมาณ ขั้นตอน 10 ขั้นและรายงานรายเดือนต่อโครงการ ตัวชี้วัด และผลประเมินรายไตรมาส "
        "/ Generate scale data with bulk inserts (see projects/demo/scale.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20000)
        parser.add_argument("--agencies", type=int, default=80)
        parser.add_argument(
            "--years", type=int, default=5, help="fiscal years up to the current one"
        )
        parser.add_argument("--seed", default=scale.SEED)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete earlier generated data first (projects with six-digit numbers)",
        )

    def handle(self, *args, projects, agencies, years, seed, batch_size, replace, **options):
        if projects < 1 or agencies < 1 or years < 1:
            raise CommandError("--projects, --agencies and --years must be at least 1")
        started = time.perf_counter()
        existing = scale.generated_projects().count()
        if existing and not replace:
            raise CommandError(
                f"มีโครงการที่สร้างไว้แล้ว {existing} โครงการ / {existing} generated projects "
                "exist already: add --replace to delete them first."
            )
        if existing:
            deleted = scale.delete_generated()
            self.stdout.write(
                f"deleted earlier generated data: {sum(deleted.values())} rows "
                f"({time.perf_counter() - started:.1f} s)"
            )
        report = scale.generate(
            projects=projects,
            agencies=agencies,
            years=years,
            seed=seed,
            batch_size=batch_size,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        for name, count in report.counts.items():
            self.stdout.write(f"  {name}: {count} rows, {report.seconds[name]:.1f} s")
        self.stdout.write(f"  specs (Python, no database): {report.seconds['specs']:.1f} s")
        totals = ", ".join(f"{k} {v}" for k, v in scale.row_counts().items())
        self.stdout.write(self.style.SUCCESS(f"in the database now: {totals}"))
        self.stdout.write(
            self.style.SUCCESS(f"generate_demo took {time.perf_counter() - started:.1f} s")
        )
