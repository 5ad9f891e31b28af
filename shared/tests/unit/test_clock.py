import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sellerops.runtime.clock import MIN_TIME, DrivenClock, StreamClock

T0 = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def test_a_driven_clock_moves_only_forward_and_only_when_told():
    clock = DrivenClock(T0)
    clock.advance(timedelta(hours=2))
    assert clock.now() == T0 + timedelta(hours=2)
    with pytest.raises(ValueError):
        clock.set(T0)
    with pytest.raises(ValueError):
        DrivenClock(datetime(2026, 1, 1))


async def test_a_sleeper_on_a_driven_clock_wakes_when_time_passes_its_moment():
    clock = DrivenClock(T0)
    sleeper = asyncio.create_task(clock.sleep_until(T0 + timedelta(days=1)))
    clock.advance(timedelta(hours=23))
    await asyncio.sleep(0)
    assert not sleeper.done()
    clock.advance(timedelta(hours=1))
    await asyncio.wait_for(sleeper, 1)


def test_the_stream_clock_is_the_base_clock_when_no_consumer_has_a_backlog():
    assert StreamClock(DrivenClock(T0)).now() == T0


def test_the_stream_clock_holds_at_the_slowest_backlog_until_it_catches_up():
    clock = StreamClock(DrivenClock(T0 + timedelta(days=8)))
    clock.behind("a", None)
    assert clock.now() == MIN_TIME
    clock.behind("a", T0)
    clock.behind("b", T0 + timedelta(days=1))
    assert clock.now() == T0
    clock.caught_up("a")
    assert clock.now() == T0 + timedelta(days=1)
    clock.caught_up("b")
    assert clock.now() == T0 + timedelta(days=8)


async def test_a_sleeper_on_the_stream_clock_wakes_when_the_backlog_moves_past_its_moment():
    clock = StreamClock(DrivenClock(T0 + timedelta(days=8)))
    clock.behind("orders", T0)
    sleeper = asyncio.create_task(clock.sleep_until(T0 + timedelta(days=7)))
    await asyncio.sleep(0)
    clock.behind("orders", T0 + timedelta(days=6))
    await asyncio.sleep(0)
    assert not sleeper.done()
    clock.caught_up("orders")
    await asyncio.wait_for(sleeper, 1)
