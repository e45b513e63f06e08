"""`manage.py backup` / `manage.py restore` (make backup / make restore) round-trip the
data exactly, on the database the suite runs on (SQLite, or PostgreSQL with pg_dump -Fc /
pg_restore): every table's rows, sequences included, and the uploaded files."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from projects.demo import load
from projects.models import Agency, EvidenceFile, ProgressEntry, Project, User
from tests.factories import EvidenceFileFactory, ProgressEntryFactory, UserFactory

TODAY = dt.date(2026, 3, 15)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


@pytest.fixture
def data(transactional_db, media):
    """The demo data (users, projects, steps, entries, evaluations, history rows), an
    evidence file on disk, a failed-login record and a queued task."""
    load.make_demo(today=TODAY)
    EvidenceFileFactory(
        entry=ProgressEntryFactory(),
        file=ContentFile("%PDF-1.4\nหลักฐาน\n%%EOF\n".encode(), name="e.pdf"),
    )
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="somchai", ip_address="10.0.0.1", user_agent="t", failures_since_start=2
    )
    from reports import tasks

    tasks.cleanup_reports.enqueue()


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_backup_then_restore_gives_back_every_row_and_file(data, media, tmp_path):
    folder = tmp_path / "backups"
    before = snapshot()
    assert len(before["projects_project"]) >= 5 and before["projects_progressentry"]
    evidence = EvidenceFile.objects.get()
    evidence_bytes = (media / evidence.file.name).read_bytes()

    out = run("backup", "--dir", str(folder))
    assert "backup written" in out
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    (dump,) = folder.glob(f"bma-*{suffix}")
    assert dump.with_name(dump.stem + ".media.tar").is_file()

    # Changes after the backup: rows deleted, changed and added, a file removed.
    ProgressEntry.objects.filter(pk__in=ProgressEntry.objects.values("pk")[:3]).delete()
    User.objects.filter(username="staff").update(first_name="เปลี่ยนหลังสำรอง")
    Agency.objects.create(code="99990000", name="หน่วยงานที่เพิ่มหลังสำรอง")
    UserFactory(username="after-backup")
    (media / evidence.file.name).unlink()
    assert snapshot() != before

    run("restore", str(dump), "--noinput", "--dir", str(folder))
    after = snapshot()
    differing = [table for table in before if before[table] != after.get(table)]
    assert differing == []
    assert after.keys() == before.keys()
    assert (media / evidence.file.name).read_bytes() == evidence_bytes
    # The state before the restore was kept aside, not over the newest backup.
    assert list((folder / "before-restore").glob(f"bma-*{suffix}"))
    assert sorted(folder.glob(f"bma-*{suffix}")) == [dump]

    # Sequences came back too: a new row gets a fresh key, not one the restore brought back.
    highest = Project.objects.order_by("-pk").values_list("pk", flat=True).first()
    new = Agency.objects.create(code="99980000", name="หน่วยงานใหม่หลังกู้คืน")
    assert new.pk > Agency.objects.exclude(pk=new.pk).order_by("-pk").first().pk
    assert highest == max(row[0] for row in before["projects_project"])


def test_restore_takes_the_newest_backup_by_default(data, tmp_path):
    folder = tmp_path / "backups"
    run("backup", "--dir", str(folder))
    Agency.objects.create(code="99970000", name="หน่วยงานก่อนสำรองครั้งที่สอง")
    run("backup", "--dir", str(folder))
    Agency.objects.filter(code="99970000").delete()
    out = run("restore", "--noinput", "--no-safety-backup", "--dir", str(folder))
    assert "restored from" in out
    assert Agency.objects.filter(code="99970000").exists()


def test_restore_refuses_a_file_of_the_other_database(transactional_db, tmp_path):
    other = ".sqlite3" if connection.vendor == "postgresql" else ".dump"
    bogus = tmp_path / f"bma-20260101-000000{other}"
    bogus.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="is not a backup of a"):
        run("restore", str(bogus), "--noinput", "--no-safety-backup")


def test_restore_without_backups_says_so(transactional_db, tmp_path):
    with pytest.raises(CommandError, match="No backup"):
        run("restore", "--noinput", "--dir", str(tmp_path / "empty"))


def test_restore_asks_before_replacing_everything(data, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    run("backup", "--dir", str(folder))
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Cancelled"):
        run("restore", "--dir", str(folder))
