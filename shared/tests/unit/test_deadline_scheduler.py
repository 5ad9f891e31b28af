"""DeadlineScheduler on a driven clock: deadlines from state, fired once, kept on failure (even once the state
saved by the failed fire no longer lists them), settled when stale, fired again when taken over recently."""

from datetime import UTC, datetime, timedelta

import msgspec

from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.deadlines import REFIRE_WITHIN, DeadlineScheduler, to_fire_again

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

    assert await deadlines.run_due() == 0 and fired == []
    assert await deadlines.run_due() == 1
    assert fired == [("acme.o1", "expiry", NOW)]


async def test_a_deadline_that_keeps_failing_does_not_hold_up_the_others_due():
    clock, fired, tries = DrivenClock(NOW), [], []

    async def fire(key: str, kind: str, due: datetime) -> None:
        tries.append(key)
        if key == "acme.a" and tries.count("acme.a") <= 3:
            raise ConnectionError("its endpoint is down")
        fired.append(key)

    deadlines = DeadlineScheduler(due_of=lambda s: s, fire=fire, clock=clock, retry_after_s=0)
    deadlines.observe("acme.a", [("expiry", NOW - timedelta(hours=2))])  # first on the heap, and it fails
    deadlines.observe("acme.b", [("expiry", NOW)])
    await deadlines.run_due()
    assert tries == ["acme.a", "acme.b"] and fired == ["acme.b"], "one failure, then the other deadline in the pass"
    for _ in range(3):
        await deadlines.run_due()
    assert fired == ["acme.b", "acme.a"], "the failing one was kept until it worked"


async def test_a_stale_deadline_seen_during_a_backlog_waits_the_settle_time_after_the_catch_up_too():
    from sellerops.runtime.clock import StreamClock

    wall, fired = DrivenClock(NOW), []
    event_time = StreamClock(wall)
    event_time.behind("orders-market-order", NOW - timedelta(days=9))  # replaying last week's events
    deadlines = DeadlineScheduler(due_of=lambda s: s, fire=lambda k, kind, due: _record(fired, k, kind, due),
                                  clock=event_time, retry_after_s=0, settle=timedelta(seconds=30))
    deadlines.observe("acme.o3", [("payment_expiry", NOW - timedelta(days=2))])  # past in wall time
    assert await deadlines.run_due() == 0, "event time has not passed it yet"
    event_time.caught_up("orders-market-order")
    assert await deadlines.run_due() == 0, "caught up: it waits the settle time, as if seen in one batch"
    wall.advance(timedelta(seconds=30))
    assert await deadlines.run_due() == 1 and fired == [("acme.o3", "payment_expiry", NOW - timedelta(days=2))]


async def _record(fired: list, key: str, kind: str, due: datetime) -> None:
    fired.append((key, kind, due))


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


async def test_a_failed_fire_is_retried_though_the_state_saved_meanwhile_no_longer_lists_the_deadline():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired, fail=[1])
    deadlines.observe("acme.o1", [("expiry", NOW)])

    assert await deadlines.run_due() == 0
    deadlines.observe("acme.o1", [])  # the failed fire's save arrives: the deadline is done, its event is not
    assert await deadlines.run_due() == 1
    assert fired == [("acme.o1", "expiry", NOW)]


def record(*ids: str) -> bytes:
    return msgspec.json.encode({"state": {"order_id": "1"}, "processed": [{"id": i, "events": []} for i in ids]})


async def test_a_taken_key_fires_again_the_deadlines_its_record_shows_fired_recently():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired)
    recent, old = NOW - timedelta(minutes=1), NOW - REFIRE_WITHIN - timedelta(seconds=1)
    stored = record("placed/1", f"deadline/ship_by_missed/{recent.isoformat()}",
                    f"deadline/ship_by_at_risk/{old.isoformat()}", "shipped/1")
    deadlines.taken("acme.o1", stored, written=NOW - timedelta(seconds=5))

    assert await deadlines.run_due() == 1
    assert fired == [("acme.o1", "ship_by_missed", recent)], "an older one's copy may be past the duplicate window"
    deadlines.taken("acme.o1", stored, written=NOW)  # read again by the next takeover: fired again, harmless
    assert await deadlines.run_due() == 1


async def test_a_deadline_due_long_ago_is_fired_again_when_the_records_last_write_saved_it_recently():
    clock, fired = DrivenClock(NOW), []
    deadlines = scheduler(clock, fired)
    day_ago = NOW - timedelta(days=1)  # an at-risk alert due 24 h before ship-by, past when the order came in
    stored = record("placed/1", f"deadline/ship_by_at_risk/{day_ago.isoformat()}")

    deadlines.taken("acme.o1", stored, written=NOW - REFIRE_WITHIN - timedelta(seconds=1))
    assert await deadlines.run_due() == 0, "saved long ago: its event may be past the duplicate window"
    deadlines.taken("acme.o1", stored, written=NOW - timedelta(seconds=20))
    assert await deadlines.run_due() == 1 and fired == [("acme.o1", "ship_by_at_risk", day_ago)]


def test_only_message_ids_of_the_deadline_form_with_a_zoned_due_time_count_as_fired_deadlines():
    due = datetime(2026, 11, 20, 11, 58, tzinfo=UTC)
    stored = record("placed/1", f"deadline/ship_by_missed/{due.isoformat()}", "deadline/no-time/yesterday",
                    "deadline/naive/2026-11-20T11:59:00")

    assert to_fire_again(stored, NOW, NOW) == [("ship_by_missed", due)]
    assert to_fire_again(msgspec.json.encode({"state": None}), NOW, NOW) == []
