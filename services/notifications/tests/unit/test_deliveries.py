"""Deliveries and the endpoint circuit breaker: backoff, the outcome of an attempt, giving up, Retry-After,
asking again, and a breaker that opens once, stays open while probes fail, and closes on a success."""

from datetime import UTC, datetime, timedelta

import pytest

from sellerops.contracts.notifications import (
    Attempt, DeliveryFailed, DeliveryStatus, DeliverySucceeded, EndpointCircuitClosed, EndpointCircuitOpened, Kind,
    Severity,
)
from sellerops.notifications.domain import deliveries
from sellerops.notifications.domain.deliveries import Circuit, CircuitState, Delivery, DeliveryPolicy

St = DeliveryStatus
S = timedelta(seconds=1)
T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
POLICY = DeliveryPolicy(max_attempts=4, backoff_s=5.0, max_backoff_s=60.0, breaker_failures=3,
                        breaker_cooldown_s=300.0)


def new() -> Delivery:
    return Delivery(delivery_id="N-0123456789abcdef.hook", seller="acme", notification_id="N-0123456789abcdef",
                    endpoint_id="hook", channel="webhook", kind=Kind.HEALTH, severity=Severity.CRITICAL,
                    title="Order Defect Rate is over its target", body="1.25% against under 1.00%.",
                    about="health.metric_breached.v1", created_at=T0, next_attempt_at=T0)


def ok(d: Delivery, at: datetime = T0, detail: str = "200", duration_ms: float = 12.5):  # noqa: ANN201
    return deliveries.attempted(d, ok=True, retry=True, detail=detail, retry_after_s=None, duration_ms=duration_ms,
                                at=at, policy=POLICY, jitter=0.0)


def failed(d: Delivery, at: datetime = T0, detail: str = "503 Service Unavailable", *, retry: bool = True,  # noqa: ANN201
           retry_after_s: float | None = None, jitter: float = 0.0):
    return deliveries.attempted(d, ok=False, retry=retry, detail=detail, retry_after_s=retry_after_s,
                                duration_ms=40.0, at=at, policy=POLICY, jitter=jitter)


# ---- backoff ----


@pytest.mark.parametrize(("tries", "seconds"), [(0, 5), (1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (12, 60)])
def test_the_backoff_doubles_from_the_first_retry_up_to_its_cap(tries: int, seconds: float) -> None:
    assert deliveries.backoff(tries, POLICY, 0.0) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("jitter", "seconds"), [(0.0, 20.0), (0.5, 15.0), (0.25, 17.5)])
def test_jitter_takes_off_up_to_half_the_backoff(jitter: float, seconds: float) -> None:
    assert deliveries.backoff(3, POLICY, jitter) == timedelta(seconds=seconds)


@pytest.mark.parametrize("jitter", [0.0, 0.1, 0.5, 0.9, 0.999999])
def test_with_any_jitter_the_wait_stays_between_half_and_all_of_the_backoff(jitter: float) -> None:
    for tries, full in ((1, 5.0), (3, 20.0), (9, 60.0)):
        wait = deliveries.backoff(tries, POLICY, jitter).total_seconds()
        assert full / 2 < wait <= full


# ---- an attempt ----


def test_a_successful_attempt_delivers_it_and_says_so_with_the_number_of_attempts() -> None:
    done, events = ok(new(), at=T0 + S)
    assert done.status is St.DELIVERED and done.next_attempt_at is None and done.tries == 1
    assert done.attempts == [Attempt(at=T0 + S, ok=True, detail="200", duration_ms=12.5)]
    [succeeded] = events
    assert isinstance(succeeded, DeliverySucceeded)
    assert (succeeded.seller, succeeded.occurred_at, succeeded.delivery_id, succeeded.notification_id,
            succeeded.endpoint_id, succeeded.channel, succeeded.attempts) == (
        "acme", T0 + S, "N-0123456789abcdef.hook", "N-0123456789abcdef", "hook", "webhook", 1)
    assert deliveries.deadlines(done) == [(deliveries.FORGET, T0 + S + timedelta(days=30))], \
        "kept 30 days after it finished, then deleted"


def test_a_permanent_refusal_fails_it_at_once_with_the_channels_detail_as_the_reason() -> None:
    gone, events = failed(new(), detail="410 Gone", retry=False)
    assert gone.status is St.FAILED and gone.next_attempt_at is None and gone.tries == 1
    [failure] = events
    assert isinstance(failure, DeliveryFailed)
    assert (failure.reason, failure.attempts, failure.delivery_id) == ("410 Gone", 1, "N-0123456789abcdef.hook")
    assert deliveries.deadlines(gone) == [(deliveries.FORGET, T0 + timedelta(days=30))]


def test_a_finished_delivery_is_forgotten_at_its_retention_and_not_when_sent_again() -> None:
    done, _ = ok(new(), at=T0)
    assert [kind for kind, _ in deliveries.deadlines(done)] == [deliveries.FORGET]
    again = deliveries.redeliver(done, at=T0 + 2 * S)
    assert deliveries.deadlines(again) == [(deliveries.ATTEMPT, T0 + 2 * S)] and again.forget_at is None


