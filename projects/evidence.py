"""What an uploaded evidence file really is, read from its bytes, not from its name.

Accepted: PDF, PNG, JPEG, GIF, Office Open XML documents (.docx, .xlsx, .pptx, checked
by the main part declared in [Content_Types].xml) and legacy Office files (.doc, .xls,
.ppt: OLE2 compound files, told apart by the name of their main stream). Anything else
(HTML, SVG, scripts, archives, macro-enabled Office files) is refused. The extension the
person gave must agree with the content.

How many files a report takes and how big (settings ``BMA_EVIDENCE_MAX_FILES``,
``BMA_EVIDENCE_MAX_FILE_BYTES``, ``BMA_UPLOAD_MAX_REQUEST_BYTES``) is enforced while the
request is read (projects/uploads.py), before anything is stored.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from projects import uploads


def upload_limits() -> uploads.UploadLimits:
    """What one save of the report form may bring."""
    return uploads.UploadLimits(
        files=settings.BMA_EVIDENCE_MAX_FILES,
        file_bytes=settings.BMA_EVIDENCE_MAX_FILE_BYTES,
        total_bytes=settings.BMA_UPLOAD_MAX_REQUEST_BYTES,
    )


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
PNG = FileKind("PNG", "image/png", (".png",))
JPEG = FileKind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileKind("GIF", "image/gif", (".gif",))
DOCX = FileKind(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileKind(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
DOC = FileKind("Word 97-2003", "application/msword", (".doc",))
XLS = FileKind("Excel 97-2003", "application/vnd.ms-excel", (".xls",))
PPT = FileKind("PowerPoint 97-2003", "application/vnd.ms-powerpoint", (".ppt",))

ALL_KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, DOC, XLS, PPT)
ACCEPT_ATTRIBUTE = ",".join(ext for kind in ALL_KINDS for ext in kind.extensions)

# Main part of each OOXML kind: (part name, content type of the main part).
_OOXML_MAIN = (
    (
        DOCX,
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    (
        XLSX,
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    (
        PPTX,
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
)
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Directory entries of a compound file hold stream names in UTF-16LE.
_OLE_STREAMS = (
    (DOC, "WordDocument"),
    (XLS, "Workbook"),
    (XLS, "Book"),
    (PPT, "PowerPoint Document"),
)


class EvidenceRejected(ValueError):
    """The file is not accepted; the message is Thai and says why."""


def identify(uploaded) -> FileKind:
    """The kind of ``uploaded`` (a Django UploadedFile), or EvidenceRejected."""
    limit = settings.BMA_EVIDENCE_MAX_FILE_BYTES
    if uploaded.size > limit:
        raise EvidenceRejected(
            _("ไฟล์ %(name)s มีขนาด %(size)s MB เกินกำหนด %(limit)s MB ต่อไฟล์")
            % {
                "name": uploaded.name,
                "size": f"{uploaded.size / uploads.MB:.1f}",
                "limit": uploads.megabytes(limit),
            }
        )
    if uploaded.size == 0:
        raise EvidenceRejected(_("ไฟล์ %(name)s ว่างเปล่า") % {"name": uploaded.name})
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    kind = _kind_from_content(head, uploaded)
    uploaded.seek(0)
    if kind is None:
        raise EvidenceRejected(
            _(
                "ไฟล์ %(name)s ไม่ใช่ชนิดที่รับได้ "
                "(รับเฉพาะ PDF, รูปภาพ PNG/JPEG/GIF และไฟล์ Word, Excel, PowerPoint)"
            )
            % {"name": uploaded.name}
        )
    extension = PurePath(uploaded.name).suffix.lower()
    if extension not in kind.extensions:
        raise EvidenceRejected(
            _(
                "นามสกุลของไฟล์ %(name)s ไม่ตรงกับเนื้อหาไฟล์ "
                "(เนื้อหาเป็นไฟล์ %(label)s ควรใช้นามสกุล %(extension)s)"
            )
            % {"name": uploaded.name, "label": kind.label, "extension": kind.extension}
        )
    return kind


def _kind_from_content(head: bytes, uploaded) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(uploaded)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(uploaded.read())
    return None


def _ooxml_kind(uploaded) -> FileKind | None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    for kind, part, main_type in _OOXML_MAIN:
        declared = re.search(
            r'PartName="/' + re.escape(part) + r'"\s+ContentType="([^"]+)"', content_types
        ) or re.search(
            r'ContentType="([^"]+)"\s+PartName="/' + re.escape(part) + r'"', content_types
        )
        if part in names and declared and declared.group(1) == main_type:
            return kind
    return None


def _ole_kind(data: bytes) -> FileKind | None:
    for kind, stream in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return kind
    return None
