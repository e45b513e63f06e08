"""A month's reports from one workbook (issue 18 item 3): the rows read (month_read.py)
compared with the database, then saved all or nothing.

Each row becomes the report form's input (services.ReportInput) and is checked by the
form's own check (services.progress_entry_check: the month, its lock, the date, a reason
for a lower percent or budget figure); the row's hidden token is the form's hidden
versions (month_columns.Token), so a report changed since the download is a conflict,
shown with the other change. Confirmation saves every changed row through the form's own
service, in one transaction: approvals.report_save where the agency's reports need the
head's approval (a draft, or sent with ``submit``), services.progress_entry_submit
otherwise. One refusal (a rule, a conflict met while saving) rolls back every row.

Rows equal to the month's stored report are left alone (uploading the same file twice
changes nothing); a row of a month not yet reported without a narrative is skipped.

Queries: the preview reads the projects, steps, months' states and latest reports in a
fixed number of queries (month_data.py), then asks the form's check per row (the report
before it, and the budget figures before it: one to three queries a row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import approvals, permissions, services, thaidates
from projects.imports.month_columns import BY_KEY, Token
from projects.imports.month_data import MonthProject, agency_projects, month_projects
from projects.imports.month_read import MonthRead
from projects.locking import EditConflict
from projects.models import Agency, ProgressEntry, Project, ReportSubmission, User

CHANGE, SAME, SKIP, ERROR = "change", "same", "skip", "error"
COMPARED = (
    "reported_on",
    "percent",
    "completed_steps",
    "in_progress_step_id",
    "partial_percent",
    "narrative",
    "problems",
    "obstacles",
    "lower_reason",
    "committed",
    "disbursed",
    "budget_lower_reason",
)
# The form's fields → the workbook's columns, for the messages of the form's check.
FIELD_COLUMNS = {"period": "code", "completed_steps": "percent", "in_progress_step": "percent"}


@dataclass
class RowOutcome:
    """What the workbook does to one project's report."""

    row: int
    code: str
    status: str = SKIP
    name: str = ""
    before: Decimal | None = None
    after: Decimal | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflict: str = ""
    # For the save: the project's row and the form's input.
    month: MonthProject | None = None
    data: services.ReportInput | None = None
    token: Token | None = None


@dataclass
class MonthImport:
    rows: list[RowOutcome] = field(default_factory=list)
    # Problems of the whole file, in Thai.
    problems: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[str]:
        return self.problems + [e for row in self.rows for e in row.errors]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


def cell_message(row: int | None, column: str, message: str) -> str:
    """ "แถว 7 คอลัมน์ F: …" (or only the row, or only the message)."""
    if row and column:
        return _("แถว %(row)s คอลัมน์ %(column)s: %(message)s") % {
            "row": row,
            "column": column,
            "message": message,
        }
    if row:
        return _("แถว %(row)s: %(message)s") % {"row": row, "message": message}
    return message


def month_report_import(
    *,
    read: MonthRead,
    agency: Agency,
    period: dt.date,
    user: User,
    today: dt.date,
    dry_run: bool,
    submit: bool = False,
) -> MonthImport:
    """Compare the workbook's rows with the month's reports; unless ``dry_run`` and when
    nothing is wrong, save every changed row (see the module docstring). Never saves a
    part: the result's ``applied`` says whether all was saved."""
    if not permissions.can_upload_month_workbook(user, agency):
        raise PermissionDenied
    result = MonthImport()
    _file_problems(read, agency, period, result)
    if result.problems:
        return result
    cell_errors: dict[int, list[str]] = {}
    for problem in read.problems:
        message = cell_message(problem["row"], problem["column"], problem["message"])
        cell_errors.setdefault(problem["row"], []).append(message)
    codes = {row.get("code", "") for row in read.rows}
    projects = list(agency_projects(agency, period).filter(code__in=codes))
    by_code = {
        row.project.code: row
        for row in month_projects(agency, period, today=today, projects=projects)
    }
    others = dict(
        Project.objects.filter(code__in=codes - set(by_code)).values_list("code", "agency__name")
    )
    seen: dict[str, int] = {}
    for raw in read.rows:
        outcome = RowOutcome(row=raw["row"], code=raw.get("code", ""))
        outcome.errors.extend(cell_errors.get(raw["row"], []))
        _compare(raw, outcome, read, by_code, others, seen, user=user, today=today)
        if outcome.errors:
            outcome.status = ERROR
        result.rows.append(outcome)
    if not result.rows:
        result.problems.append(_("ไม่พบแถวของโครงการในไฟล์"))
    if dry_run or result.errors:
        return result
    _save(result, agency=agency, user=user, today=today, submit=submit)
    return result


