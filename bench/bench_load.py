"""Sustained load on the whole system under `sellerops up`, audited, against a raw nats-py chain on the same server.

One run, one `sellerops up` (embedded nats-server in a temporary folder, every installed service in its own
process), and in the same run a raw two-hop nats-py chain (two processes: stream A -> KV put + publish to stream
B -> KV put, batches of 128 handled concurrently, as the services do) on the same server:

1. Full speed: `--burst` orders of ONE seller published as fast as they go (pipelined), through
   market -> orders -> health; the raw chain the same count through its two hops. Throughput = orders / time from
   the first publish to the last order reflected at the end of the chain (health's order key written, seen by a
   core-NATS subscription on the KV bucket's subjects; the raw chain's last KV key the same way).
2. Steady: `--steady-rate` orders/s for `--steady-seconds` each; the lag from publishing an order to the end of
   the chain reflecting it, p50 and p99, and their ratios to the raw chain's.
3. Returns storm: `--storm` FBA customer returns over `--storm-skus` SKUs, then as many of ONE SKU at one center,
   published as fast as they go; the time from the first publish until the returns and fulfillment consumers are
   idle, and the ledger entries counted per SKU (each return is exactly one entry).
4. Sustained: the simulator's market facts for `--sellers` sellers (the first one 60 % of them and more) at
   `--rate` facts/s for `--seconds`, with a returns storm of one SKU mixed in (`--storm-share` of the facts); then
   feeding stops, the run waits until every consumer is idle and audits:
   - dead letters: 0 (whole run);
   - orders: every OrderPlaced order id is one key in the orders bucket, for every seller;
   - health: every seller's day counters equal the counters computed from the facts in the streams, folded with
     the service's own pure code (health.domain.facts + counting, as its time travel does);
   - ledger: fulfillment's `check_ledger` (the ledger replayed from the stream) reports no drift and no gap.
Prints its figures, and last one JSON line with all of them. A benchmark, not a timed test: quote medians.
"""

import argparse
import asyncio
import heapq
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, KeyValueConfig, StorageType, StreamConfig

from sellerops.contracts.catalog import encode
from sellerops.contracts.inventory import CheckLedger, GetInventory, InventorySummary, LedgerCheck
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPlaced
from sellerops.contracts.orders import ListOrders, OrderList
from sellerops.contracts.returns import CustomerReturnReported, Disposition
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.runtime.settings import DeliverySettings

SERVICES = {"orders", "health", "fulfillment", "returns", "notifications"}
RAW_A, RAW_B = "RAWBENCH_A", "RAWBENCH_B"
RAW_FIRST, RAW_LAST = "rawbench_first", "rawbench_last"
# Orders placed now: no deadline of theirs (ship-by, ...) comes due during the run and keeps consumers busy.
T0 = datetime.now(UTC).replace(microsecond=0)


# ---- the raw nats-py chain (each hop its own process) ----


async def raw_hop(url: str, hop: int) -> None:
    """Hop 1: RAW_A -> KV put -> publish to RAW_B; hop 2: RAW_B -> KV put. Batches of 128, messages concurrent.
    Runs only while the raw side is measured (its idle polling would take CPU from the services otherwise)."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    source, bucket = (RAW_A, RAW_FIRST) if hop == 1 else (RAW_B, RAW_LAST)
    kv = await js.key_value(bucket)
    sub = await js.pull_subscribe(f"rawbench.{'a' if hop == 1 else 'b'}.>", durable=f"rawhop{hop}", stream=source)

    async def one(msg: Msg) -> None:
        key = msg.subject.split(".", 2)[2]
        await kv.put(key, msg.data)
        if hop == 1:
            await js.publish(f"rawbench.b.{key}", msg.data, stream=RAW_B)
        await msg.ack()

    while True:
        try:  # as the services do: take what is there within their batch timeout, up to 128
            batch = await sub.fetch(128, timeout=DeliverySettings().batch_timeout_s)
        except (TimeoutError, nats.errors.TimeoutError):
            continue
        await asyncio.gather(*(one(m) for m in batch))


async def declare_raw(js: JetStreamContext) -> None:
    for name, subject in ((RAW_A, "rawbench.a.>"), (RAW_B, "rawbench.b.>")):
        await js.add_stream(StreamConfig(name=name, subjects=[subject], storage=StorageType.FILE))
    for bucket in (RAW_FIRST, RAW_LAST):
        await js.create_key_value(KeyValueConfig(bucket=bucket, history=1, storage=StorageType.FILE))
    for hop, stream in ((1, RAW_A), (2, RAW_B)):
        await js.add_consumer(stream, ConsumerConfig(durable_name=f"rawhop{hop}", ack_policy=AckPolicy.EXPLICIT,
                                                     max_ack_pending=1024))


class RawChain:
    """The two raw hop processes, for the length of a `with` block."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.hops: list[subprocess.Popen] = []

    def __enter__(self) -> "RawChain":
        self.hops = [subprocess.Popen([sys.executable, __file__, "--raw-hop", str(h), "--url", self.url])
                     for h in (1, 2)]
        return self

    def __exit__(self, *exc: object) -> None:
        for hop in self.hops:
            hop.kill()
            hop.wait()


