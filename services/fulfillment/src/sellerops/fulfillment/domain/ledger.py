"""The inventory ledger of one SKU of one seller, across centers: movements in, numbered entries out.

Stock never goes negative: a movement asking for more than its source bucket holds moves what is
there and records the rest as `short`, and it always gets an entry, so nothing is silent. The
reserved buckets also remember what each reference (an outbound order, a removal, a transfer)
holds at each center: a release, processing or shipment of that reference takes at most what it
holds, so applying one twice, or after a reservation came up short, never touches another order's
units. Each reference keeps its units in one reserved bucket at a time (outbound and removals do).
"""

from collections.abc import Iterable
from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import (
    Bucket, BucketCounts, Cause, CenterStock, CountDifference, Drift, InventoryAdjustmentReported,
    InventoryAvailabilityReported, InventoryCountDiffered, InventoryCountReconciled, InventoryMoved, InventorySummary,
    InventoryTransferReported, LedgerCheck, MarketplaceCount, Movement, TransferStage,
)
from sellerops.fulfillment.domain import common
from sellerops.fulfillment.domain.common import stamp

HELD = frozenset({Bucket.RESERVED_CUSTOMER_ORDER.value, Bucket.RESERVED_PROCESSING.value,
                  Bucket.RESERVED_TRANSFER.value})
# Causes that belong to one reference: only they are capped by (and change) what the reference holds.
BOUND = frozenset(c for c in Cause if c.value.startswith(("CUSTOMER_ORDER_", "TRANSFER_", "REMOVAL_")))
UNFULFILLABLE = "UNFULFILLABLE_"


class Stock(msgspec.Struct, frozen=True, kw_only=True):
    seller: str
    sku: str
    centers: dict[str, dict[str, int]] = {}  # center -> bucket value -> units (non-zero only)
    sequence: int = 0  # ledger entries so far
    reservations: dict[str, dict[str, int]] = {}  # reference -> center -> units held in a reserved bucket
    waiting: list[str] = []  # FillAll orders waiting for this SKU, oldest first (backorders)
    updated_at: datetime | None = None
    marketplace: dict[str, MarketplaceCount] = {}  # marketplace id -> what it last reported of the SKU


def move(stock: Stock | None, movements: list[Movement], *, seller: str, sku: str, cause: common.Cause,
         at: datetime) -> tuple[Stock, list[InventoryMoved]]:
    """Apply `movements` in order: one entry each, numbered on from the SKU's last entry."""
    stock = stock or Stock(seller=seller, sku=sku)
    centers = {c: dict(b) for c, b in stock.centers.items()}
    held = {r: dict(c) for r, c in stock.reservations.items()}
    entries = []
    for index, m in enumerate(movements):
        if m.sku != sku:
            raise ValueError(f"movement of SKU {m.sku!r} applied to the ledger of {sku!r}")
        counts = centers.setdefault(m.center_id, {})
        bound = m.cause in BOUND
        room = m.quantity if m.from_bucket is None else counts.get(m.from_bucket.value, 0)
        if bound and m.from_bucket is not None and m.from_bucket.value in HELD:
            room = min(room, held.get(m.reference, {}).get(m.center_id, 0))
        moved = min(m.quantity, room)
        if m.from_bucket is not None:
            _add(counts, m.from_bucket.value, -moved)
            if bound and m.from_bucket.value in HELD:
                _add(held.setdefault(m.reference, {}), m.center_id, -moved)
        if m.to_bucket is not None:
            _add(counts, m.to_bucket.value, moved)
            if bound and m.to_bucket.value in HELD:
                _add(held.setdefault(m.reference, {}), m.center_id, moved)
        entries.append(InventoryMoved(
            **stamp(cause, InventoryMoved, seller, at, index), sku=sku, center_id=m.center_id, quantity=moved,
            from_bucket=m.from_bucket, to_bucket=m.to_bucket, cause=m.cause, reference=m.reference,
            short=m.quantity - moved, sequence=stock.sequence + index + 1))
    new = msgspec.structs.replace(
        stock, centers={c: b for c, b in sorted(centers.items()) if b},
        reservations={r: c for r, c in sorted(held.items()) if c}, sequence=stock.sequence + len(entries),
        updated_at=at if entries else stock.updated_at)
    new, reconciled = _closed_by_the_ledger(new, cause, at)
    return new, [*entries, *reconciled]


