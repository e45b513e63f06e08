"""Site-wide middleware: security headers the other packages do not send, what browsers
may keep of a page (Cache-Control), and the Thai 503 page while the database cannot be
reached."""

import functools
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_cookie
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a downloaded file may do if a browser opens it anyway: nothing.
ATTACHMENT_POLICY = "default-src 'none'; sandbox"
# PDFs we generate and show inline (reports' print.pdf): Chrome's PDF viewer is an <embed>
# with inline styles, which the page policy (object-src 'none') and a sandbox would
# block (crbug.com/271452). They hold no script of ours; only framing is refused.
INLINE_PDF_POLICY = "frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; every download (Content-Disposition:
    attachment) is sandboxed with a policy of its own, so that a file someone uploaded
    can never run as a page of this site, even if a browser were to render it. Inline
    PDFs get a policy Chrome's PDF viewer works under.

    It sits inside django-csp's middleware, which keeps a policy already set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.BMA_PERMISSIONS_POLICY
        if response.get("Content-Disposition", "").lower().startswith("attachment"):
            response["Content-Security-Policy"] = ATTACHMENT_POLICY
            response["X-Content-Type-Options"] = "nosniff"
        elif response.get("Content-Type", "").startswith("application/pdf"):
            response["Content-Security-Policy"] = INLINE_PDF_POLICY
        return response


class CacheControlMiddleware:
    """``Cache-Control: private, no-store`` on every page and file the app answers, so that
    neither a proxy nor the browser keeps what a person saw: on a shared office PC, the back
    button after logout asks the server again and gets the login page (issue 12, item 7).

    The policy, by response:

    - none set by the view: ``private, no-store``, for everyone. Nothing of ours is public
      yet: the login page carries a CSRF token (Django's LoginView also sends never_cache),
      and every other page answers an anonymous visitor with a redirect to it;
    - set by the view and already ``no-store`` (never_cache, the 503 page): kept as it
      is, since nothing stores such a response anywhere;
    - set by the view and cacheable (``public_page`` below, or Django's ``cache_control``):
      kept for an anonymous visitor, replaced by ``private, no-store`` for a logged-in one
      (the top bar shows their name and menu).

    Static files never get here: WhiteNoise answers them first, with their long cache.
    It adds no query: the user is only looked at for a cacheable policy, i.e. on a page
    that has read it already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        declared = response.get("Cache-Control")
        if not declared or ("no-store" not in declared.lower() and _is_authenticated(request)):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _is_authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def public_page(*, max_age: int):
    """Declare a view public (issue 17's pages): anonymous visitors' browsers and proxies
    may keep it for ``max_age`` seconds. A logged-in reader of the same URL still gets
    ``private, no-store`` (CacheControlMiddleware); ``Vary: Cookie`` keeps a proxy from
    handing the anonymous copy to them."""

    def decorator(view):
        return functools.wraps(view)(
            vary_on_cookie(cache_control(public=True, max_age=max_age)(view))
        )

    return decorator


def database_unavailable_response(request) -> HttpResponse:
    """The Thai 503 page. Rendered without the request's context processors: they read
    the user from the session, i.e. from the database that is down."""
    retry_after = settings.BMA_RETRY_AFTER_SECONDS
    html = render_to_string(
        "503.html",
        {"retry_after": retry_after, "reload": request.method in ("GET", "HEAD")},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


# What a view meets when the database or the shared cache (Redis: sessions, kept pages) is
# out of reach.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database, or Redis (the shared cache that holds the
    sessions and kept pages), answers 503 with Retry-After instead of 500.

    Nothing needs resetting when the database comes back: Django drops a connection that
    failed at the end of the request, and CONN_HEALTH_CHECKS (PostgreSQL) replaces a
    stale persistent one before its next use, so the next request simply works.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        return unavailable_answer(request, exception)


def unavailable_answer(request, exception):
    """The 503 of a request that found the database or Redis down (logged). For a view's
    exception DatabaseUnavailableMiddleware gives it; a middleware that reads the session
    or the user before the view (bmaprogress.language) gives it itself, since Django turns
    a middleware's exception into a 500 before any process_exception sees it."""
    logger.error(
        "Database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(exception).__name__,
        exception,
    )
    return database_unavailable_response(request)
