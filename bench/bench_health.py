"""Account-health latency: a seller with 10,000 orders against one with 1,000,000, and raw nats-py baselines.

The health service answers `get_account_health` from per-day counters in the `health_day` bucket: one KV
read per day of the longest metric window (60 days) whatever the number of orders. This script shows it:
one nats-server (`EmbeddedNats`) and the real health service in-process (`create_host(...).app()`), two
sellers whose orders all fall in the window, and the median time to answer each, in one run.

Building the counters. Pushing a million orders' events through NATS would take hours and is not what is
measured, so the counters are built the way the service builds them, without the I/O:
  - every order is a *profile*: days ago it was placed (0-59), MFN or AFN, and what happened to it
    (shipped on time or late, canceled by the seller or the buyer, tracking scanned / delivered early, on
    the promised day or late, positive or negative feedback, feedback removed, A-to-z claim granted or
    denied, chargeback). Every event is placed a whole number of days after the purchase, and an event
    only exists if that time has already come, so orders with the same profile count the same counters;
  - for each distinct profile the script builds the order's real events (OrderRecorded, OrderShipped,
    OrderShipByMissed, OrderCanceled, OrderPackageScanned, OrderDelivered, FeedbackReceived/Removed,
    ClaimRecorded/Decided) and folds them with the service's own pure code: `facts.apply` per event,
    `contribution(load_metrics(), facts)` after each one. The last contribution is what the order adds to
    its days; the days a message changed are what the service records there as processed change ids;
  - a seller's counters are the profiles' contributions times how many orders have that profile (seeded
    random draw), written into `health_day` as the service's record: `Record(DayCounts(counts),
    processed)` where `processed` holds as many change ids as changes reached that day, at most the
    service's `keep_day_deltas` (512), exactly as `AggregateStore` would have left it. Real records carry
    those ids, and the service decodes them on every read, so a thinner record would flatter the service.
  - the generator is checked against the real path first: `--sample` orders of the small seller (every
    profile kind, spread over all 60 days) go through JetStream as real events, the service folds them
    into `health_day`, and its counters must equal the generator's day by day, counter by counter, and its
    answer the generator's. The rest of the small seller's orders and all of the large seller's are then
    added as records.

A third seller, `large 1id`, has the large seller's counters but one processed id per day (what a single
`AggregateStore.apply` writes): the difference to `large` is what decoding the change ids costs.

Measured per rep (sides rotated), each the median of `--requests` sequential round trips, client in the same
process and event loop as the service:
  - small / large / large 1id: `requests.call(..., "get_account_health", GetAccountHealth(), AccountHealth)`
  - raw kv60: a separate nats-py connection reading the large seller's 60 day keys with `kv.get`,
    concurrently (`asyncio.gather`), no decoding: what the service fundamentally has to fetch;
    raw kv60 1id: the same for `large 1id`'s keys;
  - raw echo: a nats-py request to a plain nats-py subscriber that answers with bytes as large as the
    service's answer: one request-reply round trip.
Ratios are computed within a rep; the medians of the per-rep ratios are the numbers to quote.
"""

import argparse
import asyncio
import logging
import platform
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from importlib.metadata import version
from itertools import product
from pathlib import Path

import msgspec
import nats
import structlog
from nats.aio.msg import Msg
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import encode
from sellerops.contracts.health import (
    DEFAULT_MARKETPLACE, AccountHealth, FeedbackReceived, FeedbackRemoved, GetAccountHealth, OrderPackageScanned,
)
from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import (
    CanceledBy, OrderCanceled, OrderLine, OrderRecorded, OrderShipByMissed, OrderShipped, OrderStatus,
    PackageDetail, PackageItem,
)
from sellerops.contracts.returns import (
    ClaimDecided, ClaimKind, ClaimOutcome, ClaimReason, ClaimRecorded, OrderDelivered,
)
from sellerops.contracts.streams import stream_name
from sellerops.health import subscribers
from sellerops.health.adapters import DAYS, DayCounts, DayStore, short_id
from sellerops.health.app import create_host
from sellerops.health.bootstrap import load_metrics
from sellerops.health.domain import facts as order_facts
from sellerops.health.domain.counting import add, contribution, days_back, delta
from sellerops.health.domain.report import evaluate, longest_window
from sellerops.health.settings import HealthSettings
from sellerops.runtime.embedded import EmbeddedNats, nats_server_binary
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call
from sellerops.runtime.settings import NatsSettings, RuntimeSettings
from sellerops.runtime.state import latest_values
from sellerops.testing.helpers import consumer_idle, eventually, running

