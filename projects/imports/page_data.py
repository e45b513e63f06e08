"""A project page of today's system as data: what projects/imports/page_parser.py reads
from a saved page (a tree of frozen dataclasses) and the problems it finds, each with
its line number, the field as the page names it and a message in Thai."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """Something wrong with the page: its line (1-based, None for the whole file), the
    field as the page names it, and what is wrong, in Thai."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = _("บรรทัด %(line)s") % {"line": self.line} if self.line else _("ทั้งไฟล์")
        return f"{where} · {self.field}: {self.message}"


@dataclass(frozen=True)
class PageHeader:
    kpi_label: str
    name: str
    code: str
    agency_code: str
    agency_name: str
    fiscal_year_be: int
    line: int


@dataclass(frozen=True)
class PageEvaluation:
    """*** สยป. ประเมินโครงการ : ไตรมาสที่ 1 100"""

    quarter: int
    score: Decimal


@dataclass(frozen=True)
class PageEntry:
    number: int
    percent: Decimal
    reported_on: dt.date
    narrative_date: dt.date
    narrative_date_text: str
    narrative: str
    problems: str
    obstacles: str
    line: int


@dataclass(frozen=True)
class PageStep:
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None
    line: int


@dataclass(frozen=True)
class PageIndicator:
    code: str
    label: str
    name: str
    unit: str
    target_level: int
    achieved_level: int | None
    kind: str
    result_level: str
    line: int


@dataclass(frozen=True)
class PageQuarter:
    quarter: int
    result_value: Decimal | None
    criterion_21: Decimal | None
    criterion_22: Decimal | None
    line: int


@dataclass(frozen=True)
class BmaPage:
    header: PageHeader
    progress_percent: Decimal | None
    responsible: str
    responsible_phone: str
    evaluation: PageEvaluation | None
    rationale: str
    budget_code: str
    organisation_code: str
    objectives: tuple[str, ...]
    targets: str
    strategy: tuple[str, ...]
    entries: tuple[PageEntry, ...]
    steps: tuple[PageStep, ...]
    indicators: tuple[PageIndicator, ...]
    quarters: tuple[PageQuarter, ...]


@dataclass(frozen=True)
class ParseResult:
    """The page (None when even its header could not be read) and the problems found.
    A page with problems must not be imported: parts of it may be missing or wrong."""

    page: BmaPage | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.page is not None and not self.problems
