"""Security settings and headers (issue 7, item 1).

Production settings are checked in subprocesses, as an operator would start the app:
`check --deploy` is clean, missing or weak secrets stop the start with a plain message,
and the production profile sends HSTS and secure cookies. In the test profile: the
Content-Security-Policy (no 'unsafe-inline' scripts, a nonce for htmx), the other headers,
login lockout with django-axes, and uploaded or generated files served only as sandboxed
attachments."""

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from tests import plotly_css
from tests import test_permissions_matrix as matrix
from tests.factories import EvidenceFileFactory, ProgressEntryFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# The permission matrix's world: a project with this month's report, a KPI, a report job
# and a user per role (for walking every page).
world = matrix.world


def production_env(tmp_path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BMA_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="bmaprogress.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="bma.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_STATIC_COMPRESS="0",
        # Behind one reverse proxy, as README's Production section sets it up.
        BMA_PROXY_COUNT="1",
    )
    env.update(extra)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env, **kwargs):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def manage(*args, env):
    return run([sys.executable, "manage.py", *args], env)


# --- production settings ----------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_a_shared_cache(tmp_path):
    """Without REDIS_URL every gunicorn worker keeps its own copy of each page."""
    result = manage("check", "--deploy", env=production_env(tmp_path, REDIS_URL=None))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "projects.W001" in result.stderr and "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        ("DJANGO_SECRET_KEY",),
        ("DJANGO_ALLOWED_HOSTS",),
        ("DATABASE_URL",),
        ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"),
    ],
)
def test_missing_secrets_stop_the_start_with_a_plain_message(tmp_path, missing):
    env = production_env(tmp_path, **dict.fromkeys(missing))
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("BMA Progress cannot start: DJANGO_ENV=production needs")
    # Every missing variable is named at once, and only those.
    named = re.search(r"needs these environment variables: ([A-Z_, ]+) \(", message).group(1)
    assert named.split(", ") == list(missing)
    assert "ตั้งค่าตัวแปร" in message


def test_an_empty_secret_counts_as_missing(tmp_path):
    result = manage("check", env=production_env(tmp_path, DJANGO_SECRET_KEY=" "))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_a_short_secret_key_is_refused(tmp_path):
    result = manage("check", env=production_env(tmp_path, DJANGO_SECRET_KEY="changeme"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be a random string of at least 50 characters" in (result.stderr)


def test_the_wsgi_application_says_why_it_cannot_start(tmp_path):
    """What gunicorn imports: the reason comes first, on a line of its own."""
    env = production_env(tmp_path, DJANGO_SECRET_KEY=None)
    result = run([sys.executable, "-c", "import bmaprogress.wsgi"], env)
    assert result.returncode != 0
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("BMA Progress cannot start:")
    assert "DJANGO_SECRET_KEY" in first_line


def test_the_development_profile_needs_no_secrets(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_ENV=None,
        DJANGO_SECRET_KEY=None,
        DJANGO_ALLOWED_HOSTS=None,
        DATABASE_URL=None,
    )
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="bma.example")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
csrf = secure.cookies["csrftoken"]
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "csrf_cookie": {
        "secure": csrf["secure"], "samesite": csrf["samesite"], "httponly": csrf["httponly"]
    },
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "debug": settings.DEBUG,
}))
"""


def test_production_sends_hsts_secure_cookies_and_redirects_to_https(tmp_path):
    env = production_env(tmp_path)
    collected = manage("collectstatic", "--noinput", "-v0", env=env)
    assert collected.returncode == 0, collected.stderr
    result = run([sys.executable, "-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://bma.example/accounts/login/"
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "'unsafe-inline'" not in script_src(headers["Content-Security-Policy"])
    assert directives(headers["Content-Security-Policy"])["style-src"] == ["'self'"]
    assert seen["csrf_cookie"] == {"secure": True, "samesite": "Lax", "httponly": True}
    assert seen["session_cookie_secure"] is True
    assert seen["session_cookie_httponly"] is True


# --- headers in every profile -------------------------------------------------------------


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def script_src(policy: str) -> list[str]:
    return directives(policy)["script-src"]


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(username="sec-staff")
    client.force_login(user)
    return client


def test_pages_have_a_strict_script_policy_with_the_nonce_htmx_uses(staff_client):
    response = staff_client.get(reverse("projects:list"), {"year": ""})
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    nonce = re.search(r'<script src="[^"]*htmx[^"]*"[^>]* nonce="([^"]+)"', response.text)
    assert nonce, "htmx's script tag carries the request's nonce"
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce.group(1)}'"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    # Styles only from our files: no style="…" attribute, no <style> element, no nonce.
    assert policy["style-src"] == ["'self'"]


def test_each_response_gets_a_fresh_nonce(staff_client):
    first = staff_client.get(reverse("projects:list"), {"year": ""})["Content-Security-Policy"]
    second = staff_client.get(reverse("projects:list"), {"year": ""})["Content-Security-Policy"]
    assert script_src(first) != script_src(second)


def test_the_usual_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_htmx_is_configured_for_the_policy(staff_client):
    """No inline indicator styles, no eval (hx-on / js: would need 'unsafe-eval'); a request
    with no answer in 30 s fails, and static/js/forms.js says so beside the button."""
    html = staff_client.get(reverse("projects:list"), {"year": ""}).text
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert json.loads(config.group(1)) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "timeout": 30000,
    }


INLINE_HANDLER = re.compile(r"<[^>]+\s(on[a-z]+|hx-on[:\-][^=\s]*)\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_templates_hold_no_inline_scripts_handlers_or_hx_on():
    """Every <script> in a template loads a file or carries JSON data; no onclick=, no
    hx-on. What a strict policy would block must not be written in the first place."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in SCRIPT_TAG.finditer(text):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path.relative_to(ROOT)}: <script{attrs}>")
        for match in INLINE_HANDLER.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(1)}=")
        if "javascript:" in text.lower():
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offenders == []


