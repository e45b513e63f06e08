from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bmaprogress import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc for PostgreSQL, SQLite's backup API for SQLite) "
        "and MEDIA_ROOT into backups/ (or --dir)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="folder for the backup (default backups/)")

    def handle(self, *args, **options):
        try:
            made = backup.backup_create(directory=options["dir"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"สำรองข้อมูลแล้ว backup written: {made.describe()}")
