"""EventDispatcher: acks, paced retries, dead letters and per-aggregate ordering, on fake messages."""

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import (
    FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced,
)
from sellerops.contracts.orders import OrderRecorded
from sellerops.runtime.delivery import EventDispatcher
from sellerops.runtime.settings import DeliverySettings
from sellerops.testing.fakes import FakeMsg, RecordingDeadLetters

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
ACK, NAK = ("ack", None), "nak"


def new_order_id() -> str:
    n = uuid.uuid4().int
    return f"{n % 1000:03d}-{n // 1000 % 10**7:07d}-{n // 10**10 % 10**7:07d}"


def placed(seller: str, order_id: str) -> OrderPlaced:
    return OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=AT, order_id=order_id,
        fulfillment_channel=FulfillmentChannel.MFN, purchased_at=AT,
        items=[OrderItem(order_item_id="62915379184323", sku="MUG-CER-12OZ-BLK", quantity=1,
                         item_price=Money(Decimal("19.99"), "USD"))],
    )


def paid(seller: str, order_id: str) -> OrderPaymentAuthorized:
    return OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=AT, order_id=order_id)


def msg(event, *, delivered: int = 1, seq: int = 1) -> FakeMsg:
    return FakeMsg(encode(event), subject=event.subject, num_delivered=delivered, stream_seq=seq)


class Recorder:
    """A handler that records what it ran and fails for the event ids it is told to."""

    def __init__(self, *failing: uuid.UUID) -> None:
        self.seen: list = []
        self.failing = set(failing)

    async def __call__(self, event) -> None:
        if event.event_id in self.failing:
            raise RuntimeError(f"warehouse API down for {event.order_id}")
        self.seen.append(event)


class ExplodingDeadLetters(RecordingDeadLetters):
    async def send(self, msg, reason, deliveries):
        raise ConnectionError("no responders for deadletter.orders")


@pytest.fixture
def dead() -> RecordingDeadLetters:
    return RecordingDeadLetters()


def dispatcher(dead, handler, **more) -> EventDispatcher:
    handlers = {OrderPlaced: handler, OrderPaymentAuthorized: handler, **more}
    return EventDispatcher(service="orders", handlers=handlers, dead_letters=dead,
                           delivery=DeliverySettings(max_deliver=3, retry_delays_s=[0.1, 0.2]))


async def test_a_handled_message_is_acked(dead, seller):
    handler = Recorder()
    m = msg(placed(seller, new_order_id()))
    run = dispatcher(dead, handler)

    await run([m])

    assert m.outcome == [ACK]
    assert len(handler.seen) == 1
    assert run.stats.handled == 1


@pytest.mark.parametrize(("delivered", "delay"), [(1, 0.1), (2, 0.2)])
async def test_a_failing_message_is_naked_with_the_delay_of_its_delivery(dead, seller, delivered, delay):
    event = placed(seller, new_order_id())
    m = msg(event, delivered=delivered)
    run = dispatcher(dead, Recorder(event.event_id))

    await run([m])

    assert m.outcome == [(NAK, delay)]
    assert dead.sent == []
    assert run.stats.retried == 1


async def test_a_message_failing_on_its_last_delivery_is_dead_lettered_with_the_error_and_acked(dead, seller):
    event = placed(seller, new_order_id())
    m = msg(event, delivered=3)
    run = dispatcher(dead, Recorder(event.event_id))

    await run([m])

    assert m.outcome == [ACK]
    [(sent, reason, deliveries)] = dead.sent
    assert sent is m and deliveries == 3
    assert reason == f"RuntimeError: warehouse API down for {event.order_id}"
    assert run.stats.dead_lettered == 1


async def test_later_messages_of_a_failing_aggregate_are_held_back_while_others_are_handled(dead, seller):
    order_id, other_id = new_order_id(), new_order_id()
    first, second, other = placed(seller, order_id), paid(seller, order_id), placed(seller, other_id)
    handler = Recorder(first.event_id)
    msgs = [msg(first, seq=1), msg(other, seq=2), msg(second, seq=3)]

    await dispatcher(dead, handler)(msgs)

    assert [m.outcome for m in msgs] == [[(NAK, 0.1)], [ACK], [(NAK, 0.1)]]
    assert [e.event_id for e in handler.seen] == [other.event_id]


async def test_messages_of_one_aggregate_run_in_stream_order(dead, seller):
    order_id = new_order_id()
    events = [placed(seller, order_id), paid(seller, order_id), paid(seller, order_id)]
    handler = Recorder()

    await dispatcher(dead, handler)([msg(e, seq=n) for n, e in enumerate(events, 1)])

    assert [e.event_id for e in handler.seen] == [e.event_id for e in events]


