"""The dashboard's numbers kept in the shared cache, fresh for ``BMA_DASHBOARD_CACHE_SECONDS``
and then served stale while one request computes them again (stale-while-revalidate).

Aggregating a year of 20,000 projects takes about two seconds. If every worker that found
the numbers expired computed them again, every view in those seconds would wait for them.
So a value is kept, with the moment it was computed (a small entry beside it, ``:at``), for
``STALE_FACTOR`` times its fresh time. After its fresh time the first request to take the
refresh (``cache.add``: one winner across all workers and app servers) computes it again.
The others go on showing the old value, whose "computed at" the page shows.

With ``background`` (a callable that queues the refresh as a task, reports/
dashboard_refresh.py), the request that took the refresh does not compute either: it queues
it and shows the old value, and a worker computes it (``kept(..., refresh=True)``). If the
queue refuses the task, the request computes it itself.

How stale a value can be: its fresh time, plus the time its refresh takes (in the
background: plus the time the task waits in the queue). If the request or the task that
refreshes dies, the refresh is taken again after ``REFRESH_SECONDS``. A value is never shown
once ``STALE_FACTOR`` fresh times have passed: it is computed in the request then.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

AT = ":at"
REFRESH = ":refresh"
STALE_FACTOR = 10
REFRESH_SECONDS = 60

logger = logging.getLogger(__name__)


def kept(
    key: str,
    compute: Callable,
    seconds: int,
    refresh: bool | None = None,
    stamp_of=None,
    background: Callable | None = None,
):
    """``(value, computed_at)``: the value kept under ``key`` while it may be shown (see the
    module), else ``compute()``, kept. ``refresh=True``: this request or task took the
    refresh (``stamp()`` returned None) and computes; False: the kept value if there is one.
    ``stamp_of(value)``: when a value was computed (default: when ``compute()`` returned).
    ``background()``: queues the refresh when this request takes it (see the module)."""
    if not refresh:
        found = cache.get_many([key, key + AT])
        value, at = found.get(key), found.get(key + AT)
        if (
            value is not None
            and at is not None
            and (refresh is False or _shown(key, at, seconds, background))
        ):
            return value, at
    value = compute()
    at = stamp_of(value) if stamp_of else timezone.now()
    cache.set_many({key: value, key + AT: at}, keep_seconds(seconds))
    cache.delete(key + REFRESH)
    return value, at


def stamp(key: str, seconds: int, background: Callable | None = None) -> dt.datetime | None:
    """When the value kept under ``key`` was computed, if it may be shown; None when this
    request is to compute it (``kept(..., refresh=True)``): nothing is kept, or the value is
    past its fresh time and this request took the refresh (and could not queue it with
    ``background``). One small entry: the value itself is not read."""
    at = cache.get(key + AT)
    if at is None or not _shown(key, at, seconds, background):
        return None
    return at


def keep_seconds(seconds: int) -> int:
    """How long a value and what is rendered from it are kept."""
    return seconds * STALE_FACTOR


def _shown(key: str, at: dt.datetime, seconds: int, background: Callable | None) -> bool:
    """Whether the value computed at ``at`` is shown: while fresh, or past its fresh time
    while another request or a task computes it again."""
    if timezone.now() - at < dt.timedelta(seconds=seconds):
        return True
    if not cache.add(key + REFRESH, True, REFRESH_SECONDS):
        return True
    if background is None:
        return False
    try:
        background()
    except Exception:  # the queue's database is down, say: the refresh is computed here
        logger.exception("could not queue the refresh of %s", key)
        return False
    return True
