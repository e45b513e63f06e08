"""Archive bombs: small zip files whose parts unpack to hundreds of megabytes (issue 12).

A bomb's big part is ``head``, one ``unit`` repeated, ``tail``. It is deflated without
ever being held unpacked: the repeated chunk is compressed once after a full flush (which
makes each copy of its compressed form the same bytes), and the copies are joined. So a
400 MB part costs a second (its CRC), not a 400 MB buffer and ten seconds of deflate.
They are built once per process (``functools.cache``); the tests and
benchmarks/bench_archives.py use the same files.

- ``docx_bomb``: a .docx of a few hundred kilobytes whose ``[Content_Types].xml``
  unpacks to 400 MB (the finding: 408 KB, accepted as evidence, the worker went from
  116 MB to 936 MB);
- ``shared_strings_bomb``, ``styles_bomb``, ``sheet_bomb``: annual-plan workbooks made
  from the system's own template with one part that unpacks to 150–190 MB (the
  finding: a 461 KB workbook with 190 MB of shared strings, 96.5 s and 1.1 GB to
  preview);
- ``many_parts_zip``: a zip of 110,000 empty parts (a directory bomb);
- ``distinct_shared_strings``: not a bomb, the costliest workbook still read (for the
  benchmark);
- ``lying_zip``: one part whose directory declares fewer bytes than it holds.
"""

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024

CONTENT_TYPES_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
)
DOCX_MAIN = (
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


@dataclass(frozen=True)
class Repeated:
    """A part's content: ``head``, ``unit`` repeated to about ``size`` bytes, ``tail``."""

    head: bytes
    unit: bytes
    size: int
    tail: bytes
    # What the zip's headers say the part holds (the size, and the CRC of that prefix).
    declared: int | None = None

    def deflate(self) -> tuple[bytes, int, int]:
        """(raw deflate stream, CRC-32, unpacked size)."""
        chunk = self.unit * max(1, 8 * MB // len(self.unit))
        middle = max(0, self.size - len(self.head) - len(self.tail))
        copies = middle // len(chunk)
        rest = self.unit * ((middle - copies * len(chunk)) // len(self.unit)) + self.tail
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = compressor.compress(self.head) + compressor.flush(zlib.Z_FULL_FLUSH)
        block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        assert block == again, "a full flush should make each copy compress the same"
        tail = compressor.compress(rest) + compressor.flush()
        crc = zlib.crc32(self.head)
        for _ in range(copies):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(rest, crc)
        size = len(self.head) + len(chunk) * copies + len(rest)
        if self.declared is not None:
            prefix = self.head + self.unit * (self.declared // len(self.unit) + 1)
            crc, size = zlib.crc32(prefix[: self.declared]), self.declared
        # ``block`` was made twice to check it; the stream holds head, copies, tail.
        return head + block * copies + tail, crc, size


def _zip(parts: dict[str, bytes | Repeated]) -> bytes:
    """A zip of ``parts``; Repeated parts deflated as above, the others by zipfile."""
    out = io.BytesIO()
    directory = []
    for name, content in parts.items():
        encoded = name.encode()
        method = 8  # deflate; an empty part is stored (0)
        if isinstance(content, Repeated):
            body, crc, size = content.deflate()
        elif content:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            body = compressor.compress(content) + compressor.flush()
            crc, size = zlib.crc32(content), len(content)
        else:
            body, crc, size, method = b"", 0, 0, 0
        offset = out.tell()
        fields = (20, 0, method, 0, 0x5C21, crc, len(body), size, len(encoded), 0)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + body)
        directory.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                *fields[:-1],
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(directory))
    count, size = len(directory), out.tell() - start
    if count > 0xFFFF:  # the count is in the zip64 end record only
        record = out.tell()
        out.write(
            struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start)
        )
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, record, 1))
        count = 0xFFFF
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


@functools.cache
def docx_bomb(unpacked: int = 400 * MB) -> bytes:
    """A Word file whose content types part is ``unpacked`` bytes of blanks."""
    return _zip(
        {
            "[Content_Types].xml": Repeated(
                CONTENT_TYPES_HEAD + DOCX_MAIN, b" ", unpacked, b"</Types>"
            ),
            "word/document.xml": b"<w:document/>",
        }
    )


