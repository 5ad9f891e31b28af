"""Helpers for tests against a real nats-server: run a service in-process, wait, read a stream."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import OrderLine, OrderRecorded, OrderStatus
from sellerops.runtime.deadlines import DeadlineScheduler
from sellerops.runtime.runner import running  # noqa: F401  (tests import it from here)
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy; fail with its last value after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


def poll(check: Callable[[], Any], *, timeout: float = 60.0, interval: float = 0.3) -> Any:
    """Call `check` until it answers something truthy or `timeout` passes; its last answer (for blocking tests
    that drive processes: `up`, a browser)."""
    deadline = time.monotonic() + timeout
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(interval)
    return found


def run_cli(args: list[str], capsys: Any) -> tuple[int, str, str]:
    """`sellerops ARGS` in-process through its error boundary: (exit code, stdout, stderr)."""
    import pytest

    from sellerops.cli import common
    from sellerops.cli.main import main

    common.MODE.update(json=False, debug=False)
    with pytest.raises(SystemExit) as exit_:
        main(args)
    out, err = capsys.readouterr()
    code = exit_.value.code
    assert isinstance(code, int), f"main exits with a number, not {code!r}"
    return code, out, err


async def read_stream(js: JetStreamContext, stream: str, subject: str = ">") -> list[Msg]:
    """Every message currently in `stream` on `subject`, oldest first (an ephemeral ordered read)."""
    info = await js.stream_info(stream)
    total = info.state.messages
    if total == 0:
        return []
    sub = await js.pull_subscribe(subject, stream=stream,
                                  config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=5.0))
    messages: list[Msg] = []
    try:
        while True:
            try:
                batch = await sub.fetch(min(500, total), timeout=0.5)
            except Exception:  # noqa: BLE001  (nothing left: nats-py raises a timeout)
                break
            messages.extend(batch)
            for msg in batch:
                await msg.ack()
    finally:
        await sub.unsubscribe()
    return messages


async def consumer_idle(js: JetStreamContext, stream: str, durable: str) -> bool:
    """True when the durable has nothing pending and nothing awaiting acknowledgement."""
    try:
        info = await js.consumer_info(stream, durable)
    except Exception:  # noqa: BLE001  (not created yet)
        return False
    return info.num_pending == 0 and info.num_ack_pending == 0


def runtime_for(url: str, **delivery: Any) -> RuntimeSettings:
    """Runtime settings for a test against the nats-server at `url`: retries after 50 ms, ack wait 5 s."""
    return RuntimeSettings(nats=NatsSettings(url=[url]),
                           delivery=DeliverySettings(**{"retry_delays_s": [0.05], "ack_wait_s": 5.0, **delivery}))


def fact(event_type: type, seller: str, at: datetime | None = None, **fields: Any) -> Any:
    """A new event of `event_type` for `seller` at `at` (now by default), with a fresh event id."""
    return event_type(event_id=uuid.uuid4(), seller=seller, occurred_at=at or datetime.now(UTC), **fields)


def order_recorded(seller: str, order_id: str, at: datetime) -> OrderRecorded:
    """A seller-fulfilled order of one line, as the orders service records it when it is placed."""
    return fact(OrderRecorded, seller, at, order_id=order_id, status=OrderStatus.UNSHIPPED,
                fulfillment_channel=FulfillmentChannel.MFN, order_type=OrderType.STANDARD, purchased_at=at,
                lines=[OrderLine(order_item_id="I1", sku="MUG", quantity_ordered=1,
                                 item_price=Money(Decimal("9.99"), "USD"))],
                ship_window=Window(at, at + timedelta(days=2)),
                delivery_window=Window(at + timedelta(days=3), at + timedelta(days=6)))


def schedulers(host: Any) -> list[DeadlineScheduler]:
    """The deadline schedulers a running service host watches with (its background jobs' owners)."""
    return [job.__self__ for job in host.wiring.background
            if isinstance(getattr(job, "__self__", None), DeadlineScheduler)]


def pending_deadlines(host: Any, key_part: str) -> int:
    """How many open deadlines the host's schedulers hold for keys containing `key_part`."""
    return sum(1 for s in schedulers(host) for _, key, _ in s.pending() if key_part in key)


async def raw_pages(nc: Any, service: str, seller: str, verb: str, query: Any, reply_type: type) -> list:
    """Every page of a paged list as the server sent it, following `next_cursor`; each asserted to be an
    answer, not an ErrorReply, and within the connection's max payload."""
    import msgspec

    from sellerops.contracts.catalog import encode

    pages: list = []
    while True:
        msg = await nc.request(f"req.{service}.{seller}.{verb}", encode(query), timeout=30)
        assert "Nats-Service-Error-Code" not in (msg.headers or {}), msg.data[:300]
        assert len(msg.data) <= nc.max_payload
        pages.append(msgspec.json.decode(msg.data, type=reply_type))
        if pages[-1].next_cursor is None:
            return pages
        query = msgspec.structs.replace(query, cursor=pages[-1].next_cursor)


def printed_json(out: str, reply_type: type) -> Any:
    """A CLI's --json answer among a service's log lines on the same stdout: from a line "{" to a line "}"."""
    import msgspec

    lines = out.splitlines()
    start = lines.index("{")
    return msgspec.json.decode("\n".join(lines[start:lines.index("}", start) + 1]), type=reply_type)
