"""Queries at scale: list_orders and list_at_risk of a seller with 1,000,000 orders against one with 10,000, and
get_account_health under 32 concurrent clients against a raw nats-py responder doing the same KV reads.

One nats-server (`EmbeddedNats`), the real orders and health services in-process, the client in the same
process and event loop (as in bench_health.py).

Orders. Publishing a million orders' events through the service would take about an hour on the 2 shared
cores here, so the state is written straight into the buckets, as the service leaves it:
  - one template order per shape is made by the service's own pure code (record_placement, then
    authorize_payment, then confirm_shipment or seller_cancel) and wrapped in the `Record` AggregateStore writes
    (state + processed ids with their events); each seeded order is that record with its own order id, purchase
    time and ship window (`msgspec.structs.replace` on the state);
  - the index entries are `runtime.index.new_records(...)` of `queries.placements(order)`: exactly what
    `HourIndex.sync` leaves for a new order (a unit test holds the two equal), then the index is marked built;
  - both sellers' orders are spread uniformly over the last `--days` (90) days, so the large seller has 100x
    the orders per hour. Older than 3 days: 95 % shipped, 5 % canceled; the last 3 days: unshipped (MFN 70 %,
    AFN 30 %); the last hour: pending. Ship-by is 2 days after purchase, so list_at_risk (24 h) finds the
    MFN orders bought 1 to 2 days ago: ~0.8 % of the orders.
  - writes are core-NATS publishes to the `$KV.<bucket>.<key>` subjects, both sellers' orders interleaved in
    purchase order (the service stores an order when it is placed, so the newest orders sit in the newest
    blocks of the stream; written in random order, each of the large seller's first-page orders sat in a
    different block of a 3.6 GB stream and reading them cost 3-6x more); then the script waits for the streams'
    message counts and starts the orders service, and waits for its deadline watch to settle; before measuring, the
    first page of each query is checked against the answer computed
    from the generated orders (same ids, same order).

Measured per rep (sides rotated): the median of `--requests` sequential round trips of
`list_orders(ListOrders())` (first page, 100 newest) and `list_at_risk(ListAtRisk())` (24 h, 100 soonest)
for each seller. The ratio large/small per rep; the median of the per-rep ratios is the figure (goal <= 1.5).

Health. A seller's 60 day records are written as in bench_health.py (its generator, 10,000 orders). For
`--seconds` per side, 32 client tasks each send `get_account_health` and wait for the answer, again and
again; answers/s counts them. The raw side is a plain nats-py subscriber whose callback starts a task per
request that reads the same keys concurrently (settings, the day keys of the longest window, warnings:
`kv.get`, no decoding) and answers with bytes as long as the service's answer. Ratio service/raw per rep,
median quoted (goal >= 0.5). For scale, the same service with `answers_at_once=1` (one answer at a time, as
nats.micro's callback did before) is measured in the same reps.
"""

import argparse
import asyncio
import importlib.util
import logging
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

import msgspec
import nats
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import encode
from sellerops.contracts.health import DEFAULT_MARKETPLACE, AccountHealth, GetAccountHealth
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.contracts.orders import (
    AtRiskList, CancelOrder, ConfirmShipment, ListAtRisk, ListOrders, OrderList, PackageDetail, PackageItem,
    SellerCancelReason,
)
from sellerops.health.adapters import DAYS, SETTINGS, WARNINGS
from sellerops.health.app import create_host as health_host
from sellerops.health.domain.counting import days_back
from sellerops.health.settings import HealthSettings
from sellerops.orders import domain
from sellerops.orders.adapters import BUCKET, BUILT, INDEX_BUCKET, order_key
from sellerops.orders.app import create_host as orders_host
from sellerops.orders.domain import queries
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.broker import open_bucket
from sellerops.runtime.embedded import EmbeddedNats, nats_server_binary
from sellerops.runtime.host import ServiceHost
from sellerops.runtime.index import new_records
from sellerops.runtime.requests import call
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings
from sellerops.runtime.state import Processed, Record
from sellerops.testing.helpers import running

