"""Opening uploaded archives (issue 12, item 1): projects/archives.py and the rule that
every archive read from uploaded data goes through it.

The helper refuses, with a Thai message, before anything is decompressed when the
directory declares too many parts, a part or a total too large, or a part compressed
beyond the ratio limit; while reading, it stops at the limit whatever the directory
said, and at the deadline. ``test_no_archive_is_opened_outside_the_helper`` reads the
application's source: a new ``zipfile.ZipFile(…)`` or ``load_workbook(…)`` on uploaded
data anywhere else fails it.
"""

import ast
import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from projects import archives
from projects.imports import workbook_columns, workbook_write
from tests.hostile import bombs

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
THAI = re.compile(r"[\u0e01-\u0e5b]")

LIMITS = {
    "max_entries": 20,
    "max_entry_bytes": 2 * MB,
    "max_total_bytes": 3 * MB,
    "max_ratio": 100,
}


def make_zip(parts: dict[str, bytes], *, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refusal(data, **limits) -> archives.ArchiveRefused:
    with (
        pytest.raises(archives.ArchiveRefused) as refused,
        archives.open_archive(data, **{**LIMITS, **limits}) as archive,
    ):
        for name in archive.names():
            archive.read(name)
    assert THAI.search(str(refused.value)), str(refused.value)
    return refused.value


def test_a_plain_archive_reads_as_it_is():
    data = make_zip({"a.txt": b"hello", "b/c.xml": b"<c/>" * 1000})
    with archives.open_archive(data, **LIMITS) as archive:
        assert archive.names() == ["a.txt", "b/c.xml"]
        assert "a.txt" in archive and "z" not in archive
        assert archive.read("a.txt") == b"hello"
        assert archive.read("b/c.xml") == b"<c/>" * 1000
        with pytest.raises(KeyError):
            archive.read("z")


def test_a_file_object_is_read_from_where_it_is():
    handle = io.BytesIO(make_zip({"a.txt": b"hello"}))
    with archives.open_archive(handle, **LIMITS) as archive:
        assert archive.read("a.txt") == b"hello"


def test_too_many_parts_are_refused_before_the_directory_is_read(monkeypatch):
    data = make_zip({f"{n}.txt": b"" for n in range(21)})

    def never(*args, **kwargs):
        raise AssertionError("the directory was parsed")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", never)
    refused = refusal(data)
    assert refused.reason == "entries"
    assert str(refused) == "ไฟล์มีส่วนประกอบ 21 ส่วน เกิน 20 ส่วน มากผิดปกติ จึงไม่อ่าน"


def test_a_part_larger_than_the_limit_is_refused_from_the_directory():
    refused = refusal(make_zip({"big.xml": bytes(range(256)) * 12_288}, method=zipfile.ZIP_STORED))
    assert refused.reason == "entry"
    assert str(refused) == ("ส่วน «big.xml» ของไฟล์เมื่อคลายการบีบอัดจะใหญ่ 3 MB เกิน 2 MB ต่อส่วน จึงไม่อ่าน")


def test_the_total_is_refused_from_the_directory():
    parts = {f"{n}.bin": bytes(range(256)) * 4_096 for n in range(4)}
    refused = refusal(make_zip(parts, method=zipfile.ZIP_STORED))
    assert refused.reason == "total"
    assert str(refused) == "ไฟล์นี้เมื่อคลายการบีบอัดจะใหญ่ 4 MB เกิน 3 MB จึงไม่อ่าน"


def test_a_part_compressed_beyond_the_ratio_is_refused():
    refused = refusal(make_zip({"bomb.xml": b" " * (2 * MB - 1)}))
    assert refused.reason == "ratio"
    assert "ส่วน «bomb.xml» ของไฟล์ถูกบีบอัดไว้" in str(refused)
    assert "เกิน 100 เท่า" in str(refused) and "zip bomb" in str(refused)


def test_small_parts_may_compress_well():
    # Below a megabyte the ratio is not held against a part: XML repeats itself.
    data = make_zip({"small.xml": b" " * 900_000})
    with archives.open_archive(data, **LIMITS) as archive:
        assert len(archive.read("small.xml")) == 900_000


def test_a_read_is_capped_below_the_declared_limits():
    data = make_zip({"[Content_Types].xml": b"<Types/>" + b" " * 200_000})
    with (
        archives.open_archive(data, **LIMITS) as archive,
        pytest.raises(archives.ArchiveRefused) as refused,
    ):
        archive.read("[Content_Types].xml", limit=64 * 1024)
    assert refused.value.reason == "entry"
    assert "เกิน 64 KB ต่อส่วน" in str(refused.value)


class EndlessPart(io.RawIOBase):
    """A decompressor that never stops: counts what was asked of it."""

    def __init__(self):
        self.given = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b" " * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def test_reading_stops_at_the_limit_whatever_the_directory_says(monkeypatch):
    # zipfile itself stops at the size the directory declares; the helper does not rely
    # on it: whatever a part's stream gives, it takes at most the limit and a chunk.
    data = make_zip({"part.xml": b"<x/>"})
    endless = EndlessPart()
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: endless)
    with archives.open_archive(data, **LIMITS) as archive:
        with pytest.raises(archives.ArchiveRefused) as refused:
            archive.read("part.xml")
        assert refused.value.reason == "overflow"
        assert "มากกว่าที่ไฟล์ระบุไว้" in str(refused.value)
        assert endless.given <= LIMITS["max_entry_bytes"] + 1024 * 1024
        # Once refused, the archive reads nothing more.
        with pytest.raises(archives.ArchiveRefused):
            archive.read("part.xml")


