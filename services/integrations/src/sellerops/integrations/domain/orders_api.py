"""Orders API (v0) responses -> order facts, joined from pieces that may come in different documents.

An order's facts need the order (a getOrders response `{"payload": {"Orders": [...]}}` or a getOrder one
`{"payload": Order}`) and its items (getOrderItems, `{"payload": {"AmazonOrderId", "OrderItems": [...]}}`,
possibly in several pages), or a combined `{"order": Order, "items": [...]}`. Reading a document only
collects pieces (`Pending`, keyed by AmazonOrderId); `join` turns the orders whose pieces are all there into
facts. An order is complete when it and at least one item are there (the pages of a paginated getOrderItems
answer belong in the same call). `sellerops ingest` joins the pieces of every file of one call and keeps the
rest for a later call (`sellerops.cli.pending`).

Facts of a complete order: OrderPlaced; OrderPaymentAuthorized when the status says payment went through;
OrderBuyerCancelRequested when an item carries `BuyerRequestedCancel.IsBuyerRequestedCancel` ("true" in the
published examples), with its BuyerCancelReason, dated by the order's LastUpdateDate and carrying the
order's status (an Unshipped order waits for the seller's answer; see docs/domain.md, "Cancellations").
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import msgspec

from sellerops.contracts.catalog import encode
from sellerops.contracts.envelope import Event
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.integrations.domain.spapi_json import Bad, build, opt, req, timestamp
from sellerops.plugins.ingest import Parsed, Pending, Problem, fact_id

__all__ = ["join", "pieces"]

PAID_STATUSES = {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}
ORDER = "order"


def pieces(doc: dict[str, Any], where: str) -> tuple[list[Pending], list[Bad]] | None:
    """The pieces of an Orders API document and the problems of the ones that cannot be read (each order and
    item stands alone: one bad order does not lose the others), or None when it is not such a document.
    `where` prefixes each piece's path."""
    if "order" in doc or "items" in doc:
        order = req(doc, "order", "$", dict)
        items = req(doc, "items", "$", list)
        oid = req(order, "AmazonOrderId", "$.order", str)
        return _each([partial(_order, order, f"{where}: $.order")]
                     + [partial(_item, oid, item, f"{where}: $.items[{i}]") for i, item in enumerate(items)])
    payload = opt(doc, "payload")
    if not isinstance(payload, dict):
        return None
    if opt(payload, "Orders") is not None:
        orders = req(payload, "Orders", "$.payload", list)
        return _each([partial(_order, order, f"{where}: $.payload.Orders[{i}]") for i, order in enumerate(orders)])
    if opt(payload, "OrderItems") is not None:
        oid = req(payload, "AmazonOrderId", "$.payload", str)
        items = req(payload, "OrderItems", "$.payload", list)
        return _each([partial(_item, oid, item, f"{where}: $.payload.OrderItems[{i}]") for i, item in enumerate(items)])
    if opt(payload, "AmazonOrderId") is not None and opt(payload, "OrderStatus") is not None:
        return _each([partial(_order, payload, f"{where}: $.payload")])  # getOrder
    raise Bad("$.payload", "neither Orders (getOrders), an Order (getOrder) nor OrderItems (getOrderItems)")


def _each(readers: Sequence[Callable[[], Pending]]) -> tuple[list[Pending], list[Bad]]:
    found, bad = [], []
    for read in readers:
        try:
            found.append(read())
        except Bad as problem:
            bad.append(problem)
    return found, bad


def _order(order: Any, where: str) -> Pending:
    if not isinstance(order, dict):
        raise Bad(_path(where), "expected an Order object")
    oid = req(order, "AmazonOrderId", _path(where), str)
    return Pending(oid, ORDER, encode(order), where)


def _path(where: str) -> str:
    """The JSON path of a piece's `where` ("[FILE: ]document N: $.path")."""
    return where.rsplit(": ", 1)[-1]


def _place(where: str) -> str:
    return where.rsplit(": ", 1)[0]


def _item(oid: str, item: Any, where: str) -> Pending:
    path = _path(where)
    if not isinstance(item, dict):
        raise Bad(path, "expected an OrderItem object")
    return Pending(oid, f"item/{req(item, 'OrderItemId', path, str)}", encode(item), where)


def join(seller: str, found: Iterable[Pending]) -> Parsed:
    """Facts of every complete order; the pieces of the others stay pending (the first copy of a part wins)."""
    by_key: dict[str, dict[str, Pending]] = {}
    for piece in found:
        by_key.setdefault(piece.key, {}).setdefault(piece.part, piece)
    events: list[Event] = []
    problems: list[Problem] = []
    pending: list[Pending] = []
    joined: list[str] = []
    notes: list[str] = []
    for oid, parts in by_key.items():
        waiting = _waiting_for(oid, parts)
        if waiting:
            pending.extend(parts.values())
            notes.append(waiting)
            continue
        order = parts[ORDER]
        path = _path(order.where)
        try:
            facts = _facts(seller, oid, path, msgspec.json.decode(order.document),
                           [(_path(p.where), msgspec.json.decode(p.document))
                            for part, p in parts.items() if part != ORDER])
        except Bad as bad:
            problems.append(Problem(f"{_place(order.where)}: {bad.path}", bad.message))
            continue
        joined.append(oid)
        if facts:
            events.extend(facts)
        else:
            notes.append(f"order {oid} is Canceled: nothing to fulfil, no OrderPlaced")
    return Parsed(events, problems, notes=notes, pending=pending, joined=joined)