def _closed_by_the_ledger(stock: Stock, cause: common.Cause, at: datetime) -> tuple[Stock, list[Event]]:
    """A published difference that the ledger's own movements now close is reconciled at once: the ledger had
    not yet read a receipt or a shipment when the marketplace counted (it is a stream behind, sometimes)."""
    if not any(count.differences for count in stock.marketplace.values()):
        return stock, []
    ours, events, counts = _ledger_counts(stock), [], dict(stock.marketplace)
    for marketplace_id, count in sorted(stock.marketplace.items()):
        if count.differences and all(ours[b] == count.counts.get(b, 0) for b in COMPARED):
            counts[marketplace_id] = msgspec.structs.replace(count, differences=[])
            events.append(InventoryCountReconciled(
                **stamp(cause, InventoryCountReconciled, stock.seller, at, len(events)), sku=stock.sku,
                marketplace_id=marketplace_id, reported_at=count.reported_at))
    return msgspec.structs.replace(stock, marketplace=counts), events


def backorder(stock: Stock | None, *, order_id: str, waits: bool, seller: str, sku: str) -> tuple[Stock, list[Event]]:
    """Note (or forget) that a FillAll order waits for this SKU: stock arriving then goes to it first come,
    first served."""
    stock = stock or Stock(seller=seller, sku=sku)
    if waits == (order_id in stock.waiting):
        return stock, []
    waiting = [*stock.waiting, order_id] if waits else [o for o in stock.waiting if o != order_id]
    return msgspec.structs.replace(stock, waiting=waiting), []


def _add(counts: dict[str, int], key: str, delta: int) -> None:
    value = counts.get(key, 0) + delta
    if value:
        counts[key] = value
    else:
        counts.pop(key, None)


def available(stock: Stock | None, center_id: str) -> int:
    """Fulfillable units at a center."""
    return stock.centers.get(center_id, {}).get(Bucket.FULFILLABLE.value, 0) if stock else 0


def fulfillable_by_center(stock: Stock | None) -> dict[str, int]:
    """Fulfillable units per center holding any: what the sourcing plugin chooses from."""
    if stock is None:
        return {}
    return {c: n for c in stock.centers if (n := available(stock, c)) > 0}


def held(stock: Stock | None, reference: str) -> dict[str, int]:
    """What a reference holds reserved, per center."""
    return dict(stock.reservations.get(reference, {})) if stock else {}


# ---- facts the market reports ----


def adjustment(stock: Stock | None, fact: InventoryAdjustmentReported) -> tuple[Stock, list[InventoryMoved]]:
    movement = Movement(sku=fact.sku, center_id=fact.center_id, quantity=fact.quantity, from_bucket=fact.from_bucket,
                        to_bucket=fact.to_bucket, cause=Cause.ADJUSTMENT, reference=fact.adjustment_id)
    return move(stock, [movement], seller=fact.seller, sku=fact.sku, cause=common.Cause.of(fact),
                at=fact.occurred_at)


