"""Two app servers over one PostgreSQL and one Redis serve the same pages (issue 13): a
write through one shows on the other's next view, and a login on one is a login on both.
Each server is gunicorn with the production settings (benchmarks/prodserver.py)."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests.factories import FiscalYearFactory, PlanStepFactory, ProjectFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="two app servers share PostgreSQL and Redis: set DATABASE_URL and REDIS_URL "
        "(.ci/run does)",
    ),
]

PASSWORD = "app-servers-2569"


def staff_and_reader(project):
    staff = UserFactory(username="servers-staff", agency=project.agency)
    reader = UserFactory(username="servers-reader", manager=True)
    for user in (staff, reader):
        # The servers run with production's hashers (no MD5 of the tests).
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
    return staff, reader


def kept_bodies() -> set:
    """The keys of the project pages' bodies kept in Redis (settings.CACHES: KEY_PREFIX
    "bma"), not of the other things kept (the project of an address: page:project-of)."""
    import redis

    # (settings' URL: under pytest-xdist each worker, and the servers it starts, use a
    # Redis database of their own.)
    client = redis.Redis.from_url(settings.REDIS_URL)
    return set(client.scan_iter("bma:*:page:project:*"))


def test_a_report_saved_through_one_server_shows_on_the_other(transactional_db, tmp_path):
    from benchmarks import prodserver
    from benchmarks.soak.people import report_form
    from benchmarks.webclient import WebClient

    project = ProjectFactory(code="09980000-0001", fiscal_year=FiscalYearFactory())
    PlanStepFactory(project=project)
    staff, reader = staff_and_reader(project)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = prodserver.production_env(url, workdir=tmp_path)  # one secret key for both
    assert env["REDIS_URL"] == os.environ["REDIS_URL"]
    prodserver.manage(env, "collectstatic", "--noinput", "-v0")
    ports = prodserver.free_port(), prodserver.free_port()
    servers = [prodserver.start_gunicorn(env, port, workers=2, threads=2) for port in ports]
    try:
        on_a, on_b = (WebClient("127.0.0.1", port) for port in ports)
        page = f"/projects/{project.code}/"
        narrative = "รายงานที่ส่งผ่านเครื่อง A"
        reader_on_a = WebClient("127.0.0.1", ports[0])
        for client in (on_b, reader_on_a):
            assert client.login(reader.username, PASSWORD).status == 302
        before = on_b.get(page)
        assert before.status == 200 and narrative not in before.text
        bodies = kept_bodies()
        assert len(bodies) == 1
        # A serves the body B kept: rendered once for every server.
        assert reader_on_a.get(page).status == 200
        assert kept_bodies() == bodies

        # The staff's session, made on A, is a session on B too (one cache, one database).
        assert on_a.login(staff.username, PASSWORD).status == 302
        staff_on_b = WebClient("127.0.0.1", ports[1], cookies=dict(on_a.cookies))
        assert 'id="report-form"' in staff_on_b.get(page).text

        form = report_form(on_a.get(page).text)
        fields = [(k, v) for k, v in form.fields if k not in ("narrative", "completed_steps")]
        fields += [("completed_steps", value) for value in form.checkboxes["completed_steps"]]
        saved = on_a.post(f"{page}report/", [*fields, ("narrative", narrative)], referer=page)
        assert saved.status == 302, saved.text[:500]

        assert narrative in on_b.get(page).text  # B's next view
        assert narrative in reader_on_a.get(page).text
    finally:
        for server in servers:
            prodserver.stop(server)