MFN, AFN = FulfillmentChannel.MFN, FulfillmentChannel.AFN
RAW_SUBJECT = "bench.queries.raw_health"


def _bench_health() -> ModuleType:
    """bench_health.py's generator of realistic day records (a script beside this one, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_health", Path(__file__).with_name("bench_health.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_health"] = module
    spec.loader.exec_module(module)
    return module


# ---- orders: templates from the service's own pure code ----

def templates(now: datetime) -> dict[str, Record]:
    """One stored record per shape: pending, unshipped MFN/AFN, shipped, canceled."""
    def made(channel: FulfillmentChannel, then: str | None) -> Record:
        placed = OrderPlaced(event_id=uuid.uuid4(), seller="bench", occurred_at=now, order_id="111-0000000-0000000",
                             fulfillment_channel=channel, purchased_at=now, ship_window=Window(now, now + timedelta(days=2)),
                             items=[OrderItem(order_item_id="62915379184323", sku="MUG-CER-12OZ-BLK", quantity=2,
                                              item_price=Money(Decimal("19.99"), "USD"), asin="B0C7XK2L9Q")])
        steps = [lambda o: domain.record_placement(o, placed)]
        if then is not None:
            paid = OrderPaymentAuthorized(event_id=uuid.uuid4(), seller="bench", occurred_at=now,
                                          order_id=placed.order_id)
            steps.append(lambda o: domain.authorize_payment(o, paid))
        if then == "shipped":
            package = PackageDetail(carrier_code="UPS", tracking_number="1Z999AA10123456784", ship_date=now.date(),
                                    items=[PackageItem("62915379184323", 2)])
            steps.append(lambda o: domain.confirm_shipment(o, request=ConfirmShipment(order_id=placed.order_id,
                                                           package=package), request_id="r1", now=now))
        if then == "canceled":
            steps.append(lambda o: domain.seller_cancel(o, request=CancelOrder(order_id=placed.order_id,
                                                        reason=SellerCancelReason.NO_INVENTORY), request_id="r1", now=now))
        order, processed = None, []
        for n, step in enumerate(steps):
            order, events = step(order)
            processed.append(Processed(f"m{n}", [msgspec.Raw(encode(e)) for e in events]))
        return Record(order, processed)

    return {"pending": made(MFN, None), "mfn": made(MFN, "paid"), "afn": made(AFN, "paid"),
            "shipped": made(MFN, "shipped"), "canceled": made(MFN, "canceled")}


def generate(seller: str, count: int, days: int, now: datetime,
             rng: random.Random) -> tuple[list[domain.Order], dict[str, Record]]:
    shapes = templates(now)
    orders = []
    for n in range(count):
        purchased = now - timedelta(seconds=rng.uniform(0, days * 86400))
        age = now - purchased
        if age < timedelta(hours=1):
            shape = "pending"
        elif age < timedelta(days=3):
            shape = "mfn" if rng.random() < 0.7 else "afn"
        else:
            shape = "shipped" if rng.random() < 0.95 else "canceled"
        template = shapes[shape].state
        window = Window(purchased, purchased + timedelta(days=2))
        orders.append(msgspec.structs.replace(template, order_id=f"{n % 1000:03d}-{n // 1000:07d}-{rng.randrange(10**7):07d}",
                                              seller=seller, purchased_at=purchased, ship_window=window))
    return orders, shapes


async def seed_orders(nc: Client, orders: list[domain.Order], shapes: dict[str, Record]) -> int:
    """Publish the records and index entries, in the order given; returns how many index writes were made."""
    processed = {r.state.status: r.processed for r in shapes.values()}  # unshipped: the AFN one, same size
    index_writes = 0
    for n, order in enumerate(orders):
        await nc.publish(f"$KV.{BUCKET}.{order_key(order.seller, order.order_id)}",
                         msgspec.json.encode(Record(order, processed[order.status])))
        for index_key, value in new_records(order.seller, order.order_id, 1, queries.placements(order)):
            await nc.publish(f"$KV.{INDEX_BUCKET}.{index_key}", value)
            index_writes += 1
        if n % 20_000 == 19_999:
            await nc.flush(timeout=60)
    await nc.flush(timeout=60)
    return index_writes


async def wait_for(js: JetStreamContext, stream: str, messages: int, timeout: float = 1800) -> None:
    """Until the stream holds `messages` (markers are rewritten, so count subjects, not publishes)."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        info = await js.stream_info(stream)
        if info.state.messages >= messages:
            return
        if info.state.messages == last:
            await asyncio.sleep(1.0)
        last = info.state.messages
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{stream} holds {last} of {messages} messages")


