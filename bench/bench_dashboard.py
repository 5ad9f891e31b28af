"""The dashboard's fleet page for 10,000 sellers against a raw nats-py read of the same 10,000 summaries.

The dashboard answers the fleet page from its index: every record of the bucket `dashboard_index` kept in memory
(`FleetIndex`, loaded by watching the bucket), filtered, sorted by risk and paged there, so the page costs the
same whatever the number of sellers asks nothing of anyone. This script shows it in one run: one nats-server
(`EmbeddedNats`, free 127.0.0.1 port, temp dir removed at the end), the real dashboard service in-process
(`create_host(DashboardSettings(...)).app()`), and 10,000 sellers seeded directly into its state, each as the
service writes it (`Record(state, processed)` with one processed id):
  - a health part per seller (`<seller>.health.ATVPDKIKX0DER`: rating, status and the ten measures, as
    `folding.health_part` makes from a real answer; status and rating drawn so about 5 % are AT_RISK and 1 %
    DEACTIVATED): these are the 10,000 per-seller summaries;
  - a breached red flag for 10 % of sellers, 0-3 open claims for 30 %, 0-5 orders to ship for 50 %
    (so the index holds about 30,000 records, not only the summaries).

Measured per rep (sides rotated), in one run:
  - raw: nats-py reads the 10,000 health records (an ordered pull, last value per key, 1,000 a fetch, no
    decoding): the least a fresh process pays to see every seller's summary;
  - cold: a fresh `FleetIndex` follows the bucket until loaded (all ~30,000 records, decoded, rows made), then
    the first fleet page (50 riskiest of 10,000) is rendered through the service's Starlette app (ASGI, in
    process): what a dashboard instance pays after a restart;
  - warm: `GET /` over loopback HTTP from the running service, its index already loaded (median of 20).
Ratios are taken within a rep; the medians of the per-rep ratios are the numbers to quote. The issue's bar:
the first page within 10x the raw read.
"""

import argparse
import asyncio
import logging
import platform
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import httpx
import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.kv import KeyValue

from sellerops.dashboard.adapters import INDEX, FleetIndex
from sellerops.dashboard.app import create_host
from sellerops.dashboard.domain.parts import CLAIM, FLAG, HEALTH, ORDER, Flag, HealthPart, MeasureRow, WorkItem
from sellerops.dashboard.settings import DashboardSettings
from sellerops.dashboard.web.pages import Deps, create_web
from sellerops.dashboard.web.probe import ServicesView
from sellerops.runtime.embedded import EmbeddedNats, free_port, nats_server_binary
from sellerops.runtime.state import Processed, Record
from sellerops.testing.helpers import runtime_for, running

NOW = datetime.now(UTC).replace(microsecond=0)
MARKETPLACE = "ATVPDKIKX0DER"
MEASURES = [("orderDefectRate.mfn", 0.01, "LESS_THAN"), ("orderDefectRate.afn", 0.01, "LESS_THAN"),
            ("lateShipmentRate", 0.04, "LESS_THAN"), ("lateShipmentRate10Day", 0.04, "LESS_THAN"),
            ("preFulfillmentCancellationRate", 0.025, "LESS_THAN"), ("validTrackingRate", 0.95, "GREATER_THAN"),
            ("onTimeDeliveryRate", 0.97, "GREATER_THAN"), ("contactResponseRate7Day", 0.9, "GREATER_THAN"),
            ("contactResponseRate30Day", 0.9, "GREATER_THAN"), ("contactResponseRate90Day", 0.9, "GREATER_THAN")]


def record(state: msgspec.Struct, n: int) -> bytes:
    return msgspec.json.encode(Record(state, [Processed(f"seed-{n}", [])]))


def seller_records(index: int, rng: random.Random) -> list[tuple[str, bytes]]:
    seller = f"seller-{index:05d}"
    draw = rng.random()
    status, rating, band = (("DEACTIVATED", 50, "Unhealthy") if draw < 0.01 else ("AT_RISK", 150, "AtRisk")
                            if draw < 0.06 else ("NORMAL", rng.choice([1000, 1000, 900, 850, 700]), "Healthy"))
    measures = [MeasureRow(key=key, title=key, rate=rng.random() * 0.05 if rng.random() > 0.1 else None,
                           status=rng.choice(["GOOD", "GOOD", "GOOD", "NONE"]), numerator=rng.randrange(5),
                           denominator=rng.randrange(5, 900), target_value=target, target_condition=condition,
                           window_days=30) for key, target, condition in MEASURES]
    found = [(f"{seller}.{HEALTH}.{MARKETPLACE}", record(HealthPart(
        marketplace_id=MARKETPLACE, as_of=NOW, account_status=status, rating=rating, rating_band=band,
        measures=measures), index))]
    if rng.random() < 0.10:
        found.append((f"{seller}.{FLAG}.{MARKETPLACE}.orderDefectRate.mfn", record(Flag(
            marketplace_id=MARKETPLACE, key="orderDefectRate.mfn", title="ODR", breached_at=NOW, rate=0.02), index)))
    for kind, share, most in ((CLAIM, 0.3, 3), (ORDER, 0.5, 5)):
        if rng.random() < share:
            for n in range(rng.randint(1, most)):
                ref = f"{kind}-{index}-{n}"
                found.append((f"{seller}.{kind}.{ref}", record(WorkItem(
                    kind=kind, ref=ref, order_id=ref, what="respond" if kind == CLAIM else "ship",
                    due_at=NOW + timedelta(hours=rng.randrange(-24, 72)), since=NOW), index)))
    return found


