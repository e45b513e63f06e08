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

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from projects import pagecache
from reports.api import access

SCOPES = (pagecache.SITE, pagecache.PROJECTS)


def reader_kind(request) -> str:
    """Who reads, as a part of the ETag and of the kept body's key: everybody logged in
    reads the same rows (api.access), the public fewer. A rule that made readers differ
    (by agency, say) would have to be part of this value, as in a kept page's key."""
    return "reader" if access.is_reader(request.user) else "public"


def etag(request, versions=None) -> str:
    versions = pagecache.versions(*SCOPES) if versions is None else versions
    parts = (
        *versions,
        request.get_full_path(),
        reader_kind(request),
        translation.get_language() or "",
    )
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def matches(request, tag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return sent.strip() == "*" or tag in (
        part.strip().removeprefix("W/") for part in sent.split(",")
    )


class Polled:
    """A mixin of the read-only viewsets: 304 for an unchanged ETag, the ETag on every
    answer, and the JSON body kept in the shared cache under the same versions
    (``pagecache.kept``, as the project list keeps its page): a page that many clients
    pull costs its queries and serializing once per change, not once per request."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        return response

    def polled(self, request, answer) -> HttpResponse:
        versions = pagecache.versions(*SCOPES)
        tag = etag(request, versions)
        if matches(request, tag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            # The absolute URL: the body's next/previous links carry the host.
            url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
            body = pagecache.kept(
                ("api", reader_kind(request), url),
                SCOPES,
                # Kept as the bytes sent: no decoding and encoding again on each request.
                lambda: JSONRenderer().render(answer().data),
                versions=versions,
            )
            response = HttpResponse(body, content_type="application/json")
        response["ETag"] = tag
        # Revalidate each time (an anonymous answer may be kept; a logged-in one is made
        # private, no-store by bmaprogress.middleware.CacheControlMiddleware).
        response["Cache-Control"] = "no-cache"
        return response