MFN, AFN = FulfillmentChannel.MFN, FulfillmentChannel.AFN
WINDOW_DAYS = 60
KEEP = HealthSettings().keep_day_deltas  # change ids the service keeps per seller-day
FACT_DURABLES = (subscribers.ORDERS, subscribers.CLAIMS, subscribers.MARKET_ORDERS, subscribers.MARKET_FEEDBACK)
SIDES = ("small", "large", "large 1id", "raw kv60", "raw kv60 1id", "raw echo")
RATIOS = (("large/sm", "large", "small"), ("sm/kv60", "small", "raw kv60"), ("lg/kv60", "large", "raw kv60"),
          ("1id/kv1id", "large 1id", "raw kv60 1id"), ("sm/echo", "small", "raw echo"),
          ("1id/lg", "large 1id", "large"))  # (column, numerator side, denominator side), per rep
ECHO_SUBJECT = "bench.health.echo"
PRICE = Money(Decimal("14.99"), "USD")

# What can happen to an order, with how often (weights): a seller in good standing.
CHANNEL = ((MFN, AFN), (70, 30))
FATE = (("ontime", "late", "cancel_seller", "cancel_buyer"), (94.5, 3.0, 1.0, 1.5))  # MFN only
TRACK = (("delivered", "scanned", "none"), (95.5, 2.0, 2.5))  # MFN shipped only
LAG = ((4, 6, 8), (60, 37, 3))  # delivered this many days after purchase; promised by day 6
DEFECT = (("none", "positive", "negative", "negative_removed", "a_to_z", "a_to_z_denied", "chargeback"),
          (97.5, 1.5, 0.5, 0.2, 0.15, 0.1, 0.05))


# ---- profiles and their events ----