# ---- the system ----


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc; 0 elsewhere or when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def processes_of(root: int) -> dict[str, int]:
    """The children of `up` by role: each service (`run <name>`) and the nats-server."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != root:
                continue
            argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        words = [a.decode() for a in argv if a]
        if any(w.endswith("nats-server") for w in words):
            found["nats-server"] = int(stat.parent.name)
        elif "run" in words and words.index("run") + 1 < len(words):
            found[words[words.index("run") + 1]] = int(stat.parent.name)
    return found


def cpu_of(pids: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


def cpu_per_order(before: dict[str, float], after: dict[str, float], orders: int) -> dict[str, int]:
    """CPU microseconds per order of each process between two readings, and their total."""
    spent = {name: round((after[name] - before.get(name, 0.0)) / orders * 1e6) for name in after}
    return dict(sorted(spent.items(), key=lambda kv: -kv[1])) | {"total": sum(spent.values())}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Up:
    """`sellerops up` in a temporary folder, its log in a file."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.log_path = folder / "up.log"
        env = {**os.environ, "SELLEROPS_LOG_FORMAT": "json", "SELLEROPS_LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sellerops.cli.main", "up", "--data-dir", str(folder / "nats"), "--port",
             str(self.port)], stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT, env=env,
            start_new_session=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


async def _quiet(exc: Exception) -> None:
    """nats-py prints every failed connect while the server starts; the loop below retries."""


async def wait_ready(url: str, timeout: float = 120.0) -> nats.aio.client.Client:
    from sellerops.cli.status import discover

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            nc = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=-1, error_cb=_quiet)
            break
        except Exception:  # noqa: BLE001  (the server is starting)
            await asyncio.sleep(0.5)
    while time.monotonic() < deadline:
        names = {a["name"].removeprefix("sellerops-") for a in await discover(nc, "PING")}
        if names >= SERVICES:
            return nc
        await asyncio.sleep(0.5)
    raise TimeoutError("the services did not all answer PING")