def transfer(stock: Stock | None, fact: InventoryTransferReported) -> tuple[Stock, list[InventoryMoved]]:
    """STARTED reserves the units at the source (pendingTransshipment); RECEIVED takes them from there (or from
    fulfillable when the start was never reported) and adds what arrived, as fulfillable, at the destination."""
    def at(center: str, quantity: int, source: Bucket | None, target: Bucket | None, cause: Cause) -> Movement:
        return Movement(sku=fact.sku, center_id=center, quantity=quantity, from_bucket=source, to_bucket=target,
                        cause=cause, reference=fact.transfer_id)

    if fact.stage is TransferStage.STARTED:
        moves = [at(fact.from_center, fact.quantity, Bucket.FULFILLABLE, Bucket.RESERVED_TRANSFER,
                    Cause.TRANSFER_STARTED)]
    else:
        reserved = min(held(stock, fact.transfer_id).get(fact.from_center, 0), fact.quantity)
        moves = []
        if reserved:
            moves.append(at(fact.from_center, reserved, Bucket.RESERVED_TRANSFER, None, Cause.TRANSFER_RECEIVED))
        if fact.quantity > reserved:
            moves.append(at(fact.from_center, fact.quantity - reserved, Bucket.FULFILLABLE, None,
                            Cause.TRANSFER_RECEIVED))
        moves.append(at(fact.to_center, fact.quantity, None, Bucket.FULFILLABLE, Cause.TRANSFER_RECEIVED))
    return move(stock, moves, seller=fact.seller, sku=fact.sku, cause=common.Cause.of(fact), at=fact.occurred_at)


# The buckets a marketplace report counts, as BucketCounts fields (unfulfillable: every cause together).
COMPARED = ("fulfillable", "inbound_working", "inbound_shipped", "inbound_receiving", "reserved_customer_order",
            "reserved_transfer", "reserved_processing", "researching", "unfulfillable")


def availability_reported(stock: Stock | None, fact: InventoryAvailabilityReported, *, compared: frozenset[str],
                          ) -> tuple[Stock, list[Event]]:
    """Keep the marketplace's own count of the SKU; for a marketplace the network serves (`compared`), set it
    against the ledger. A difference is published when it appears or changes, and its end once, so a
    marketplace repeating the same count does not repeat the news. An older report arriving late is kept out."""
    stock = stock or Stock(seller=fact.seller, sku=fact.sku)
    before = stock.marketplace.get(fact.marketplace_id)
    if before is not None and before.reported_at > fact.occurred_at:
        return stock, []
    reported = {bucket: getattr(fact, bucket) for bucket in COMPARED}
    differences: list[CountDifference] = []
    if fact.marketplace_id in compared:
        ours = _ledger_counts(stock)
        differences = [CountDifference(bucket=b, ledger=ours[b], marketplace=reported[b]) for b in COMPARED
                       if ours[b] != reported[b]]
    now = MarketplaceCount(marketplace_id=fact.marketplace_id, reported_at=fact.occurred_at, counts=reported,
                           differences=differences)
    stock = msgspec.structs.replace(stock, marketplace={**stock.marketplace, fact.marketplace_id: now})
    had = before.differences if before is not None else []
    cause = common.Cause.of(fact)
    common_fields = {"sku": fact.sku, "marketplace_id": fact.marketplace_id, "reported_at": fact.occurred_at}
    if differences and differences != had:
        return stock, [InventoryCountDiffered(**stamp(cause, InventoryCountDiffered, fact.seller, fact.occurred_at),
                                              differences=differences, **common_fields)]
    if had and not differences:
        return stock, [InventoryCountReconciled(
            **stamp(cause, InventoryCountReconciled, fact.seller, fact.occurred_at), **common_fields)]
    return stock, []


def _ledger_counts(stock: Stock) -> dict[str, int]:
    totals = summary(stock).totals
    return {b: totals.unfulfillable_total if b == "unfulfillable" else getattr(totals, b) for b in COMPARED}


# ---- views ----


