"""Reading the strategy tree's workbook (issue 18): the first sheet, a header row with the
columns ระดับ, รหัส, ชื่อ, รหัสแม่ (any order; other columns are ignored), one node a row.

Bounded as the annual-plan workbook is (projects/imports/workbook_read.py): the size and
first bytes are checked first (``workbook_read.check_file``), the zip is opened only
through projects/archives.py with limits on its parts, openpyxl reads in read-only mode on
cached values, at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns, until a deadline.
Never raises for bad input: what cannot be read is a problem with its row and column.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from projects import archives
from projects.imports import workbook_read
from projects.imports.workbook_columns import normal_header, read_text
from projects.strategy_services import NodeRow, RowError

logger = logging.getLogger(__name__)

COLUMNS = {"ระดับ": "level", "รหัส": "code", "ชื่อ": "name", "รหัสแม่": "parent"}
REQUIRED = ("ระดับ", "รหัส", "ชื่อ")
MAX_ROWS = 5_000
MAX_COLUMNS = 20
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 200


@dataclass
class TreeRead:
    rows: list[NodeRow] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)


def read(data: bytes, *, deadline: archives.Deadline | None = None) -> TreeRead:
    result = TreeRead()
    if message := workbook_read.check_file(data):
        result.problems.append(RowError(0, _("ไฟล์"), message))
        return result
    try:
        with archives.open_archive(
            data,
            max_entries=workbook_read.MAX_ZIP_PARTS,
            max_entry_bytes=MAX_PART_BYTES,
            max_total_bytes=MAX_UNCOMPRESSED_BYTES,
            max_ratio=workbook_read.MAX_RATIO,
            deadline=deadline or archives.Deadline(workbook_read.parse_seconds()),
        ) as archive:
            _read(archive, result)
    except archives.ArchiveRefused as refused:
        return TreeRead(problems=[RowError(0, _("ไฟล์"), str(refused))])
    del result.problems[MAX_PROBLEMS:]
    return result


def _read(archive: archives.SafeArchive, result: TreeRead) -> None:
    try:
        workbook = archives.open_workbook(archive)
    except archives.NotAWorkbook as error:
        result.problems.append(RowError(0, _("ไฟล์"), str(error)))
        return
    try:
        _read_sheet(workbook.worksheets[0], result, archive.deadline)
    except archives.ArchiveRefused:
        raise
    except Exception:
        if archive.refused:
            raise archive.refused from None
        logger.info("strategy_read: sheet could not be read", exc_info=True)
        result.problems.append(RowError(0, _("ไฟล์"), _("อ่านข้อมูลในไฟล์ไม่สำเร็จ ไฟล์อาจเสียหาย")))
    finally:
        workbook.close()
    if archive.refused:
        raise archive.refused


def _read_sheet(sheet, result: TreeRead, deadline) -> None:
    iterator = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header = next(iterator, None) or ()
    position: dict[str, int] = {}
    for index, value in enumerate(header):
        name = normal_header(value)
        if name in COLUMNS and name not in position:
            position[name] = index
    absent = [name for name in REQUIRED if name not in position]
    for name in absent:
        result.problems.append(
            RowError(1, name, _("ไม่พบคอลัมน์ «%(name)s» ในแถวหัวตาราง (แถวที่ 1)") % {"name": name})
        )
    if absent:
        return
    for number, values in enumerate(iterator, start=2):
        if deadline is not None:
            deadline.check()
        cells = {
            COLUMNS[name]: read_text(values[i]) if i < len(values) else ""
            for name, i in position.items()
        }
        if not any(cells.values()):
            continue
        if number > MAX_ROWS + 1:
            result.problems.append(
                RowError(
                    number,
                    "",
                    _("แผ่นงานมีข้อมูลเกิน %(rows)s แถว ระบบอ่านได้ไม่เกินนี้") % {"rows": f"{MAX_ROWS:,}"},
                )
            )
            return
        result.rows.append(NodeRow(row=number, **cells))
