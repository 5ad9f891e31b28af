"""DeadLetters.send: what lands on the dead-letter stream, with a recording JetStream stand-in."""

import uuid
from dataclasses import dataclass, field

from sellerops.runtime.delivery import (
    DELIVERIES, ORIGINAL_MSG_ID, ORIGINAL_SEQUENCE, ORIGINAL_STREAM, ORIGINAL_SUBJECT, REASON, SERVICE,
    DeadLetters,
)
from sellerops.runtime.publisher import MSG_ID
from sellerops.testing.fakes import FakeMsg


@dataclass
class RecordingJetStream:
    published: list[dict] = field(default_factory=list)

    async def publish(self, subject, payload, **kwargs):
        self.published.append({"subject": subject, "payload": payload, **kwargs})


def seller() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


async def test_a_dead_letter_keeps_the_payload_and_says_where_and_why():
    js, who, original = RecordingJetStream(), seller(), str(uuid.uuid4())
    msg = FakeMsg(b'{"type":"market.order_placed.v1"}', subject=f"market.{who}.order.placed",
                  headers={MSG_ID: original, "Sellerops-Type": "market.order_placed.v1"}, stream_seq=42)

    await DeadLetters(js, "orders", timeout=2.0).send(msg, "RuntimeError: boom\n  at line 3", 5)

    [sent] = js.published
    assert sent["subject"] == f"deadletter.orders.market.{who}.order.placed"
    assert (sent["payload"], sent["stream"], sent["timeout"]) == (msg.data, "DEADLETTER", 2.0)
    headers = sent["headers"]
    assert headers[REASON] == "RuntimeError: boom at line 3"
    assert (headers[SERVICE], headers[DELIVERIES]) == ("orders", "5")
    assert (headers[ORIGINAL_SUBJECT], headers[ORIGINAL_STREAM], headers[ORIGINAL_SEQUENCE]) == (
        msg.subject, "MARKET", "42")
    assert headers[ORIGINAL_MSG_ID] == original
    assert headers["Sellerops-Type"] == "market.order_placed.v1"
    assert headers[MSG_ID] == f"dead:orders:MARKET:42:{original}"


async def test_sending_the_same_message_twice_gives_the_same_dead_letter_id():
    js = RecordingJetStream()
    msg = FakeMsg(b"not json", subject=f"market.{seller()}.order.placed", stream_seq=7)
    dead = DeadLetters(js, "orders")

    await dead.send(msg, "undecodable event", 1)
    await dead.send(msg, "undecodable event", 2)

    assert js.published[0]["headers"][MSG_ID] == js.published[1]["headers"][MSG_ID] == "dead:orders:MARKET:7:"
    assert ORIGINAL_MSG_ID not in js.published[0]["headers"]


async def test_a_long_reason_is_cut_to_fit_a_header():
    js = RecordingJetStream()

    await DeadLetters(js, "orders").send(FakeMsg(b"{}"), "x" * 5000, 1)

    assert len(js.published[0]["headers"][REASON]) == 1000
