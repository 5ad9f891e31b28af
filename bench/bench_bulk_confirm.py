"""Bulk shipment confirmation throughput: `sellerops orders confirm-shipments` against plain csv + msgspec.

One embedded nats-server, the orders service in-process (as bench_orders.py runs it). Per rep, for a
fresh seller: purge MARKET, ORDERS and the orders bucket; publish N OrderPlaced + N
OrderPaymentAuthorized and wait until the service's consumer is idle (N Unshipped orders, untimed);
write the shipping-confirmation template for them (one row per order: order-id, ship-date, UPS, a
1Z tracking number with a valid check digit, a ship method). Then, timed, on the same file:
  baseline  read the file, csv.DictReader (excel-tab), msgspec.convert of each row into a Struct with
            the template's columns and types (order-id pattern, ship-date a date, quantity an int >= 1);
  dry run   the CLI's path with --dry-run: read + decode_template + parse_confirmations, then
            send_confirmations (chunks of BULK_CHUNK_ROWS, BULK_IN_FLIGHT in flight) until every row is
            answered; the service loads each order once and saves nothing;
  real      the same without --dry-run: every row applied (KV get + revision-checked update) and its
            OrderShipped published, until every row is answered.
Rates are rows/s; ratios are real/baseline and dry/baseline within one rep; quote the median.
"""

import argparse
import asyncio
import csv
import hashlib
import io
import logging
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import msgspec
import nats
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.contracts.orders import GetOrder, OrderView
from sellerops.orders.adapters import BUCKET
from sellerops.orders.app import create_host
from sellerops.orders.domain.carriers import ups_mod10
from sellerops.orders.domain.template import decode_template, parse_confirmations
from sellerops.orders.plugin.bulk import BULK_CHUNK_ROWS, BULK_IN_FLIGHT, send_confirmations
from sellerops.orders.settings import OrdersSettings
from sellerops.orders.subscribers import MARKET_ORDERS
from sellerops.runtime.embedded import EmbeddedNats, nats_server_binary
from sellerops.runtime.publisher import event_headers
from sellerops.runtime.requests import call
from sellerops.runtime.settings import NatsSettings, RuntimeSettings

HEADER = "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method"
STREAMS = ("MARKET", "ORDERS", f"KV_{BUCKET}")
ROW = "{:>3}  {:>12,.0f}  {:>11,.0f}  {:>11,.0f}  {:>9.3f}  {:>8.3f}  {:>7.2f}  {:>7.1f}  {:>7.1f}"


class TemplateRow(msgspec.Struct, frozen=True, rename="kebab"):
    """The baseline's row: the template's columns with their types, nothing more."""

    order_id: Annotated[str, msgspec.Meta(pattern=r"^\d{3}-\d{7}-\d{7}$")]
    ship_date: date
    order_item_id: str | None = None
    quantity: Annotated[int, msgspec.Meta(ge=1)] | None = None
    carrier_code: str | None = None
    carrier_name: str | None = None
    tracking_number: str | None = None
    ship_method: str | None = None


def order_id(i: int) -> str:
    return f"111-{i:07d}-0000001"


def ups(i: int) -> str:
    body = f"999AA1{i:09d}"
    return f"1Z{body}{ups_mod10(body)}"


def market_events(seller: str, i: int, now: datetime) -> tuple[OrderPlaced, OrderPaymentAuthorized]:
    """Placed just now (an old purchase would make the service's deadlines fire), one unit of one item."""
    at = now - timedelta(minutes=5)
    item = OrderItem(order_item_id=f"{i:014d}", sku="MUG-CER-12OZ-BLK", quantity=1,
                     item_price=Money(Decimal("19.99"), "USD"), asin="B0C7XK2L9Q")
    placed = OrderPlaced(event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id(i),
                         fulfillment_channel=FulfillmentChannel.MFN, purchased_at=at, items=[item],
                         ship_window=Window(at, at + timedelta(days=2)))
    paid = OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=at + timedelta(seconds=1),
                                  order_id=order_id(i))
    return placed, paid


def template(n: int, day: date) -> str:
    rows = (f"{order_id(i)}\t\t\t{day.isoformat()}\tUPS\t\t{ups(i)}\tUPS Ground" for i in range(n))
    return "\n".join([HEADER, *rows]) + "\n"


