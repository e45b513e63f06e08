from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bmaprogress import backup


class Command(BaseCommand):
    help = (
        "Put the database and MEDIA_ROOT back as a backup has them (the newest in backups/ "
        "unless a file is given). Stop the web server and the workers first. The current "
        "state is backed up first into backups/before-restore/, unless --no-safety-backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, help="a bma-*.dump or bma-*.sqlite3")
        parser.add_argument("--dir", type=Path, help="folder of backups (default backups/)")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--no-safety-backup", action="store_false", dest="safety_backup")
        parser.add_argument("--no-media", action="store_false", dest="media")

    def handle(self, *args, **options):
        try:
            path = options["path"] or backup.backup_latest(directory=options["dir"])
            if options["interactive"]:
                answer = input(
                    f"Replace ALL data of this database with {path}? "
                    "ข้อมูลปัจจุบันจะถูกแทนที่ทั้งหมด พิมพ์ yes เพื่อยืนยัน: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Cancelled (ยกเลิก).")
            if options["safety_backup"]:
                folder = (options["dir"] or backup.backup_dir()) / "before-restore"
                before = backup.backup_create(directory=folder)
                self.stdout.write(f"ข้อมูลก่อนกู้คืน the data before: {before.describe()}")
            backup.backup_restore(path=path, media=options["media"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"กู้คืนข้อมูลแล้ว restored from {path}")