@functools.cache
def workbook_bomb(part: str, content: Repeated, override: bytes = b"") -> bytes:
    """The plan template with ``part`` replaced (or added, and listed in the content
    types by ``override``) by ``content``."""
    from projects.imports import workbook_write

    template = zipfile.ZipFile(io.BytesIO(workbook_write.template_workbook()))
    parts: dict[str, bytes | Repeated] = {}
    for info in template.infolist():
        data = template.read(info)
        if info.filename == "[Content_Types].xml" and override:
            data = data.replace(b"</Types>", override + b"</Types>")
        parts[info.filename] = data
    parts[part] = content
    return _zip(parts)


def shared_strings_bomb(unpacked: int = 190 * MB) -> bytes:
    """Shared strings of ``unpacked`` bytes of ``<si><t>ab</t></si>``: every string a new
    Python object when openpyxl reads it (the finding: 96.5 s and 1.1 GB)."""
    return workbook_bomb(
        "xl/sharedStrings.xml",
        Repeated(
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b"<si><t>ab</t></si>",
            unpacked,
            b"</sst>",
        ),
        SHARED_STRINGS_TYPE,
    )


@functools.cache
def distinct_shared_strings(unpacked: int) -> bytes:
    """Not a bomb: shared strings of ``unpacked`` bytes of short strings that all differ
    (``<si><t>1a</t></si>``, ``<si><t>1b</t></si>``…), which compress only a few times.
    Just under the part limit, this is the costliest workbook the reader still parses."""
    from projects.imports import workbook_write

    template = zipfile.ZipFile(io.BytesIO(workbook_write.template_workbook()))
    parts = []
    size, number = 0, 0
    while size < unpacked - 64:
        item = b"<si><t>%x</t></si>" % number
        parts.append(item)
        size += len(item)
        number += 1
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    strings = head + b"".join(parts)[: unpacked - len(head) - 6].rsplit(b"<si>", 1)[0] + b"</sst>"
    contents: dict[str, bytes | Repeated] = {}
    for info in template.infolist():
        data = template.read(info)
        if info.filename == "[Content_Types].xml":
            data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
        contents[info.filename] = data
    contents["xl/sharedStrings.xml"] = strings
    return _zip(contents)


def styles_bomb(unpacked: int = 150 * MB) -> bytes:
    """A stylesheet of ``unpacked`` bytes of cell formats: openpyxl builds an object for
    each, even in read-only mode."""
    return workbook_bomb(
        "xl/styles.xml",
        Repeated(
            b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<fonts count="1"><font><sz val="11"/></font></fonts>'
            b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            b'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            b"<cellXfs>",
            b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
            unpacked,
            b"</cellXfs></styleSheet>",
        ),
    )


def sheet_bomb(unpacked: int = 150 * MB) -> bytes:
    """The projects sheet as one cell of ``unpacked`` bytes of blanks."""
    return workbook_bomb(
        "xl/worksheets/sheet2.xml",
        Repeated(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
            b" ",
            unpacked,
            b"</t></is></c></row></sheetData></worksheet>",
        ),
    )


@functools.cache
def many_parts_zip(parts: int = 110_000) -> bytes:
    """A .docx-looking zip of ``parts`` empty parts: its directory alone is ~9 MB, which
    zipfile turns into ~60 MB of Python objects before anything is read."""
    contents: dict[str, bytes | Repeated] = {
        "[Content_Types].xml": CONTENT_TYPES_HEAD + DOCX_MAIN + b"</Types>",
        "word/document.xml": b"<w:document/>",
    }
    contents.update({f"{number:x}": b"" for number in range(parts)})
    return _zip(contents)


def lying_zip(name: str, real: int, declared: int) -> bytes:
    """One part of ``real`` blanks whose local header and directory both declare
    ``declared`` bytes (with the CRC of the declared bytes: a lie told carefully)."""
    return _zip({name: Repeated(b"", b" ", real, b"", declared=declared)})
