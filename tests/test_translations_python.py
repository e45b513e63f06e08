"""English for the Python side (issue 17, item 2): every message the apps' Python code
wraps for translation has an English msgstr in its app's catalog, the compiled catalogs
are those of the .po files, and what is made for a person away from their request (an
e-mail, a report built by a worker) comes out in that person's language."""

import ast
import datetime as dt
import gettext as gnu_gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation

from projects import money
from projects.budget_forms import BudgetTransferForm
from projects.models import Notification, User
from projects.notifications.sending import notifications_send
from reports import pdf, services
from reports.models import ReportJob
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.notices import at, world
from tests.pdfs import pdf_pages

ROOT = Path(__file__).resolve().parent.parent
APPS = ("projects", "indicators", "reports", "bmaprogress")
THAI = re.compile(r"[\u0e00-\u0e7f]")

# Calls whose literal arguments are msgids, and where the msgid is (context first for p*).
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def msgids_of(path: Path) -> set[tuple[str, str]]:
    """(context, msgid) of every translation call with literal arguments in ``path``; the
    plural form too, under the context "plural-form"."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name, args = _called(node), [_literal(a) for a in node.args]
        if name in SINGULAR and args and args[0]:
            found.add(("", args[0]))
        elif name in PLURAL and len(args) >= 2 and args[0]:
            found |= {("", args[0]), ("plural-form", args[1])}
        elif name in CONTEXT and len(args) >= 2 and args[1]:
            found.add((args[0], args[1]))
        elif name in CONTEXT_PLURAL and len(args) >= 3 and args[1]:
            found |= {(args[0], args[1]), ("plural-form", args[2])}
    return found


def python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m[1], "\\" + m[1]), text)


def read_po(path: Path) -> dict[tuple[str, str], list[str]]:
    """(context, msgid) → its msgstr forms; a plural's msgid_plural under "plural-form".
    Fuzzy entries are left out (msgfmt leaves them out of the .mo too)."""
    catalog = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        flags = [line for line in block.splitlines() if line.startswith("#,")]
        if any("fuzzy" in line for line in flags):
            continue
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                key = match[1]
                fields[key] = _unquote(match[2])
            elif line.startswith('"') and key:
                fields[key] += _unquote(line[1:-1])
        if fields.get("msgid", "") == "" and "msgctxt" not in fields:
            continue  # the header
        strings = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        catalog[(fields.get("msgctxt", ""), fields["msgid"])] = strings
        if "msgid_plural" in fields:
            catalog[("plural-form", fields["msgid_plural"])] = strings
    return catalog


def catalog_path(app: str, suffix: str) -> Path:
    return ROOT / app / "locale" / "en" / "LC_MESSAGES" / f"django.{suffix}"


@pytest.mark.parametrize("app", APPS)
def test_every_python_msgid_has_english(app):
    catalog = read_po(catalog_path(app, "po"))
    missing = []
    for path in python_files(app):
        for context, msgid in sorted(msgids_of(path)):
            if not THAI.search(msgid):
                continue  # "PDF", "[BMA Progress] %(title)s" whose Thai is the English
            strings = catalog.get((context, msgid))
            if not strings or not all(s.strip() for s in strings):
                missing.append(f"{path.relative_to(ROOT)}: {context!r} {msgid!r}")
    assert not missing, "no English for:\n" + "\n".join(missing)


@pytest.mark.parametrize("app", APPS)
def test_english_keeps_every_placeholder(app):
    placeholder = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]")
    for (_context, msgid), strings in read_po(catalog_path(app, "po")).items():
        for string in strings:
            assert sorted(placeholder.findall(string)) == sorted(placeholder.findall(msgid)) or (
                # a plural's singular may leave the count out ("one report")
                len(strings) > 1
                and set(placeholder.findall(string)) <= set(placeholder.findall(msgid))
            ), (msgid, string)
            # English, but for Thai quoted as it is typed or read: «ไตรมาสที่ 1 100», ๐–๙.
            assert not THAI.search(re.sub(r"«[^»]*»|๐–๙", "", string)), (msgid, string)


# Thai in Python that is data, not a message: what is read from or written to Thai
# documents (the old system's pages, the plan workbook, typed amounts and dates), kept in
# the database as written, or already in both languages for operators.
NOT_MESSAGES = {
    "projects/thaidates.py": "Thai month names and digits: the Thai dates themselves",
    "projects/money.py": "the Thai digits and the บาท a person may type after an amount",
    "projects/search.py": "the spellings of ำ that search treats as one",
    "reports/pdf.py": "the NIKHAHIT glyph of the font",
    "reports/render.py": "a word the PDF's line breaker must keep whole",
    "projects/imports/page_parser.py": "the headings of the old system's pages",
    "projects/imports/page_top.py": "patterns and field names of the old system's pages",
    "projects/imports/page_entries.py": "patterns and field names of the old system's pages",
    "projects/imports/page_steps.py": "patterns and field names of the old system's pages",
    "projects/imports/page_indicators.py": "patterns and field names of the old system's pages",
    "projects/imports/page_import.py": "the change reason kept in the history",
    "projects/imports/workbook_import.py": "the change reason kept in the history",
    "projects/imports/workbook_columns.py": "the Thai plan workbook's headers and help",
    "projects/imports/workbook_write.py": "the Thai plan workbook's guide and checks",
    "projects/management/commands/generate_demo.py": "already in Thai and English",
    "projects/imports/month_columns.py": "the Thai month workbook's sheet names and marks, read back",
    "projects/imports/strategy_read.py": "the Thai strategy-tree workbook's column headers",
    "projects/strategy_services.py": "the tree workbook's column names, as its errors name them",
    "projects/strategy.py": "the words of the old strategy links' Thai text that it matches",
    "reports/api/filters.py": "the API's schema descriptions: already in Thai and English",
    "reports/api/schema.py": "the API's schema descriptions: already in Thai and English",
    "reports/api/serializers.py": "the API's schema descriptions: already in Thai and English",
    "reports/api/views.py": "the API's schema descriptions: already in Thai and English",
    "bmaprogress/settings.py": "ไทย, the name of the language in itself",
    "bmaprogress/env.py": "already in Thai and English",
    "bmaprogress/management/commands/backup.py": "already in Thai and English",
    "bmaprogress/management/commands/restore.py": "already in Thai and English",
}


def unwrapped_thai(path: Path) -> list[tuple[int, str]]:
    """Thai string constants of ``path`` outside translation calls and docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in (
            SINGULAR | PLURAL | CONTEXT | CONTEXT_PLURAL
        ):
            inside |= {id(child) for arg in node.args for child in ast.walk(arg)}
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            inside.add(id(body[0].value))  # a docstring
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and THAI.search(node.value)
        and id(node) not in inside
    ]