def expected_first_pages(orders: list[domain.Order], now: datetime) -> tuple[list[str], list[str]]:
    newest = sorted(orders, key=lambda o: (o.purchased_at, o.order_id), reverse=True)[:100]
    risky = queries.at_risk(orders, ListAtRisk(), now)
    return [o.order_id for o in newest], [r.order_id for r in risky]


async def settled(host: ServiceHost, t0: float) -> None:
    """Until the service's deadline watch has read the bucket (its open deadlines stop growing) and fired
    what was due (the ship-by alerts of the seeded unshipped orders): both are its start-up, not a query."""
    scheduler = host.wiring.background[1].__self__
    last, still = -1, 0
    while still < 10:  # the orders with deadlines are the newest, read last: wait for some, then for no change
        await asyncio.sleep(1.0)
        size = (len(scheduler._open), len(scheduler.fired))  # noqa: SLF001
        still, last = (still + 1, last) if size == last and size[0] else (0, size)
    log(t0, f"service started: its deadline watch holds {last[0]:,} orders' deadlines and fired {last[1]:,}")


async def median_ms(request: Callable[[], Awaitable[object]], n: int) -> float:
    took = []
    for _ in range(n):
        started = time.perf_counter()
        await request()
        took.append(time.perf_counter() - started)
    return statistics.median(took) * 1000


def log(started: float, text: str) -> None:
    print(f"[{time.perf_counter() - started:7.1f}s] {text}", flush=True)


# ---- health under concurrent clients ----

async def answers_per_s(ask: Callable[[], Awaitable[object]], clients: int, seconds: float) -> float:
    done = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await ask()
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


async def raw_health_responder(raw: Client, seller: str, answer_bytes: int, span: int) -> None:
    js = raw.jetstream(timeout=10.0)
    days_kv, settings_kv, warnings_kv = (await js.key_value(DAYS), await js.key_value(SETTINGS),
                                         await js.key_value(WARNINGS))
    canned = b"x" * answer_bytes
    tasks: set[asyncio.Task] = set()

    async def get(kv: KeyValue, key: str) -> None:
        try:
            await kv.get(key)
        except KeyNotFoundError:
            pass

    async def answer(msg: Msg) -> None:
        today = datetime.now(UTC).date()
        await get(settings_kv, f"{seller}.{DEFAULT_MARKETPLACE}")
        await asyncio.gather(*(get(days_kv, f"{seller}.{DEFAULT_MARKETPLACE}.{d.isoformat()}")
                               for d in days_back(today, span)))
        await get(warnings_kv, f"{seller}.{DEFAULT_MARKETPLACE}")
        await msg.respond(canned)

    async def on_request(msg: Msg) -> None:
        task = asyncio.create_task(answer(msg))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    await raw.subscribe(RAW_SUBJECT, cb=on_request)
    await raw.flush()


# ---- the run ----