# --- inline styles: none, for style-src 'self' (issue 12, item 10) ----------------------

STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# What script could add that the policy refuses: a style attribute set as an attribute,
# a <style> element, markup with style="…". Setting element.style.x (CSSOM) is allowed.
SCRIPT_STYLE = re.compile(
    r"setAttribute\(\s*[\"']style[\"']|createElement\(\s*[\"']style[\"']|style\s*=\s*[\\\"']",
    re.IGNORECASE,
)
# Templates only ever rendered into PDFs by WeasyPrint (no browser, no policy) may style
# inline; none does today: agency_report.html is PDF-only, the print view's templates
# (project_print.html and what it includes, the SVG charts) are also served to browsers.
PDF_ONLY_TEMPLATES: set[str] = set()


def test_templates_and_scripts_hold_no_inline_styles():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name in PDF_ONLY_TEMPLATES:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{name}: {m.group(0)[:60]}" for m in STYLE_ATTRIBUTE.finditer(text)]
        offenders += [f"{name}: <style>" for _ in STYLE_ELEMENT.finditer(text)]
    for path in (ROOT / "static" / "js").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m.group(0)}" for m in SCRIPT_STYLE.finditer(text)]
    assert offenders == []


@pytest.mark.parametrize(
    "key", sorted(key for key, (method, _, _) in matrix.MATRIX.items() if method == "get")
)
def test_no_page_is_sent_with_an_inline_style(client, world, key):
    """Every page of the site as it leaves the server, for an administrator and for the
    project's agency staff (the forms): what templates, filters and widgets wrote."""
    _method, spec, _expected = matrix.MATRIX[key]
    offenders = []
    for role in ("admin", "own staff"):
        client.force_login(world["users"][role])
        path = matrix.path_of(key, spec, world)
        response = client.get(path, follow=True)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        offenders += [f"{role}: {m.group(0)[:80]}" for m in STYLE_ATTRIBUTE.finditer(html)]
        offenders += [f"{role}: <style>" for _ in STYLE_ELEMENT.finditer(html)]
    assert offenders == []


@pytest.mark.parametrize(
    ("percent", "width"),
    [
        (Decimal("37.25"), "37.2%"),
        (100, "100.0%"),
        (Decimal("120"), "100.0%"),
        (-5, "0.0%"),
        (None, "0.0%"),
        ("", "0.0%"),
    ],
)
def test_a_progress_bar_is_an_svg_with_a_width_attribute(percent, width):
    """{% bar %}: what the policy lets through, clamped to 0-100, nothing as 0."""
    html = Template("{% bar percent %}").render(Context({"percent": percent}))
    assert html == (
        f'<svg class="bar" aria-hidden="true"><rect width="{width}" height="100%" rx="4"/></svg>'
    )


