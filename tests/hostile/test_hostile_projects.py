"""Hostile input on the forms of the projects app: login, the monthly report form and its
live preview, evidence upload, month reopening and the plan editor.

Each example starts from the same stored data (a savepoint rolled back after it). An
example is either refused (Thai message next to the field, nothing stored changed) or
accepted, and then what was stored is exactly what was sent (after the form's own
stripping; an undecodable byte is U+FFFD), and every page shows it escaped.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given, settings
from hypothesis import strategies as st

from projects.models import (
    EvidenceFile,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    User,
)
from tests.factories import (
    ProjectFactory,
    UserFactory,
)
from tests.hostile import http, values
from tests.hostile.values import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

MARCH = dt.date(2026, 3, 1)

# Values that no percent field may accept.
BAD_PERCENTS = values.NEVER_A_DECIMAL | {
    "-1",
    "-0.01",
    "100.01",
    "101",
    values.Big("9" * 5000),
    values.Big("1" + "0" * 400),
}
# Dates no date field may accept.
BAD_DATES = {
    "31/02/2564",
    "30/02/2568",
    "29/02/2569",
    "2564-13-01",
    "2564-00-10",
    "2021-02-29",
    "0000-01-01",
    "01/01/0",
    "99/99/9999",
    "00/00/0000",
    "-1/-1/-1",
    "yesterday",
    "2021-09-22 ; DROP TABLE x",
    "22/09/2564\x00",
    "1/1/" + "9" * 30,
}


def received(sent: str) -> str:
    """What Django hands the form for ``sent``: undecodable bytes become U+FFFD."""
    return sent.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def text_refused(sent: str | None, *, max_length: int, required: bool = False) -> bool:
    if sent is None:
        return required
    value = received(sent).strip()
    # A line break counts as one character, CR LF too (projects.form_helpers.TextLengthValidator).
    length = len(value.replace("\r\n", "\n"))
    return "\x00" in value or length > max_length or (required and not value)


def stored():
    return http.snapshot(ProgressEntry, EvidenceFile, PlanStep, Project, MonthReopening)


def valid_report(project) -> dict:
    steps = list(project.steps.order_by("order"))
    ticks = (
        {
            "completed_steps": [str(steps[0].pk), str(steps[1].pk)],
            "in_progress_step": str(steps[2].pk),
            "partial_percent": "10",
        }
        if steps
        else {}
    )
    return {
        **ticks,
        "period": MARCH.isoformat(),
        "reported_on": "05/03/2569",
        "narrative": "จัดประชุมคณะทำงานแล้ว",
        "problems": "ไม่มี",
        "obstacles": "ไม่มี",
        "lower_reason": "",
        "entry": "",
        "version": "0",
    }


REPORT_FIELDS = {
    "period": values.anything(),
    "reported_on": values.dates(),
    "completed_steps": st.lists(values.anything(), min_size=1, max_size=3),
    "in_progress_step": values.anything(),
    "partial_percent": values.numbers(),
    "percent": values.numbers(),
    "narrative": values.texts(),
    "problems": values.texts(),
    "obstacles": values.texts(),
    "lower_reason": values.texts(),
    "entry": values.numbers(),
    "version": values.numbers(),
}


def some_of(fields: dict, *, most: int = 3):
    """A few of ``fields`` (1 to ``most``), each drawn from its strategy."""
    return st.sets(st.sampled_from(sorted(fields)), min_size=1, max_size=most).flatmap(
        lambda names: st.fixed_dictionaries({name: fields[name] for name in names})
    )


def report_must_be_refused(hostile: dict) -> str | None:
    """The field whose value no report can be saved with, if any."""
    if "narrative" in hostile and text_refused(
        hostile["narrative"], max_length=20000, required=True
    ):
        return "narrative"
    for name in ("problems", "obstacles", "lower_reason"):
        if name in hostile and text_refused(hostile[name], max_length=5000):
            return name
    if hostile.get("reported_on") in BAD_DATES:
        return "reported_on"
    if hostile.get("partial_percent") in BAD_PERCENTS:
        return "partial_percent"
    return None


@settings(HOSTILE, max_examples=50)
@given(hostile=some_of(REPORT_FIELDS), htmx=st.booleans())
def test_report_form(client, project, staff, hostile, htmx):
    client.force_login(staff)
    data = {**valid_report(project), **hostile}
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/projects/{project.code}/report/",
            data,
            htmx="report-form-wrap" if htmx else None,
            form="report form (POST)",
        )
        after = stored()
        saved = before != after
        refused_field = report_must_be_refused(hostile)
        if refused_field is not None:
            assert not saved, f"saved with a bad {refused_field}"
        if not saved:
            http.assert_refused(response, before, after, field=refused_field)
            return
        assert response.status_code in (200, 302)
        entry = ProgressEntry.objects.get(project=project, period=MARCH)
        # (lower_reason is kept only when the percent went down.)
        for name in ("narrative", "problems", "obstacles"):
            if name in hostile:
                assert getattr(entry, name) == received(hostile[name]).strip()
        # The page that shows the saved report shows it escaped.
        http.get(client, f"/projects/{project.code}/", form="report form (POST)")


@pytest.fixture
def plain_project(project):
    """A project of the same agency whose plan has no steps: the percent is typed."""
    return ProjectFactory(agency=project.agency, fiscal_year=project.fiscal_year)


@settings(HOSTILE, max_examples=25)
@given(hostile=some_of(REPORT_FIELDS), htmx=st.booleans())
def test_report_form_without_steps(client, plain_project, staff, hostile, htmx):
    client.force_login(staff)
    data = {**valid_report(plain_project), "percent": "12.5", **hostile}
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/projects/{plain_project.code}/report/",
            data,
            htmx="report-form-wrap" if htmx else None,
            form="report form, plan without steps (POST)",
        )
        after = stored()
        refused_field = report_must_be_refused(
            {k: v for k, v in hostile.items() if k != "partial_percent"}
        )
        if refused_field is None and hostile.get("percent") in BAD_PERCENTS:
            refused_field = "percent"
        if refused_field is not None or before == after:
            http.assert_refused(response, before, after, field=refused_field)
            return
        entry = ProgressEntry.objects.get(project=plain_project, period=MARCH)
        if "percent" in hostile:
            assert entry.percent == Decimal(received(hostile["percent"]).strip())


PREVIEW_FIELDS = {**REPORT_FIELDS}


@HOSTILE
@given(hostile=some_of(PREVIEW_FIELDS, most=4))
def test_report_preview(client, project, staff, hostile):
    """The live preview reads whatever the form holds while typing: never an error page."""
    client.force_login(staff)
    with http.rolled_back():
        before = stored()
        response = http.get(
            client,
            f"/projects/{project.code}/report/preview/",
            {**valid_report(project), **hostile},
            htmx="report-preview",
            form="report preview (GET)",
        )
        # 400: a NUL character in the query string (the Thai 400 page, not swapped in).
        assert response.status_code in (200, 400)
        assert stored() == before


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
FILE_NAMES = st.one_of(
    st.sampled_from(
        [
            "../../etc/passwd.pdf",
            "..\\..\\windows\\win.ini.pdf",
            '<script>alert("h10")</script>.pdf',
            '"><img src=x onerror=alert("h10")>.pdf',
            "\u202efdp.exe",
            "report\u202egnp.pdf",
            "ก่่่่่่่่่่่่่่.pdf",
            "รายงาน ฉบับที่ ๑.pdf",
            "a" * 1000 + ".pdf",
            ".pdf",
            "CON.pdf",
            "x.PDF",
            "x.pdf.exe",
            "x.php.pdf",
            "x.html",
            "x.svg",
            "\u200b.pdf",
        ]
    ),
    values.PLAIN_TEXT.map(lambda s: (s or "x") + ".pdf"),
)
FILE_CONTENTS = st.sampled_from(
    [
        PDF,
        PNG,
        b"",
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%PDF" + b"\x00" * 100,
        b"PK\x03\x04" + b"\x00" * 100,
        b"\xff\xd8\xff\xe0" + b"JFIF" * 10,
        b"MZ\x90\x00",
        b"GIF89a<script>alert(1)</script>",
        "ก่่่่่่".encode(),
    ]
)


@HOSTILE
@given(
    files=st.lists(st.tuples(FILE_NAMES, FILE_CONTENTS), min_size=1, max_size=3),
    hostile=st.one_of(st.just({}), some_of(REPORT_FIELDS, most=1)),
)
def test_evidence_upload(client, project, staff, settings, tmp_path, files, hostile):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    uploads = [upload(name.replace("\x00", ""), content) for name, content in files]
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/projects/{project.code}/report/",
            {**valid_report(project), **hostile},
            files={"evidence": uploads},
            form="evidence upload (POST)",
        )
        after = stored()
        if before == after:
            http.assert_refused(response, before, after)
            return
        assert response.status_code == 302
        stored_files = list(EvidenceFile.objects.filter(entry__project=project))
        assert len(stored_files) == len(files)
        for evidence in stored_files:
            # Stored under a name of the system's own, never the name that was sent.
            assert ".." not in evidence.file.name
            assert evidence.extension in {".pdf", ".png", ".jpg", ".jpeg", ".gif"} or (
                evidence.extension.startswith(".")
            )
            download = http.get(
                client,
                f"/projects/{project.code}/evidence/{evidence.pk}/",
                form="evidence upload (POST)",
            )
            assert download.status_code == 200
            assert download["Content-Disposition"].startswith("attachment")
            assert download["X-Content-Type-Options"] == "nosniff"
            assert "text/html" not in download["Content-Type"]
            assert "svg" not in download["Content-Type"]
        http.get(client, f"/projects/{project.code}/", form="evidence upload (POST)")


@pytest.fixture
def evaluator():
    return UserFactory(evaluator=True)


REOPEN_FIELDS = {"period": values.anything(), "until": values.dates(), "reason": values.texts()}


@HOSTILE
@given(hostile=some_of(REOPEN_FIELDS), htmx=st.booleans())
def test_month_reopen(client, project, evaluator, hostile, htmx):
    client.force_login(evaluator)
    data = {"period": "2025-10-01", "until": "12/03/2569", "reason": "หน่วยงานขอแก้ไข", **hostile}
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/projects/{project.code}/reopen/",
            data,
            htmx=htmx,
            form="month reopen (POST)",
        )
        after = stored()
        bad = None
        if "reason" in hostile and text_refused(hostile["reason"], max_length=2000, required=True):
            bad = "reason"
        elif hostile.get("until") in BAD_DATES:
            bad = "until"
        if bad or before == after:
            http.assert_refused(response, before, after, field=bad)
            return
        assert response.status_code == 302
        reopening = MonthReopening.objects.get(project=project)
        assert reopening.reason == received(data["reason"]).strip()
        http.get(client, f"/projects/{project.code}/", form="month reopen (POST)")


STEP_FIELDS = {
    "steps-0-order": values.numbers(),
    "steps-0-title": values.texts(),
    "steps-0-weight": values.numbers(),
    "steps-0-starts_on": values.dates(),
    "steps-0-ends_on": values.dates(),
    "steps-0-step_id": values.anything(),
    "steps-0-DELETE": values.anything(),
    "steps-3-title": values.texts(),
    "steps-3-weight": values.numbers(),
    "steps-TOTAL_FORMS": values.numbers(),
    "steps-INITIAL_FORMS": values.numbers(),
    "steps-MAX_NUM_FORMS": values.numbers(),
    "plan_version": values.numbers(),
}


def valid_plan(project) -> dict:
    data = {
        "plan_version": str(project.plan_version),
        "steps-TOTAL_FORMS": "4",
        "steps-INITIAL_FORMS": "3",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "200",
    }
    for index, step in enumerate(project.steps.order_by("order")):
        data |= {
            f"steps-{index}-step_id": str(step.pk),
            f"steps-{index}-order": str(step.order),
            f"steps-{index}-title": step.title,
            f"steps-{index}-weight": str(step.weight),
            f"steps-{index}-starts_on": step.starts_on.strftime("%d/%m/")
            + str(step.starts_on.year + 543),
            f"steps-{index}-ends_on": step.ends_on.strftime("%d/%m/")
            + str(step.ends_on.year + 543),
        }
    return data


def formset_rows(data: dict) -> int | None:
    """How many rows Django's formset reads from TOTAL_FORMS (None: it cannot say)."""
    try:
        return int(re.sub(r"\.0*\s*$", "", received(data["steps-TOTAL_FORMS"]).strip()))
    except ValueError:
        return None


