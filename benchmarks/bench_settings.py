"""Settings of the web benchmark: the production settings (DJANGO_ENV=production), with the
benchmark urlconf (a bare view beside the app) and static files collected outside the
checkout. Nothing else changes."""

import os

from bmaprogress.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/bma-bench-static")