def test_a_directory_that_understates_a_part_gives_only_what_it_declared():
    data = bombs.lying_zip("part.xml", real=8 * MB, declared=1000)
    with archives.open_archive(data, **LIMITS) as archive:
        assert archive.read("part.xml") == b" " * 1000


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not a zip", b"", make_zip({"a": b"a"})[:-10]],
    ids=["garbage", "empty", "truncated"],
)
def test_a_damaged_archive_is_refused_as_damaged(data):
    assert refusal(data).reason == "damaged"


def test_a_damaged_part_is_refused_as_damaged():
    data = bytearray(make_zip({"a.xml": b"<a>" + bytes(range(256)) * 100 + b"</a>"}))
    start = data.index(b"a.xml") + len("a.xml") + 10
    data[start : start + 20] = b"\xff" * 20
    assert refusal(bytes(data)).reason == "damaged"


def test_a_password_protected_part_is_refused():
    data = bytearray(make_zip({"secret.xml": b"<a/>"}))
    # Set the "encrypted" flag in the local header and in the directory.
    data[6] |= 1
    directory = data.index(b"PK\x01\x02")
    data[directory + 8] |= 1
    refused = refusal(bytes(data))
    assert refused.reason == "encrypted"
    assert "รหัสผ่าน" in str(refused)


class Clock:
    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_reading_stops_at_the_deadline():
    data = make_zip({"slow.xml": bytes(range(256)) * 4_000})
    deadline = archives.Deadline(5, clock=Clock(step=1))
    with (
        archives.open_archive(data, **LIMITS, deadline=deadline) as archive,
        archive.open("slow.xml") as part,
        pytest.raises(archives.ArchiveRefused) as refused,
    ):
        while part.read(1024):
            pass
    assert refused.value.reason == "time"
    assert str(refused.value) == "อ่านไฟล์นานเกิน 5 วินาที จึงหยุดอ่าน"


def test_a_workbook_is_read_through_the_bounded_parts(monkeypatch):
    opened = []
    real_open = archives.SafeArchive.open

    def spy(self, name, **kwargs):
        opened.append(name)
        return real_open(self, name, **kwargs)

    monkeypatch.setattr(archives.SafeArchive, "open", spy)
    data = workbook_write.template_workbook()
    with archives.open_archive(data, **LIMITS) as archive:
        book = archives.load_workbook(archive)
        sheet = book[workbook_columns.PROJECT_SHEET]
        assert next(sheet.iter_rows(values_only=True))[0] == "รหัสโครงการ *"
        book.close()
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"} <= set(opened)
    assert "xl/worksheets/sheet2.xml" in opened


def test_a_refusal_inside_openpyxl_comes_out_as_it_is():
    # openpyxl wraps the ValueErrors of its parsers; a refusal is not one of them.
    data = bombs.shared_strings_bomb(unpacked=MB)
    deadline = archives.Deadline(20, clock=Clock(step=1))
    with (
        archives.open_archive(data, **LIMITS, deadline=deadline) as archive,
        pytest.raises(archives.ArchiveRefused) as refused,
    ):
        archives.load_workbook(archive)
    assert refused.value.reason == "time"


