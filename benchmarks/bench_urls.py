"""The app's urls plus /bench/bare/: a Django view that does nothing, through the same
middleware (sessions, CSRF, auth, htmx, history), as the baseline of the benchmark; and
/bench/bare-reader/, the same view reading the reader's session and user."""

from django.http import HttpResponse
from django.urls import path

from bmaprogress.urls import urlpatterns as app_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def bare_reader(request):
    """The bare view that a logged-in reader's page is at least: it reads the session and
    its user (Django's session engine and ModelBackend), and nothing else."""
    return HttpResponse(
        b"ok" if request.user.is_authenticated else b"no", content_type="text/plain"
    )


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-reader/", bare_reader),
    *app_urlpatterns,
]
