"""What every public page (issue 17) shares, as a site-wide concern: on only when
``settings.BMA_PUBLIC_SITE`` is (404 otherwise), a rate limit per client address with the
Thai 429 page, what browsers and proxies may keep, and absolute canonical addresses.

What a visitor may *see* is not here: projects.public and indicators.public are its home.

Cache-Control: ``public, max-age=BMA_PUBLIC_MAX_AGE`` (60 s) for anonymous visitors,
through bmaprogress.middleware.public_page. It is safe because a public page is the same
for every anonymous visitor: the body is kept in the shared page cache by data version and
language, the header has no name, no menu of rights and no CSRF token (base.html leaves
``hx-headers`` out with ``public_page``), and no cookie is set on the way. ``Vary:
Cookie`` (public_page), ``Vary: Accept-Language`` (LocaleMiddleware) and ``Vary:
HX-Request`` (the list answers htmx with its results only) keep a browser or a proxy from
handing the anonymous copy to somebody with a session or another language, or a fragment
for a page; a logged-in reader gets ``private, no-store`` from CacheControlMiddleware
whatever the view says. Refusals (429) and errors are ``no-store``.
"""

import functools

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_ratelimit.core import is_ratelimited

from bmaprogress.auth_backends import client_address
from bmaprogress.middleware import public_page
from projects import public


def _client_key(group, request) -> str:
    # The one rule for a client's address behind BMA_PROXY_COUNT proxies (lockouts too).
    return client_address(request) or "-"


def too_many_requests(request, rate: str):
    """The Thai 429 page: try again in a minute."""
    response = render(request, "429.html", {"public_page": True}, status=429)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def public_view(*, rate_setting: str = "BMA_PUBLIC_RATE", group: str = "public"):
    """Decorate a public view: 404 while the public site is off; 429 past the rate of
    ``rate_setting`` for the client's address (counted per ``group``); else the view's
    answer, which anonymous visitors' browsers may keep BMA_PUBLIC_MAX_AGE seconds."""

    def decorator(view):
        cached = public_page(max_age=settings.BMA_PUBLIC_MAX_AGE)(view)

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not public.enabled():
                raise Http404
            rate = getattr(settings, rate_setting)
            if is_ratelimited(request, group=group, key=_client_key, rate=rate, increment=True):
                return too_many_requests(request, rate)
            response = cached(request, *args, **kwargs)
            # The list answers htmx with its results only: never one for the other.
            patch_vary_headers(response, ("HX-Request",))
            return response

        return wrapped

    return decorator


def absolute_url(path: str) -> str:
    """``path`` on the site's address as people open it (BMA_SITE_URL): canonical links,
    Open Graph and the sitemap say the same address whatever Host a request came with."""
    return settings.BMA_SITE_URL.rstrip("/") + path
