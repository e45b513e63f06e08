"""``manage.py demo``: the seed project, demo users (password ``demo``) and demo projects.

Safe to run again and again: the seed fixture is loaded only while the seed project is
missing (so a second `make run` keeps what people changed), and the demo data are created
only where missing (see projects/demo/load.py).

Refused with production settings (DJANGO_ENV=production): the users it makes have the
password "demo" and one of them is a superuser. ``--force-demo-users-in-production`` runs it
anyway, for a test server that runs the production profile (benchmarks/soak.py).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects import thaidates
from projects.demo import load, vocabulary
from projects.models import Project

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"
SEED_PROJECT_CODE = "01000000-2462"
FORCE_FLAG = load.FORCE_FLAG


def demo_user_names() -> str:
    return ", ".join(user.username for user in vocabulary.demo_users())


class Command(BaseCommand):
    help = (
        "Load the seed project and create the demo users (password 'demo') and demo "
        "projects of the current and previous fiscal years. Idempotent. Refused with "
        f"DJANGO_ENV=production unless {FORCE_FLAG} is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Pretend today is this date (dd/mm/BE or ISO), e.g. 25/11/2569 or 2026-11-25.",
        )
        parser.add_argument(
            FORCE_FLAG,
            action="store_true",
            help=(
                "Run even with DJANGO_ENV=production: creates the users "
                f'{demo_user_names()} with the password "demo" (admin is a superuser), '
                "which anyone can log in with. Only for a test server."
            ),
        )

    def handle(
        self, *args, today=None, force_demo_users_in_production=False, verbosity=1, **options
    ):
        try:  # first: not even the database is touched
            load.refuse_in_production(force=force_demo_users_in_production)
        except load.RefusedInProduction as refused:
            raise CommandError(str(refused)) from None
        if settings.PRODUCTION:
            self.stderr.write(
                f"{FORCE_FLAG}: creating the users {demo_user_names()} with the password "
                '"demo" on a database with production settings.'
            )
        day = None
        if today:
            try:
                day = thaidates.parse_date(today)
            except ValueError as error:
                raise CommandError(str(error)) from None
        with transaction.atomic():
            if not Project.objects.filter(code=SEED_PROJECT_CODE).exists():
                call_command("loaddata", str(SEED_FIXTURE), verbosity=verbosity)
            report = load.make_demo(today=day, force_in_production=force_demo_users_in_production)
        if verbosity:
            for line in load.summary_lines(report):
                self.stdout.write(line)
