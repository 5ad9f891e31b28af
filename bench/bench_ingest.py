"""Ingest throughput: `sellerops ingest` and `MarketClient` against raw nats-py publishing the same facts.

A backfill (a year of Orders API responses, a long FBA returns report) goes through `sellerops ingest`:
read the file, parse it with the ingester (every field validated through the event decoder), publish each
fact to MARKET with its stable id as Nats-Msg-Id and wait for every PubAck. This script measures what the
reading, parsing and validation cost on top of the publishing JetStream needs anyway, in one run:

  - raw: nats-py `js.publish(subject, bytes, stream="MARKET", headers={"Nats-Msg-Id": id})` of the very
    bytes the ingester produces (encoded once, before the clock starts), in chunks of 500 gathered
    concurrently, as the CLI publishes. Nothing is parsed or validated: the floor.
  - ingest (sp-api): `read_files` (detect, read, parse with the `sp-api` ingester) + `publish` (the CLI's own
    functions) of N Orders API orders written as `{"order": ..., "items": [...]}` JSON lines: 2 facts each
    (OrderPlaced, OrderPaymentAuthorized).
  - ingest (flat file): the same for an FBA customer returns report of N lines: 1 fact each.
  - client: `MarketClient.fact(...)` for each fact (validation, id derivation) + `publish(*facts)` in the
    same chunks: what a Python integration pays.
Each side starts from a new, empty MARKET stream (so nothing is a duplicate). Medians over --reps, sides
rotated within a rep; ratios are taken within a rep and their medians quoted.
"""

import argparse
import asyncio
import json
import logging
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from sellerops.cli.events import CHUNK
from sellerops.cli.ingest import ingesters, publish, read_files
from sellerops.client import MarketClient
from sellerops.contracts.catalog import encode
from sellerops.contracts.market import Money, OrderItem, OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.streams import stream_name
from sellerops.runtime.broker import declare_streams
from sellerops.runtime.embedded import EmbeddedNats
from sellerops.runtime.publisher import MSG_ID
from sellerops.runtime.settings import NatsSettings, RuntimeSettings

SELLER = "bench-seller"
T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
RETURNS_HEADER = ("return-date\torder-id\tsku\tasin\tfnsku\tproduct-name\tquantity\tfulfillment-center-id\t"
                  "detailed-disposition\treason\tstatus\tlicense-plate-number\tcustomer-comments")


def orders_file(path: Path, n: int) -> Path:
    with path.open("w") as out:
        for i in range(n):
            at = T0 + timedelta(minutes=i)
            oid = f"113-{i:07d}-{(i * 7919) % 10**7:07d}"
            order = {"AmazonOrderId": oid, "PurchaseDate": at.isoformat().replace("+00:00", "Z"),
                     "OrderStatus": "Unshipped", "FulfillmentChannel": "MFN", "MarketplaceId": "ATVPDKIKX0DER",
                     "ShipmentServiceLevelCategory": "Standard", "IsPrime": i % 2 == 0, "IsBusinessOrder": False,
                     "EarliestShipDate": at.isoformat(), "LatestShipDate": (at + timedelta(days=2)).isoformat(),
                     "EarliestDeliveryDate": (at + timedelta(days=3)).isoformat(),
                     "LatestDeliveryDate": (at + timedelta(days=6)).isoformat(),
                     "ShippingAddress": {"PostalCode": "98101", "StateOrRegion": "WA", "CountryCode": "US"}}
            items = [{"OrderItemId": f"{i:07d}{k}", "SellerSKU": f"SKU-{(i + k) % 50}", "ASIN": "B000000000",
                      "Title": "A mug", "QuantityOrdered": 1 + k, "ItemPrice": {"CurrencyCode": "USD",
                                                                                "Amount": f"{14.99 * (1 + k):.2f}"}}
                     for k in range(1 + i % 2)]
            out.write(json.dumps({"order": order, "items": items}) + "\n")
    return path


