"""The unread count of the bell in the top bar, kept in the cache.

The top bar is rendered around every page, kept pages included, whose query budgets it
must not grow: the count is read from the cache (no query); when the cache has none the
bell asks for it once by htmx (``projects:notifications_bell``), which counts and keeps
it. New notices and reading them forget the kept counts of their people.
"""

from django.core.cache import cache

from projects.models import Notification

SECONDS = 10 * 60


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def kept_count(user_id: int) -> int | None:
    """The kept count, or None (nobody counted since the last change)."""
    return cache.get(_key(user_id))


def count(user_id: int) -> int:
    """Count (one query) and keep."""
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
    cache.set(_key(user_id), unread, SECONDS)
    return unread


def forget(user_ids) -> None:
    cache.delete_many([_key(user_id) for user_id in set(user_ids)])
