"""The ledger replayed from the stream, checked against the stored summaries (drift, gaps, negative buckets)."""

from collections.abc import Iterable
from uuid import UUID

from sellerops.contracts.inventory import Drift, InventoryMoved, LedgerCheck
from sellerops.fulfillment.domain.ledger.stock import Stock


def _fold(entries: Iterable[InventoryMoved]) -> tuple[dict[tuple[str, str, str], int], dict[str, list[int]],
                                                      list[str], int]:
    """Counts, sequences per SKU, buckets that went below zero; entries with an id already seen count once."""
    totals: dict[tuple[str, str, str], int] = {}
    sequences: dict[str, list[int]] = {}
    negative: list[str] = []
    seen: set[UUID] = set()
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
