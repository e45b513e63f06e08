import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.services import report_jobs_cleanup


class Command(BaseCommand):
    help = "Delete finished report jobs (and their files) older than BMA_REPORT_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=getattr(settings, "BMA_REPORT_RETENTION_DAYS", 7),
            help="keep reports finished within this many days (default: %(default)s)",
        )

    def handle(self, *args, days, **options):
        removed = report_jobs_cleanup(older_than=dt.timedelta(days=days))
        self.stdout.write(f"removed {removed} report job(s)")