def test_part_names_in_messages_are_short_and_printable():
    name = "x\u202e\n" + "ก" * 300 + ".xml"
    refused = refusal(make_zip({name: b"a" * (3 * MB)}, method=zipfile.ZIP_STORED))
    message = str(refused)
    assert "\u202e" not in message and "\n" not in message
    assert len(message) < 250


# --- every archive goes through the helper -----------------------------------------------

# Calls that open an archive or decompress bytes. Outside projects/archives.py they may
# only appear in this list of exceptions, each with the reason it is not uploaded data.
OPENERS = {
    "zipfile.ZipFile",
    "zipfile.PyZipFile",
    "zipfile.Path",
    "openpyxl.load_workbook",
    "openpyxl.reader.excel.load_workbook",
    "openpyxl.reader.excel.ExcelReader",
    "tarfile.open",
    "tarfile.TarFile",
    "shutil.unpack_archive",
    "gzip.open",
    "gzip.GzipFile",
    "gzip.decompress",
    "bz2.open",
    "bz2.BZ2File",
    "bz2.decompress",
    "lzma.open",
    "lzma.LZMAFile",
    "lzma.decompress",
    "zlib.decompress",
    "zlib.decompressobj",
}
ALLOWED = {
    ("projects/archives.py", "*"): "the helper itself",
    ("bmaprogress/backup.py", "tarfile.open"): (
        "manage.py restore: the operator's own backup of MEDIA_ROOT, never uploaded"
    ),
}
WRITE_MODES = {"w", "a", "x"}
SKIPPED = {"tests", "benchmarks", "node_modules", "staticfiles", "media"}


def _imports(tree) -> dict[str, str]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node, names) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(names.get(node.id, node.id))
    return ".".join(reversed(parts))


def _writes(call: ast.Call) -> bool:
    """ZipFile(file, "w"), tarfile.open(path, mode="w:gz"): writing our own archive."""
    modes = [*call.args[1:2], *(k.value for k in call.keywords if k.arg == "mode")]
    return any(isinstance(m, ast.Constant) and str(m.value)[:1] in WRITE_MODES for m in modes)


def openers_in(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    names = _imports(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func, names)
            if name in OPENERS and not (
                name.startswith(("zipfile.", "tarfile.")) and _writes(node)
            ):
                found.append((node.lineno, name))
    return found


def application_files() -> list[Path]:
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [s for s in subfolders if s not in SKIPPED and not s.startswith(".")]
        files += [Path(folder) / name for name in names if name.endswith(".py")]
    return sorted(files)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import zipfile\nzipfile.ZipFile(data)", [(2, "zipfile.ZipFile")]),
        ("from zipfile import ZipFile as Z\nZ(data, 'r')", [(2, "zipfile.ZipFile")]),
        ("import zipfile\nzipfile.ZipFile(buffer, 'w')", []),
        ("import zipfile\nzipfile.ZipFile(buffer, mode='a')", []),
        ("from openpyxl import load_workbook\nload_workbook(f)", [(2, "openpyxl.load_workbook")]),
        ("import openpyxl as o\no.load_workbook(f)", [(2, "openpyxl.load_workbook")]),
        ("import tarfile\ntarfile.open(f)", [(2, "tarfile.open")]),
        ("import tarfile\ntarfile.open(f, 'w')", []),
        ("import gzip\ngzip.decompress(b)", [(2, "gzip.decompress")]),
    ],
)
def test_the_source_check_finds_archive_openers(source, expected):
    assert openers_in(source) == expected


def test_no_archive_is_opened_outside_the_helper():
    files = application_files()
    assert ROOT / "projects" / "evidence.py" in files and ROOT / "manage.py" in files
    assert ROOT / "projects" / "imports" / "workbook_read.py" in files
    found, allowed_seen = [], set()
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        for line, name in openers_in(path.read_text(encoding="utf-8")):
            key = next((k for k in ((relative, name), (relative, "*")) if k in ALLOWED), None)
            if key:
                allowed_seen.add(key)
            else:
                found.append(f"{relative}:{line} {name}")
    assert not found, (
        "Archives from uploaded data are opened through projects/archives.py "
        "(open_archive, load_workbook), which bounds what is read: " + ", ".join(found)
    )
    # An exception that no longer matches anything is removed from ALLOWED.
    assert allowed_seen == set(ALLOWED), set(ALLOWED) - allowed_seen
