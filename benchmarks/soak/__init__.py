#!/usr/bin/env python
"""Soak test: the app as production runs it, 20 simulated people at once, for 10 minutes.

    .venv/bin/python -m benchmarks.soak                 # 10 minutes (make soak)
    .venv/bin/python -m benchmarks.soak --minutes 1     # shorter
    SOAK_DB=postgres://postgres@127.0.0.1:5432/bma_soak .venv/bin/python -m benchmarks.soak

Everything stays on loopback and stops by itself: gunicorn (DJANGO_ENV=production, 2
workers x 4 threads) on 127.0.0.1:--port and one django-tasks-db worker, against a
PostgreSQL database of its own (default bma_soak: dropped and made anew, so its name must
contain "soak"), filled with the demo data, generated projects and a few agencies whose
staff report. Then --users threads (default 20: 8 agency staff, 4 evaluators, 4 managers,
4 staff of other agencies) log in through the login form and, with a short pause between
steps, read project pages, lists, searches, the dashboard, the evaluation screen and the
reports page; staff submit monthly reports through the real form (CSRF token from the
page, steps ticked, a narrative that names the user and the save), managers order Excel
reports that the worker builds.

Checked at the end, and the exit status says whether all held:
  - no error: no 5xx, no 4xx that the step did not expect, no broken connection;
  - before the measured run, each kind of report is built once and each kind of page
    served (warm-up), so that one-time growth is not taken for a leak;
  - nothing lost or doubled: for every (project, month) a client saved, the database holds
    exactly one entry, with the narrative of the client's last save, and every narrative
    the client saved is in the entry's history; every report ordered exists once and is
    done once the worker has caught up;
  - memory flat: RSS of the gunicorn workers and of the task worker, sampled from /proc
    every few seconds (first, last and highest are printed); after the warm-up (the first
    tenth of the run, at least 15 s) the highest sample of the second half may exceed
    that of the first half by at most 10 % + 10 MiB.

The parts: prepare.py (the database and the people), people.py (a simulated person, the
report form as a browser sends it), checks.py (what the database holds afterwards,
memory, the figures), run.py (warm-up, the run, main).
"""

from benchmarks.soak.prepare import admin_connection
from benchmarks.soak.run import main

__all__ = ["admin_connection", "main"]
