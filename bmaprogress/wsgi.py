import os
import sys

from django.core.wsgi import get_wsgi_application

from bmaprogress.env import MissingEnvironment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmaprogress.settings")
try:
    application = get_wsgi_application()
except MissingEnvironment as exc:
    # gunicorn prints the traceback and stops; this line says why first, plainly.
    print(f"BMA Progress cannot start: {exc}", file=sys.stderr, flush=True)
    raise
