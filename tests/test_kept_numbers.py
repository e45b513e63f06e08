"""reports/kept_numbers.py: numbers fresh for their time, then shown stale while one
request computes them again."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from reports import kept_numbers

KEY = "test-kept-numbers"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.delete_many([KEY, KEY + kept_numbers.AT, KEY + kept_numbers.REFRESH])
    yield
    cache.delete_many([KEY, KEY + kept_numbers.AT, KEY + kept_numbers.REFRESH])


@pytest.fixture
def clock(monkeypatch):
    now = [timezone.now()]
    monkeypatch.setattr(kept_numbers.timezone, "now", lambda: now[0])

    def later(seconds):
        now[0] += dt.timedelta(seconds=seconds)

    return later


def counter():
    calls = []
    return calls, lambda: calls.append(1) or len(calls)


def test_fresh_numbers_are_computed_once(clock):
    calls, compute = counter()
    assert kept_numbers.kept(KEY, compute, 60)[0] == 1
    clock(59)
    assert kept_numbers.kept(KEY, compute, 60)[0] == 1
    assert kept_numbers.stamp(KEY, 60) is not None
    assert len(calls) == 1


def test_stale_numbers_one_request_refreshes_the_others_show_the_old(clock):
    calls, compute = counter()
    value, first_at = kept_numbers.kept(KEY, compute, 60)
    clock(61)
    # The first request past the fresh time takes the refresh: stamp() says "compute".
    assert kept_numbers.stamp(KEY, 60) is None
    # Meanwhile every other request shows the old value with its time.
    assert kept_numbers.stamp(KEY, 60) == first_at
    assert kept_numbers.kept(KEY, compute, 60) == (1, first_at)
    assert kept_numbers.kept(KEY, compute, 60, refresh=True)[0] == 2
    assert kept_numbers.kept(KEY, compute, 60)[0] == 2
    assert len(calls) == 2


def test_a_refresh_whose_request_died_is_taken_again(clock):
    calls, compute = counter()
    kept_numbers.kept(KEY, compute, 60)
    clock(61)
    assert kept_numbers.stamp(KEY, 60) is None  # taken, never computed (the request died)
    assert kept_numbers.kept(KEY, compute, 60)[0] == 1
    # The lock lives REFRESH_SECONDS in the cache: gone, the next request takes it.
    cache.delete(KEY + kept_numbers.REFRESH)
    assert kept_numbers.kept(KEY, compute, 60)[0] == 2


def test_stamp_of_names_when_the_value_was_computed():
    at = timezone.now() - dt.timedelta(seconds=5)
    value, kept_at = kept_numbers.kept(KEY, lambda: {"at": at}, 60, stamp_of=lambda v: v["at"])
    assert kept_at == at and kept_numbers.stamp(KEY, 60) == at


def test_a_refresh_queued_in_the_background_shows_the_old_value_until_it_ran(clock):
    calls, compute = counter()
    queued = []
    value, first_at = kept_numbers.kept(KEY, compute, 60)
    clock(61)
    # The request that takes the refresh queues it and, like the others, shows the old value.
    assert kept_numbers.stamp(KEY, 60, lambda: queued.append(1)) == first_at
    assert kept_numbers.kept(KEY, compute, 60, background=lambda: queued.append(1))[0] == 1
    assert queued == [1]
    # The task computes and releases the refresh.
    assert kept_numbers.kept(KEY, compute, 60, refresh=True)[0] == 2
    assert cache.get(KEY + kept_numbers.REFRESH) is None
    assert len(calls) == 2


def test_a_refresh_the_queue_refuses_is_computed_in_the_request(clock):
    calls, compute = counter()

    def refused():
        raise ConnectionError("the queue's database is down")

    kept_numbers.kept(KEY, compute, 60)
    clock(61)
    assert kept_numbers.kept(KEY, compute, 60, background=refused)[0] == 2
    assert len(calls) == 2