async def bench(server: EmbeddedNats, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    rng = random.Random(args.seed)
    run = uuid.uuid4().hex[:6]
    sellers = {"small": f"bench-{run}-small", "large": f"bench-{run}-large"}
    runtime = RuntimeSettings(nats=NatsSettings(url=[server.url]))
    client, raw, loader = (await nats.connect(server.url), await nats.connect(server.url),
                           await nats.connect(server.url, pending_size=256 * 1024 * 1024))
    try:
        if args.only in (None, "orders"):
            await orders_part(server, client, loader, args, t0, sellers, runtime, now, rng)
        if args.only in (None, "health"):
            await health_part(server, client, raw, args, t0, run)
    finally:
        for nc in (client, raw, loader):
            await nc.close()
    log(t0, "done")


async def orders_part(server: EmbeddedNats, client: Client, loader: Client, args: argparse.Namespace, t0: float,
                      sellers: dict[str, str], runtime: RuntimeSettings, now: datetime, rng: random.Random) -> None:
    js = client.jetstream(timeout=30.0)
    for bucket in (BUCKET, INDEX_BUCKET):  # before the service starts, so it finds the index built
        await open_bucket(js, bucket, runtime.nats)
    generated = {}
    for side, count in (("small", args.small), ("large", args.large)):
        generated[side], shapes = generate(sellers[side], count, args.days, now, rng)
        log(t0, f"{side}: {count:,} orders generated "
                f"({Counter(o.status.value for o in generated[side]).most_common()})")
    # Orders are stored when placed, so a bucket holds them roughly in purchase order: write them so.
    everything = sorted((*generated["small"], *generated["large"]), key=lambda o: o.purchased_at)
    records, index_writes = len(everything), await seed_orders(loader, everything, shapes)
    del everything
    log(t0, f"{records:,} orders published, both sellers' interleaved in purchase order")
    await wait_for(js, f"KV_{BUCKET}", records)
    await (await js.key_value(INDEX_BUCKET)).put(BUILT, b"1")
    info = await js.stream_info(f"KV_{INDEX_BUCKET}")
    log(t0, f"stored: {records:,} order records ({(await js.stream_info(f'KV_{BUCKET}')).state.bytes / 1e6:,.0f} MB), "
            f"index {info.state.messages:,} keys ({info.state.bytes / 1e6:,.0f} MB) from {index_writes:,} writes")
    host = orders_host(OrdersSettings(runtime=runtime.model_copy(update={
        "delivery": DeliverySettings(deadline_settle_s=0)})))  # the seeded deadlines fire at start
    async with running(host.app()):
        await settled(host, t0)

        async def list_orders(side: str) -> OrderList:
            return await call(client, "orders", sellers[side], "list_orders", ListOrders(), OrderList, timeout=60)

        async def list_at_risk(side: str) -> AtRiskList:
            return await call(client, "orders", sellers[side], "list_at_risk", ListAtRisk(), AtRiskList, timeout=60)

        for side in sellers:
            want_list, want_risk = expected_first_pages(generated[side], datetime.now(UTC))
            got_list, got_risk = await list_orders(side), await list_at_risk(side)
            assert [o.order_id for o in got_list.orders] == want_list, side
            assert [o.order_id for o in got_risk.orders] == want_risk, side
            log(t0, f"{side}: first pages equal the generated answer ({len(want_list)} orders, "
                    f"{len(want_risk)} at risk, next cursors {bool(got_list.next_cursor)}/{bool(got_risk.next_cursor)})")
        generated.clear()

        sides = {"list small": lambda: list_orders("small"), "list large": lambda: list_orders("large"),
                 "risk small": lambda: list_at_risk("small"), "risk large": lambda: list_at_risk("large")}
        for request in sides.values():
            await median_ms(request, args.warmup)
        names = list(sides)
        print(f"\n{'rep':>3}  " + "  ".join(f"{s:>11}" for s in names) + "  list l/s  risk l/s   (ms)")
        rows = []
        for rep in range(args.reps):
            order = names[rep % len(names):] + names[:rep % len(names)]
            ms = {s: await median_ms(sides[s], args.requests) for s in order}
            rows.append([ms[s] for s in names] + [ms["list large"] / ms["list small"],
                                                  ms["risk large"] / ms["risk small"]])
            print(f"{rep + 1:>3}  " + "  ".join(f"{v:>11.2f}" for v in rows[-1][:4])
                  + "  " + "  ".join(f"{v:>8.2f}" for v in rows[-1][4:]), flush=True)
        med = [statistics.median(c) for c in zip(*rows, strict=True)]
        print("med  " + "  ".join(f"{v:>11.2f}" for v in med[:4]) + "  " + "  ".join(f"{v:>8.2f}" for v in med[4:]))
        print(f"\nlist_orders first page: large/small = {med[4]:.2f}; list_at_risk: large/small = {med[5]:.2f} "
              f"({args.large:,} vs {args.small:,} orders; goal <= 1.5)")



async def health_part(server: EmbeddedNats, client: Client, raw: Client, args: argparse.Namespace, t0: float,
                      run: str) -> None:
    bh = _bench_health()
    seller = f"bench-{run}-health"
    rng = random.Random(args.seed)
    gen = bh.Generator(bh.Clockwork(datetime.now(UTC)))
    days, touched = gen.counters(bh.draw(rng, args.health_orders))
    hosts = {}
    for label, at_once in (("service", RuntimeSettings().answers_at_once), ("one at a time", 1)):
        runtime = RuntimeSettings(nats=NatsSettings(url=[server.url]), answers_at_once=at_once)
        hosts[label] = health_host(HealthSettings(runtime=runtime))
    async with running(hosts["service"].app()):
        kv = await client.jetstream(timeout=10.0).key_value(DAYS)
        await bh.write_days(kv, seller, days, touched)

        async def ask() -> AccountHealth:
            return await call(client, "health", seller, "get_account_health", GetAccountHealth(), AccountHealth,
                              timeout=60)

        answer = await ask()
        assert answer.measures
        span = bh.longest_window(gen.metrics, {})  # the days the service reads (90 with the contact metrics)
        await raw_health_responder(raw, seller, len(encode(answer)), span)

        async def ask_raw() -> None:
            await client.request(RAW_SUBJECT, b"{}", timeout=60)

        log(t0, f"health: {len(days)} day records of {args.health_orders:,} orders, {span} day keys read per answer; "
                f"answer {len(encode(answer)):,} B; "
                f"{args.clients} clients, {args.seconds} s per side")
        await answers_per_s(ask, args.clients, 1.0)
        await answers_per_s(ask_raw, args.clients, 1.0)
        rows = []
        print(f"\n{'rep':>3}  {'service/s':>10}  {'raw/s':>10}  {'ratio':>6}")
        for rep in range(args.reps):
            sides = [("service", ask), ("raw", ask_raw)][:: 1 if rep % 2 == 0 else -1]
            rates = {name: await answers_per_s(f, args.clients, args.seconds) for name, f in sides}
            rows.append((rates["service"], rates["raw"], rates["service"] / rates["raw"]))
            print(f"{rep + 1:>3}  {rows[-1][0]:>10.0f}  {rows[-1][1]:>10.0f}  {rows[-1][2]:>6.2f}", flush=True)
        med = [statistics.median(c) for c in zip(*rows, strict=True)]
        print(f"med  {med[0]:>10.0f}  {med[1]:>10.0f}  {med[2]:>6.2f}")
    async with running(hosts["one at a time"].app()):
        serial = statistics.median([await answers_per_s(ask, args.clients, args.seconds) for _ in range(3)])
    print(f"\nget_account_health, {args.clients} concurrent clients: service {med[0]:.0f} answers/s = {med[2]:.2f} "
          f"of the raw responder's {med[1]:.0f} (goal >= 0.5); answering one at a time: {serial:.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=1_000_000, help="orders of the large seller")
    parser.add_argument("--small", type=int, default=10_000, help="orders of the small seller")
    parser.add_argument("--days", type=int, default=90, help="days the orders are spread over")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30, help="sequential requests per side and rep")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=32, help="concurrent get_account_health clients")
    parser.add_argument("--seconds", type=float, default=5.0, help="per health side and rep")
    parser.add_argument("--health-orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--only", choices=("orders", "health"), help="run one part")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    server_version = subprocess.run([nats_server_binary(), "--version"], check=True, capture_output=True,
                                    text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-queries-"))
    server = EmbeddedNats(tmp / "nats").start()
    try:
        print(f"{server_version}; small {args.small:,} and large {args.large:,} orders over {args.days} days; "
              f"{args.reps} reps x {args.requests} requests per side")
        asyncio.run(bench(server, args))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
