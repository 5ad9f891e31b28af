"""Orders throughput: the real orders service against a hand-written nats-py loop doing the same work.

"The same work", per OrderPlaced event, is what the orders service does for it:
  1. pull-fetch it in a batch of `DeliverySettings().batch_size` from a durable consumer on MARKET
     (filter `market.*.order.*`, explicit ack; same ConsumerConfig as the service's),
  2. msgspec-decode it into `OrderPlaced`,
  3. KV get of `<seller>.<order_id>` in the `orders_order` bucket (not found),
  4. revision-checked KV create (last revision 0) of the JSON state: the order plus the processed
     message id with the event it emitted (as the service's `Record`, about the same size),
  5. publish one OrderRecorded-sized event to ORDERS with a Nats-Msg-Id header, await its PubAck,
  6. ack the message.
The messages of one fetched batch run concurrently (asyncio.gather), as the service runs aggregates.

Per rep and side: purge MARKET, ORDERS and the KV bucket, pre-publish N OrderPlaced events for a
fresh seller, declare the durable (raw: a fresh name; service: its fixed `orders-market-order`,
deleted after each phase), then time from the moment consuming starts until ORDERS holds N events.
The service runs in-process exactly as FastStream's `app.start()` does: on_startup hook
(`host.start`: connect, declare, wire) untimed, then `broker.start()` (subscribe; the clock starts
here) and the after_startup hook; it is stopped with `host.stop()` + `broker.stop()`.
ratio = service ev/s / raw ev/s within one rep (both sides back to back, order alternating).
"""

import argparse
import asyncio
import logging
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import msgspec
import nats
import structlog
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import encode
from sellerops.contracts.envelope import derived_id
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPlaced, Window
from sellerops.contracts.orders import OrderRecorded
from sellerops.orders import domain
from sellerops.orders.adapters import BUCKET
from sellerops.orders.app import create_host
from sellerops.orders.settings import OrdersSettings
from sellerops.orders.subscribers import MARKET_ORDERS
from sellerops.runtime.broker import consumer_config, declare_streams, open_bucket
from sellerops.runtime.embedded import EmbeddedNats, nats_server_binary
from sellerops.runtime.publisher import MSG_ID, event_headers
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings
from sellerops.runtime.state import Processed, Record

DELIVERY = DeliverySettings()
FILTER = MARKET_ORDERS.filter_subject  # market.*.order.*
STREAMS = ("MARKET", "ORDERS", f"KV_{BUCKET}")
POLL_S = 0.02
ROW = "{:>3}  {:>10,.0f}  {:>10,.0f}  {:>6.2f}  {:>11,.0f}  {:>11,.0f}  {}"
RECORDED_TAG = OrderRecorded.type_tag()


def order_placed(seller: str, i: int, placed_at: datetime) -> OrderPlaced:
    """Placed now: an old purchase date would make the service's payment-expiry deadline fire (cancel)."""
    at = placed_at + timedelta(milliseconds=i)
    items = [OrderItem(order_item_id=f"{i}-{k}", sku=f"SKU-{k:04d}", quantity=1 + k,
                       item_price=Money(Decimal("19.99"), "USD"), asin="B000000001") for k in range(2)]
    return OrderPlaced(event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=f"111-{i:07d}-0000001",
                       fulfillment_channel=FulfillmentChannel.MFN, purchased_at=at, items=items,
                       ship_window=Window(at, at + timedelta(days=2)))


# ---- A. the raw nats-py loop ----

_placed_decoder = msgspec.json.Decoder(OrderPlaced)
_json = msgspec.json.Encoder(decimal_format="string")


