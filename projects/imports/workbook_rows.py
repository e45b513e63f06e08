"""What reading the annual-plan workbook gives (projects/imports/workbook_read.py): the
project and step rows that could be read, the problems by sheet, row and column, and the
column letters as the file has them. ``ReadResult`` is kept as JSON beside the upload
(``as_json``, ``from_json``), so that the preview and the confirmation compare these rows
with the database without reading the file again."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SheetProblem:
    """Something wrong with the workbook: the sheet, the 1-based row (None for the whole
    sheet or file), the column letter and header, and what is wrong, in Thai."""

    sheet: str
    row: int | None
    column: str
    field: str
    message: str

    def __str__(self) -> str:
        where = [_("แผ่นงาน «%(sheet)s»") % {"sheet": self.sheet} if self.sheet else _("ทั้งไฟล์")]
        if self.row:
            where.append(_("แถว %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("คอลัมน์ %(column)s") % {"column": self.column})
        label = f" ({self.field})" if self.field else ""
        return f"{' '.join(where)}{label}: {self.message}"


@dataclass(frozen=True)
class ProjectRow:
    row: int
    code: str
    name: str
    agency_code: str
    fiscal_year: int | None
    responsible: str
    responsible_phone: str
    rationale: str
    budget_code: str
    organisation_code: str
    objectives: tuple[str, ...]
    targets: str
    strategy: tuple[str, ...]
    budget_allocated: Decimal | None = None
    budget_type: str = ""
    budget_source: str = "current"


@dataclass(frozen=True)
class StepRow:
    row: int
    project_code: str
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None


@dataclass
class ReadResult:
    projects: list[ProjectRow] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    # Column letter of each field, per sheet, as the file has them (for problems found later).
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    # What the rows were read for: rows of another agency or year are problems.
    agency_code: str = ""
    fiscal_year_be: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_problem(self) -> SheetProblem | None:
        """The problem that stopped the whole file from being read, if any."""
        return next((p for p in self.problems if not p.sheet), None)

    def letter(self, sheet: str, key: str) -> str:
        return self.letters.get(sheet, {}).get(key, "")

    # Kept beside the upload between the preview and the confirmation (JSON, not pickle:
    # nothing read back from disk is executed).
    JSON_VERSION = 2  # 2: the budget's columns (issue 16)

    def as_json(self) -> dict:
        def step(row: StepRow) -> dict:
            return {
                **asdict(row),
                "weight": str(row.weight),
                "starts_on": row.starts_on and row.starts_on.isoformat(),
                "ends_on": row.ends_on and row.ends_on.isoformat(),
            }

        return {
            "version": self.JSON_VERSION,
            "agency_code": self.agency_code,
            "fiscal_year_be": self.fiscal_year_be,
            "projects": [
                {**asdict(row), "budget_allocated": _text_or_none(row.budget_allocated)}
                for row in self.projects
            ],
            "steps": [step(row) for row in self.steps],
            "problems": [asdict(problem) for problem in self.problems],
            "letters": self.letters,
        }

    @classmethod
    def from_json(cls, data: dict) -> ReadResult:
        """What ``as_json`` wrote; ValueError for anything else."""

        def date(text):
            return dt.date.fromisoformat(text) if text else None

        try:
            if data["version"] != cls.JSON_VERSION:
                raise ValueError("another version")
            return cls(
                projects=[
                    ProjectRow(
                        **{
                            **row,
                            "objectives": tuple(row["objectives"]),
                            "strategy": tuple(row["strategy"]),
                            "budget_allocated": _decimal_or_none(row["budget_allocated"]),
                        }
                    )
                    for row in data["projects"]
                ],
                steps=[
                    StepRow(
                        **{
                            **row,
                            "weight": Decimal(row["weight"]),
                            "starts_on": date(row["starts_on"]),
                            "ends_on": date(row["ends_on"]),
                        }
                    )
                    for row in data["steps"]
                ],
                problems=[SheetProblem(**problem) for problem in data["problems"]],
                letters={sheet: dict(columns) for sheet, columns in data["letters"].items()},
                agency_code=str(data["agency_code"]),
                fiscal_year_be=data["fiscal_year_be"],
            )
        except (KeyError, TypeError, AttributeError, InvalidOperation) as error:
            raise ValueError(f"not a kept ReadResult: {error!r}") from None


def _text_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
