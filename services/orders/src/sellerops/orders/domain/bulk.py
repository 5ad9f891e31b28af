"""Bulk shipment confirmation, pure: one row of a shipping-confirmation file decided against its order.

A row whose tracking number the order already has updates that package (a value overwrites, a blank
keeps, NULL clears); any other row confirms a new package through `confirm_shipment`.
"""

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.orders import (
    ConfirmationRow, ConfirmShipment, OrderPackageUpdated, OrderTrackingCorrected, PackageDetail, PackageItem,
    RowResult,
)
from sellerops.orders.domain.model import SHIPPABLE, NotFound, Order, Refused, envelope, found, recorded, requested
from sellerops.orders.domain.shipping import CarrierCheck, confirm_shipment
from sellerops.plugins.carriers import OTHER, normalize_tracking


def apply_row(order: Order | None, row: ConfirmationRow, *, request_id: str, now: datetime,
              check_carrier: CarrierCheck | None = None) -> tuple[Order, list[Event]]:
    """Update the packages of the order with the row's tracking number, or confirm a new package.
    Refusals name the template column at fault."""
    order = found(order, row.order_id)
    targets = _packages_of(order, row)
    if targets:
        return _update(order, row, targets, request_id=request_id, now=now, check_carrier=check_carrier)
    if row.carrier_code is None or row.tracking_number is None:
        missing = "carrier-code" if row.carrier_code is None else "tracking-number"
        raise Refused(f"required to confirm a package (no confirmed package of this order has tracking number "
                      f"{row.tracking_number or 'blank'})", missing)
    package = PackageDetail(carrier_code=row.carrier_code, tracking_number=row.tracking_number,
                            ship_date=row.ship_date, items=_items(order, row), carrier_name=row.carrier_name,
                            ship_method=row.ship_method)
    request = ConfirmShipment(order_id=row.order_id, package=package, request_id=request_id)
    try:
        return confirm_shipment(order, request=request, request_id=request_id, now=now, check_carrier=check_carrier)
    except Refused as exc:
        raise Refused(str(exc), column(exc.field)) from None


def _packages_of(order: Order, row: ConfirmationRow) -> list[int]:
    if row.tracking_number is None:
        return []
    tracking = normalize_tracking(row.tracking_number)
    return [i for i, p in enumerate(order.packages) if normalize_tracking(p.tracking_number) == tracking
            and (row.order_item_id is None or any(item.order_item_id == row.order_item_id for item in p.items))]


def _items(order: Order, row: ConfirmationRow) -> list[PackageItem]:
    """What the new package holds: a blank quantity is every unshipped unit of the item (of every item
    when the order-item-id is blank too). Where nothing is left, 1 unit goes to confirm_shipment so that
    it refuses with its own reason (order already shipped, unknown item, more than unshipped)."""
    left = {line.order_item_id: line.quantity_ordered - line.quantity_shipped for line in order.lines}
    if row.order_item_id is not None:
        if row.quantity is None and left.get(row.order_item_id) == 0 and order.status in SHIPPABLE:
            raise Refused(f"every unit of item {row.order_item_id} has shipped already", "order-item-id")
        return [PackageItem(row.order_item_id, row.quantity or left.get(row.order_item_id) or 1)]
    if row.quantity is not None:
        if len(left) > 1:
            raise Refused(f"the order has {len(left)} items: a quantity needs the order-item-id it is for",
                          "order-item-id")
        return [PackageItem(item, row.quantity) for item in left]
    return [PackageItem(item, n) for item, n in left.items() if n > 0] or [PackageItem(item, 1) for item in left]


def _update(order: Order, row: ConfirmationRow, targets: list[int], *, request_id: str, now: datetime,
            check_carrier: CarrierCheck | None) -> tuple[Order, list[Event]]:
    packages, events, cause = list(order.packages), list[Event](), requested(order, request_id)
    for index in targets:
        before = packages[index]
        after = _amended(before, row)
        _check_update(order, before, after, row, now, check_carrier)
        common: dict[str, Any] = {"seller": order.seller, "occurred_at": now, "order_id": order.order_id,
                                  "package_number": index + 1}
        if (after.carrier_code, after.carrier_name) != (before.carrier_code, before.carrier_name):
            events.append(OrderTrackingCorrected(
                **envelope(cause, OrderTrackingCorrected.type_tag(), index), **common,
                carrier_code=after.carrier_code, tracking_number=after.tracking_number,
                carrier_name=after.carrier_name, previous_carrier_code=before.carrier_code,
                previous_tracking_number=before.tracking_number))
        if (after.ship_date, after.ship_method) != (before.ship_date, before.ship_method):
            events.append(OrderPackageUpdated(
                **envelope(cause, OrderPackageUpdated.type_tag(), index), **common, ship_date=after.ship_date,
                previous_ship_date=before.ship_date, ship_method=after.ship_method,
                previous_ship_method=before.ship_method))
        packages[index] = after
    return recorded(order, events, packages=packages) if events else (order, [])