def raw_outcome(placed: OrderPlaced) -> tuple[str, str, bytes, bytes]:
    """(event id, subject, event bytes, KV state bytes): hand-built, same fields as the service's."""
    event_id = str(derived_id(placed.event_id, RECORDED_TAG))
    lines = [{"order_item_id": i.order_item_id, "sku": i.sku, "quantity_ordered": i.quantity,
              "quantity_shipped": 0, "item_price": i.item_price} for i in placed.items]
    common = {"seller": placed.seller, "order_id": placed.order_id, "status": "Pending",
              "fulfillment_channel": placed.fulfillment_channel, "order_type": placed.order_type,
              "purchased_at": placed.purchased_at, "lines": lines, "ship_window": placed.ship_window,
              "delivery_window": placed.delivery_window, "is_prime": placed.is_prime}
    event = _json.encode({"type": RECORDED_TAG, "event_id": event_id, "occurred_at": placed.occurred_at,
                          "correlation_id": placed.event_id, "causation_id": placed.event_id, **common})
    state = _json.encode({"state": {**common, "payment_authorized_at": None, "packages": [],
                                    "late_shipment": False, "updated_at": placed.occurred_at},
                          "processed": [{"id": str(placed.event_id), "events": [msgspec.Raw(event)]}]})
    return event_id, f"orders.{placed.seller}.order.recorded", event, state


async def raw_handle(msg: Msg, js: JetStreamContext, kv: KeyValue) -> None:
    placed = _placed_decoder.decode(msg.data)
    key = f"{placed.seller}.{placed.order_id}"
    try:
        await kv.get(key)
        raise RuntimeError(f"{key} already exists")
    except KeyNotFoundError:
        pass
    event_id, subject, event, state = raw_outcome(placed)
    await kv.create(key, state)
    await js.publish(subject, event, stream="ORDERS", headers={MSG_ID: event_id})
    await msg.ack()


async def run_raw(url: str, admin_js: JetStreamContext, n: int, durable: str) -> float:
    nc = await nats.connect(url)
    js = nc.jetstream(timeout=5.0)
    kv = await js.key_value(BUCKET)
    await js.add_consumer("MARKET", consumer_config(durable, FILTER, DELIVERY))
    started = time.perf_counter()
    psub = await js.pull_subscribe(FILTER, durable=durable, stream="MARKET")

    async def loop() -> None:
        while True:
            try:
                batch = await psub.fetch(DELIVERY.batch_size, timeout=DELIVERY.batch_timeout_s)
            except NatsTimeout:
                continue
            await asyncio.gather(*(raw_handle(m, js, kv) for m in batch))

    task = asyncio.create_task(loop())
    try:
        elapsed = await wait_for_orders(admin_js, n, started, task)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await psub.unsubscribe()
        await nc.close()
        await admin_js.delete_consumer("MARKET", durable)
    return elapsed


# ---- B. the real orders service ----

async def run_service(url: str, admin_js: JetStreamContext, n: int) -> float:
    host = create_host(OrdersSettings(runtime=RuntimeSettings(nats=NatsSettings(url=[url]))))
    await host.start()  # FastStream on_startup hook: connect, declare streams/bucket/consumer, wire
    started = time.perf_counter()
    try:
        await host.broker.start()  # subscribers start fetching
        await host.serve()  # after_startup hook: service API endpoints
        elapsed = await wait_for_orders(admin_js, n, started)
        stats = host.dispatchers[MARKET_ORDERS.durable].stats
        for _ in range(500):  # the last events are out before their handlers finish their index writes
            if stats.handled >= n:
                break
            await asyncio.sleep(0.01)
        assert stats.handled == n and not stats.retried and not stats.dead_lettered, stats
    finally:
        await host.stop()
        await host.broker.stop()
        await admin_js.delete_consumer("MARKET", MARKET_ORDERS.durable)
    return elapsed


# ---- shared steps ----

async def wait_for_orders(admin_js: JetStreamContext, n: int, started: float, task: asyncio.Task | None = None,
                          limit_s: float = 300.0) -> float:
    """Seconds from `started` until the ORDERS stream holds n messages (polled every POLL_S)."""
    while (await admin_js.stream_info("ORDERS")).state.messages < n:
        if task is not None and task.done():
            task.result()  # re-raise what broke the raw loop
        if time.perf_counter() - started > limit_s:
            raise TimeoutError(f"ORDERS did not reach {n} messages in {limit_s}s")
        await asyncio.sleep(POLL_S)
    return time.perf_counter() - started


async def prepare(admin_js: JetStreamContext, seller: str, n: int) -> None:
    """Empty the streams and the bucket, then load n OrderPlaced events for `seller` into MARKET."""
    for stream in STREAMS:
        await admin_js.purge_stream(stream)
    now = datetime.now(UTC)
    for i in range(n):
        evt = order_placed(seller, i, now)
        await admin_js.publish_async(evt.subject, encode(evt), stream="MARKET", headers=event_headers(evt))
    await admin_js.publish_async_completed()
    loaded = (await admin_js.stream_info("MARKET")).state.messages
    assert loaded == n, f"MARKET holds {loaded}, expected {n}"


