"""DeadlineScheduler on a driven clock: deadlines from state, fired once, kept on failure, settled when stale."""

from datetime import UTC, datetime, timedelta

from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.deadlines import DeadlineScheduler

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def scheduler(clock: DrivenClock, fired: list, *, settle: timedelta = timedelta(0), fail: list | None = None):
    async def fire(key: str, kind: str, due: datetime) -> None:
        if fail:
            fail.pop()
            raise ConnectionError("injected")
        fired.append((key, kind, due))

    return DeadlineScheduler(due_of=lambda state: state, fire=fire, clock=clock, retry_after_s=0, settle=settle)


async def test_a_deadline_fires_once_when_the_clock_passes_it():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired)
    deadlines.observe("acme.o1", [("expiry", NOW + timedelta(hours=1))])

    assert await deadlines.run_due() == 0
    clock.advance(timedelta(hours=1))
    assert await deadlines.run_due() == 1
    assert await deadlines.run_due() == 0
    assert fired == [("acme.o1", "expiry", NOW + timedelta(hours=1))]


async def test_a_deadline_the_state_no_longer_has_does_not_fire():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired)
    deadlines.observe("acme.o1", [("expiry", NOW + timedelta(hours=1))])
    deadlines.observe("acme.o1", [])
    clock.advance(timedelta(hours=2))

    assert await deadlines.run_due() == 0 and fired == []


async def test_a_failing_deadline_is_kept_and_fires_on_the_next_pass():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired, fail=[1])
    deadlines.observe("acme.o1", [("expiry", NOW)])

    await deadlines.run_due()
    assert fired == [("acme.o1", "expiry", NOW)]


async def test_a_deadline_already_past_when_first_seen_waits_the_settle_time_and_keeps_its_due_time():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired, settle=timedelta(seconds=5))
    stale = NOW - timedelta(days=3)  # from an event replayed days late
    deadlines.observe("acme.o1", [("payment_expiry", stale)])

    assert await deadlines.run_due() == 0
    clock.advance(timedelta(seconds=5))
    assert await deadlines.run_due() == 1
    assert fired == [("acme.o1", "payment_expiry", stale)]


async def test_a_stale_deadline_taken_away_by_the_next_event_within_the_settle_time_never_fires():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired, settle=timedelta(seconds=5))
    deadlines.observe("acme.o1", [("payment_expiry", NOW - timedelta(days=3))])
    clock.advance(timedelta(seconds=1))
    deadlines.observe("acme.o1", [("ship_by", NOW + timedelta(days=2))])  # the payment arrived: paid, unshipped

    clock.advance(timedelta(seconds=10))
    assert await deadlines.run_due() == 0 and fired == []


async def test_an_unchanged_deadline_seen_again_is_not_pushed_back_by_the_settle_time():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired, settle=timedelta(seconds=5))
    deadlines.observe("acme.o1", [("expiry", NOW - timedelta(hours=1)), ("other", NOW + timedelta(days=1))])
    clock.advance(timedelta(seconds=4))
    deadlines.observe("acme.o1", [("expiry", NOW - timedelta(hours=1)), ("other", NOW + timedelta(days=2))])

    clock.advance(timedelta(seconds=1))
    assert await deadlines.run_due() == 1
