"""Faults (issue 7): a database that cannot be reached gives the Thai 503 page with
Retry-After, and pages recover by themselves once it is back.

The first tests provoke the error inside Django (both databases). The last one is the
real thing on PostgreSQL: gunicorn with the production settings reaches the test
database through a TCP relay on loopback that the test cuts and restores (nothing listens
meanwhile), then has its backends killed with pg_terminate_backend (this database's
only); the shared PostgreSQL server itself is never stopped."""

import contextlib
import re
import socket
import threading
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse

from bmaprogress.middleware import DatabaseUnavailableMiddleware
from tests.factories import PlanStepFactory, ProjectFactory, UserFactory


@pytest.fixture
def logged_in(client, db):
    user = UserFactory(username="fault-staff")
    client.force_login(user)
    return client


def database_down(monkeypatch, error=OperationalError):
    """Every session read fails as it does when PostgreSQL is unreachable (with the
    session's cache too: its first miss reads the database)."""

    def load(self):
        raise error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(import_module(settings.SESSION_ENGINE).SessionStore, "load", load)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_pages_answer_the_thai_503_page_with_retry_after(logged_in, monkeypatch, error):
    database_down(monkeypatch, error)
    response = logged_in.get(reverse("projects:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "ระบบขัดข้องชั่วคราว" in text
    assert "ข้อมูลที่บันทึกสำเร็จก่อนหน้านี้ยังอยู่ครบ" in text
    # A GET reloads itself after Retry-After seconds.
    assert '<meta http-equiv="refresh" content="30">' in text
    # The security headers are still there.
    assert "script-src" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_post_during_the_outage_says_it_was_not_saved_and_does_not_reload(logged_in, monkeypatch):
    project = ProjectFactory()
    database_down(monkeypatch)
    response = logged_in.post(reverse("projects:report", args=[project.code]), {"narrative": "x"})
    assert response.status_code == 503
    text = response.content.decode()
    assert "รายการนั้นยังไม่ได้บันทึก" in text
    assert "http-equiv" not in text  # reloading would not send the form again


def test_the_retry_after_is_a_setting(logged_in, monkeypatch, settings):
    settings.BMA_RETRY_AFTER_SECONDS = 5
    database_down(monkeypatch)
    response = logged_in.get(reverse("projects:list"))
    assert response["Retry-After"] == "5"


def test_the_login_page_needs_no_database(client, db, monkeypatch):
    database_down(monkeypatch)
    assert client.get(reverse("login")).status_code == 200


def test_other_errors_are_not_turned_into_503(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = rf.get("/")
    assert middleware.process_exception(request, ValueError("x")) is None
    assert middleware.process_exception(request, OperationalError("x")).status_code == 503


# --- the real thing, on PostgreSQL ----------------------------------------------------------


class TcpRelay:
    """127.0.0.1:<port> -> PostgreSQL. ``cut()`` closes the listener and every relayed
    connection (the server is then unreachable: connection refused); ``restore()``
    listens again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.listener = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            # close() alone does not wake a thread blocked in accept() on Linux, and the
            # socket would go on listening: shut it down first.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def is_503_page(answer) -> bool:
    return (
        answer.status == 503
        and answer.header("Retry-After") == "30"
        and "ระบบขัดข้องชั่วคราว" in answer.text
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the outage is played on PostgreSQL (CI runs it)"
)
def test_gunicorn_answers_503_while_postgresql_is_unreachable_and_recovers_by_itself(
    transactional_db, tmp_path
):
    from benchmarks import prodserver
    from benchmarks.webclient import WebClient
    from projects.models import ProgressEntry

    project = ProjectFactory(code="09990000-0001")
    PlanStepFactory(project=project)
    user = UserFactory(username="fault-gunicorn", agency=project.agency)
    # The server runs with production's hashers (no MD5 of the tests).
    user.password = make_password("demo", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    db = connection.settings_dict
    relay = TcpRelay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.restore()
    url = f"postgres://{db['USER']}@127.0.0.1:{relay.port}/{db['NAME']}"
    env = prodserver.production_env(url, workdir=tmp_path, BMA_PROXY_COUNT=None)
    prodserver.manage(env, "collectstatic", "--noinput", "-v0")
    port = prodserver.free_port()
    log_path = tmp_path / "gunicorn.log"
    outcomes = {}
    with open(log_path, "w") as log:
        server = prodserver.start_gunicorn(env, port, workers=1, threads=2, log=log)
    try:
        browser = WebClient("127.0.0.1", port)
        assert browser.login("fault-gunicorn", "demo").status == 302
        page = f"/projects/{project.code}/"
        assert browser.get(page).status == 200
        assert browser.get("/projects/?year=").status == 200
        form_path = f"/projects/{project.code}/report/"
        token = browser.get(form_path).csrf_token()

        # 1. PostgreSQL unreachable: every page that needs it says so, in Thai, with 503.
        relay.cut()
        for path in ("/projects/?year=", page, "/dashboard/", "/reports/"):
            answer = browser.get(path)
            outcomes[f"down GET {path}"] = answer.status
            assert is_503_page(answer), (path, answer.status, answer.text[:300])
        report = browser.get(form_path)
        outcomes["down GET report form"] = report.status
        assert report.status == 503
        saved = browser.post(
            form_path,
            {"csrfmiddlewaretoken": token, "narrative": "ส่งระหว่างฐานข้อมูลล่ม", "version": "0"},
        )
        outcomes["down POST report"] = saved.status
        assert is_503_page(saved) and "รายการนั้นยังไม่ได้บันทึก" in saved.text
        anonymous = WebClient("127.0.0.1", port)
        outcomes["down GET login (anonymous)"] = anonymous.get("/accounts/login/").status
        assert outcomes["down GET login (anonymous)"] == 200

        # 2. Back: the very next request works, without restarting anything.
        relay.restore()
        answer = browser.get(page)
        outcomes["back GET project page"] = answer.status
        assert answer.status == 200 and project.code in answer.text
        assert browser.get(form_path).status == 200

        # 3. Backends killed under the server's feet (this test database's only): the
        # health check notices the dead connection and opens a new one.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            killed = cursor.fetchone()[0]
        outcomes["backends terminated"] = killed
        assert killed >= 1
        for path in (page, "/projects/?year=", "/projects/my-agency/"):
            answer = browser.get(path)
            outcomes[f"after terminate GET {path}"] = answer.status
            assert answer.status == 200, (path, answer.status, answer.text[:300])
    finally:
        prodserver.stop(server)
        relay.cut()
    print("fault outcomes:", outcomes)
    log = log_path.read_text()
    assert "Database unavailable on GET /projects/" in log
    assert not re.search(r"Internal Server Error|Traceback", log), log[-3000:]
    assert not ProgressEntry.objects.exists()


def test_a_missing_page_during_the_outage_is_the_503_page_not_a_bare_500(logged_in, monkeypatch):
    """Django's 404 page shows the user, read from the session: with the database down it
    failed while rendering and Django answered a bare 500."""
    database_down(monkeypatch)
    response = logged_in.get("/no-such-page/")
    assert response.status_code == 503
    assert "ระบบขัดข้องชั่วคราว" in response.content.decode()


def test_missing_pages_are_still_404_when_the_database_is_up(logged_in):
    response = logged_in.get("/no-such-page/")
    assert response.status_code == 404