@pytest.mark.parametrize("app", APPS)
def test_every_thai_message_in_python_is_wrapped(app):
    found = []
    for path in python_files(app):
        name = path.relative_to(ROOT).as_posix()
        if name in NOT_MESSAGES or name.startswith("projects/demo/"):
            continue  # projects/demo/: the demo's data
        found += [f"{name}:{line}: {text[:60]!r}" for line, text in unwrapped_thai(path)]
    assert not found, "Thai not wrapped for translation:\n" + "\n".join(found)


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def eager_calls(path: Path) -> list[int]:
    """Lines of ``path`` that call a non-lazy gettext while the module is imported (at
    module or class level): that text is fixed in the language active at import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Call) and _called(child) in names:
                found.append(child.lineno)
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("app", APPS)
def test_no_message_is_translated_once_at_import(app):
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files(app)
        for line in eager_calls(path)
    ]
    assert not found, "use gettext_lazy for these:\n" + "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_compiled_catalogs_are_the_po_files(app):
    """Run ``msgfmt`` (or ``manage.py compilemessages -l en``) after editing a .po file."""
    with catalog_path(app, "mo").open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)._catalog
    expected = {}
    for (context, msgid), strings in read_po(catalog_path(app, "po")).items():
        if context == "plural-form" or not any(strings):
            continue
        key = f"{context}\x04{msgid}" if context else msgid
        if len(strings) == 1:
            expected[key] = strings[0]
        else:
            expected |= {(key, n): string for n, string in enumerate(strings)}
    compiled = {key: value for key, value in compiled.items() if key != ""}
    assert compiled == expected


def test_the_apps_catalogs_only_no_root_english_catalog_of_python_strings():
    root = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    if root.exists():  # the templates' catalog (another part of issue 17) may hold these too
        return
    for app in APPS:
        assert catalog_path(app, "po").exists(), app


# --- forms and messages -------------------------------------------------------------------


def test_a_form_error_in_english_is_english():
    data = {"transferred_on": "31/02/2564", "direction": "in", "amount": "abc", "reason": ""}
    with translation.override("en"):
        form = BudgetTransferForm(data)
        assert not form.is_valid()
        errors = {field: " ".join(messages) for field, messages in form.errors.items()}
        labels = [str(form[name].label) for name in ("transferred_on", "amount", "reason")]
    assert errors["transferred_on"] == "There is no date 31/02/2564 in the calendar"
    assert "Please enter" in errors["amount"] and not THAI.search(errors["amount"])
    assert errors["reason"] == "Please give the reason for the transfer"
    assert labels == ["Transfer date", "Amount (baht)", "Reason"]
    # The same form in Thai is Thai: the msgids are the Thai text.
    with translation.override("th"):
        form = BudgetTransferForm(data)
        form.is_valid()
        assert form.errors["reason"] == ["กรุณากรอกเหตุผลของการโอน"]


def test_a_validation_message_with_a_placeholder_in_english():
    with translation.override("en"), pytest.raises(Exception) as raised:
        money.parse_baht("12,34x")
    assert "is not an amount" in " ".join(raised.value.messages)


def test_model_names_tell_one_from_many_in_english():
    from indicators.models import Indicator
    from projects.models import Project

    with translation.override("en"):
        names = [
            str(Project._meta.verbose_name),
            str(Project._meta.verbose_name_plural),
            str(Indicator._meta.verbose_name_plural),
        ]
    assert names == ["Project", "Projects", "KPIs"]
    with translation.override("th"):
        assert str(Project._meta.verbose_name_plural) == "โครงการ"


# --- e-mails --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_to_a_person_reading_english_is_english():
    w = world()
    User.objects.filter(pk=w["s1"].pk).update(language="en")
    User.objects.filter(pk=w["s2"].pk).update(language="xx")  # not a site language: Thai
    notifications_send(now=at(dt.date(2026, 12, 7)))  # three days before 10 December

    english = Notification.objects.get(user=w["s1"], kind=Notification.Kind.REMINDER)
    assert english.title.startswith("3 day(s) left until the deadline for the reports of")
    assert english.body.startswith("Projects that have not sent their report")
    thai = Notification.objects.get(user=w["s2"], kind=Notification.Kind.REMINDER)
    assert thai.title.startswith("อีก 3 วันถึงกำหนดส่งรายงานเดือน")

    by_address = {message.to[0]: message for message in mail.outbox}
    message = by_address[w["s1"].email]
    assert message.subject == f"[BMA Progress] {english.title}"
    assert "Projects that have not sent their report" in message.body
    assert "Projects that have not sent their report" in message.alternatives[0][0]
    assert "อีก 3 วัน" in by_address[w["s2"].email].subject


# --- reports built by workers ---------------------------------------------------------------


@pytest.fixture
def one_project_agency(db):
    year = FiscalYearFactory(year_be=2564)
    agency = AgencyFactory(code="05020000", name="สำนักงานเขตทดสอบภาษา")
    project = ProjectFactory(agency=agency, fiscal_year=year, code="05020000-0001")
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 10, 5), percent=Decimal(40))
    return year, agency


@pytest.mark.django_db
def test_a_report_ordered_in_english_is_built_in_english(settings, media, one_project_agency):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    year, agency = one_project_agency
    jobs = {}
    for language in ("en", "th"):
        with translation.override("th"):  # the worker's own language does not matter
            jobs[language] = services.report_job_request(
                requested_by=UserFactory(manager=True),
                kind=ReportJob.Kind.AGENCY,
                fiscal_year=year,
                quarter=None,
                agency=agency,
                file_format=ReportJob.Format.PDF,
                language=language,
            )
    pages = {}
    for language, job in jobs.items():
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE, job.error
        assert job.language == language
        with job.file.open("rb") as handle:
            pages[language] = pdf_pages(handle.read())
    english, thai = pages["en"], pages["th"]
    assert f"Page 1 / {len(english)}" in english[0]
    assert "Project progress report" in " ".join(english[0].split())
    assert f"หน้า 1 / {len(thai)}" in thai[0]
    assert "Page 1" not in thai[0]


@pytest.mark.django_db
def test_the_reports_page_records_the_language_of_the_page(settings, client, media):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    year = FiscalYearFactory(year_be=2564)
    agency = AgencyFactory()
    client.force_login(UserFactory(manager=True, language="en"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"kind": "agency", "format": "xlsx", "quarter": "", "fiscal_year": year.pk}
    # LocaleMiddleware leaves the page's language active in this thread: put back the site's.
    with translation.override(settings.LANGUAGE_CODE):
        response = client.post("/reports/", data | {"agency": agency.pk})
    assert response.status_code == 302
    assert ReportJob.objects.get().language == "en"


def test_page_numbers_of_every_pdf_follow_the_language():
    html = '<!doctype html><html><body class="{}"><p>x</p></body></html>'
    pages = {}
    for language, body in (("en", "report"), ("th", "report"), ("en", "report thai-digits")):
        with translation.override(language):
            pages[language, body] = pdf_pages(pdf.render_pdf(html.format(body)))[0]
    assert "Page 1 / 1" in pages["en", "report"]
    assert "หน้า 1 / 1" in pages["th", "report"]
    assert "Page ๑ / ๑" in pages["en", "report thai-digits"]
    with translation.override("en"):  # a part of a joined report stays unnumbered
        assert "Page" not in pdf_pages(pdf.render_pdf(html.format("no-page-numbers")))[0]


@pytest.mark.django_db
def test_why_a_report_failed_is_said_in_the_requesters_language(settings, media):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    year, agency = FiscalYearFactory(year_be=2564), AgencyFactory()
    jobs = [
        services.report_job_request(
            requested_by=UserFactory(manager=True),
            kind=ReportJob.Kind.AGENCY,
            fiscal_year=year,
            quarter=None,
            agency=agency,
            file_format=ReportJob.Format.XLSX,
            language=language,
        )
        for language in ("en", "th")
    ]
    for job in jobs:
        services.report_job_retry(
            job_id=job.pk, error="disk full", attempt=1, enqueue_again=lambda *args: None
        )
    errors = [ReportJob.objects.get(pk=job.pk).error for job in jobs]
    assert errors == [
        "Attempt 1 failed (disk full); the system will try again",
        "ครั้งที่ 1 ไม่สำเร็จ (disk full) ระบบจะลองใหม่",
    ]
    for job in jobs:
        services.report_job_fail(job_id=job.pk, error="disk full")
    errors = [ReportJob.objects.get(pk=job.pk).error for job in jobs]
    assert errors == [
        "The report could not be built: disk full",
        "สร้างรายงานไม่สำเร็จ: disk full",
    ]