def _file_problems(read: MonthRead, agency: Agency, period: dt.date, result: MonthImport) -> None:
    if message := read.file_problem:
        result.problems.append(message)
        return
    if read.agency_code != agency.code:
        other = Agency.objects.filter(code=read.agency_code).first()
        result.problems.append(
            _("ไฟล์นี้เป็นรายงานของหน่วยงาน %(other)s ไม่ใช่ %(agency)s กรุณาดาวน์โหลดไฟล์ของหน่วยงานตนเอง")
            % {"other": other.name if other else read.agency_code or "-", "agency": agency.name}
        )
    if read.period != period.isoformat():
        try:
            shown = thaidates.month_label(dt.date.fromisoformat(read.period))
        except ValueError:
            shown = read.period or "-"
        result.problems.append(
            _("ไฟล์นี้เป็นรายงานเดือน%(file)s แต่เลือกอัปโหลดสำหรับเดือน%(chosen)s "
              "กรุณาเลือกเดือนให้ตรงกับไฟล์ หรือดาวน์โหลดไฟล์ของเดือนที่ต้องการ")
            % {"file": shown, "chosen": thaidates.month_label(period)}
        )  # fmt: skip


def _compare(raw, outcome, read, by_code, others, seen, *, user, today) -> None:
    """Fill ``outcome`` for the row ``raw``: which project, its errors, what changes."""

    def error(key: str, message: str) -> None:
        outcome.errors.append(cell_message(outcome.row, read.letters.get(key, ""), message))

    code = outcome.code
    if not code:
        return error("code", _("ไม่มีรหัสโครงการ"))
    if code in seen:
        return error(
            "code", _("รหัสโครงการ %(code)s ซ้ำกับแถว %(row)s") % {"code": code, "row": seen[code]}
        )
    seen[code] = outcome.row
    month = by_code.get(code)
    if month is None:
        if code in others:
            return error(
                "code",
                _("โครงการ %(code)s เป็นของหน่วยงานอื่น (%(agency)s) รายงานแทนหน่วยงานอื่นไม่ได้")
                % {"code": code, "agency": others[code]},
            )
        return error("code", _("ไม่พบโครงการรหัส %(code)s ในปีงบประมาณของเดือนนี้") % {"code": code})
    outcome.month, outcome.name = month, month.project.name
    token = Token.parse(raw.get("token", ""))
    if token is None or token.period != month.state.period:
        return error(
            "token",
            _("รหัสตรวจสอบของแถวนี้หายไป ถูกแก้ไข หรือเป็นของเดือนอื่น กรุณาดาวน์โหลดไฟล์ของเดือนนี้ใหม่"),
        )
    outcome.token = token
    data = _input(raw, month, error, today=today)
    if outcome.errors or data is None:
        return
    _check(outcome, month, data, token, error, user=user, today=today)