class Clockwork:
    """Today, and the time of day every order is placed: never after now, so today's orders exist."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.today = now.date()
        midnight = datetime.combine(self.today, clock_time(), UTC)
        self.time_of_day = min(timedelta(hours=12), (now - midnight) / 2)

    def purchased(self, days_ago: int) -> datetime:
        return datetime.combine(self.today - timedelta(days=days_ago), clock_time(), UTC) + self.time_of_day


def canonical(profile: tuple) -> tuple:
    """(days ago, channel, fate, track, lag, defect) with the parts that cannot apply set to None."""
    k, channel, fate, track, lag, defect = profile
    if channel is AFN:
        return (k, channel, None, None, None, defect)
    if fate.startswith("cancel"):
        return (k, channel, fate, None, None, defect)
    return (k, channel, fate, track, lag if track == "delivered" else None, defect)


def kinds() -> list[tuple]:
    """Every distinct profile without its day."""
    found = {canonical((0, *p))[1:] for p in product(CHANNEL[0], FATE[0], TRACK[0], LAG[0], DEFECT[0])}
    return sorted(found, key=repr)


def events_of(seller: str, order_id: str, profile: tuple, clock: Clockwork) -> list:
    """The order's events, oldest first; an event a whole number of days d after purchase exists if d <= days ago."""
    k, channel, fate, track, lag, defect = profile
    p = clock.purchased(k)

    def at(d: int) -> datetime:
        return p + timedelta(days=d)

    def happened(d: int) -> bool:
        return d <= k

    def common(d: int) -> dict:
        return {"event_id": uuid.uuid4(), "seller": seller, "occurred_at": at(d), "order_id": order_id}

    found: list = [OrderRecorded(
        **common(0), status=OrderStatus.UNSHIPPED, fulfillment_channel=channel, order_type=OrderType.STANDARD,
        purchased_at=p, lines=[OrderLine(order_item_id="1", sku="MUG-BLUE", quantity_ordered=1, item_price=PRICE)],
        ship_window=Window(p, at(2)), delivery_window=Window(at(3), at(6)))]
    if channel is MFN:
        tracking = f"1Z{order_id.replace('-', '')}"
        if fate.startswith("cancel"):
            if happened(1):
                seller_fault = fate == "cancel_seller"
                found.append(OrderCanceled(
                    **common(1), reason="NoInventory" if seller_fault else "BuyerCanceled",
                    canceled_by=CanceledBy.SELLER if seller_fault else CanceledBy.BUYER,
                    counts_against_seller=seller_fault, previous_status=OrderStatus.UNSHIPPED,
                    fulfillment_channel=MFN))
        else:
            ship_day = 1 if fate == "ontime" else 3
            if fate == "late" and happened(2):
                found.append(OrderShipByMissed(**common(2), latest_ship_date=at(2), units_unshipped=1))
            if happened(ship_day):
                found.append(OrderShipped(
                    **common(ship_day), package=PackageDetail(
                        carrier_code="UPS", tracking_number=tracking, ship_date=at(ship_day).date(),
                        items=[PackageItem("1", 1)]),
                    package_number=1, status=OrderStatus.SHIPPED, fulfillment_channel=MFN,
                    confirmed_at=at(ship_day), late=fate == "late", latest_ship_date=at(2)))
                if track in ("scanned", "delivered"):
                    found.append(OrderPackageScanned(**common(ship_day), tracking_number=tracking, carrier_code="UPS",
                                                     scan="In transit"))
                delivered_day = max(lag or 0, ship_day + 1)
                if track == "delivered" and happened(delivered_day):
                    found.append(OrderDelivered(**common(delivered_day), carrier_code="UPS",
                                                tracking_number=tracking))
    claim_id = f"C-{order_id}"
    if defect in ("positive", "negative", "negative_removed") and happened(7):
        found.append(FeedbackReceived(**common(7), rating={"positive": 5, "negative": 1}.get(defect, 2),
                                      comment="bench"))
        if defect == "negative_removed" and happened(9):
            found.append(FeedbackRemoved(**common(9), reason="removed by the buyer"))
    elif defect in ("a_to_z", "a_to_z_denied") and happened(10):
        found.append(ClaimRecorded(**common(10), claim_id=claim_id, kind=ClaimKind.A_TO_Z,
                                   reason=ClaimReason.NOT_RECEIVED, amount=PRICE, filed_at=at(10),
                                   response_due_at=at(13), counts_as_defect=True))
        if defect == "a_to_z_denied" and happened(14):
            found.append(ClaimDecided(**common(14), claim_id=claim_id, kind=ClaimKind.A_TO_Z,
                                      outcome=ClaimOutcome.DENIED, counts_as_defect=False, filed_at=at(10)))
    elif defect == "chargeback" and happened(12):
        found.append(ClaimRecorded(**common(12), claim_id=claim_id, kind=ClaimKind.CHARGEBACK,
                                   reason=ClaimReason.UNAUTHORIZED, amount=PRICE, filed_at=at(12),
                                   response_due_at=at(19), counts_as_defect=True))
    return found


class Generator:
    """Folds each distinct profile once with the service's own pure code (facts.apply, contribution)."""

    def __init__(self, clock: Clockwork) -> None:
        self.clock = clock
        self.metrics = load_metrics()
        self._memo: dict[tuple, tuple[Counter, Counter]] = {}

    def fold(self, profile: tuple) -> tuple[Counter, Counter]:
        """((ISO day, counter) -> n added by one such order, ISO day -> messages that changed that day)."""
        found = self._memo.get(profile)
        if found is None:
            state, before, touched = None, Counter(), Counter()
            for event in events_of("bench-generator", "100-0000000-0000000", profile, self.clock):
                state = order_facts.apply(state, event)
                after = contribution(self.metrics, state.facts)
                touched.update(delta(before, after).keys())
                before = after
            found = self._memo[profile] = (before, touched)
        return found

    def counters(self, profiles: Counter) -> tuple[dict[str, dict[str, int]], Counter]:
        """A seller's day counters (ISO day -> counter -> n) and change ids per day, from profile multiplicities."""
        days: dict[str, dict[str, int]] = {}
        touched: Counter = Counter()
        for profile, many in profiles.items():
            counts, changed = self.fold(profile)
            for (day, counter), n in counts.items():
                per_day = days.setdefault(day, {})
                per_day[counter] = per_day.get(counter, 0) + many * n
            for day, n in changed.items():
                touched[day] += many * n
        return days, touched

    @property
    def folded(self) -> int:
        return len(self._memo)


