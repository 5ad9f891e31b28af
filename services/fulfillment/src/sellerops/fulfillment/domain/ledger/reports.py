"""What the market reports about a SKU's stock: adjustments, transfers between centers, and its own count
(set against the ledger for the marketplaces the network serves)."""

from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import (
    Bucket, Cause, CountDifference, InventoryAdjustmentReported, InventoryAvailabilityReported, InventoryCountDiffered,
    InventoryCountReconciled, InventoryTransferReported, MarketplaceCount, Movement, TransferStage,
)
from sellerops.fulfillment.domain import common
from sellerops.fulfillment.domain.common import stamp
from sellerops.fulfillment.domain.ledger.movements import held, move
from sellerops.fulfillment.domain.ledger.stock import COMPARED, Stock, ledger_counts


def adjustment(stock: Stock | None, fact: InventoryAdjustmentReported) -> tuple[Stock, list[Event]]:
    movement = Movement(sku=fact.sku, center_id=fact.center_id, quantity=fact.quantity, from_bucket=fact.from_bucket,
                        to_bucket=fact.to_bucket, cause=Cause.ADJUSTMENT, reference=fact.adjustment_id)
    return move(stock, [movement], seller=fact.seller, sku=fact.sku, cause=common.Cause.of(fact),
                at=fact.occurred_at)


def transfer(stock: Stock | None, fact: InventoryTransferReported) -> tuple[Stock, list[Event]]:
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
        ours = ledger_counts(stock)
        differences = [CountDifference(bucket=b, ledger=ours[b], marketplace=reported[b]) for b in COMPARED
                       if ours[b] != reported[b]]
    now = MarketplaceCount(marketplace_id=fact.marketplace_id, reported_at=fact.occurred_at, counts=reported,
                           differences=differences)
    stock = msgspec.structs.replace(stock, marketplace={**stock.marketplace, fact.marketplace_id: now})
    had = before.differences if before is not None else []
    cause = common.Cause.of(fact)
    common_fields: dict[str, Any] = {"sku": fact.sku, "marketplace_id": fact.marketplace_id, "reported_at": fact.occurred_at}
    if differences and differences != had:
        return stock, [InventoryCountDiffered(**stamp(cause, InventoryCountDiffered, fact.seller, fact.occurred_at),
                                              differences=differences, **common_fields)]
    if had and not differences:
        return stock, [InventoryCountReconciled(
            **stamp(cause, InventoryCountReconciled, fact.seller, fact.occurred_at), **common_fields)]
    return stock, []