async def test_a_message_that_is_not_json_is_dead_lettered_at_once(dead, seller):
    m = FakeMsg(b'{"type": "market.order_placed.v1",, }', subject=f"market.{seller}.order.placed")
    handler = Recorder()

    await dispatcher(dead, handler)([m])

    assert m.outcome == [ACK]
    [(_, reason, deliveries)] = dead.sent
    assert reason.startswith("undecodable event: ") and "malformed" in reason
    assert deliveries == 1
    assert handler.seen == []


async def test_a_message_with_a_bad_field_is_dead_lettered_at_once_naming_the_field(dead, seller):
    data = json.loads(encode(placed(seller, new_order_id())))
    data["items"][0]["quantity"] = 0
    m = FakeMsg(json.dumps(data).encode(), subject=f"market.{seller}.order.placed")

    await dispatcher(dead, Recorder())([m])

    assert m.outcome == [ACK]
    [(_, reason, _)] = dead.sent
    assert "$.items[0].quantity" in reason


async def test_an_event_type_without_a_handler_is_acked_and_counted_as_ignored(dead, seller):
    event = placed(seller, new_order_id())
    recorded = OrderRecorded(
        event_id=uuid.uuid4(), seller=seller, occurred_at=AT, order_id=event.order_id, status="Pending",
        fulfillment_channel="MFN", order_type="StandardOrder", purchased_at=AT, lines=[],
    )
    m = msg(recorded)
    handler = Recorder()
    run = EventDispatcher(service="orders", handlers={OrderPlaced: handler}, dead_letters=dead,
                          delivery=DeliverySettings(max_deliver=3, retry_delays_s=[0.1, 0.2]))

    await run([m])

    assert m.outcome == [ACK]
    assert (run.stats.ignored, handler.seen, dead.sent) == (1, [], [])


async def test_a_message_delivered_more_than_three_times_max_deliver_is_dead_lettered_unhandled(dead, seller):
    m = msg(placed(seller, new_order_id()), delivered=10)
    handler = Recorder()

    await dispatcher(dead, handler)([m])

    assert m.outcome == [ACK]
    assert handler.seen == []
    [(_, reason, deliveries)] = dead.sent
    assert (reason, deliveries) == ("delivered 10 times without completing", 10)


async def test_a_message_delivered_exactly_three_times_max_deliver_still_runs(dead, seller):
    m = msg(placed(seller, new_order_id()), delivered=9)
    handler = Recorder()

    await dispatcher(dead, handler)([m])

    assert (m.outcome, len(handler.seen), dead.sent) == ([ACK], 1, [])


async def test_a_message_is_naked_not_acked_when_the_dead_letter_send_fails(seller):
    event = placed(seller, new_order_id())
    m = msg(event, delivered=3)
    run = dispatcher(ExplodingDeadLetters(), Recorder(event.event_id))

    await run([m])

    assert m.outcome == [(NAK, 0.2)]
    assert run.stats.dead_lettered == 0


async def test_an_undecodable_message_is_naked_when_the_dead_letter_send_fails():
    m = FakeMsg(b"not json")

    await dispatcher(ExplodingDeadLetters(), Recorder())([m])

    assert m.outcome == [(NAK, 0.1)]


async def test_later_messages_are_held_back_when_the_dead_letter_send_fails(seller):
    order_id = new_order_id()
    first, second = placed(seller, order_id), paid(seller, order_id)
    handler = Recorder(first.event_id)
    msgs = [msg(first, delivered=3, seq=1), msg(second, seq=2)]

    await dispatcher(ExplodingDeadLetters(), handler)(msgs)

    assert msgs[0].outcome == [(NAK, 0.2)]
    assert msgs[1].outcome == [(NAK, 0.2)]
    assert handler.seen == []


async def test_a_deeply_nested_fact_is_dead_lettered_alone_and_the_rest_of_the_batch_is_handled(dead, seller):
    nested = b'{"a":' * 1000 + b"1" + b"}" * 1000  # 6 KB; msgspec raises RecursionError decoding it
    poison = FakeMsg(nested, subject=f"market.{seller}.order.placed", stream_seq=1)
    good = msg(placed(seller, new_order_id()), seq=2)
    handler = Recorder()

    await dispatcher(dead, handler)([poison, good])

    assert (poison.outcome, good.outcome) == ([ACK], [ACK])
    [(_, reason, _)] = dead.sent
    assert reason.startswith("undecodable event: RecursionError")
    assert [str(e.event_id) for e in handler.seen] == [json.loads(good.data)["event_id"]]


async def test_a_fact_over_the_size_limit_is_dead_lettered_unread_with_its_size(dead, seller):
    event = placed(seller, new_order_id())
    big = FakeMsg(encode(event) + b" " * 5000, subject=event.subject)
    run = EventDispatcher(service="orders", handlers={OrderPlaced: Recorder()}, dead_letters=dead,
                          delivery=DeliverySettings(max_event_bytes=4096))

    await run([big])

    assert big.outcome == [ACK]
    [(_, reason, _)] = dead.sent
    assert "over the 4096 byte limit" in reason


