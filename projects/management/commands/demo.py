"""``manage.py demo``: the seed project, demo users (password ``demo``) and demo projects.

Safe to run again and again: the seed fixture is loaded only while the seed project is
missing (so a second `make run` keeps what people changed), and the demo data are created
only where missing (see projects/demo/load.py).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects import thaidates
from projects.demo import load
from projects.models import Project

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"
SEED_PROJECT_CODE = "01000000-2462"


class Command(BaseCommand):
    help = (
        "Load the seed project and create the demo users (password 'demo') and demo "
        "projects of the current and previous fiscal years. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Pretend today is this date (dd/mm/BE or ISO), e.g. 25/11/2569 or 2026-11-25.",
        )

    def handle(self, *args, today=None, verbosity=1, **options):
        day = None
        if today:
            try:
                day = thaidates.parse_date(today)
            except ValueError as error:
                raise CommandError(str(error)) from None
        with transaction.atomic():
            if not Project.objects.filter(code=SEED_PROJECT_CODE).exists():
                call_command("loaddata", str(SEED_FIXTURE), verbosity=verbosity)
            report = load.make_demo(today=day)
        if verbosity:
            for line in load.summary_lines(report):
                self.stdout.write(line)