def test_a_failure_that_may_pass_waits_the_backoff_and_is_logged() -> None:
    d, events = failed(new(), at=T0)
    assert events == []
    assert d.status is St.PENDING and d.tries == 1 and d.next_attempt_at == T0 + 5 * S
    assert d.attempts == [Attempt(at=T0, ok=False, detail="503 Service Unavailable", duration_ms=40.0)]
    assert deliveries.deadlines(d) == [(deliveries.ATTEMPT, T0 + 5 * S)]


def test_failures_are_retried_with_doubling_waits_until_max_attempts_then_given_up() -> None:
    d, at, waits = new(), T0, []
    for _ in range(3):
        d, events = failed(d, at=at)
        assert events == [] and d.status is St.PENDING
        waits.append(d.next_attempt_at - at)
        at = d.next_attempt_at
    assert waits == [5 * S, 10 * S, 20 * S]
    d, events = failed(d, at=at, detail="timeout after 10.0 s")  # the 4th of max_attempts=4
    assert d.status is St.FAILED and d.next_attempt_at is None and d.tries == 4
    assert [a.at for a in d.attempts] == [T0, T0 + 5 * S, T0 + 15 * S, T0 + 35 * S]
    [failure] = events
    assert failure.reason == "gave up after 4 attempts; last: timeout after 10.0 s"
    assert failure.attempts == 4


def test_a_retry_after_longer_than_the_backoff_wins() -> None:
    d, _ = failed(new(), detail="429 Too Many Requests", retry_after_s=30.0)
    assert d.next_attempt_at == T0 + 30 * S


def test_a_retry_after_shorter_than_the_backoff_does_not_shorten_it() -> None:
    d, _ = failed(new(), retry_after_s=2.0)
    assert d.next_attempt_at == T0 + 5 * S


def test_a_retry_after_beyond_the_longest_backoff_is_capped_at_it() -> None:
    d, _ = failed(new(), retry_after_s=7200.0)
    assert d.next_attempt_at == T0 + 60 * S


def test_a_retry_after_is_honoured_against_the_jittered_backoff() -> None:
    d, _ = failed(new(), retry_after_s=3.0, jitter=0.5)  # backoff 5 s jittered to 3.75 s beats 3 s
    assert d.next_attempt_at == T0 + timedelta(seconds=3.75)


def test_the_log_keeps_the_last_50_attempts() -> None:
    d = new()
    policy = DeliveryPolicy(max_attempts=100)
    for n in range(60):
        d, _ = deliveries.attempted(d, ok=False, retry=True, detail=f"#{n}", retry_after_s=None, duration_ms=0.0,
                                    at=T0 + n * S, policy=policy, jitter=0.0)
    assert len(d.attempts) == 50 and d.attempts[0].detail == "#10" and d.tries == 60


# ---- a hold, and asking again ----


def test_a_held_delivery_is_logged_and_waits_without_counting_a_try() -> None:
    d = deliveries.held(new(), until=T0 + 300 * S, at=T0, why="circuit open")
    assert d.attempts == [Attempt(at=T0, ok=False, detail="circuit open")]
    assert d.tries == 0 and d.status is St.PENDING and d.next_attempt_at == T0 + 300 * S


def test_asking_again_for_a_failed_delivery_starts_its_tries_over_in_a_new_round_keeping_the_log() -> None:
    d = new()
    for n in range(4):
        d, _ = failed(d, at=T0 + n * S)
    assert d.status is St.FAILED
    again = deliveries.redeliver(d, at=T0 + 3600 * S)
    assert again.status is St.PENDING and again.next_attempt_at == T0 + 3600 * S
    assert (again.tries, again.round) == (0, 1)
    assert len(again.attempts) == 4
    assert deliveries.deadlines(again) == [(deliveries.ATTEMPT, T0 + 3600 * S)]
    retried, _ = failed(again, at=T0 + 3600 * S)  # max_attempts counts from the redelivery
    assert retried.status is St.PENDING and retried.tries == 1


def test_the_events_of_a_delivery_are_the_same_for_the_same_attempt_and_new_for_a_new_round() -> None:
    _, [first] = ok(new())
    _, [again] = ok(new())
    assert first.event_id == again.event_id
    gone, [failure] = failed(new(), retry=False)
    assert failure.event_id != first.event_id
    _, [second_round] = ok(deliveries.redeliver(gone, at=T0 + S), at=T0 + S)
    assert second_round.event_id not in (first.event_id, failure.event_id)
    _, [second_again] = ok(deliveries.redeliver(gone, at=T0 + S), at=T0 + S)
    assert second_round.event_id == second_again.event_id