def draw(rng: random.Random, n: int) -> Counter:
    """n orders: profile -> how many, days ago uniform over the window."""
    columns = [rng.choices(range(WINDOW_DAYS), k=n)]
    columns += [rng.choices(values, weights, k=n) for values, weights in (CHANNEL, FATE, TRACK, LAG, DEFECT)]
    found: Counter = Counter()
    for raw, many in Counter(zip(*columns, strict=True)).items():
        found[canonical(raw)] += many
    return found


def stratified(n: int) -> list[tuple]:
    """n profiles covering every kind (each at least once when n >= their number) and every day of the window."""
    all_kinds = kinds()
    return [((j * 7) % WINDOW_DAYS, *all_kinds[j % len(all_kinds)]) for j in range(n)]


def merged(*parts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for part in parts:
        for day, counts in part.items():
            found[day] = add(found.get(day, {}), counts)
    return found


def expected_measures(gen: Generator, days: dict[str, dict[str, int]]) -> list[tuple]:
    by_date = {date.fromisoformat(d): c for d, c in days.items()}
    return [(m.key, m.numerator, m.denominator, m.status.value)
            for _, ms, _ in evaluate(gen.metrics, {}, by_date, gen.clock.today) for m in ms]


def measures_of(health: AccountHealth) -> list[tuple]:
    return [(m.key, m.numerator, m.denominator, m.status.value) for m in health.measures]


# ---- the bucket ----

def day_key(seller: str, day: str) -> str:
    return DayStore.key(seller, f"{DEFAULT_MARKETPLACE}.{day}")


async def write_days(kv: KeyValue, seller: str, days: dict[str, dict[str, int]], touched: Counter, *,
                     ids: int | None = None) -> list[int]:
    """Add `days` to the seller's day records as the service leaves them: counts merged, change ids appended
    (the last KEEP kept), revision-checked. `ids` fixes the number of change ids per day. Returns value sizes."""
    async def one(day: str, counts: dict[str, int]) -> int:
        key = day_key(seller, day)
        try:
            entry = await kv.get(key)
            record, revision = msgspec.json.decode(entry.value, type=DayCounts), entry.revision
        except KeyNotFoundError:
            record, revision = DayCounts(), 0
        n = min(touched[day], KEEP) if ids is None else ids
        new_ids = [short_id(f"{seller}/112-{day.replace('-', '')[2:]}-{i:07d}/{uuid.uuid4()}") for i in range(n)]
        value = msgspec.json.encode(DayCounts(add(record.counts, counts), [*record.applied, *new_ids][-KEEP:]))
        if revision:
            await kv.update(key, value, last=revision)
        else:
            await kv.create(key, value)
        return len(value)

    return list(await asyncio.gather(*(one(day, counts) for day, counts in sorted(days.items()))))


async def read_days(kv: KeyValue, seller: str) -> dict[str, tuple[dict[str, int], int]]:
    """ISO day -> (counts, number of change ids) as stored."""
    found = {}
    async for key, value in latest_values(kv, seller):
        record = msgspec.json.decode(value, type=DayCounts)
        found[key.rsplit(".", 1)[1]] = (record.counts, len(record.applied))
    return found


# ---- measuring ----

async def median_ms(request: Callable[[], Awaitable[object]], n: int) -> float:
    took = []
    for _ in range(n):
        started = time.perf_counter()
        await request()
        took.append(time.perf_counter() - started)
    return statistics.median(took) * 1000


def log(started: float, text: str) -> None:
    print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)