@HOSTILE
@given(hostile=some_of(STEP_FIELDS))
# Found by CI: a negative row count with a title (Django's formset reads no row).
@example(hostile={"steps-TOTAL_FORMS": "-1", "steps-0-title": '<script>alert("h10")</script>'})
def test_plan_editor(client, project, staff, hostile):
    client.force_login(staff)
    data = {**valid_plan(project), **hostile}
    with http.rolled_back():
        before = stored()
        response = http.post(
            client, f"/projects/{project.code}/plan/edit/", data, form="plan editor (POST)"
        )
        after = stored()
        bad = None
        if "steps-0-title" in hostile and text_refused(
            hostile["steps-0-title"], max_length=2000, required=True
        ):
            bad = "steps-0-title"
        elif hostile.get("steps-0-weight") in BAD_PERCENTS:
            bad = "steps-0-weight"
        elif hostile.get("steps-0-starts_on") in BAD_DATES:
            bad = "steps-0-starts_on"
        delete = hostile.get("steps-0-DELETE")
        deleted = delete not in (None, "") and received(delete).lower() != "false"
        if deleted:
            bad = None  # a row marked for removal is not checked
        rows = formset_rows(data)
        if rows is None:
            bad = None  # the management form is refused before any row is read
        elif rows <= 0:
            # Django's formset reads no row at all (TOTAL_FORMS 0 or below); the plan's
            # steps that the post does not mention are kept as they are.
            bad = None
            assert before == after
        if bad or response.status_code != 302:
            http.assert_refused(response, before, after, field=bad)
            return
        if "steps-0-title" in hostile and not deleted and rows is not None and rows > 0:
            titles = set(PlanStep.objects.filter(project=project).values_list("title", flat=True))
            assert received(hostile["steps-0-title"]).strip() in titles
        http.get(client, f"/projects/{project.code}/", form="plan editor (POST)")
        http.get(client, f"/projects/{project.code}/steps/", form="plan editor (POST)")
        http.get(client, f"/projects/{project.code}/steps/timeline/", form="plan editor (POST)")


LOGIN_FIELDS = {"username": values.texts(), "password": values.texts(), "next": values.anything()}


@HOSTILE
@given(hostile=some_of(LOGIN_FIELDS))
def test_login(client, staff, hostile):
    data = {"username": staff.username, "password": "wrong", **hostile}
    with http.rolled_back():
        before = http.snapshot(User)
        response = http.post(client, "/accounts/login/", data, form="login (POST)")
        assert "_auth_user_id" not in client.session
        # 400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE; 403/429: django-axes' lockout.
        assert response.status_code in (200, 400, 403, 429)
        assert http.snapshot(User) == before
        assert http.has_thai(response.content.decode())
        if response.status_code == 200:
            assert http.thai_errors(response), "a refused login without a Thai message"