async def check_state(admin_js: JetStreamContext, seller: str, n: int) -> None:
    """Both sides must leave n KV keys, n events in ORDERS and a Pending order behind."""
    kv = await admin_js.key_value(BUCKET)
    entry = await kv.get(f"{seller}.{order_placed(seller, n - 1, datetime.now(UTC)).order_id}")
    assert msgspec.json.decode(entry.value)["state"]["status"] == "Pending", entry.value
    for stream in (f"KV_{BUCKET}", "ORDERS"):
        assert (await admin_js.stream_info(stream)).state.messages == n, stream


def sizes() -> dict[str, int]:
    placed = order_placed("bench-sizes", 0, datetime.now(UTC))
    order, events = domain.record_placement(None, placed)
    record = Record(order, [Processed(str(placed.event_id), [msgspec.Raw(encode(e)) for e in events])])
    _, _, raw_event, raw_state = raw_outcome(placed)
    return {"OrderPlaced": len(encode(placed)), "service OrderRecorded": len(encode(events[0])),
            "raw event": len(raw_event), "service KV value": len(encode(record)), "raw KV value": len(raw_state)}


def environment(server_version: str) -> list[str]:
    size_text = ", ".join(f"{k} {v} B" for k, v in sizes().items())
    return [f"python {platform.python_version()} ({platform.machine()}), {server_version}",
            f"nats-py {version('nats-py')}, faststream {version('faststream')}, msgspec {version('msgspec')}",
            f"batch size {DELIVERY.batch_size}, batch timeout {DELIVERY.batch_timeout_s}s, poll {POLL_S}s",
            f"sizes: {size_text}"]


async def bench(server: EmbeddedNats, n: int, reps: int) -> None:
    admin = await nats.connect(server.url)
    admin_js, settings = admin.jetstream(timeout=10.0), NatsSettings(url=[server.url])
    await declare_streams(admin_js, settings)  # the service's own declarations, so raw sees the same
    await open_bucket(admin_js, BUCKET, settings)
    run_id, rows = uuid.uuid4().hex[:6], []
    for rep in range(reps):
        rates, cpu_us = {}, {}
        sides = ("raw", "service") if rep % 2 == 0 else ("service", "raw")
        for side in sides:
            seller = f"bench-{run_id}-{rep}-{side}"
            await prepare(admin_js, seller, n)
            cpu_start = time.process_time()  # this process's CPU: the consumer side (the server is apart)
            if side == "raw":
                elapsed = await run_raw(server.url, admin_js, n, durable=f"bench-raw-{run_id}-{rep}")
            else:
                elapsed = await run_service(server.url, admin_js, n)
            cpu_us[side] = (time.process_time() - cpu_start) / n * 1e6
            await check_state(admin_js, seller, n)
            rates[side] = n / elapsed
        rows.append((rates["raw"], rates["service"], rates["service"] / rates["raw"], cpu_us["raw"], cpu_us["service"]))
        print(ROW.format(rep + 1, *rows[-1], sides[0]), flush=True)
    await admin.close()
    med = [statistics.median(col) for col in zip(*rows)]
    print(ROW.format("med", *med, ""))
    print(f"\nmedian ratio service/raw = {med[2]:.2f} ({'meets' if med[2] >= 0.5 else 'BELOW'} the target >= 0.50)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="OrderPlaced events per rep and side")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    # The service logs nothing per message on success; keep its start/stop lines out of the table.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    server_version = subprocess.run([nats_server_binary(), "--version"], check=True, capture_output=True,
                                    text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-orders-"))
    server = EmbeddedNats(tmp / "nats").start()
    try:
        print("\n".join(environment(server_version)))
        print(f"{args.events} events per side, {args.reps} reps, server {server.url}\n")
        print(f"{'rep':>3}  {'raw ev/s':>10}  {'svc ev/s':>10}  {'ratio':>6}  {'raw cpu/ev':>11}  "
              f"{'svc cpu/ev':>11}  first   (cpu/ev: this process's CPU us per event)")
        asyncio.run(bench(server, args.events, args.reps))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