def test_a_view_shows_the_delivery_and_its_attempts() -> None:
    d, _ = failed(new())
    view = deliveries.view(d)
    assert (view.delivery_id, view.notification_id, view.endpoint_id, view.channel, view.kind, view.status,
            view.next_attempt_at, view.created_at) == (
        "N-0123456789abcdef.hook", "N-0123456789abcdef", "hook", "webhook", Kind.HEALTH, St.PENDING, T0 + 5 * S, T0)
    assert view.attempts == d.attempts


# ---- the circuit breaker ----


def closed() -> Circuit:
    return Circuit(endpoint_id="hook", channel="webhook")


def trip(c: Circuit, at: datetime, error: str = "503 Service Unavailable"):  # noqa: ANN201
    return deliveries.circuit_after(c, ok=False, error=error, seller="acme", at=at, policy=POLICY)


def mend(c: Circuit, at: datetime):  # noqa: ANN201
    return deliveries.circuit_after(c, ok=True, error="200", seller="acme", at=at, policy=POLICY)


def opened(at: datetime = T0) -> Circuit:
    c = closed()
    for n in range(3):
        c, _ = trip(c, at - (2 - n) * S)
    return c


def test_failures_in_a_row_are_counted_while_the_circuit_stays_closed() -> None:
    c, events = trip(closed(), T0)
    c, more = trip(c, T0 + S, error="timeout after 10.0 s")
    assert events == more == []
    assert (c.state, c.failures, c.last_error, c.probe_at, c.openings) == (
        CircuitState.CLOSED, 2, "timeout after 10.0 s", None, 0)
    assert deliveries.blocked_until(c, T0 + S) is None


def test_a_success_while_closed_resets_the_count_silently() -> None:
    c, _ = trip(closed(), T0)
    c, events = mend(c, T0 + S)
    assert events == [] and c.failures == 0 and c.state is CircuitState.CLOSED


def test_the_circuit_opens_at_breaker_failures_once_and_says_when_it_will_probe() -> None:
    c = closed()
    c, _ = trip(c, T0)
    c, _ = trip(c, T0 + S)
    c, events = trip(c, T0 + 2 * S, error="502 Bad Gateway")
    assert (c.state, c.failures, c.probe_at, c.openings, c.last_error) == (
        CircuitState.OPEN, 3, T0 + 302 * S, 1, "502 Bad Gateway")
    [opening] = events
    assert isinstance(opening, EndpointCircuitOpened)
    assert (opening.seller, opening.occurred_at, opening.endpoint_id, opening.channel, opening.failures,
            opening.last_error, opening.probe_at) == (
        "acme", T0 + 2 * S, "hook", "webhook", 3, "502 Bad Gateway", T0 + 302 * S)


def test_an_open_circuit_blocks_deliveries_until_its_probe_time() -> None:
    c = opened()
    assert deliveries.blocked_until(c, T0) == T0 + 300 * S
    assert deliveries.blocked_until(c, T0 + 299 * S) == T0 + 300 * S
    assert deliveries.blocked_until(c, T0 + 300 * S) is None  # the probe goes
    assert deliveries.blocked_until(None, T0) is None
    assert deliveries.blocked_until(closed(), T0) is None


def test_a_failed_probe_keeps_it_open_for_another_cooldown_without_telling_again() -> None:
    probe = T0 + 300 * S
    c, events = trip(opened(), probe, error="timeout after 10.0 s")
    assert events == []
    assert (c.state, c.failures, c.probe_at, c.openings, c.last_error) == (
        CircuitState.OPEN, 4, probe + 300 * S, 1, "timeout after 10.0 s")
    assert deliveries.blocked_until(c, probe + S) == probe + 300 * S


def test_a_successful_probe_closes_it_and_says_so() -> None:
    c, events = mend(opened(), T0 + 300 * S)
    assert (c.state, c.failures, c.probe_at) == (CircuitState.CLOSED, 0, None)
    [closing] = events
    assert isinstance(closing, EndpointCircuitClosed)
    assert (closing.seller, closing.occurred_at, closing.endpoint_id, closing.channel) == (
        "acme", T0 + 300 * S, "hook", "webhook")


def test_the_circuits_events_are_the_same_for_the_same_opening_and_new_for_the_next() -> None:
    c = closed()
    for n in range(2):
        c, _ = trip(c, T0 + n * S)
    first_open, [opening] = trip(c, T0 + 2 * S)
    _, [same] = trip(c, T0 + 2 * S)
    assert opening.event_id == same.event_id
    first_close, [closing] = mend(first_open, T0 + 302 * S)
    _, [same_close] = mend(first_open, T0 + 302 * S)
    assert closing.event_id == same_close.event_id != opening.event_id
    c = first_close
    for n in range(2):
        c, _ = trip(c, T0 + (400 + n) * S)
    second_open, [reopening] = trip(c, T0 + 402 * S)
    assert second_open.openings == 2
    _, [second_closing] = mend(second_open, T0 + 702 * S)
    assert len({opening.event_id, closing.event_id, reopening.event_id, second_closing.event_id}) == 4
