"""The dashboard's numbers kept in the shared cache, fresh for ``BMA_DASHBOARD_CACHE_SECONDS``
and then served stale while one request computes them again (stale-while-revalidate).

Aggregating a year of 20,000 projects takes about two seconds. If every worker that found
the numbers expired computed them again, every view in those seconds would wait for them.
So a value is kept, with the moment it was computed (a small entry beside it, ``:at``), for
``STALE_FACTOR`` times its fresh time. After its fresh time the first request to take the
refresh (``cache.add``: one winner across all workers and app servers) computes it again.
The others go on showing the old value, whose "computed at" the page shows.

How stale a value can be: its fresh time, plus the time its refresh takes. If the request
that refreshes dies, the refresh is taken again after ``REFRESH_SECONDS``. A value is never
shown once ``STALE_FACTOR`` fresh times have passed: it is computed in the request then.
"""

import datetime as dt
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

AT = ":at"
REFRESH = ":refresh"
STALE_FACTOR = 10
REFRESH_SECONDS = 60


def kept(key: str, compute: Callable, seconds: int, refresh: bool | None = None, stamp_of=None):
    """``(value, computed_at)``: the value kept under ``key`` while it may be shown (see the
    module), else ``compute()``, kept. ``refresh=True``: this request took the refresh
    (``stamp()`` returned None) and computes; False: the kept value if there is one.
    ``stamp_of(value)``: when a value was computed (default: when ``compute()`` returned)."""
    if not refresh:
        found = cache.get_many([key, key + AT])
        value, at = found.get(key), found.get(key + AT)
        if value is not None and at is not None and (refresh is False or _shown(key, at, seconds)):
            return value, at
    value = compute()
    at = stamp_of(value) if stamp_of else timezone.now()
    cache.set_many({key: value, key + AT: at}, keep_seconds(seconds))
    cache.delete(key + REFRESH)
    return value, at


def stamp(key: str, seconds: int) -> dt.datetime | None:
    """When the value kept under ``key`` was computed, if it may be shown; None when this
    request is to compute it (``kept(..., refresh=True)``): nothing is kept, or the value is
    past its fresh time and this request took the refresh. One small entry: the value itself
    is not read."""
    at = cache.get(key + AT)
    if at is None or not _shown(key, at, seconds):
        return None
    return at


def keep_seconds(seconds: int) -> int:
    """How long a value and what is rendered from it are kept."""
    return seconds * STALE_FACTOR


def _shown(key: str, at: dt.datetime, seconds: int) -> bool:
    """Whether the value computed at ``at`` is shown: while fresh, or past its fresh time
    while another request computes it again."""
    if timezone.now() - at < dt.timedelta(seconds=seconds):
        return True
    return not cache.add(key + REFRESH, True, REFRESH_SECONDS)