async def test_a_fact_whose_subject_names_another_seller_is_dead_lettered_at_once_and_never_handled(dead, seller):
    event = placed(seller, new_order_id())
    forged = FakeMsg(encode(event), subject="market.someone-else.order.placed")
    handler = Recorder()

    await dispatcher(dead, handler)([forged])

    assert forged.outcome == [ACK]
    [(_, reason, _)] = dead.sent
    assert reason == f"seller mismatch: the subject names seller 'someone-else', the body {seller!r}"
    assert handler.seen == []


async def test_a_fact_published_on_another_facts_subject_is_dead_lettered_not_ignored(dead, seller):
    event = placed(seller, new_order_id())
    misplaced = FakeMsg(encode(event), subject=f"market.{seller}.order.payment_authorized")

    await dispatcher(dead, Recorder())([misplaced])

    [(_, reason, _)] = dead.sent
    assert reason == (f"a {OrderPlaced.type_tag()} fact belongs on 'market.{seller}.order.placed', "
                      f"not on 'market.{seller}.order.payment_authorized'")


async def test_a_revision_conflict_is_retried_however_often_it_was_delivered_and_never_dead_lettered(dead, seller):
    from sellerops.runtime.writer import ConcurrentUpdate

    async def contended(event) -> None:
        raise ConcurrentUpdate(f"{seller}.ledger")

    m = msg(placed(seller, new_order_id()), delivered=3)

    await dispatcher(dead, contended)([m])

    assert m.outcome == [(NAK, 0.1)]
    assert dead.sent == []


async def test_a_message_failing_again_and_again_logs_one_line_per_delivery_and_the_traceback_once(dead, seller):
    from structlog.testing import capture_logs

    event = placed(seller, new_order_id())
    handler = Recorder(event.event_id)
    run = dispatcher(dead, handler)

    with capture_logs() as logs:
        for delivered in (1, 2, 3):
            await run([msg(event, delivered=delivered)])

    assert [entry["event"] for entry in logs] == [
        "event_failed_will_retry", "event_failed_will_retry", "event_failed_for_the_last_time", "message_dead_lettered"]
    assert sum("exc_info" in entry for entry in logs) == 1


async def test_every_line_logged_while_a_message_is_handled_names_the_message_and_a_field_bound_on_the_line_wins(
        dead, seller):
    import structlog
    from structlog.testing import capture_logs

    from sellerops.runtime.logging import merge_message_context

    event = placed(seller, new_order_id())
    handler_log = structlog.get_logger("test")

    async def logs_and_fails(evt) -> None:
        handler_log.info("handler_said", aggregate_id="mine")
        raise RuntimeError("carrier API down")

    run = dispatcher(dead, logs_and_fails)
    with capture_logs(processors=[merge_message_context]) as logs:
        await run([msg(event, delivered=2)])
        handler_log.info("after_the_message")

    said, failed, after = logs
    assert "seller" not in after
    assert said["event"] == "handler_said" and said["aggregate_id"] == "mine"
    assert failed["event"] == "event_failed_will_retry" and failed["aggregate_id"] == event.order_id
    for entry in (said, failed):
        assert entry["seller"] == seller and entry["event_id"] == str(event.event_id)
        assert entry["event_type"] == "market.order_placed.v1" and entry["delivery"] == 2
        assert entry["service"] == "orders" and entry["subject"] == event.subject


async def test_what_waits_for_the_ack_runs_once_the_server_confirmed_it_and_never_when_it_did_not(dead, seller):
    from sellerops.runtime.acks import after_ack

    released: list[str] = []

    async def holds(evt) -> None:
        def release() -> None:
            released.append(evt.order_id)

        assert after_ack(release)

    run = dispatcher(dead, holds)
    confirmed, lost = msg(placed(seller, "O-1")), msg(placed(seller, "O-2"))
    lost.ack_confirmations_lost = 1

    await run([confirmed, lost])

    assert confirmed.outcome == [("ack_sync", None)] and released == ["O-1"]
    assert lost.outcome == []  # unconfirmed: it may come again, so what it holds stays held


async def test_a_handler_that_fails_after_holding_releases_nothing(dead, seller):
    from sellerops.runtime.acks import after_ack

    released: list[str] = []

    async def holds_then_fails(evt) -> None:
        def release() -> None:
            released.append(evt.order_id)

        after_ack(release)
        raise ConnectionError("publish failed after the save")

    event = placed(seller, "O-1")
    m = msg(event)
    await dispatcher(dead, holds_then_fails)([m])

    assert released == [] and m.outcome[0][0] == "nak"


async def test_outside_a_message_nothing_waits_for_an_ack():
    from sellerops.runtime.acks import after_ack

    def release() -> None:
        raise AssertionError("not to be kept")

    assert after_ack(release) is False
