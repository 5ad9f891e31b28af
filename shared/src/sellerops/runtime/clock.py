"""Time in event time: the wall clock in production, a driven clock in tests, replays and simulations."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def base_now(self) -> datetime:
        """The time underneath, whatever backlog is replayed (the same as `now` but for a StreamClock)."""
        ...

    async def sleep_until(self, when: datetime) -> None: ...


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    base_now = now

    async def sleep_until(self, when: datetime) -> None:
        await asyncio.sleep(max(0.0, (when - self.now()).total_seconds()))


class DrivenClock:
    """A clock that only moves when told to; whoever sleeps on it wakes when time passes their moment."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._now = start
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    base_now = now

    def set(self, when: datetime) -> None:
        if when < self._now:
            raise ValueError("a driven clock never goes back")
        self._now = when
        self._moved.set()
        self._moved = asyncio.Event()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    async def sleep_until(self, when: datetime) -> None:
        while self._now < when:
            await self._moved.wait()


MIN_TIME = datetime.min.replace(tzinfo=UTC)


class StreamClock:
    """The time deadlines go by: the base clock once every consumer of the service has caught up
    with its stream; while one replays a backlog, the time of the latest event it processed.

    So after an outage or during a backfill, an order placed eight days ago is not canceled for a
    missing payment that is waiting further down the stream: the deadline fires only if event time
    really passes it.
    """

    def __init__(self, base: Clock) -> None:
        self._base = base
        self._behind: dict[str, datetime] = {}
        self._moved = asyncio.Event()

    def behind(self, consumer: str, up_to: datetime | None) -> None:
        """`consumer` has a backlog; it has processed events up to `up_to` (None: nothing yet)."""
        self._behind[consumer] = up_to or MIN_TIME
        self._signal()

    def caught_up(self, consumer: str) -> None:
        if self._behind.pop(consumer, None) is not None:
            self._signal()

    def now(self) -> datetime:
        base = self._base.now()
        return min([base, *self._behind.values()]) if self._behind else base

    def base_now(self) -> datetime:
        """The time of the clock underneath (wall time in production), whatever the backlog."""
        return self._base.now()

    async def sleep_until(self, when: datetime) -> None:
        while self.now() < when:
            moved = asyncio.create_task(self._moved.wait())
            passed = asyncio.create_task(self._base.sleep_until(when))
            try:
                await asyncio.wait({moved, passed}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                moved.cancel()
                passed.cancel()

    def _signal(self) -> None:
        self._moved.set()
        self._moved = asyncio.Event()
