"""``manage.py cleanup_imports``: remove uploaded import batches (MEDIA_ROOT/imports/) older
than settings.BMA_IMPORT_BATCH_MAX_AGE that were never confirmed. Uploads clean up too;
this is for a nightly cron."""

from django.core.management.base import BaseCommand

from projects.imports import batches


class Command(BaseCommand):
    help = "ลบไฟล์นำเข้าที่อัปโหลดไว้แต่ไม่ได้ยืนยันและเกินเวลาที่กำหนด"

    def handle(self, *args, **options):
        removed = batches.cleanup()
        if options["verbosity"]:
            self.stdout.write(f"ลบชุดไฟล์นำเข้าที่หมดอายุแล้ว {removed} ชุด")