async def place_orders(js: JetStreamContext, seller: str, n: int, limit_s: float = 1800.0) -> float:
    """N placed and paid orders, through the service's consumer; seconds until it was idle."""
    started, now = time.perf_counter(), datetime.now(UTC)
    for i in range(n):
        for evt in market_events(seller, i, now):
            await js.publish_async(evt.subject, encode(evt), stream="MARKET", headers=event_headers(evt))
    await js.publish_async_completed()
    while True:
        info = await js.consumer_info("MARKET", MARKET_ORDERS.durable)
        if info.num_pending == 0 and info.num_ack_pending == 0:
            return time.perf_counter() - started
        if time.perf_counter() - started > limit_s:
            raise TimeoutError(f"the orders service did not take {2 * n} events in {limit_s}s")
        await asyncio.sleep(0.5)


def baseline(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    reader = csv.DictReader(io.StringIO(path.read_bytes().decode(), newline=""), dialect="excel-tab")
    rows = [msgspec.convert({k: v for k, v in r.items() if v}, TemplateRow, strict=False) for r in reader]
    return time.perf_counter() - started, len(rows)


async def cli_path(nc: Client, seller: str, path: Path, *, dry_run: bool) -> tuple[float, float, list]:
    """(seconds in all, seconds reading and parsing, results): what `confirm-shipments` does, minus printing."""
    started = time.perf_counter()
    data = path.read_bytes()
    rows, bad = parse_confirmations(decode_template(data))
    parsed = time.perf_counter() - started
    assert not bad, bad[:3]
    batch_id = hashlib.sha256(data).hexdigest()[:32]
    results = await send_confirmations(nc, seller, rows, batch_id=batch_id, dry_run=dry_run)
    return time.perf_counter() - started, parsed, results


def check(results: list, n: int, *, changed: bool) -> None:
    assert len(results) == n, len(results)
    failed = [r for r in results if not r.ok or r.changed is not changed]
    assert not failed, failed[:3]


async def rep(server: EmbeddedNats, admin: Client, client: Client, run_id: str, number: int, n: int,
              tmp: Path) -> tuple:
    js = admin.jetstream(timeout=30.0)
    for stream in STREAMS:
        await js.purge_stream(stream)
    seller = f"bench-{run_id}-{number}"
    placing = await place_orders(js, seller, n)
    path = tmp / f"confirm-{number}.txt"
    path.write_text(template(n, datetime.now(UTC).date()))
    base_s, count = baseline(path)
    assert count == n
    dry_s, _, dry = await cli_path(client, seller, path, dry_run=True)
    check(dry, n, changed=True)
    real_s, parse_s, real = await cli_path(client, seller, path, dry_run=False)
    check(real, n, changed=True)
    last = await call(client, "orders", seller, "get_order", GetOrder(order_id=order_id(n - 1)), OrderView)
    assert last.status.value == "Shipped" and last.packages[0].tracking_number == ups(n - 1), last
    return n / base_s, n / dry_s, n / real_s, base_s / real_s, base_s / dry_s, parse_s, real_s, placing


async def bench(server: EmbeddedNats, n: int, reps: int, tmp: Path) -> None:
    settings = OrdersSettings(runtime=RuntimeSettings(nats=NatsSettings(url=[server.url])))
    host = create_host(settings)
    await host.start()
    await host.broker.start()
    await host.serve()
    admin, client = await nats.connect(server.url), await nats.connect(server.url)
    run_id, rows = uuid.uuid4().hex[:6], []
    try:
        for number in range(reps):
            rows.append(await rep(server, admin, client, run_id, number + 1, n, tmp))
            print(ROW.format(number + 1, *rows[-1]), flush=True)
    finally:
        await client.close()
        await admin.close()
        await host.stop()
        await host.broker.stop()
    med = [statistics.median(col) for col in zip(*rows)]
    print(ROW.format("med", *med))
    print(f"\nmedian ratio real/baseline = {med[3]:.3f} (the real path runs at {med[3]:.1%} of the rate of "
          f"csv + msgspec on the same file); dry/baseline = {med[4]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="orders placed and rows in the file, per rep")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    server_version = subprocess.run([nats_server_binary(), "--version"], check=True, capture_output=True,
                                    text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    server = EmbeddedNats(tmp / "nats").start()
    try:
        print(f"python {platform.python_version()} ({platform.machine()}), {server_version}, "
              f"nats-py {version('nats-py')}, msgspec {version('msgspec')}")
        print(f"{args.rows:,} rows per rep, {args.reps} reps, chunks of {BULK_CHUNK_ROWS} rows, "
              f"{BULK_IN_FLIGHT} requests in flight, server {server.url}\n")
        print(f"{'rep':>3}  {'base rows/s':>12}  {'dry rows/s':>11}  {'real rows/s':>11}  {'real/base':>9}  "
              f"{'dry/base':>8}  {'parse s':>7}  {'real s':>7}  {'place s':>7}")
        asyncio.run(bench(server, args.rows, args.reps, tmp))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