class Reflected:
    """First time each key of a KV bucket is written (a core-NATS subscription on the bucket's subjects)."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}

    async def watch(self, nc: Client, bucket: str) -> None:
        cut = len(f"$KV.{bucket}.")

        async def seen(msg: Msg) -> None:
            self.first.setdefault(msg.subject[cut:], time.monotonic())

        await nc.subscribe(f"$KV.{bucket}.>", cb=seen)

    async def wait_for(self, keys: list[str], timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(k in self.first for k in keys):
                return max(self.first[k] for k in keys)
            await asyncio.sleep(0.05)
        missing = sum(k not in self.first for k in keys)
        raise TimeoutError(f"{missing} of {len(keys)} keys never reflected")


def order(seller: str, order_id: str, at: datetime) -> OrderPlaced:
    return OrderPlaced(event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id,
                       fulfillment_channel=FulfillmentChannel.MFN, purchased_at=at,
                       items=[OrderItem(order_item_id="1", sku="MUG-CER-12OZ-BLK", quantity=1,
                                        item_price=Money(Decimal("19.99"), "USD"))])


def order_ids(prefix: int, n: int) -> list[str]:
    return [f"{prefix:03d}-{k // 10**7:07d}-{k % 10**7:07d}" for k in range(n)]


class Sides:
    """Publishing one order to either end of the comparison, and where its arrival shows."""

    def __init__(self, nc: Client, seller: str) -> None:
        self.js = nc.jetstream()
        self.seller = seller
        self.publish = JetStreamPublisher(self.js)
        self.health, self.raw = Reflected(), Reflected()

    async def start(self, nc: Client) -> None:
        await self.health.watch(nc, "health_order")
        await self.raw.watch(nc, RAW_LAST)

    async def send(self, side: str, order_id: str, at: datetime) -> None:
        fact = order(self.seller, order_id, at)
        if side == "raw":
            await self.js.publish(f"rawbench.a.{self.seller}.{order_id}", encode(fact), stream=RAW_A)
        else:
            await self.publish.publish_one(fact)

    def reflected(self, side: str) -> Reflected:
        return self.raw if side == "raw" else self.health


async def full_speed(sides: Sides, side: str, ids: list[str], timeout: float) -> float:
    started = time.monotonic()
    for start in range(0, len(ids), 500):
        await asyncio.gather(*(sides.send(side, i, T0) for i in ids[start:start + 500]))
    done = await sides.reflected(side).wait_for([f"{sides.seller}.{i}" for i in ids], timeout)
    return len(ids) / (done - started)


async def steady(sides: Sides, side: str, ids: list[str], rate: float, timeout: float) -> tuple[float, float]:
    sent: dict[str, float] = {}
    begin = time.monotonic()
    for n, order_id in enumerate(ids):
        await asyncio.sleep(max(0.0, begin + n / rate - time.monotonic()))
        sent[order_id] = time.monotonic()
        await sides.send(side, order_id, T0)
    reflected = sides.reflected(side)
    await reflected.wait_for([f"{sides.seller}.{i}" for i in ids], timeout)
    lags = sorted((reflected.first[f"{sides.seller}.{i}"] - t) * 1000 for i, t in sent.items())
    return statistics.median(lags), lags[min(len(lags) - 1, int(len(lags) * 0.99))]


# ---- returns storm ----


async def consumers_idle(js: JetStreamContext, *, settle_s: float = 1.0, timeout: float = 900.0) -> float:
    """Wait until every durable consumer of every stream has nothing pending, twice `settle_s` apart."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        busy = 0
        for stream in ("MARKET", "ORDERS", "FULFILLMENT", "RETURNS", "HEALTH", "NOTIFICATIONS"):
            for info in await js.consumers_info(stream):
                busy += info.num_pending + info.num_ack_pending
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle_s:
            return quiet_since
        await asyncio.sleep(0.1)
    raise TimeoutError("consumers still busy")


def customer_return(seller: str, n: int, sku: str, center: str, at: datetime) -> CustomerReturnReported:
    return CustomerReturnReported(event_id=uuid.uuid4(), seller=seller, occurred_at=at, return_id=f"LPN{n:010d}",
                                  order_id=f"114-{n // 10**7:07d}-{n % 10**7:07d}", sku=sku, center_id=center,
                                  quantity=1, disposition=Disposition.SELLABLE)


async def storm(nc: Client, seller: str, skus: list[str], count: int, first: int) -> tuple[float, int]:
    """Seconds to apply `count` returns spread over `skus`, and the ledger entries they made."""
    js = nc.jetstream()
    facts = [customer_return(seller, first + n, skus[n % len(skus)], "PHX7", T0) for n in range(count)]
    started = time.monotonic()
    await JetStreamPublisher(js).publish_many(facts)
    done = await consumers_idle(js, settle_s=0.5)
    entries = 0
    for sku in skus:
        summary = await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku=sku), InventorySummary)
        entries += summary.entries
    return done - started, entries


# ---- sustained, simulator-fed ----


def simulated_facts(sellers: list[str], count: int, seed: int) -> list:
    """The first `count` market facts of the simulator for `sellers` (the first at 3x the others' rate each)."""
    from sellerops.simulator.domain import SimConfig, simulate

    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=20)
    rates = [600.0] + [600.0 / (len(sellers) - 1) / 2] * (len(sellers) - 1)  # the first: 2/3 of the orders
    gens = [((step.at, n, step.payload) for n, step in enumerate(simulate(SimConfig(
        seed=seed, sellers=[seller], start=start, days=20, orders_per_day=rate, inbound_every_days=0)))
        if step.kind == "fact") for seller, rate in zip(sellers, rates, strict=True)]
    facts = []
    for _, _, fact in heapq.merge(*gens, key=lambda t: (t[0], t[1])):
        facts.append(fact)
        if len(facts) >= count:
            break
    return facts


