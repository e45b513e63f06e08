"""Uploads bounded before they are stored (issue 12, item 8): the one home of the limits on
a request's files, for every page (evidence on the report form, the imports).

``BoundedUploadHandler`` is the first of ``settings.FILE_UPLOAD_HANDLERS``, before Django's
memory and temporary-file handlers, so it sees every request's files before anything is
kept. A page takes no file unless its view says how many and how big, with
``read_body(request, limits)`` before the body is read:

- a file past ``limits.file_bytes`` is cut where it crosses the limit (its bytes are
  still counted, never passed on) and arrives as a ``RefusedUpload`` saying how big it was;
- files past ``limits.files`` arrive as ``RefusedUpload`` without a byte stored;
- once ``limits.total_bytes`` would be passed, the file under way and every later one
  arrive as ``RefusedUpload``: storage never holds more than the total.

The other fields of the form are read as usual, so the form shows a Thai message next to
the file field and keeps what was typed. Only past Django's own
``DATA_UPLOAD_MAX_NUMBER_FILES`` (or ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for the fields) does
Django stop reading the body: ``read_body`` then says which, for the view to answer.

"Before the body is read" means before the CSRF middleware reads it for the token: a view
that takes files is ``csrf_exempt``, calls ``read_body`` after its permission check (so a
person who may not upload gets nothing stored), and checks the token with
``csrf_protect`` on the function that does the work (Django's documented pattern,
"Modifying upload handlers on the fly").
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    files: int  # files per request
    file_bytes: int  # bytes per file
    total_bytes: int  # bytes of all the request's files together


NO_FILES = UploadLimits(files=0, file_bytes=0, total_bytes=0)


def megabytes(size: int) -> str:
    """A limit in MB as people write it: 10, 0.5, 0.25."""
    return f"{size / MB:.2f}".rstrip("0").rstrip(".")


class RefusedUpload(UploadedFile):
    """A file the handler did not keep: its name, its size as sent, why, the limits, and
    its number among the request's files."""

    SIZE, COUNT, TOTAL = "size", "count", "total"
    refused = True

    def __init__(
        self, name: str, size: int, content_type, *, reason: str, limits: UploadLimits, number: int
    ):
        super().__init__(io.BytesIO(b""), name, content_type, size)
        self.reason = reason
        self.limits = limits
        self.number = number

    @property
    def oversized(self) -> bool:
        return self.reason == self.SIZE


def refused(files, reason: str) -> list[RefusedUpload]:
    """The files of a field that the handler refused for ``reason``."""
    return [f for f in files if getattr(f, "refused", False) and f.reason == reason]


def files_sent(too_many: list[RefusedUpload]) -> int:
    """How many files the request brought, from those refused for their number (every
    file past the limit is, so the last of them is the last of the request)."""
    return max(f.number for f in too_many)


class BoundedUploadHandler(FileUploadHandler):
    """See the module's docstring. Built by Django for every request with ``NO_FILES``."""

    def __init__(self, request=None, limits: UploadLimits = NO_FILES):
        super().__init__(request)
        self.limits = limits
        self.count = 0  # files begun
        self.total = 0  # bytes passed on to storage
        self.total_reached = False
        self.received = 0  # bytes of the current file, passed on or not
        self.refusal: str | None = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.count += 1
        self.received = 0
        if self.count > self.limits.files:
            self.refusal = RefusedUpload.COUNT
        elif self.total_reached:
            self.refusal = RefusedUpload.TOTAL
        else:
            self.refusal = None
        if self.refusal:
            raise StopFutureHandlers  # the storage handlers never hear of it

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.refusal:
            return None
        if self.received > self.limits.file_bytes:
            self.refusal = RefusedUpload.SIZE
            return None
        if self.total + len(raw_data) > self.limits.total_bytes:
            self.refusal = RefusedUpload.TOTAL
            self.total_reached = True
            return None
        self.total += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        # Returning a file here ends the file for the handlers after this one: what they
        # were given of a refused file is dropped with their next file or the request.
        if self.refusal:
            return RefusedUpload(
                self.file_name,
                file_size,
                self.content_type,
                reason=self.refusal,
                limits=self.limits,
                number=self.count,
            )
        return None


def accept_files(request, limits: UploadLimits) -> None:
    """Let ``request`` bring files up to ``limits``. AttributeError once the body has been
    read (Django's own check): too late to bound anything."""
    others = [h for h in request.upload_handlers if not isinstance(h, BoundedUploadHandler)]
    request.upload_handlers = [BoundedUploadHandler(request, limits), *others]


TOO_MANY_FILES = "too-many-files"
TOO_MUCH_DATA = "too-much-data"


def read_body(request, limits: UploadLimits) -> str | None:
    """Read the body of ``request`` with ``limits`` on its files. None when it was read;
    TOO_MANY_FILES or TOO_MUCH_DATA when Django refused it (nothing of it is kept then, the
    CSRF token in it neither: the view answers without saving anything)."""
    accept_files(request, limits)
    try:
        request.POST  # noqa: B018 - parses the body (and the files) once
        request.FILES  # noqa: B018
    except TooManyFilesSent:
        return TOO_MANY_FILES
    except RequestDataTooBig:
        return TOO_MUCH_DATA
    return None


def refusal_messages(files) -> list[str]:
    """Thai messages for the files of a field refused for their number or for the total
    (a file refused for its own size is for the field to explain: it knows what the file
    should have been)."""
    messages = []
    if too_many := refused(files, RefusedUpload.COUNT):
        messages.append(
            _("ส่งไฟล์ได้ครั้งละไม่เกิน %(limit)s ไฟล์ (เลือกมา %(count)s ไฟล์)")
            % {"limit": too_many[0].limits.files, "count": files_sent(too_many)}
        )
    if too_much := refused(files, RefusedUpload.TOTAL):
        messages.append(
            _("ไฟล์ที่ส่งรวมกันเกิน %(limit)s MB ต่อครั้ง (ไม่ได้รับ: %(names)s)")
            % {
                "limit": megabytes(too_much[0].limits.total_bytes),
                "names": ", ".join(f.name for f in too_much),
            }
        )
    return messages