def _input(raw, month: MonthProject, error, *, today) -> services.ReportInput | None:
    """The report form's input of the row, or None (its errors told to ``error``)."""
    steps = {str(step.order): step for step in month.steps}
    done, partial = [], []
    for number, value in sorted(raw.get("steps", {}).items(), key=lambda item: int(item[0])):
        step = steps.get(number)
        if step is None:
            error(
                f"step:{number}",
                _("โครงการนี้มี %(count)s ขั้นตอน ไม่มีขั้นตอนที่ %(number)s (ช่องนี้ต้องว่าง)")
                % {"count": len(month.steps), "number": number},
            )
        elif value == "done":
            done.append(step.pk)
        else:
            partial.append((number, step, Decimal(value)))
    if len(partial) > 1:
        error(
            f"step:{partial[1][0]}",
            _("กรอกร้อยละได้เพียงขั้นตอนเดียวที่กำลังดำเนินการ (พบขั้นตอนที่ %(numbers)s)")
            % {"numbers": ", ".join(number for number, _step, _value in partial)},
        )
        return None
    if month.steps and raw.get("percent") not in (None, ""):
        error("percent", _("โครงการนี้คำนวณร้อยละจากขั้นตอนที่ทำเครื่องหมาย ช่องนี้ต้องว่าง"))
    if not month.project.has_budget:
        for key in ("committed", "disbursed"):
            if raw.get(key) not in (None, ""):
                error(key, _("โครงการนี้ไม่มีงบประมาณ ช่องนี้ต้องว่าง"))
    stored = month.stored
    reported_on = raw.get("reported_on")
    reported = dt.date.fromisoformat(reported_on) if reported_on else None
    return services.ReportInput(
        reported_on=reported or (stored.reported_on if stored else today),
        period=month.state.period,
        completed_step_ids=done,
        in_progress_step_id=partial[0][1].pk if partial else None,
        partial_percent=partial[0][2] if partial else None,
        manual_percent=_decimal(raw.get("percent")) if not month.steps else None,
        narrative=raw.get("narrative", ""),
        problems=raw.get("problems", ""),
        obstacles=raw.get("obstacles", ""),
        lower_reason=raw.get("lower_reason", ""),
        committed=_decimal(raw.get("committed")),
        disbursed=_decimal(raw.get("disbursed")),
        budget_lower_reason=raw.get("budget_lower_reason", ""),
    )


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _check(outcome, month: MonthProject, data, token: Token, error, *, user, today) -> None:
    project, stored, state = month.project, month.stored, month.state
    outcome.before = stored.percent if stored is not None else None
    if str(token) != str(month.token):
        outcome.conflict = _conflict_message(month, token)
        error("token", outcome.conflict)
        return
    if stored is None and not data.narrative.strip():
        if any(getattr(data, n) for n in ("problems", "obstacles", "committed", "disbursed")):
            error("narrative", _("กรุณากรอกผลการดำเนินงาน"))
        outcome.status = SKIP
        return
    check = services.progress_entry_check(
        project=project, user=user, steps=month.steps, data=data, today=today,
        states={state.period: state},
    )  # fmt: skip
    outcome.after, outcome.data = check.percent, data
    values = services.report_values(
        project=project, steps=month.steps, data=data, check=check, user=user
    )
    outcome.changes = _changes(stored, values, month)
    if stored is not None and not outcome.changes:
        outcome.status = SAME
        return
    for name, messages in check.errors.items():
        key = FIELD_COLUMNS.get(name, name)
        if key == "percent" and month.steps:
            key = f"step:{month.steps[0].order}"
        for message in messages:
            error(key if key in read_keys(month) else "code", message)
    if not data.narrative.strip():
        error("narrative", _("กรุณากรอกผลการดำเนินงาน"))
    submission = state.submission
    if submission is not None and project.agency.reports_need_approval:
        try:
            approvals.check_move(submission.state, ReportSubmission.State.DRAFT)
        except ValidationError as refused:
            error("code", " ".join(refused.messages))
    outcome.status = CHANGE


def read_keys(month: MonthProject) -> set[str]:
    return {*BY_KEY, *(f"step:{s.order}" for s in month.steps)}