async def sustained(nc: Client, sellers: list[str], rate: float, seconds: float, storm_share: float,
                    seed: int) -> dict:
    js = nc.jetstream()
    total = int(rate * seconds)
    storms = int(total * storm_share)
    facts = simulated_facts(sellers, total - storms, seed)
    returns = [customer_return(sellers[0], 5_000_000 + n, "STORM-SKU-1", "PHX7", facts[0].occurred_at)
               for n in range(storms)]
    every = len(facts) // max(1, storms) if storms else 0
    mixed: list = []
    for n, fact in enumerate(facts):
        mixed.append(fact)
        if every and n % every == 0 and returns:
            mixed.append(returns.pop())
    mixed += returns
    publish = JetStreamPublisher(js)
    begin = time.monotonic()
    for start in range(0, len(mixed), max(1, int(rate // 10))):  # ten slices a second
        chunk = mixed[start:start + max(1, int(rate // 10))]
        await asyncio.sleep(max(0.0, begin + start / rate - time.monotonic()))
        await publish.publish_many(chunk)
    fed_s = time.monotonic() - begin
    idle = await consumers_idle(js, settle_s=2.0)
    return {"facts": len(mixed), "fed_s": round(fed_s, 1), "feed_rate": round(len(mixed) / fed_s, 1),
            "drained_s": round(idle - begin, 1), "placed": [f for f in mixed if isinstance(f, OrderPlaced)],
            "storm_returns": storms}


# ---- audits ----


async def audit_orders(js: JetStreamContext, sellers: list[str], placed: list) -> int:
    """Orders whose key is missing from the orders bucket, or keys with no order behind them."""
    wrong = 0
    for seller in sellers:
        expected = {f"{seller}.{f.order_id}" for f in placed if f.seller == seller}
        info = await js.stream_info("KV_orders_order", subjects_filter=f"$KV.orders_order.{seller}.>")
        found = {s.removeprefix("$KV.orders_order.") for s in (info.state.subjects or {})}
        wrong += len(expected ^ found)
    return wrong


async def audit_health(js: JetStreamContext, sellers: list[str]) -> int:
    """Counters that differ from a fold of the streams' facts with health's own pure code."""
    from sellerops.health.adapters import DayCounts, history_reader
    from sellerops.health.bootstrap import load_metrics
    from sellerops.health.domain import facts as order_facts
    from sellerops.health.domain.counting import contribution
    from sellerops.runtime.state import latest_values

    metrics, read, kv = load_metrics(), history_reader(js), await js.key_value("health_day")
    wrong = 0
    for seller in sellers:
        states: dict = {}
        for e in sorted(await read(seller), key=lambda e: e.occurred_at):
            if isinstance(e, order_facts.EVENTS):
                states[e.order_id] = order_facts.apply(states.get(e.order_id), e)
        expected: dict[str, Counter] = {}
        for state in states.values():
            for (day, counter), n in contribution(metrics, state.facts).items():
                expected.setdefault(f"{seller}.{state.facts.marketplace_id}.{day}", Counter())[counter] += n
        expected = {k: {c: n for c, n in v.items() if n} for k, v in expected.items()}
        found = {key: msgspec.json.decode(value, type=DayCounts).counts async for key, value in latest_values(kv, seller)}
        found = {k: v for k, v in found.items() if v}
        wrong += sum(expected.get(k) != found.get(k) for k in expected.keys() | found.keys())
    return wrong


async def audit_ledger(nc: Client, sellers: list[str]) -> int:
    wrong = 0
    for seller in sellers:
        check = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck, timeout=60)
        wrong += len(check.drift) + len(check.gaps)
    return wrong


async def list_every_order(nc: Client, seller: str, limit: int) -> dict:
    """`list_orders` with `limit`, following `next_cursor`: pages and orders seen, or the error answered."""
    pages, seen, cursor = 0, 0, None
    try:
        while True:
            found = await call(nc, "orders", seller, "list_orders", ListOrders(limit=limit, cursor=cursor), OrderList,
                               timeout=60)
            pages, seen, cursor = pages + 1, seen + len(found.orders), found.next_cursor
            if cursor is None:
                return {"pages": pages, "orders": seen}
    except RequestFailed as failed:
        return {"pages": pages, "orders": seen, "error": failed.error.code}


# ---- the run ----


async def bench(args: argparse.Namespace, folder: Path) -> dict:
    up = Up(folder)
    try:
        nc = await wait_ready(up.url)
        js = nc.jetstream()
        await declare_raw(js)
        sides = Sides(nc, "hot-seller")
        await sides.start(nc)
        result: dict = {"burst": args.burst, "steady_rate": args.steady_rate}
        pids = processes_of(up.process.pid)
        with RawChain(up.url) as raw:
            hops = {"nats-server": pids.get("nats-server", 0)} | {f"hop{n}": p.pid for n, p in enumerate(raw.hops, 1)}
            before = cpu_of(hops)
            result["raw_orders_per_s"] = round(await full_speed(sides, "raw", order_ids(100, args.burst), 900), 1)
            result["raw_cpu_us_per_order"] = cpu_per_order(before, cpu_of(hops), args.burst)
            n = int(args.steady_rate * args.steady_seconds)
            p50, p99 = await steady(sides, "raw", order_ids(101, n), args.steady_rate, timeout=120)
            result["raw_p50_ms"], result["raw_p99_ms"] = round(p50, 2), round(p99, 2)
        before = cpu_of(pids)
        result["sellerops_orders_per_s"] = round(await full_speed(sides, "sellerops", order_ids(102, args.burst),
                                                                  900), 1)
        await consumers_idle(js, settle_s=0.5)
        result["sellerops_cpu_us_per_order"] = cpu_per_order(before, cpu_of(pids), args.burst)
        result["list_orders_limit_10000"] = await list_every_order(nc, sides.seller, 10_000)
        p50, p99 = await steady(sides, "sellerops", order_ids(103, n), args.steady_rate, timeout=120)
        result["sellerops_p50_ms"], result["sellerops_p99_ms"] = round(p50, 2), round(p99, 2)
        await consumers_idle(js, settle_s=0.5)
        result["throughput_ratio"] = round(result["sellerops_orders_per_s"] / result["raw_orders_per_s"], 3)
        result["p50_ratio"] = round(result["sellerops_p50_ms"] / result["raw_p50_ms"], 2)
        result["p99_ratio"] = round(result["sellerops_p99_ms"] / result["raw_p99_ms"], 2)

        spread_skus = [f"SPREAD-{n:03d}" for n in range(args.storm_skus)]
        spread_s, spread_entries = await storm(nc, "storm-seller", spread_skus, args.storm, 0)
        one_s, one_entries = await storm(nc, "storm-seller", ["HOT-SKU-1"], args.storm, args.storm)
        result |= {"storm": args.storm, "returns_spread_s": round(spread_s, 2), "returns_one_sku_s": round(one_s, 2),
                   "returns_one_sku_ratio": round(one_s / spread_s, 2),
                   "returns_entries_exact": spread_entries == args.storm and one_entries == args.storm}

        sellers = [f"load-{n}" for n in range(1, args.sellers + 1)]
        run = await sustained(nc, sellers, args.rate, args.seconds, args.storm_share, args.seed)
        placed = run.pop("placed")
        result["sustained"] = run | {"orders": len(placed)}
        result["audit_orders_wrong"] = await audit_orders(js, sellers, placed)
        result["audit_health_wrong"] = await audit_health(js, [*sellers, "hot-seller"])
        result["audit_ledger_wrong"] = await audit_ledger(nc, [*sellers, "storm-seller"])
        result["dead_letters"] = (await js.stream_info("DEADLETTER")).state.messages
        result["crashes"] = up.log_path.read_bytes().count(b"service_crashed")
        await nc.close()
        return result
    finally:
        up.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--burst", type=int, default=10_000, help="orders of one seller at full speed, per side")
    parser.add_argument("--steady-rate", type=float, default=50.0)
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    parser.add_argument("--storm", type=int, default=3000, help="customer returns per storm")
    parser.add_argument("--storm-skus", type=int, default=300)
    parser.add_argument("--rate", type=float, default=500.0, help="sustained facts per second")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--sellers", type=int, default=4)
    parser.add_argument("--storm-share", type=float, default=0.1, help="share of sustained facts that are returns "
                        "of one SKU")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (the system's log: up.log)")
    parser.add_argument("--raw-hop", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_hop:
        asyncio.run(raw_hop(args.url, args.raw_hop))
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(bench(args, args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="sellerops-load-") as folder:
            result = asyncio.run(bench(args, Path(folder)))
    for key, value in result.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