def test_the_plotly_styles_follow_the_bundle():
    """static/vendor/plotly*.css and templates/includes/plotly.html hold what plotly.js
    would have put in <style> elements of its own (tests/plotly_css.py): written again
    with each new plotly.min.js."""
    bundle = plotly_css.BUNDLE.read_text(encoding="utf-8")
    assert len(plotly_css.rules(bundle)) > 50
    expected = plotly_css.files(bundle)
    assert len(expected) == 2 + len(plotly_css.whole_stylesheets(bundle))
    stale = [
        path.relative_to(ROOT).as_posix()
        for path, text in expected.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert stale == [], "out of date: .venv/bin/python -m tests.plotly_css"


def test_pages_with_charts_link_plotlys_styles_before_plotly(seed_project, client):
    """plotly.js adds <style> elements of its own unless it finds these links when it loads."""
    client.force_login(UserFactory(username="sec-charts", manager=True))
    bundle = plotly_css.BUNDLE.read_text(encoding="utf-8")
    links = [
        '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
        'href="/static/vendor/plotly.css">',
        *(
            f'<link rel="stylesheet" id="{element_id}" href="/static/vendor/{name}">'
            for name, element_id, _css in plotly_css.whole_stylesheets(bundle)
        ),
    ]
    for path in (reverse("projects:detail", args=[seed_project.code]), "/dashboard/?year=2564"):
        html = client.get(path).text
        script = html.index('src="/static/vendor/plotly.min.js"')
        assert [link in html[:script] for link in links] == [True] * len(links), path


# --- the CSRF token: never read from a cookie by script (issue 12, item 10) ---------------


def test_the_csrf_cookie_is_httponly(client, db):
    """No script of ours reads the cookie: a script injected some day cannot either."""
    cookie = client.get(reverse("login")).cookies["csrftoken"]
    assert cookie.value
    assert cookie["httponly"] is True


# The cookie's name (CSRF_COOKIE_NAME), not the header htmx sends (X-CSRFToken).
COOKIE_READ = re.compile(r"document\.cookie|\bcsrftoken\b")


def test_no_script_or_template_reads_the_csrf_cookie():
    """Every place script could take the token from: our static JS and the templates (the
    token travels in <body hx-headers> and in forms' hidden inputs instead)."""
    places = [*(ROOT / "static" / "js").rglob("*.js"), *(ROOT / "templates").rglob("*.html")]
    assert len(places) > 10
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in places
        for match in COOKIE_READ.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_an_htmx_post_with_the_token_from_hx_headers_passes_the_csrf_check(db):
    """What htmx sends: the token written into <body hx-headers>, not the cookie's value."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="sec-htmx"))
    page = client.get(reverse("projects:list"), {"year": ""})
    headers = re.search(r"<body hx-headers='([^']+)'>", page.text)
    token = json.loads(headers.group(1))["X-CSRFToken"]
    assert token != page.cookies["csrftoken"].value  # masked, as {% csrf_token %} writes it
    refused = client.post(reverse("logout"), HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    response = client.post(reverse("logout"), HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


# --- login lockout (django-axes) ----------------------------------------------------------


def post_login(client, username, password, ip="10.1.2.3"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def person(db):
    return UserFactory(username="somchai")


def test_five_failures_lock_the_username_from_that_address(client, person):
    for _ in range(4):
        response = post_login(client, "somchai", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    response = post_login(client, "somchai", "wrong")
    assert response.status_code == 429
    # Even the right password is refused now, with the Thai page.
    response = post_login(client, "somchai", "demo")
    assert response.status_code == 429
    text = response.content.decode()
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in text
    assert "ไม่ถูกต้องครบ 5 ครั้ง" in text
    assert "กรุณารอ 15 นาที" in text
    assert "somchai" in text
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_by_username_and_address_together(client, person):
    UserFactory(username="somsri")
    for _ in range(5):
        post_login(client, "somchai", "wrong")
    assert post_login(client, "somchai", "demo").status_code == 429
    # Another person at the same address, and the same person elsewhere, still log in.
    assert post_login(client, "somsri", "demo").status_code == 302
    client.logout()
    assert post_login(client, "somchai", "demo", ip="10.9.9.9").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, person):
    for _ in range(4):
        post_login(client, "somchai", "wrong")
    assert post_login(client, "somchai", "demo").status_code == 302
    client.logout()
    for _ in range(4):
        assert post_login(client, "somchai", "wrong").status_code == 200
    assert post_login(client, "somchai", "demo").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, person):
    for _ in range(5):
        post_login(client, "somchai", "wrong")
    assert post_login(client, "somchai", "demo").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert post_login(client, "somchai", "demo").status_code == 302


def test_force_login_and_test_client_login_still_work(client, person):
    """Other tests log in with force_login() or login(): neither has a request for axes."""
    assert client.login(username="somchai", password="demo")
    client.logout()
    assert not client.login(username="somchai", password="wrong")
    client.force_login(person)
    assert client.get(reverse("projects:list"), {"year": ""}).status_code == 200


# --- files are downloads, never pages ------------------------------------------------------


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def assert_sandboxed_attachment(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "sandbox" in policy
    assert "text/html" not in response["Content-Type"]


@pytest.mark.parametrize("name", ["evidence.html", "evidence.pdf", "evidence.svg", "evidence"])
def test_an_html_upload_is_refused_and_nothing_is_stored(client, media, db, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.models import EvidenceFile, ProgressEntry
    from tests.factories import PlanStepFactory, ProjectFactory

    project = ProjectFactory()
    PlanStepFactory(project=project)
    client.force_login(UserFactory(username="sec-uploader", agency=project.agency))
    today = timezone.localdate()
    response = client.post(
        reverse("projects:report", args=[project.code]),
        {
            "period": today.replace(day=1).isoformat(),
            "reported_on": today.isoformat(),
            "narrative": "แนบหลักฐาน",
            "version": "0",
            "evidence": [SimpleUploadedFile(name, HTML, content_type="text/html")],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"ไฟล์ {name} ไม่ใช่ชนิดที่รับได้" in body
    assert not EvidenceFile.objects.exists() and not ProgressEntry.objects.exists()
    assert not (media.exists() and any(path.is_file() for path in media.rglob("*")))


def test_evidence_that_is_html_inside_is_still_only_a_sandboxed_download(client, media, db):
    """A file the type check would refuse today (HTML) but that is stored anyway, as an
    old import might have left it: the download view still never lets a browser render it."""
    entry = ProgressEntryFactory()
    evidence = EvidenceFileFactory(
        entry=entry,
        original_name="page.pdf",
        file=ContentFile(HTML, name="page.pdf"),
    )
    client.force_login(UserFactory(username="sec-reader", agency=entry.project.agency))
    response = client.get(reverse("projects:evidence", args=[entry.project.code, evidence.pk]))
    assert_sandboxed_attachment(response)
    assert b"".join(response.streaming_content) == HTML


def test_report_downloads_are_sandboxed_attachments(client, media, db):
    from reports.models import ReportJob
    from tests.factories import FiscalYearFactory

    user = UserFactory(username="sec-manager", manager=True)
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.BMA,
        format=ReportJob.Format.PDF,
        fiscal_year=FiscalYearFactory(),
        status=ReportJob.Status.DONE,
        requested_by=user,
    )
    job.file.save("report.pdf", ContentFile(HTML), save=True)
    client.force_login(user)
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert_sandboxed_attachment(response)
    assert response["Content-Type"] == "application/pdf"


def test_media_files_are_not_served_by_url(client, media, db):
    entry = ProgressEntryFactory()
    evidence = EvidenceFileFactory(entry=entry, file=ContentFile(HTML, name="page.html"))
    client.force_login(UserFactory(username="sec-admin", admin=True, is_superuser=True))
    assert client.get(evidence.file.url).status_code == 404
    assert client.get("/media/").status_code == 404


def test_inline_pdfs_get_a_policy_the_pdf_viewer_works_under(client, seed_project):
    """Chrome's PDF viewer is blocked by object-src 'none' (crbug.com/271452): the printed
    project PDF, shown inline, only refuses to be framed."""
    client.force_login(UserFactory(username="sec-printer", manager=True))
    response = client.get(reverse("print:project_pdf", args=[seed_project.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