def returns_file(path: Path, n: int) -> Path:
    lines = [RETURNS_HEADER]
    for i in range(n):
        at = (T0 + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        lines.append(f"{at}\t114-{i:07d}-0000000\tSKU-{i % 50}\tB000000000\tX000000000\tA mug\t1\tPHX7\tSELLABLE\t"
                     f"NOT_AS_DESCRIBED\tUnit returned to inventory\tLPN{i:010d}\t")
    path.write_text("\n".join(lines) + "\n")
    return path


async def purge(js: JetStreamContext) -> None:
    """A fresh MARKET stream: a purge keeps the stream's memory of message ids (its duplicate window), so the
    same facts published again would be dropped as duplicates; deleting and declaring it again forgets them."""
    await js.delete_stream(stream_name("market"))
    await declare_streams(js, NatsSettings())


async def raw_side(nc: Client, events: list) -> float:
    js = nc.jetstream()
    prepared = [(e.subject, encode(e), {MSG_ID: str(e.event_id)}) for e in events]
    await purge(js)
    started = time.perf_counter()
    for start in range(0, len(prepared), CHUNK):
        acks = await asyncio.gather(*(js.publish(s, d, stream="MARKET", headers=h)
                                      for s, d, h in prepared[start:start + CHUNK]))
        assert not any(a.duplicate for a in acks)
    return time.perf_counter() - started


async def ingest_side(nc: Client, file: Path, settings: RuntimeSettings, expected: int) -> tuple[float, float]:
    await purge(nc.jetstream())
    registry = ingesters(settings)
    started = time.perf_counter()
    [report] = read_files(SELLER, [file], None, registry)
    parsed = time.perf_counter()
    new, again = await publish(nc, report.parsed.events, settings)
    done = time.perf_counter()
    assert (new, again, report.parsed.problems) == (expected, 0, []), (new, again, report.parsed.problems[:3])
    return done - started, parsed - started


async def client_side(market: MarketClient, nc: Client, n: int) -> float:
    await purge(nc.jetstream())
    started = time.perf_counter()
    published = 0
    for start in range(0, n, CHUNK // 2):
        facts = []
        for i in range(start, min(n, start + CHUNK // 2)):
            at = T0 + timedelta(minutes=i)
            oid = f"113-{i:07d}-{(i * 7919) % 10**7:07d}"
            facts.append(market.fact(OrderPlaced, seller=SELLER, source_id=f"orders-api/{oid}/placed", occurred_at=at,
                                     order_id=oid, fulfillment_channel="MFN", purchased_at=at,
                                     items=[OrderItem(order_item_id=f"{i:07d}0", sku=f"SKU-{i % 50}", quantity=1,
                                                      item_price=Money(Decimal("14.99"), "USD"))]))
            facts.append(market.fact(OrderPaymentAuthorized, seller=SELLER, source_id=f"orders-api/{oid}/paid",
                                     occurred_at=at, order_id=oid))
        result = await market.publish(*facts)
        published += result.published
    assert published == 2 * n
    return time.perf_counter() - started


async def bench(server: EmbeddedNats, args: argparse.Namespace) -> None:
    settings = RuntimeSettings(nats=NatsSettings(url=[server.url]))
    nc = await nats.connect(server.url)
    await declare_streams(nc.jetstream(), settings.nats)
    market = MarketClient(nc)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    orders, returns = orders_file(work / "orders.jsonl", args.orders), returns_file(work / "returns.txt", args.orders)
    [o], [r] = read_files(SELLER, [orders], None, ingesters(settings)), read_files(SELLER, [returns], None,
                                                                                   ingesters(settings))
    print(f"{args.orders:,} orders -> {len(o.parsed.events):,} facts ({orders.stat().st_size / 1e6:.1f} MB of JSON "
          f"lines); {args.orders:,} return lines -> {len(r.parsed.events):,} facts "
          f"({returns.stat().st_size / 1e6:.1f} MB); python {platform.python_version()}, {args.reps} reps")
    rows = []
    for rep in range(args.reps):
        sides = {
            "raw (orders' facts)": lambda: raw_side(nc, o.parsed.events),
            "ingest sp-api": lambda: ingest_side(nc, orders, settings, len(o.parsed.events)),
            "raw (returns' facts)": lambda: raw_side(nc, r.parsed.events),
            "ingest flat file": lambda: ingest_side(nc, returns, settings, len(r.parsed.events)),
            "client": lambda: client_side(market, nc, args.orders),
        }
        names = list(sides)
        names = names[rep % len(names):] + names[:rep % len(names)]
        took = {}
        for name in names:
            took[name] = await sides[name]()
        row = {
            "raw_orders": took["raw (orders' facts)"],
            "ingest_orders": took["ingest sp-api"][0], "parse_orders": took["ingest sp-api"][1],
            "raw_returns": took["raw (returns' facts)"],
            "ingest_returns": took["ingest flat file"][0], "parse_returns": took["ingest flat file"][1],
            "client": took["client"],
        }
        rows.append(row)
        print(f"rep {rep + 1}: " + ", ".join(f"{k} {v:.3f} s" for k, v in row.items()))
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    ratio = {
        "ingest sp-api / raw": statistics.median(r["ingest_orders"] / r["raw_orders"] for r in rows),
        "ingest flat file / raw": statistics.median(r["ingest_returns"] / r["raw_returns"] for r in rows),
        "client / raw": statistics.median(r["client"] / r["raw_orders"] for r in rows),
    }
    facts_o, facts_r = len(o.parsed.events), len(r.parsed.events)
    print("\nmedians:")
    print(f"  raw nats-py publish   {facts_o / med['raw_orders']:>9,.0f} facts/s (orders' facts), "
          f"{facts_r / med['raw_returns']:,.0f} facts/s (returns' facts)")
    print(f"  ingest sp-api         {facts_o / med['ingest_orders']:>9,.0f} facts/s, parsing "
          f"{med['parse_orders'] / med['ingest_orders']:.0%} of its time")
    print(f"  ingest flat file      {facts_r / med['ingest_returns']:>9,.0f} facts/s, parsing "
          f"{med['parse_returns'] / med['ingest_returns']:.0%} of its time")
    print(f"  client                {facts_o / med['client']:>9,.0f} facts/s")
    print("ratios (median of per-rep ratios; 1.00 = as fast as raw publishing):")
    for name, value in ratio.items():
        print(f"  {name:<24} {value:.2f}")
    await nc.drain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-nats-") as scratch:
        server = EmbeddedNats(Path(scratch)).start()
        try:
            asyncio.run(bench(server, args))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
