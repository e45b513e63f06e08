"""ETags for cheap polling: a client that sends ``If-None-Match`` with the ETag of its last
answer gets 304 Not Modified, without a query, while nothing it could see has changed.

The ETag is computed before any query, from the page cache's namespaced versions
(projects/pagecache.py): ``PROJECTS`` changes with every write to a project or a row that
belongs to it, ``SITE`` with every write to agencies, fiscal years, KPIs and their results.
With them: the URL (path and query: filters, cursor, page size), the kind of reader
(public or logged-in: they see different rows) and the language. A write that bypasses
the page cache's signals (SQL by hand) leaves the old ETag until the versions change, as it
leaves the kept pages (see pagecache's docstring)."""

import hashlib

from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import status
from rest_framework.response import Response

from api import access
from projects import pagecache


def etag(request) -> str:
    versions = pagecache.versions(pagecache.SITE, pagecache.PROJECTS)
    reader = "reader" if access.is_reader(request.user) else "public"
    parts = (*versions, request.get_full_path(), reader, translation.get_language() or "")
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def matches(request, tag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return sent.strip() == "*" or tag in (
        part.strip().removeprefix("W/") for part in sent.split(",")
    )


class Polled:
    """A mixin of the read-only viewsets: 304 for an unchanged ETag, the ETag on every answer."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        return response

    def polled(self, request, answer) -> Response:
        tag = etag(request)
        if matches(request, tag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = answer()
        response["ETag"] = tag
        # Revalidate each time (an anonymous answer may be kept; a logged-in one is made
        # private, no-store by bmaprogress.middleware.CacheControlMiddleware).
        response["Cache-Control"] = "no-cache"
        return response
