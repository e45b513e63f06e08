"""The app's urls plus /bench/bare/: a Django view that does nothing, through the same
middleware (sessions, CSRF, auth, htmx, history), as the baseline of the benchmark."""

from django.http import HttpResponse
from django.urls import path

from bmaprogress.urls import urlpatterns as app_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
