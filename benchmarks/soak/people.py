"""Simulated people: each logs in and, with a short pause between steps, reads and
reports through the real pages and forms."""

import html.parser
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from benchmarks.soak.prepare import PASSWORD, SEED_CODE
from benchmarks.webclient import WebClient

# --- the report form, as a browser would send it ------------------------------------------


class FormFields(html.parser.HTMLParser):
    """The fields of <form id=...> with the values a browser would send as they stand."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.checkboxes: dict[str, list[str]] = defaultdict(list)
        self._select = None
        self._select_value = None
        self._first_option = None
        self._option_value = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                self.checkboxes[name].append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind == "radio":
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("file", "submit", "button"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def report_form(page_html: str) -> FormFields:
    parser = FormFields("report-form")
    parser.feed(page_html)
    return parser


# --- simulated people ------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    status: int
    seconds: float


@dataclass
class Shared:
    stop_at: float
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    saves: dict = field(default_factory=lambda: defaultdict(list))  # (code, period) -> narratives
    jobs: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Person(threading.Thread):
    def __init__(self, person: dict, data: dict, shared: Shared, port: int, seed: int):
        super().__init__(name=person["username"], daemon=True)
        self.person = person
        self.data = data
        self.shared = shared
        self.rng = random.Random(seed)
        self.client = WebClient("127.0.0.1", port, timeout=120)
        self.saves = 0
        self.ticks = dict.fromkeys(person["projects"], 0)

    # Each step: one or more requests; a status other than the expected one is an error.
    def call(self, kind, method, path, expect=200, **kwargs):
        try:
            if method == "GET":
                answer = self.client.get(path, headers=kwargs.get("headers"))
            else:
                answer = self.client.post(path, kwargs["fields"], referer=kwargs.get("referer"))
        except Exception as exc:  # a broken connection, a timeout
            with self.shared.lock:
                self.shared.errors.append(f"{self.name} {method} {path}: {exc!r}")
            return None
        with self.shared.lock:
            self.shared.records.append(Record(kind, answer.status, answer.seconds))
            if answer.status != expect:
                snippet = " ".join(answer.text.split())[:300]
                self.shared.errors.append(
                    f"{self.name} {method} {path}: {answer.status}, expected {expect}: {snippet}"
                )
        return answer if answer.status == expect else None

    def run(self):
        try:
            self.work()
        except Exception as exc:
            with self.shared.lock:
                self.shared.errors.append(f"{self.name} stopped: {exc!r}")

    def work(self):
        login = self.client.login(self.person["username"], PASSWORD)
        if login.status != 302:
            with self.shared.lock:
                self.shared.errors.append(f"{self.name} login: {login.status}")
            return
        steps = {
            "staff": [
                (self.report, 4),
                (self.own_project, 2),
                (self.my_agency, 1),
                (self.project_list, 1),
                (self.search, 1),
                (self.project, 1),
            ],
            "evaluator": [
                (self.evaluation, 3),
                (self.project, 3),
                (self.indicators, 1),
                (self.project_list, 1),
                (self.history_more, 1),
            ],
            "manager": [
                (self.dashboard, 3),
                (self.project, 2),
                (self.project_list, 1),
                (self.reports_page, 1),
                (self.order_report, 1),
                (self.print_view, 1),
            ],
            "reader": [
                (self.project_list, 2),
                (self.search, 2),
                (self.project, 3),
                (self.history_more, 1),
                (self.indicators, 1),
            ],
        }[self.person["role"]]
        actions, weights = zip(*steps, strict=True)
        if self.person["role"] == "manager":
            self.order_report()  # every run has reports for the worker to build
        relogin_at = time.monotonic() + self.rng.uniform(60, 180)
        while time.monotonic() < self.shared.stop_at:
            try:
                self.rng.choices(actions, weights)[0]()
                if time.monotonic() > relogin_at:
                    self.relogin()
                    relogin_at = time.monotonic() + self.rng.uniform(120, 240)
            except Exception as exc:  # a page without what the step needs: an error too
                with self.shared.lock:
                    self.shared.errors.append(f"{self.name}: {exc!r}")
            time.sleep(self.rng.uniform(0.2, 1.0))
        self.client.close()

    def relogin(self):
        page = self.call("page", "GET", "/projects/")
        if page is None:
            return
        self.call(
            "logout",
            "POST",
            "/accounts/logout/",
            302,
            fields={"csrfmiddlewaretoken": page.csrf_token()},
            referer="/projects/",
        )
        self.client.cookies.pop("sessionid", None)
        login = self.client.login(self.person["username"], PASSWORD)
        with self.shared.lock:
            self.shared.records.append(Record("login", login.status, login.seconds))
            if login.status != 302:
                self.shared.errors.append(f"{self.name} re-login: {login.status}")

    # --- reading
    def project(self):
        code = self.rng.choice(self.data["readable"])
        self.call("project", "GET", f"/projects/{code}/")

    def own_project(self):
        code = self.rng.choice(self.person["projects"])
        answer = self.call("project", "GET", f"/projects/{code}/")
        if answer is not None and self.saves:
            self.check_latest_shown(code, answer.text)

    def history_more(self):
        code = SEED_CODE
        self.call("htmx", "GET", f"/projects/{code}/?page=2", headers={"HX-Request": "true"})

    def project_list(self):
        page = self.rng.randint(1, 5)
        self.call("list", "GET", f"/projects/?page={page}")

    def search(self):
        term = self.rng.choice(["ทางเท้า", "ระบายน้ำ", "สภา", "ผู้สูงอายุ", "ทดสอบความทนทาน", "8801"])
        self.call(
            "search", "GET", "/projects/?" + urlencode({"q": term}), headers={"HX-Request": "true"}
        )

    def my_agency(self):
        self.call("page", "GET", "/projects/my-agency/")

    def indicators(self):
        self.call("page", "GET", "/indicators/")

    def dashboard(self):
        query = self.rng.choice(
            ["", "?status=behind", f"?agency={self.rng.choice(self.data['agencies'])}"]
        )
        self.call("dashboard", "GET", f"/dashboard/{query}")

    def evaluation(self):
        first = self.call("page", "GET", "/evaluation/", 302)
        if first is not None:
            target = urlsplit(first.header("Location") or "/evaluation/")
            self.call(
                "evaluation", "GET", target.path + (f"?{target.query}" if target.query else "")
            )

    def reports_page(self):
        self.call("page", "GET", "/reports/")

    def print_view(self):
        code = self.rng.choice(self.data["readable"])
        self.call("print", "GET", f"/projects/{code}/print/")

    # --- writing
    def report(self):
        code = self.rng.choice(self.person["projects"])
        path = f"/projects/{code}/report/"
        page = self.call("report-form", "GET", path)
        if page is None:
            return
        form = report_form(page.text)
        fields = [(k, v) for k, v in form.fields if k not in ("completed_steps", "narrative")]
        steps = form.checkboxes.get("completed_steps", [])
        self.ticks[code] = min(len(steps), self.ticks[code] + 1)
        self.saves += 1
        narrative = f"soak {self.name} save {self.saves} of {code}: ดำเนินการตามแผน"
        fields += [("completed_steps", value) for value in steps[: self.ticks[code]]]
        fields += [("narrative", narrative)]
        period = dict(form.fields).get("period")
        saved = self.call("report", "POST", path, 302, fields=fields, referer=path)
        if saved is not None:
            with self.shared.lock:
                self.shared.saves[(code, period)].append(narrative)
            self.last = (code, narrative)

    def check_latest_shown(self, code, text):
        last = getattr(self, "last", None)
        if last and last[0] == code and last[1] not in text:
            with self.shared.lock:
                self.shared.errors.append(f"{self.name}: {code} does not show its last save")

    def order_report(self):
        """At most one order a person every 90 s (a PDF of one agency, an Excel file of one
        agency or of the whole BMA); the reports page otherwise."""
        page = self.call("page", "GET", "/reports/")
        if page is None or time.monotonic() - getattr(self, "ordered_at", -1e9) < 90:
            return
        self.ordered_at = time.monotonic()
        kind, file_format = self.rng.choice(
            [("agency", "pdf"), ("agency", "xlsx"), ("bma", "xlsx")]
        )
        fields = {
            "csrfmiddlewaretoken": page.csrf_token(),
            "kind": kind,
            "format": file_format,
            "fiscal_year": self.data["fiscal_year_pk"],
            "quarter": "",
            "agency": self.rng.choice(self.data["agency_pks"]) if kind == "agency" else "",
        }
        answer = self.call("order", "POST", "/reports/", 302, fields=fields, referer="/reports/")
        if answer is not None:
            location = answer.header("Location") or ""
            job = location.rsplit("#job-", 1)[-1]
            with self.shared.lock:
                self.shared.jobs.append(int(job))
            self.call("htmx", "GET", f"/reports/jobs/{job}/", headers={"HX-Request": "true"})