def counts(buckets: dict[str, int]) -> BucketCounts:
    """getInventorySummaries' details for one center or all. `total` is what the centers hold:
    fulfillable + reserved + researching + unfulfillable; inbound units are not there yet, so they are
    left out, as in totalQuantity."""
    get = buckets.get
    unfulfillable = {b.removeprefix(UNFULFILLABLE): n for b, n in sorted(buckets.items())
                     if b.startswith(UNFULFILLABLE) and n}
    reserved = sum(get(b, 0) for b in HELD)
    lost = sum(unfulfillable.values())
    return BucketCounts(
        fulfillable=get(Bucket.FULFILLABLE.value, 0), inbound_working=get(Bucket.INBOUND_WORKING.value, 0),
        inbound_shipped=get(Bucket.INBOUND_SHIPPED.value, 0), inbound_receiving=get(Bucket.INBOUND_RECEIVING.value, 0),
        reserved_customer_order=get(Bucket.RESERVED_CUSTOMER_ORDER.value, 0),
        reserved_transfer=get(Bucket.RESERVED_TRANSFER.value, 0),
        reserved_processing=get(Bucket.RESERVED_PROCESSING.value, 0), reserved_total=reserved,
        researching=get(Bucket.RESEARCHING.value, 0), unfulfillable=unfulfillable, unfulfillable_total=lost,
        total=get(Bucket.FULFILLABLE.value, 0) + reserved + get(Bucket.RESEARCHING.value, 0) + lost)


def summary(stock: Stock) -> InventorySummary:
    totals: dict[str, int] = {}
    for buckets in stock.centers.values():
        for bucket, n in buckets.items():
            totals[bucket] = totals.get(bucket, 0) + n
    return InventorySummary(
        seller=stock.seller, sku=stock.sku, totals=counts(totals), entries=stock.sequence,
        centers=[CenterStock(center_id=c, counts=counts(b)) for c, b in sorted(stock.centers.items())],
        updated_at=stock.updated_at, marketplace=[m for _, m in sorted(stock.marketplace.items())])


# ---- the check: the ledger replayed from the stream against the stored states ----


def _fold(entries: Iterable[InventoryMoved]) -> tuple[dict[tuple[str, str, str], int], dict[str, list[int]],
                                                      list[str], int]:
    """Counts, sequences per SKU, buckets that went below zero; entries with an id already seen count once."""
    totals: dict[tuple[str, str, str], int] = {}
    sequences: dict[str, list[int]] = {}
    negative: list[str] = []
    seen: set = set()
    for e in entries:
        if e.event_id in seen:
            continue
        seen.add(e.event_id)
        sequences.setdefault(e.sku, []).append(e.sequence)
        if e.from_bucket is not None:
            key = (e.sku, e.center_id, e.from_bucket.value)
            totals[key] = totals.get(key, 0) - e.quantity
            if totals[key] < 0 and "/".join(key) not in negative:
                negative.append("/".join(key))
        if e.to_bucket is not None:
            key = (e.sku, e.center_id, e.to_bucket.value)
            totals[key] = totals.get(key, 0) + e.quantity
    return {k: n for k, n in totals.items() if n}, sequences, negative, len(seen)


def replay(entries: Iterable[InventoryMoved]) -> dict[tuple[str, str, str], int]:
    """(sku, center, bucket) -> units, folded from the entries (non-zero counts only)."""
    return _fold(entries)[0]


def check(summaries: dict[str, Stock], entries: Iterable[InventoryMoved]) -> LedgerCheck:
    """Drift per (sku, center, bucket); SKUs whose sequence has a hole, a repeat, or a tail the stored
    state counts but the stream lacks; buckets the replay takes below zero."""
    ledger, sequences, negative, replayed = _fold(entries)
    stored = {(sku, c, b): n for sku, s in summaries.items() for c, buckets in s.centers.items()
              for b, n in buckets.items() if n}
    drift = [Drift(sku=k[0], center_id=k[1], bucket=k[2], ledger=ledger.get(k, 0), summary=stored.get(k, 0))
             for k in sorted(ledger.keys() | stored.keys()) if ledger.get(k, 0) != stored.get(k, 0)]
    skus = sorted(summaries.keys() | sequences.keys())
    gaps = [sku for sku in skus if _gapped(sequences.get(sku, []), summaries.get(sku))]
    return LedgerCheck(skus_checked=len(skus), entries_replayed=replayed, drift=drift, gaps=gaps,
                       negative=sorted(negative))


def _gapped(sequence: list[int], stock: Stock | None) -> bool:
    expected = stock.sequence if stock is not None else len(sequence)
    return sorted(sequence) != list(range(1, expected + 1))