def _waiting_for(oid: str, parts: dict[str, Pending]) -> str | None:
    if ORDER not in parts:
        return f"items of order {oid} wait for the order (its getOrders or getOrder response)"
    if len(parts) == 1:
        return f"order {oid} waits for its items (its getOrderItems response)"
    return None


def _window(order: dict[str, Any], earliest: str, latest: str, path: str) -> dict[str, Any] | None:
    start, end = opt(order, earliest), opt(order, latest)
    if start is None or end is None:
        return None
    return {"earliest": timestamp(start, f"{path}.{earliest}").isoformat(),
            "latest": timestamp(end, f"{path}.{latest}").isoformat()}


def _line(item: dict[str, Any], item_path: str) -> dict[str, Any] | None:
    quantity = req(item, "QuantityOrdered", item_path, int)
    if quantity == 0:
        return None  # a cancelled line of a partly cancelled order
    price = req(item, "ItemPrice", item_path, dict)
    line = {
        "order_item_id": req(item, "OrderItemId", item_path, str),
        "sku": req(item, "SellerSKU", item_path, str),
        "quantity": quantity,
        "item_price": {"amount": str(req(price, "Amount", f"{item_path}.ItemPrice", str)),
                       "currency": req(price, "CurrencyCode", f"{item_path}.ItemPrice", str)},
    }
    for name, key in (("asin", "ASIN"), ("title", "Title")):
        if opt(item, key) is not None:
            line[name] = opt(item, key)
    return line


def _placed_fields(seller: str, oid: str, path: str, order: dict[str, Any], purchased_at: datetime,
                  lines: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "event_id": str(fact_id("orders-api", oid, "placed", seller=seller)), "seller": seller,
        "occurred_at": purchased_at.isoformat(), "order_id": oid,
        "fulfillment_channel": req(order, "FulfillmentChannel", path, str), "purchased_at": purchased_at.isoformat(),
        "items": lines, "is_prime": bool(opt(order, "IsPrime", False)),
        "is_business_order": bool(opt(order, "IsBusinessOrder", False)),
    }
    for name, key in (("marketplace_id", "MarketplaceId"), ("order_type", "OrderType"),
                      ("ship_service_level", "ShipmentServiceLevelCategory")):
        if opt(order, key) is not None:
            fields[name] = opt(order, key)
    if (ship := _window(order, "EarliestShipDate", "LatestShipDate", path)) is not None:
        fields["ship_window"] = ship
    if (delivery := _window(order, "EarliestDeliveryDate", "LatestDeliveryDate", path)) is not None:
        fields["delivery_window"] = delivery
    address = opt(order, "ShippingAddress")
    if isinstance(address, dict) and opt(address, "PostalCode"):
        destination = {"postal_code": opt(address, "PostalCode")}
        for name, key in (("country_code", "CountryCode"), ("state_or_region", "StateOrRegion")):
            if opt(address, key):
                destination[name] = opt(address, key)
        fields["destination"] = destination
    return fields


def _facts(seller: str, oid: str, path: str, order: dict[str, Any],
           items: list[tuple[str, dict[str, Any]]]) -> list[Event]:
    status = req(order, "OrderStatus", path, str)
    if status == "Canceled":
        return []
    purchased_at = timestamp(req(order, "PurchaseDate", path), f"{path}.PurchaseDate")
    lines = [line for item_path, item in items if (line := _line(item, item_path)) is not None]
    fields = _placed_fields(seller, oid, path, order, purchased_at, lines)
    marketplace = fields.get("marketplace_id", "ATVPDKIKX0DER")
    facts = [build(OrderPlaced, path, **fields)]
    if status in PAID_STATUSES:
        facts.append(build(OrderPaymentAuthorized, path, event_id=str(fact_id("orders-api", oid, "payment_authorized",
                                                                           seller=seller)),
                           seller=seller, occurred_at=purchased_at.isoformat(), order_id=oid, marketplace_id=marketplace))
    asked = [(p, i) for p, i in items if _buyer_requested_cancel(i)]
    if asked:
        item_path, item = asked[0]
        updated = opt(order, "LastUpdateDate")
        when = timestamp(updated, f"{path}.LastUpdateDate") if updated is not None else purchased_at
        if when < purchased_at:
            raise Bad(f"{path}.LastUpdateDate", f"the buyer's cancel request is dated {when.isoformat()}, before the "
                                               f"purchase ({purchased_at.isoformat()})")
        reason = opt(opt(item, "BuyerRequestedCancel", {}), "BuyerCancelReason") or "BuyerCanceled"
        facts.append(build(OrderBuyerCancelRequested, f"{item_path}.BuyerRequestedCancel",
                           event_id=str(fact_id("orders-api", oid, "buyer_cancel_requested", seller=seller)),
                           seller=seller, occurred_at=when.isoformat(), order_id=oid, marketplace_id=marketplace,
                           reason=reason, order_status=status))
    return facts


def _buyer_requested_cancel(item: dict[str, Any]) -> bool:
    """`BuyerRequestedCancel.IsBuyerRequestedCancel`: a string ("true"/"false") in the model, a boolean in places."""
    flag = opt(opt(item, "BuyerRequestedCancel", {}), "IsBuyerRequestedCancel")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")