async def seed(kv: KeyValue, sellers: int, seed_: int) -> int:
    rng = random.Random(seed_)
    entries = [e for i in range(sellers) for e in seller_records(i, rng)]
    for start in range(0, len(entries), 500):
        await asyncio.gather(*(kv.put(k, v) for k, v in entries[start:start + 500]))
    return len(entries)


async def raw_read(js: JetStreamContext, sellers: int) -> float:
    began = time.perf_counter()
    sub = await js.pull_subscribe(f"$KV.{INDEX}.*.{HEALTH}.>", stream=f"KV_{INDEX}", config=ConsumerConfig(
        deliver_policy=DeliverPolicy.LAST_PER_SUBJECT, ack_policy=AckPolicy.NONE, inactive_threshold=30.0))
    got = 0
    while got < sellers:
        got += len(await sub.fetch(1000, timeout=10))
    await sub.unsubscribe()
    assert got == sellers, got
    return time.perf_counter() - began


async def cold_first_page(kv: KeyValue, sellers: int) -> float:
    began = time.perf_counter()
    index = FleetIndex()
    follow = asyncio.create_task(index.follow(kv))
    await index.loaded.wait()
    app = create_web(Deps(index=index, probe=type("P", (), {"latest": ServicesView()})(), ask_health=None,
                          ask_order=None, replay=None, now=lambda: NOW, operator=False, page_size=50, trend_days=90,
                          trend_step_days=7))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dashboard") as client:
        page = await client.get("/")
    elapsed = time.perf_counter() - began
    follow.cancel()
    assert page.status_code == 200 and len(index.rows) == sellers and page.text.count("data-seller=") == 50
    return elapsed


async def warm_first_page(web: str, requests: int) -> float:
    async with httpx.AsyncClient(base_url=web, timeout=30) as client:
        times = []
        for _ in range(requests):
            began = time.perf_counter()
            page = await client.get("/")
            times.append(time.perf_counter() - began)
            assert page.status_code == 200 and page.text.count("data-seller=") == 50
    return statistics.median(times)


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    server = EmbeddedNats(folder, port=free_port()).start()
    try:
        web_port = free_port()
        settings = DashboardSettings(runtime=runtime_for(server.url), port=web_port, refresh_all_every_s=86400,
                                     probe_every_s=3600)
        host = create_host(settings)
        async with running(host.app()):
            js = host.broker.connection.jetstream()
            kv = await js.key_value(INDEX)
            began = time.perf_counter()
            records = await seed(kv, args.sellers, args.seed)
            print(f"seeded {args.sellers:,} sellers as {records:,} records in {time.perf_counter() - began:.1f} s")
            web = f"http://127.0.0.1:{web_port}"
            async with httpx.AsyncClient(base_url=web) as client:  # the service's own index catches up
                while f">{args.sellers}</span> sellers" not in (await client.get("/")).text:
                    await asyncio.sleep(0.2)
            rows = []
            for rep in range(args.reps):
                sides = [("raw", lambda: raw_read(js, args.sellers)), ("cold", lambda: cold_first_page(kv, args.sellers)),
                         ("warm", lambda: warm_first_page(web, args.requests))]
                sides = sides[rep % 3:] + sides[:rep % 3]
                found = {name: await run() for name, run in sides}
                rows.append(found)
                print(f"rep {rep + 1}: raw {found['raw'] * 1000:8.1f} ms   cold {found['cold'] * 1000:8.1f} ms   "
                      f"warm {found['warm'] * 1000:7.1f} ms   cold/raw {found['cold'] / found['raw']:5.2f}   "
                      f"warm/raw {found['warm'] / found['raw']:5.3f}")
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    med = {k: statistics.median(r[k] for r in rows) for k in ("raw", "cold", "warm")}
    print(f"\n{args.sellers:,} sellers, {args.reps} reps, python {platform.python_version()}, "
          f"{nats_server_binary().name}, nats-py {version('nats-py')}")
    print(f"median raw read {med['raw'] * 1000:.1f} ms, cold first page {med['cold'] * 1000:.1f} ms, "
          f"warm first page {med['warm'] * 1000:.1f} ms")
    print(f"median of per-rep ratios: cold/raw {statistics.median(r['cold'] / r['raw'] for r in rows):.2f}x, "
          f"warm/raw {statistics.median(r['warm'] / r['raw'] for r in rows):.3f}x (the bar: 10x)")


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sellers", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="warm pages per rep (median)")
    parser.add_argument("--seed", type=int, default=19)
    asyncio.run(main(parser.parse_args()))