def _amended(before: PackageDetail, row: ConfirmationRow) -> PackageDetail:
    """A value overwrites, a blank keeps, NULL clears; a carrier name stays only while the code is Other."""
    code = row.carrier_code or before.carrier_code
    code = before.carrier_code if code.lower() == before.carrier_code.lower() else code
    name = None if "carrier_name" in row.clear else row.carrier_name or before.carrier_name
    method = None if "ship_method" in row.clear else row.ship_method or before.ship_method
    if code.lower() != OTHER.lower():
        name = None
    return msgspec.structs.replace(before, carrier_code=code, carrier_name=name, ship_date=row.ship_date,
                                   ship_method=method)


def _check_update(order: Order, before: PackageDetail, after: PackageDetail, row: ConfirmationRow, now: datetime,
                  check_carrier: CarrierCheck | None) -> None:
    if row.quantity is not None:
        held = sum(i.quantity for i in before.items if row.order_item_id in (None, i.order_item_id))
        if held != row.quantity:
            raise Refused(f"package {before.tracking_number} was confirmed with {held} unit(s): the quantity of a "
                          f"confirmed package cannot change", "quantity")
    if after.ship_date != before.ship_date:
        if order.purchased_at is not None and after.ship_date < order.purchased_at.date():
            raise Refused(f"ship date {after.ship_date} is before the order date {order.purchased_at.date()}",
                          "ship-date")
        if after.ship_date > now.date():
            raise Refused(f"ship date {after.ship_date} is in the future", "ship-date")
    if (after.carrier_code, after.carrier_name) == (before.carrier_code, before.carrier_name):
        return
    if after.carrier_code.lower() == OTHER.lower() and not after.carrier_name:
        raise Refused(f"carrier-code {OTHER} needs a carrier-name", "carrier-name")
    if check_carrier is not None and (refusal := check_carrier(after.carrier_code, after.tracking_number,
                                                               after.carrier_name)) is not None:
        raise Refused(refusal[1], column(refusal[0]))


# ---- results ----


def column(field: str | None) -> str | None:
    """The template column of a request field: `$.package.items[0].order_item_id` -> `order-item-id`."""
    return re.sub(r"\[\d+\]$", "", field.rsplit(".", 1)[-1]).replace("_", "-") if field else None


def accepted(row: ConfirmationRow, *, changed: bool) -> RowResult:
    return RowResult(line=row.line, order_id=row.order_id, ok=True, changed=changed)


def refused(row: ConfirmationRow, exc: Refused | NotFound) -> RowResult:
    field = "order-id" if isinstance(exc, NotFound) else exc.field
    return RowResult(line=row.line, order_id=row.order_id, ok=False, reason=str(exc), field=field)


def row_request_id(batch_id: str, row: ConfirmationRow) -> str:
    """One row of one file: sending the file again finds each applied row by this id."""
    return f"bulk/{batch_id}/{row.line}"


def by_order(rows: Iterable[ConfirmationRow]) -> list[list[ConfirmationRow]]:
    """The rows of each order in line order, orders in the order they first appear."""
    grouped: dict[str, list[ConfirmationRow]] = {}
    for row in sorted(rows, key=lambda r: r.line):
        grouped.setdefault(row.order_id, []).append(row)
    return list(grouped.values())


def chunks_of_orders(rows: Iterable[ConfirmationRow], size: int) -> list[list[ConfirmationRow]]:
    """Chunks of about `size` rows that never split an order (a dry run decides an order's rows together)."""
    chunks: list[list[ConfirmationRow]] = [[]]
    for order_rows in by_order(rows):
        if len(chunks[-1]) >= size:
            chunks.append([])
        chunks[-1].extend(order_rows)
    return [chunk for chunk in chunks if chunk]