def _conflict_message(month: MonthProject, token: Token) -> str:
    if token.plan_version != month.project.plan_version:
        return _("แผนของโครงการนี้ถูกแก้ไขหลังจากดาวน์โหลดไฟล์ (ขั้นตอนอาจเปลี่ยน) จึงไม่บันทึก "
                 "กรุณาดาวน์โหลดไฟล์ใหม่แล้วกรอกแถวนี้อีกครั้ง")  # fmt: skip
    stored = month.stored
    if stored is None:
        return _("รายงานเดือนนี้ที่มีอยู่ตอนดาวน์โหลดไม่มีแล้ว จึงไม่บันทึก กรุณาดาวน์โหลดไฟล์ใหม่")
    who = stored.updated_by.get_full_name() if stored.updated_by_id else "-"
    return _(
        "มีผู้อื่นแก้ไขรายงานเดือนนี้หลังจากดาวน์โหลดไฟล์ จึงไม่บันทึก: %(who)s เมื่อ %(when)s "
        "ร้อยละ %(percent)s «%(narrative)s» กรุณาตรวจสอบแล้วดาวน์โหลดไฟล์ใหม่"
    ) % {
        "who": who,
        "when": thaidates.format_be(stored.updated_at.date()) if stored.updated_at else "-",
        "percent": f"{stored.percent:.2f}",
        "narrative": _short(stored.narrative),
    }


def _short(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changes(stored, values: dict, month: MonthProject) -> list[tuple[str, str, str]]:
    """(label, before, after) of each value the row changes."""
    changes = []
    for name in COMPARED:
        after = values.get(name)
        before = getattr(stored, name) if stored is not None else None
        if stored is not None and before == after:
            continue
        if stored is None and after in (None, "", []):
            continue
        label = str(ProgressEntry._meta.get_field(name.removesuffix("_id")).verbose_name)
        changes.append((label, _shown(name, before, month), _shown(name, after, month)))
    return changes


def _shown(name: str, value, month: MonthProject) -> str:
    if value in (None, "", []):
        return "-"
    if name == "completed_steps":
        orders = {step.pk: step.order for step in month.steps}
        return ", ".join(str(n) for n in sorted(orders.get(pk, 0) for pk in value))
    if name == "in_progress_step_id":
        return str(next((s.order for s in month.steps if s.pk == value), "-"))
    if isinstance(value, dt.date):
        return thaidates.format_be(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return _short(str(value))


def _save(result: MonthImport, *, agency: Agency, user: User, today: dt.date, submit: bool) -> None:
    """Save every changed row through the report form's service, all or nothing."""
    with transaction.atomic():
        for outcome in result.rows:
            if outcome.status != CHANGE:
                continue
            try:
                _save_row(outcome, agency=agency, user=user, today=today, submit=submit)
            except ValidationError as error:
                outcome.errors.extend(cell_message(outcome.row, "", m) for m in error.messages)
            except EditConflict as error:
                outcome.conflict = _saved_meanwhile(error)
                outcome.errors.append(cell_message(outcome.row, "", outcome.conflict))
            except PermissionDenied:
                outcome.errors.append(cell_message(outcome.row, "", _("คุณไม่มีสิทธิ์รายงานโครงการนี้")))
            if outcome.errors:
                outcome.status = ERROR
        if any(row.errors for row in result.rows):
            transaction.set_rollback(True)
            return
    result.applied = True


def _save_row(outcome: RowOutcome, *, agency, user, today, submit) -> None:
    month, token = outcome.month, outcome.token
    if agency.reports_need_approval:
        approvals.report_save(
            project=month.project,
            data=outcome.data,
            user=user,
            today=today,
            loaded_version=token.submission_version,
            submit=submit,
        )
    else:
        services.progress_entry_submit(
            project=month.project,
            user=user,
            data=outcome.data,
            loaded_entry_id=token.entry_id,
            loaded_version=token.entry_version,
            today=today,
        )


def _saved_meanwhile(error: EditConflict) -> str:
    current = error.current
    who = current.updated_by.get_full_name() if getattr(current, "updated_by_id", None) else "-"
    return _(
        "มีผู้อื่นบันทึกรายงานเดือนนี้ระหว่างที่ตรวจสอบไฟล์ (%(who)s ร้อยละ %(percent)s «%(narrative)s») "
        "จึงไม่บันทึกทั้งไฟล์ กรุณาดาวน์โหลดไฟล์ใหม่"
    ) % {
        "who": who,
        "percent": f"{current.percent:.2f}"
        if getattr(current, "percent", None) is not None
        else "-",
        "narrative": _short(getattr(current, "narrative", "")),
    }
