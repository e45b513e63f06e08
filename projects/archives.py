"""Opening uploaded zip archives (Office files, workbooks) without trusting them (issue 12).

Every archive read from uploaded data is opened here, through ``open_archive``; a test
(tests/test_archives.py) reads the application's source and fails on any other
``zipfile.ZipFile(…)`` or ``load_workbook(…)``. A small zip can unpack to gigabytes (a
408 KB .docx held a 400 MB part), so nothing is believed and nothing is read whole:

- before the directory is parsed, the parts are counted (``max_entries``): zipfile
  builds an object per part, and 10 MB of directory is 110,000 of them;
- from the directory, before anything is decompressed: each part's size
  (``max_entry_bytes``), the sum of all (``max_total_bytes``), and each part's ratio of
  unpacked to packed size (``max_ratio``, for parts over ``RATIO_FROM_BYTES``: XML
  compresses well, a bomb compresses a thousand times);
- while reading: a part is read in chunks and refused as soon as it passes its limit,
  whatever the directory declared; the bytes read from the whole archive are counted
  against ``max_total_bytes``; and an optional ``Deadline`` is checked at every chunk.

``load_workbook`` hands openpyxl a zip whose every part is opened this way, so a
workbook's shared strings, styles and sheets are bounded as they are parsed, not after.

Refusals are ``ArchiveRefused``, with a Thai message and a ``reason`` (``entries``,
``total``, ``entry``, ``ratio``, ``overflow``, ``time``, ``damaged``, ``encrypted``).
Once refused, an archive refuses every further read. Pure: no request, no cache.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

KB = 1024
MB = 1024 * KB
# Parts smaller than this may compress as well as they like.
RATIO_FROM_BYTES = MB
_CHUNK = 64 * KB
# Every part's entry in a zip's central directory starts with this signature.
_DIRECTORY_ENTRY = b"PK\x01\x02"
# An archive with no parts: what openpyxl's reader is built on before it is given ours.
_EMPTY_ZIP = b"PK\x05\x06" + bytes(18)


class ArchiveRefused(Exception):
    """The archive, or one of its parts, is not read: the message is Thai and says why."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


def _size(count: int) -> str:
    """2 MB, 1.5 MB, 64 KB: one decimal where it says something."""
    unit, name = (MB, "MB") if count >= MB else (KB, "KB")
    return f"{count / unit:,.1f}".removesuffix(".0") + f" {name}"


def _shown(name: str) -> str:
    """A part's name as a message may show it: printable and short."""
    name = "".join(ch if ch.isprintable() else "?" for ch in name)
    return name if len(name) <= 60 else name[:59] + "…"