async def bench(server: EmbeddedNats, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    clock = Clockwork(datetime.now(UTC))
    gen = Generator(clock)
    rng = random.Random(args.seed)
    run = uuid.uuid4().hex[:6]
    sellers = {"small": f"bench-{run}-small", "large": f"bench-{run}-large", "large 1id": f"bench-{run}-large1id"}
    span = longest_window(gen.metrics, {})
    window = [d.isoformat() for d in days_back(clock.today, span)]
    assert span >= WINDOW_DAYS, f"the longest metric window is {span} days, the orders span {WINDOW_DAYS}"

    # 1. generate
    sample_n = min(args.sample, args.small)
    sample = stratified(sample_n)
    sample_days, sample_touched = gen.counters(Counter(sample))
    rest_small_days, rest_small_touched = gen.counters(draw(rng, args.small - sample_n))
    log(t0, f"small: {args.small:,} orders generated ({sample_n} of them to go through NATS)")
    large_profiles = draw(rng, args.large)
    large_days, large_touched = gen.counters(large_profiles)
    mfn_large = sum(n for p, n in large_profiles.items() if p[1] is MFN)
    log(t0, f"large: {args.large:,} orders generated; {gen.folded:,} distinct profiles folded with facts.apply + "
            f"contribution ({len(kinds())} kinds x {WINDOW_DAYS} days)")

    settings = HealthSettings(runtime=RuntimeSettings(nats=NatsSettings(url=[server.url])))
    client = await nats.connect(server.url)
    raw = await nats.connect(server.url)
    try:
        async with running(create_host(settings).app()):
            js = client.jetstream(timeout=10.0)
            kv = await js.key_value(DAYS)

            async def ask(seller: str) -> AccountHealth:
                return await call(client, "health", seller, "get_account_health", GetAccountHealth(), AccountHealth)

            # 2. the generator against the real path
            publish = JetStreamPublisher(js)
            events = []
            for j, profile in enumerate(sample):
                events += events_of(sellers["small"], f"114-{j:07d}-{run}", profile, clock)
            events.sort(key=lambda e: e.occurred_at)  # per order, in the order they happened
            await publish(events)
            for spec in FACT_DURABLES:
                await eventually(lambda s=spec: consumer_idle(js, stream_name(s.source), s.durable), timeout=300)
            stored = await read_days(kv, sellers["small"])
            got = {day: counts for day, (counts, _) in stored.items()}
            assert got == sample_days, _diff(got, sample_days)
            answer = await ask(sellers["small"])
            assert measures_of(answer) == expected_measures(gen, sample_days), (measures_of(answer),
                                                                               expected_measures(gen, sample_days))
            log(t0, f"real path: {len(events)} events of {sample_n} orders through JetStream; the service's "
                    f"{len(stored)} day records equal the generator's, counter by counter, and so does its answer")
            print(f"  change ids in those records: service {sum(n for _, n in stored.values())}, generator "
                  f"{sum(sample_touched.values())} (streams interleave, so a change may come in one message or two)")

            # 3. the rest as records
            small_days = merged(sample_days, rest_small_days)
            sizes = {"small": await write_days(kv, sellers["small"], rest_small_days, rest_small_touched),
                     "large": await write_days(kv, sellers["large"], large_days, large_touched),
                     "large 1id": await write_days(kv, sellers["large 1id"], large_days, large_touched, ids=1)}
            for side, days in (("small", small_days), ("large", large_days), ("large 1id", large_days)):
                health = await ask(sellers[side])
                assert measures_of(health) == expected_measures(gen, days), side
                assert health.measures, side
            log(t0, "day records written; every answer equals the generator's measures")

            # 4. sanity
            large_answer = await ask(sellers["large"])
            odr = {m.key: m.denominator for m in large_answer.measures if m.metric == "orderDefectRate"}
            print(f"  large ODR denominators: {odr} sum {sum(odr.values()):,} (expected {args.large:,}: "
                  f"mfn {mfn_large:,}, afn {args.large - mfn_large:,})")
            assert odr == {"orderDefectRate.mfn": mfn_large, "orderDefectRate.afn": args.large - mfn_large}, odr
            small_odr = sum(m.denominator for m in (await ask(sellers["small"])).measures
                            if m.metric == "orderDefectRate")
            assert small_odr == args.small, small_odr
            print(f"  small ODR denominators sum {small_odr:,} (expected {args.small:,})")
            for m in large_answer.measures:
                print(f"  large {m.key:<32} {m.numerator:>9,} / {m.denominator:>9,}  {m.status.value}")
            answer_bytes = len(encode(large_answer))
            for side, found in sizes.items():
                print(f"  {side:<9} day records written: {len(found)}, value bytes median "
                      f"{statistics.median(found):,.0f}, max {max(found):,}")
            print(f"  answer {answer_bytes:,} B; the service reads {len(window)} day keys + settings + warnings")

            # 5. baselines
            raw_kv = await raw.jetstream(timeout=10.0).key_value(DAYS)
            keys = [day_key(sellers["large"], day) for day in window]
            thin_keys = [day_key(sellers["large 1id"], day) for day in window]
            canned = b"x" * answer_bytes

            async def echo(msg: Msg) -> None:
                await msg.respond(canned)

            await raw.subscribe(ECHO_SUBJECT, cb=echo)
            await raw.flush()

            async def get(key: str) -> None:
                try:
                    await raw_kv.get(key)
                except KeyNotFoundError:  # a day of the window with no orders (the service reads it too)
                    pass

            async def read60(keys: list[str] = keys) -> None:
                await asyncio.gather(*(get(k) for k in keys))

            async def ping() -> None:
                await client.request(ECHO_SUBJECT, b"{}", timeout=5.0)

            requests = {"small": lambda: ask(sellers["small"]), "large": lambda: ask(sellers["large"]),
                        "large 1id": lambda: ask(sellers["large 1id"]), "raw kv60": read60,
                        "raw kv60 1id": lambda: read60(thin_keys), "raw echo": ping}
            for request in requests.values():
                await median_ms(request, args.warmup)
            log(t0, f"warmed up ({args.warmup} requests per side); measuring {args.reps} reps x {args.requests} "
                    "requests per side")

            # 6. measure
            print(f"\n{'rep':>3}  " + "  ".join(f"{s:>12}" for s in SIDES) + "  "
                  + "  ".join(f"{name:>9}" for name, _, _ in RATIOS) + "  first   (ms: median of the rep's requests)")
            rows = []
            for rep in range(args.reps):
                order = SIDES[rep % len(SIDES):] + SIDES[:rep % len(SIDES)]
                ms = {side: await median_ms(requests[side], args.requests) for side in order}
                rows.append([ms[s] for s in SIDES] + [ms[a] / ms[b] for _, a, b in RATIOS])
                print(_row(rep + 1, rows[-1], order[0]), flush=True)
            med = [statistics.median(col) for col in zip(*rows, strict=True)]
            print(_row("med", med, ""))
            ratio = dict(zip((name for name, _, _ in RATIOS), med[len(SIDES):], strict=True))
            print(f"\nmedian ratio large/small = {ratio['large/sm']:.2f} ({args.large:,} vs {args.small:,} orders "
                  "in the window)")
            print(f"service small / raw {len(window)}-key read = {ratio['sm/kv60']:.2f}, large / raw {len(window)}-key read = "
                  f"{ratio['lg/kv60']:.2f}, service small / raw echo = {ratio['sm/echo']:.1f}")
            print(f"large with 1 change id per day / large = {ratio['1id/lg']:.2f}; it / its raw 60-key read = "
                  f"{ratio['1id/kv1id']:.2f}")
            assert datetime.now(UTC).date() == clock.today, "the UTC date changed during the run: run it again"
    finally:
        await raw.close()
        await client.close()
    log(t0, "done")


def _row(label: int | str, values: list[float], first: str) -> str:
    ms, ratios = values[:len(SIDES)], values[len(SIDES):]
    return (f"{label:>3}  " + "  ".join(f"{v:>12.2f}" for v in ms) + "  " + "  ".join(f"{r:>9.2f}" for r in ratios)
            + f"  {first}")


def _diff(got: dict, want: dict) -> str:
    days = sorted(set(got) | set(want))
    return "; ".join(f"{d}: service {got.get(d)} generator {want.get(d)}" for d in days if got.get(d) != want.get(d))


def environment(server_version: str) -> str:
    return (f"python {platform.python_version()} ({platform.machine()}), {server_version}, "
            f"nats-py {version('nats-py')}, faststream {version('faststream')}, msgspec {version('msgspec')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per side and rep")
    parser.add_argument("--large", type=int, default=1_000_000, help="orders of the large seller")
    parser.add_argument("--small", type=int, default=10_000, help="orders of the small seller")
    parser.add_argument("--sample", type=int, default=200, help="small-seller orders sent through NATS as events")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per side before the reps")
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    server_version = subprocess.run([nats_server_binary(), "--version"], check=True, capture_output=True,
                                    text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-health-"))
    server = EmbeddedNats(tmp / "nats").start()
    try:
        print(environment(server_version))
        print(f"small {args.small:,} orders, large {args.large:,} orders over the last {WINDOW_DAYS} days, "
              f"{args.reps} reps x {args.requests} requests per side, server {server.url}")
        asyncio.run(bench(server, args))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