class Deadline:
    """A point in time after which reading stops (``check`` raises ArchiveRefused)."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.at = clock() + seconds

    def check(self) -> None:
        if self.clock() > self.at:
            raise ArchiveRefused(
                _("อ่านไฟล์นานเกิน %(seconds)s วินาที จึงหยุดอ่าน") % {"seconds": f"{self.seconds:,g}"},
                reason="time",
            )


def open_archive(
    source: bytes | BinaryIO,
    *,
    max_entries: int,
    max_entry_bytes: int,
    max_total_bytes: int,
    max_ratio: int,
    deadline: Deadline | None = None,
) -> SafeArchive:
    """The zip in ``source`` (bytes, or a seekable binary file such as an UploadedFile),
    or ArchiveRefused when its directory already breaks a limit or it is no zip at all."""
    return SafeArchive(
        source,
        max_entries=max_entries,
        max_entry_bytes=max_entry_bytes,
        max_total_bytes=max_total_bytes,
        max_ratio=max_ratio,
        deadline=deadline,
    )


def _damaged() -> ArchiveRefused:
    return ArchiveRefused(_("ไฟล์เสียหายหรือไม่ครบ (เปิดเป็นไฟล์ zip ไม่ได้)"), reason="damaged")


def _count_directory_entries(handle: BinaryIO) -> int:
    """At least the number of parts in the directory, without parsing it: every entry
    starts with a signature, which elsewhere in the file appears only by chance."""
    handle.seek(0)
    count, tail = 0, b""
    while chunk := handle.read(MB):
        block = tail + chunk
        count += block.count(_DIRECTORY_ENTRY)
        tail = block[-3:]  # a signature cut in two by the chunks is counted next time
    handle.seek(0)
    return count


class SafeArchive:
    """An open zip with limits; see the module docstring. Use as a context manager."""

    def __init__(
        self,
        source: bytes | BinaryIO,
        *,
        max_entries: int,
        max_entry_bytes: int,
        max_total_bytes: int,
        max_ratio: int,
        deadline: Deadline | None = None,
    ):
        self.max_entries = max_entries
        self.max_entry_bytes = max_entry_bytes
        self.max_total_bytes = max_total_bytes
        self.max_ratio = max_ratio
        self.deadline = deadline
        self.refused: ArchiveRefused | None = None
        self.bytes_read = 0
        handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        parts = _count_directory_entries(handle)
        if parts > max_entries:
            self._refuse(
                _("ไฟล์มีส่วนประกอบ %(count)s ส่วน เกิน %(limit)s ส่วน มากผิดปกติ จึงไม่อ่าน")
                % {"count": f"{parts:,}", "limit": f"{max_entries:,}"},
                "entries",
            )
        try:
            self._zip = _BoundedZipFile(handle, self)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            self._refuse_with(_damaged())
        self._infos = {info.filename: info for info in self._zip.infolist()}
        try:
            self._check_directory()
        except ArchiveRefused:
            self.close()
            raise

    # --- the directory ---------------------------------------------------------------

    def _check_directory(self) -> None:
        infos = self._zip.infolist()
        total = sum(info.file_size for info in infos)
        if total > self.max_total_bytes:
            self._refuse(
                _("ไฟล์นี้เมื่อคลายการบีบอัดจะใหญ่ %(size)s เกิน %(limit)s จึงไม่อ่าน")
                % {"size": _size(total), "limit": _size(self.max_total_bytes)},
                "total",
            )
        for info in infos:
            self._check_declared(info, self.max_entry_bytes)
            if info.file_size > RATIO_FROM_BYTES and info.file_size > self._ratio_cap(info):
                ratio = info.file_size / max(info.compress_size, 1)
                self._refuse(
                    _(
                        "ส่วน «%(name)s» ของไฟล์ถูกบีบอัดไว้ %(ratio)s เท่า (เกิน %(limit)s เท่า) "
                        "ซึ่งผิดปกติ ไฟล์ลักษณะนี้ทำให้ระบบใช้หน่วยความจำมากเกินไป (zip bomb) จึงไม่อ่าน"
                    )
                    % {
                        "name": _shown(info.filename),
                        "ratio": f"{ratio:,.0f}",
                        "limit": f"{self.max_ratio:,}",
                    },
                    "ratio",
                )

    def _check_declared(self, info: zipfile.ZipInfo, limit: int) -> None:
        if info.file_size > limit:
            self._refuse(
                _("ส่วน «%(name)s» ของไฟล์เมื่อคลายการบีบอัดจะใหญ่ %(size)s เกิน %(limit)s ต่อส่วน จึงไม่อ่าน")
                % {
                    "name": _shown(info.filename),
                    "size": _size(info.file_size),
                    "limit": _size(limit),
                },
                "entry",
            )

    def _ratio_cap(self, info: zipfile.ZipInfo) -> int:
        return max(RATIO_FROM_BYTES, info.compress_size * self.max_ratio)

    def _refuse(self, message: str, reason: str):
        self._refuse_with(ArchiveRefused(message, reason=reason))

    def _refuse_with(self, refused: ArchiveRefused):
        self.refused = self.refused or refused
        raise refused

    # --- reading ---------------------------------------------------------------------

    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        """The unpacked size the directory declares for ``name``."""
        return self._infos[name].file_size

    def open(self, name: str, *, limit: int | None = None) -> BinaryIO:
        """Part ``name`` as a binary file that refuses to give more than its limit:
        ``limit`` when given and smaller, else ``max_entry_bytes``, and never more than
        the ratio allows. KeyError when there is no such part."""
        if self.refused:
            raise self.refused
        info = self._infos[name]
        limit = min(limit or self.max_entry_bytes, self.max_entry_bytes)
        self._check_declared(info, limit)
        cap = min(limit, self._ratio_cap(info))
        try:
            raw = zipfile.ZipFile.open(self._zip, info)
        except RuntimeError:  # zipfile's "File is encrypted, password required"
            self._refuse(_("ไฟล์ถูกตั้งรหัสผ่านไว้ ระบบเปิดไม่ได้ กรุณาบันทึกใหม่โดยไม่ตั้งรหัสผ่าน"), "encrypted")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error):
            self._refuse_with(_damaged())
        return io.BufferedReader(_BoundedPart(self, raw, info, cap), buffer_size=_CHUNK)

    def read(self, name: str, *, limit: int | None = None) -> bytes:
        """The whole of part ``name``, read in chunks up to its limit (see ``open``)."""
        with self.open(name, limit=limit) as part:
            return part.read()

    def _took(self, info: zipfile.ZipInfo, cap: int, count: int, part_total: int) -> None:
        """``count`` more bytes came out of part ``info`` (``part_total`` so far)."""
        self.bytes_read += count
        if part_total > cap:
            self._refuse(
                _(
                    "ส่วน «%(name)s» ของไฟล์คลายการบีบอัดออกมาได้มากกว่าที่ไฟล์ระบุไว้ (เกิน %(limit)s) "
                    "ไฟล์อาจเสียหายหรือถูกดัดแปลง จึงไม่อ่าน"
                )
                % {"name": _shown(info.filename), "limit": _size(cap)},
                "overflow",
            )
        if self.bytes_read > self.max_total_bytes:
            self._refuse(
                _("อ่านข้อมูลจากไฟล์เกิน %(limit)s แล้ว จึงหยุดอ่าน")
                % {"limit": _size(self.max_total_bytes)},
                "total",
            )

    def _tick(self) -> None:
        if self.refused:
            raise self.refused
        if self.deadline is not None:
            try:
                self.deadline.check()
            except ArchiveRefused as refused:
                self._refuse_with(refused)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class _BoundedPart(io.RawIOBase):
    """One part, decompressed chunk by chunk, never more than ``cap`` bytes (and one)."""

    def __init__(self, archive: SafeArchive, raw, info: zipfile.ZipInfo, cap: int):
        self.archive, self.raw, self.info, self.cap = archive, raw, info, cap
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.archive._tick()
        # One byte past the cap is enough to know the part is too big.
        wanted = min(len(buffer), _CHUNK, self.cap - self.count + 1)
        try:
            data = self.raw.read(wanted)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            self.archive._refuse_with(_damaged())
        self.count += len(data)
        self.archive._took(self.info, self.cap, len(data), self.count)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()


class _BoundedZipFile(zipfile.ZipFile):
    """The zip handed to openpyxl: every part it opens (and ``read`` opens) is bounded."""

    def __init__(self, handle: BinaryIO, archive: SafeArchive):
        super().__init__(handle)
        self._bounded_by = archive

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        if mode != "r" or pwd is not None:
            raise ValueError("read only, without password")
        return self._bounded_by.open(name.filename if isinstance(name, zipfile.ZipInfo) else name)


def load_workbook(archive: SafeArchive, *, data_only: bool = True):
    """An openpyxl workbook, read-only, reading every part through ``archive``'s limits.
    openpyxl's ``load_workbook`` opens its own zip; its reader is given ours instead.
    ArchiveRefused comes out as it is (openpyxl only wraps ValueError)."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(
        io.BytesIO(_EMPTY_ZIP), read_only=True, data_only=data_only, keep_links=False
    )
    reader.archive.close()
    reader.archive = archive._zip
    reader.valid_files = archive.names()
    reader.read()
    return reader.wb


class NotAWorkbook(Exception):
    """A zip that is not a workbook openpyxl can read; the message says so in Thai."""


def open_workbook(archive: SafeArchive, *, data_only: bool = True):
    """The workbook in ``archive`` (load_workbook), or NotAWorkbook with the Thai message
    every upload page shows: the one check of the importers (plan, month, strategy tree)
    that a zip is an .xlsx and opens. ArchiveRefused (a limit) comes out as it is."""
    if "xl/workbook.xml" not in archive:
        raise NotAWorkbook(_("ไฟล์ zip นี้ไม่ใช่ไฟล์ Excel (.xlsx) (ไม่พบ xl/workbook.xml)"))
    try:
        return load_workbook(archive, data_only=data_only)
    except ArchiveRefused:
        raise
    except Exception:  # openpyxl raises many kinds for damaged files
        if archive.refused:
            raise archive.refused from None
        logger.info("the workbook could not be opened", exc_info=True)
        raise NotAWorkbook(
            _(
                "เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหายหรือไม่ได้บันทึกจาก Excel "
                "กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"
            )
        ) from None
