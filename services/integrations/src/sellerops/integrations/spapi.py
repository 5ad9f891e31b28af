"""SP-API adapter: Notifications API envelopes and Orders API (v0) responses -> market facts.

Input: one JSON document, a JSON array of documents, or JSON lines (one document a line). A document is

- a notification envelope (NotificationVersion, NotificationType, PayloadVersion, EventTime, Payload,
  NotificationMetadata{ApplicationId, SubscriptionId, PublishTime, NotificationId}); key casing differs
  between types (ACCOUNT_STATUS_CHANGED is camelCase), so keys are matched case-insensitively;
- a getOrders response `{"payload": {"Orders": [Order...]}}`, a getOrderItems response
  `{"payload": {"AmazonOrderId": ..., "OrderItems": [OrderItem...]}}`, or a combined
  `{"order": Order, "items": [OrderItem...]}`. Orders and items are joined by AmazonOrderId across the
  whole input; an order without items is a problem.

The SellerId inside SP-API documents is Amazon's merchant id, not a sellerops seller: the seller given to
`parse` is used for every fact.
"""

import hashlib
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import msgspec

from sellerops.contracts.catalog import decode_event, encode
from sellerops.contracts.envelope import Event
from sellerops.contracts.health import AccountStatus, AccountStatusReported
from sellerops.contracts.inventory import InventoryAvailabilityReported
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.plugins.ingest import Ingester, Parsed, Problem, fact_id

__all__ = ["INGESTERS", "KNOWN_IGNORED", "detect", "parse"]

ORDER_CHANGE = "ORDER_CHANGE"
FULFILLMENT_ORDER_STATUS = "FULFILLMENT_ORDER_STATUS"
FBA_INVENTORY = "FBA_INVENTORY_AVAILABILITY_CHANGES"
ACCOUNT_STATUS_CHANGED = "ACCOUNT_STATUS_CHANGED"

# Types of DOMAIN.md section 6 that carry no fact sellerops keeps: recognized, counted as ignored, noted.
KNOWN_IGNORED: dict[str, str] = {
    "ANY_OFFER_CHANGED": "pricing/offers are not tracked by sellerops",
    "B2B_ANY_OFFER_CHANGED": "pricing/offers are not tracked by sellerops",
    "PRICING_HEALTH": "pricing is not tracked by sellerops",
    "FEE_PROMOTION": "fee promotions are not tracked by sellerops",
    "DETAIL_PAGE_TRAFFIC_EVENT": "traffic is not tracked by sellerops",
    "ITEM_INVENTORY_EVENT_CHANGE": "aggregated inventory snapshot without a center; no market fact fits",
    "ITEM_SALES_EVENT_CHANGE": "aggregated sales figures; no market fact fits",
    "FEED_PROCESSING_FINISHED": "feed processing status; no market fact fits",
    "REPORT_PROCESSING_FINISHED": "report processing status: download the report and ingest it instead",
    "DATA_KIOSK_QUERY_PROCESSING_FINISHED": "Data Kiosk query status; no market fact fits",
    "TRANSACTION_UPDATE": "finances are not tracked by sellerops",
    "FBA_OUTBOUND_SHIPMENT_STATUS": "FBA Onsite/Brazil outbound status without center or package; no market fact fits",
    "SHIPMENT_TRACKING_MILESTONE_CHANGED": "the shipment is named only by its Amazon tracking number (aftn), with "
                                           "no order id: OrderDelivered and OrderPackageScanned need the order",
    "EXTERNAL_FULFILLMENT_SHIPMENT_STATUS_CHANGE": "External Fulfillment is not used by sellerops",
    "BRANDED_ITEM_CONTENT_CHANGE": "catalog content is not tracked by sellerops",
    "ITEM_PRODUCT_TYPE_CHANGE": "catalog content is not tracked by sellerops",
    "LISTINGS_ITEM_STATUS_CHANGE": "listings are not tracked by sellerops",
    "LISTINGS_ITEM_ISSUES_CHANGE": "listings are not tracked by sellerops",
    "LISTINGS_ITEM_MFN_QUANTITY_CHANGE": "listings are not tracked by sellerops",
    "PRODUCT_TYPE_DEFINITIONS_CHANGE": "catalog content is not tracked by sellerops",
    "ORDER_STATUS_CHANGE": "removed notification type (use ORDER_CHANGE)",
    "MFN_ORDER_STATUS_CHANGE": "removed notification type (use ORDER_CHANGE)",
}
MAPPED = (ORDER_CHANGE, FULFILLMENT_ORDER_STATUS, FBA_INVENTORY, ACCOUNT_STATUS_CHANGED)
ACCOUNT_STATUSES = {s.value for s in AccountStatus}
ENVELOPE_FIELDS = ("NotificationVersion", "NotificationType", "PayloadVersion", "EventTime", "Payload")
METADATA_FIELDS = ("ApplicationId", "SubscriptionId", "PublishTime", "NotificationId")
PAID_STATUSES = {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}


class Bad(Exception):
    """A document problem: `path` is a JSON path inside the document."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


# ---- case-insensitive access ----


def _key(obj: dict, name: str) -> str | None:
    if name in obj:
        return name
    lowered = name.lower()
    return next((k for k in obj if isinstance(k, str) and k.lower() == lowered), None)


def opt(obj: Any, name: str, default: Any = None) -> Any:
    if not isinstance(obj, dict):
        return default
    key = _key(obj, name)
    return default if key is None or obj[key] is None else obj[key]


def req(obj: dict, name: str, path: str, kind: type | tuple[type, ...] | None = None) -> Any:
    value = opt(obj, name)
    if value is None:
        raise Bad(f"{path}.{name}", "missing field")
    if kind is not None and not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise Bad(f"{path}.{name}", f"expected {_json_kind(names)}, got {type(value).__name__}")
    return value


def _json_kind(names: str) -> str:
    return names.replace("dict", "an object").replace("list", "an array").replace("str", "a string")


def timestamp(value: Any, path: str) -> datetime:
    if not isinstance(value, str):
        raise Bad(path, "expected an ISO-8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Bad(path, f"not an ISO-8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise Bad(path, f"date-time without a time zone: {value!r}")
    return parsed.astimezone(UTC)


def build(cls: type[Event], path: str, **fields: Any) -> Event:
    """Validate through the event decoder (patterns, bounds), so a bad value is a problem, not a crash."""
    raw = {"type": cls.type_tag(), **fields}
    try:
        return decode_event(encode(raw), cls)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise Bad(path, f"cannot build {cls.__name__}: {exc}") from None


# ---- reading documents ----


def documents(text: str) -> list[tuple[int, Any]]:
    """(document number, decoded value); a whole-text JSON value first, else JSON lines (numbered by line)."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        whole = msgspec.json.decode(stripped)
    except msgspec.DecodeError:
        whole = msgspec.UNSET
    if isinstance(whole, list):
        return list(enumerate(whole, start=1))
    if whole is not msgspec.UNSET:
        return [(1, whole)]
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, msgspec.json.decode(line)))
        except msgspec.DecodeError as exc:
            out.append((number, _NotJson(str(exc))))
    return out


class _NotJson:
    def __init__(self, message: str) -> None:
        self.message = message


class _State:
    def __init__(self, seller: str) -> None:
        self.seller = seller
        self.events: list[Event] = []
        self.problems: list[Problem] = []
        self.duplicates = 0
        self.ignored = 0
        self.notes: Counter[str] = Counter()
        self.notification_ids: set[str] = set()
        self.event_ids: set = set()
        self.orders: dict[str, tuple[int, str, dict]] = {}  # AmazonOrderId -> (doc, path, Order)
        self.items: dict[str, list[tuple[int, str, dict]]] = {}  # AmazonOrderId -> [(doc, path, OrderItem)]
        self.item_ids: set[tuple[str, str]] = set()
        self.current = 0  # the document being read

    def ignore(self, note: str) -> None:
        self.ignored += 1
        self.notes[note] += 1

    def add(self, event: Event) -> None:
        if event.event_id in self.event_ids:
            self.duplicates += 1
            return
        self.event_ids.add(event.event_id)
        self.events.append(event)

    def result(self) -> Parsed:
        notes = [f"{note} ({count} document{'s' if count != 1 else ''})" for note, count in self.notes.items()]
        return Parsed(self.events, self.problems, self.duplicates, self.ignored, notes)


def parse(seller: str, text: str) -> Parsed:
    state = _State(seller)
    for number, doc in documents(text):
        state.current = number
        try:
            if isinstance(doc, _NotJson):
                raise Bad("$", f"not JSON: {doc.message}")
            _document(state, doc)
        except Bad as bad:
            state.problems.append(Problem(f"document {number}: {bad.path}", bad.message))
    _join_orders(state)
    return state.result()


def _document(state: _State, doc: Any) -> None:
    if not isinstance(doc, dict):
        raise Bad("$", "expected a JSON object (a notification envelope or an Orders API response)")
    if opt(doc, "NotificationType") is not None or opt(doc, "NotificationMetadata") is not None:
        _notification(state, doc)
    elif "order" in doc or "items" in doc:
        order = req(doc, "order", "$", dict)
        items = req(doc, "items", "$", list)
        _remember_order(state, order, "$.order")
        oid = req(order, "AmazonOrderId", "$.order", str)
        for i, item in enumerate(items):
            _remember_item(state, oid, item, f"$.items[{i}]")
    elif isinstance(opt(doc, "payload"), dict):
        payload = doc[_key(doc, "payload")]
        if opt(payload, "Orders") is not None:
            for i, order in enumerate(req(payload, "Orders", "$.payload", list)):
                _remember_order(state, order, f"$.payload.Orders[{i}]")
        elif opt(payload, "OrderItems") is not None:
            oid = req(payload, "AmazonOrderId", "$.payload", str)
            for i, item in enumerate(req(payload, "OrderItems", "$.payload", list)):
                _remember_item(state, oid, item, f"$.payload.OrderItems[{i}]")
        else:
            raise Bad("$.payload", "neither Orders (getOrders) nor OrderItems (getOrderItems)")
    else:
        raise Bad("$", "not an SP-API notification (no NotificationType) nor an Orders API response "
                       "(no payload.Orders / payload.OrderItems, no order + items)")


# ---- Orders API ----


def _remember_order(state: _State, order: Any, path: str) -> None:
    if not isinstance(order, dict):
        raise Bad(path, "expected an Order object")
    oid = req(order, "AmazonOrderId", path, str)
    if oid in state.orders:
        state.duplicates += 1
        return
    state.orders[oid] = (state.current, path, order)


def _remember_item(state: _State, oid: str, item: Any, path: str) -> None:
    if not isinstance(item, dict):
        raise Bad(path, "expected an OrderItem object")
    item_id = req(item, "OrderItemId", path, str)
    if (oid, item_id) in state.item_ids:
        state.duplicates += 1
        return
    state.item_ids.add((oid, item_id))
    state.items.setdefault(oid, []).append((state.current, path, item))


def _join_orders(state: _State) -> None:
    for oid, (number, path, order) in state.orders.items():
        try:
            items = state.items.get(oid)
            if not items:
                raise Bad(path, f"order {oid} has no items in this input (add its getOrderItems response, "
                                "or use {\"order\": ..., \"items\": [...]})")
            _order_facts(state, oid, path, order, items)
        except Bad as bad:
            state.problems.append(Problem(f"document {number}: {bad.path}", bad.message))
    for oid, items in state.items.items():
        if oid not in state.orders:
            number, path, _ = items[0]
            state.problems.append(Problem(f"document {number}: {path}",
                                          f"items of order {oid} without the order (add its getOrders response)"))


def _window(order: dict, earliest: str, latest: str, path: str) -> dict | None:
    start, end = opt(order, earliest), opt(order, latest)
    if start is None or end is None:
        return None
    return {"earliest": timestamp(start, f"{path}.{earliest}").isoformat(),
            "latest": timestamp(end, f"{path}.{latest}").isoformat()}


def _order_facts(state: _State, oid: str, path: str, order: dict, items: list[tuple[int, str, dict]]) -> None:
    status = req(order, "OrderStatus", path, str)
    if status == "Canceled":
        state.ignore("Orders API order Canceled: nothing to fulfil, no OrderPlaced")
        return
    purchased_at = timestamp(req(order, "PurchaseDate", path), f"{path}.PurchaseDate")
    lines = []
    for _, item_path, item in items:
        quantity = req(item, "QuantityOrdered", item_path, int)
        if quantity == 0:
            continue  # a cancelled line of a partly cancelled order
        price = req(item, "ItemPrice", item_path, dict)
        line = {
            "order_item_id": req(item, "OrderItemId", item_path, str),
            "sku": req(item, "SellerSKU", item_path, str),
            "quantity": quantity,
            "item_price": {"amount": str(req(price, "Amount", f"{item_path}.ItemPrice", str)),
                           "currency": req(price, "CurrencyCode", f"{item_path}.ItemPrice", str)},
        }
        if opt(item, "ASIN") is not None:
            line["asin"] = opt(item, "ASIN")
        if opt(item, "Title") is not None:
            line["title"] = opt(item, "Title")
        lines.append(line)
    fields: dict[str, Any] = {
        "event_id": str(fact_id("orders-api", oid, "placed")),
        "seller": state.seller,
        "occurred_at": purchased_at.isoformat(),
        "order_id": oid,
        "fulfillment_channel": req(order, "FulfillmentChannel", path, str),
        "purchased_at": purchased_at.isoformat(),
        "items": lines,
        "is_prime": bool(opt(order, "IsPrime", False)),
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
        if opt(address, "CountryCode"):
            destination["country_code"] = opt(address, "CountryCode")
        if opt(address, "StateOrRegion"):
            destination["state_or_region"] = opt(address, "StateOrRegion")
        fields["destination"] = destination
    state.add(build(OrderPlaced, path, **fields))
    if status in PAID_STATUSES:
        state.add(build(OrderPaymentAuthorized, path, event_id=str(fact_id("orders-api", oid, "payment_authorized")),
                        seller=state.seller, occurred_at=purchased_at.isoformat(), order_id=oid,
                        marketplace_id=fields.get("marketplace_id", "ATVPDKIKX0DER")))


# ---- notifications ----


def _notification(state: _State, doc: dict) -> None:
    ntype = req(doc, "NotificationType", "$", str)
    if ntype not in MAPPED and ntype not in KNOWN_IGNORED:
        raise Bad("$.NotificationType", f"unknown notification type {ntype!r}")
    for name in ENVELOPE_FIELDS:
        req(doc, name, "$")
    event_time = timestamp(opt(doc, "EventTime"), "$.EventTime")
    if ntype == FBA_INVENTORY and opt(doc, "NotificationMetadata") is None:
        # the published FBA inventory schema has no metadata: the content itself identifies it
        nid = "sha256-" + hashlib.sha256(encode(doc)).hexdigest()
    else:
        metadata = req(doc, "NotificationMetadata", "$", dict)
        for name in METADATA_FIELDS:
            req(metadata, name, "$.NotificationMetadata")
        nid = req(metadata, "NotificationId", "$.NotificationMetadata", str)
    payload = req(doc, "Payload", "$", dict)
    if nid in state.notification_ids:
        state.duplicates += 1
        return
    if ntype == ORDER_CHANGE:
        _order_change(state, nid, event_time, payload)
    elif ntype == FULFILLMENT_ORDER_STATUS:
        _fulfillment_order_status(state, payload)
    elif ntype == FBA_INVENTORY:
        _fba_inventory(state, nid, event_time, payload)
    elif ntype == ACCOUNT_STATUS_CHANGED:
        _account_status(state, nid, event_time, payload)
    else:
        state.ignore(f"{ntype}: {KNOWN_IGNORED[ntype]}")
    state.notification_ids.add(nid)


def _order_change(state: _State, nid: str, event_time: datetime, payload: dict) -> None:
    base = "$.Payload.OrderChangeNotification"
    change = req(payload, "OrderChangeNotification", "$.Payload", dict)
    oid = req(change, "AmazonOrderId", base, str)
    change_type = req(change, "OrderChangeType", base, str)
    trigger = opt(change, "OrderChangeTrigger", {})
    summary = req(change, "Summary", base, dict)
    status = req(summary, "OrderStatus", f"{base}.Summary", str)
    items = req(summary, "OrderItems", f"{base}.Summary", list)
    marketplace = opt(summary, "MarketplaceId", "ATVPDKIKX0DER")
    common = {"seller": state.seller, "occurred_at": event_time.isoformat(), "order_id": oid,
              "marketplace_id": marketplace}
    found = 0
    if any(isinstance(i, dict) and opt(i, "IsBuyerRequestedCancel") is True for i in items):
        state.add(build(OrderBuyerCancelRequested, base, event_id=str(fact_id("sp-api", nid, "buyer_cancel_requested")),
                        reason=opt(trigger, "ChangeReason") or "BuyerCanceled", **common))
        found += 1
    if change_type == "OrderStatusChange":
        if status == "Unshipped":
            when = opt(trigger, "TimeOfOrderChange")
            authorized = timestamp(when, f"{base}.OrderChangeTrigger.TimeOfOrderChange") if when else event_time
            state.add(build(OrderPaymentAuthorized, base, event_id=str(fact_id("sp-api", nid, "payment_authorized")),
                            authorized_at=authorized.isoformat(), **common))
            found += 1
        elif found:
            pass
        elif status in ("Pending", "PendingAvailability"):
            state.ignore(f"ORDER_CHANGE {status}: the summary has no item prices, so no OrderPlaced; "
                         "ingest the order's getOrders + getOrderItems responses")
        elif status == "Canceled":
            state.ignore("ORDER_CHANGE Canceled without a buyer cancel request: no marketplace-cancel fact exists")
        elif status in ("Shipped", "PartiallyShipped"):
            fulfillment = opt(summary, "FulfillmentType", "")
            state.ignore(f"ORDER_CHANGE {status} ({fulfillment or 'unknown'}): OutboundShipmentReported needs a center "
                         "and a package, the notification has neither" if fulfillment == "AFN" else
                         f"ORDER_CHANGE {status} ({fulfillment or 'unknown'}): the seller's own shipment "
                         "confirmation is the fact")
        else:
            state.ignore(f"ORDER_CHANGE {status}: no market fact for this status")
    elif not found:
        state.ignore(f"ORDER_CHANGE {change_type} ({trigger and opt(trigger, 'ChangeReason') or 'no reason'}): "
                     "no market fact for this change")


def _fulfillment_order_status(state: _State, payload: dict) -> None:
    base = "$.Payload.FulfillmentOrderStatusNotification"
    note = req(payload, "FulfillmentOrderStatusNotification", "$.Payload", dict)
    req(note, "SellerFulfillmentOrderId", base, str)
    event_type = str(req(note, "EventType", base, str)).lower()
    if event_type == "shipment":
        state.ignore("FULFILLMENT_ORDER_STATUS Shipment: OutboundShipmentReported needs a center and the package's "
                     "items, the notification has neither")
    elif event_type == "return":
        state.ignore("FULFILLMENT_ORDER_STATUS Return: CustomerReturnReported needs a center, an order id and a "
                     "disposition, the notification has none")
    else:
        state.ignore(f"FULFILLMENT_ORDER_STATUS {note[_key(note, 'EventType')]}: the fulfillment service tracks "
                     "its own outbound order status")


# FulfillmentInventory fields -> InventoryAvailabilityReported fields (breakdowns by their parts)
_AVAILABILITY = {
    "fulfillable": ("Fulfillable",), "unfulfillable": ("Unfulfillable",), "researching": ("Researching",),
    "inbound_working": ("InboundQuantityBreakdown", "Working"),
    "inbound_shipped": ("InboundQuantityBreakdown", "Shipped"),
    "inbound_receiving": ("InboundQuantityBreakdown", "Receiving"),
    "reserved_customer_order": ("ReservedQuantityBreakdown", "PendingCustomerOrder"),
    "reserved_transfer": ("ReservedQuantityBreakdown", "WarehouseTransfer"),
    "reserved_processing": ("ReservedQuantityBreakdown", "WarehouseProcessing"),
}


def _fba_inventory(state: _State, nid: str, event_time: datetime, payload: dict) -> None:
    """One InventoryAvailabilityReported per marketplace: the network's count of the SKU there."""
    sku = req(payload, "SKU", "$.Payload", str)
    for i, entry in enumerate(req(payload, "FulfillmentInventoryByMarketplace", "$.Payload", list)):
        path = f"$.Payload.FulfillmentInventoryByMarketplace[{i}]"
        if not isinstance(entry, dict):
            raise Bad(path, "expected an object")
        marketplace = req(entry, "MarketplaceId", path, str)
        inventory = req(entry, "FulfillmentInventory", path, dict)
        counts = {}
        for field, keys in _AVAILABILITY.items():
            value, where = inventory, f"{path}.FulfillmentInventory"
            for key in keys:
                value, where = opt(value, key, 0), f"{where}.{key}"
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise Bad(where, f"expected a count (a whole number, 0 or more), got {value!r}")
            counts[field] = value
        state.add(build(InventoryAvailabilityReported, path,
                        event_id=str(fact_id("sp-api", nid, f"availability/{marketplace}")), seller=state.seller,
                        occurred_at=event_time.isoformat(), sku=sku, marketplace_id=marketplace, **counts))


def _account_status(state: _State, nid: str, event_time: datetime, payload: dict) -> None:
    """ACCOUNT_STATUS_CHANGED (camelCase in the published example): the marketplace's own account status."""
    base = "$.Payload.AccountStatusChangeNotification"
    change = req(payload, "AccountStatusChangeNotification", "$.Payload", dict)
    current = req(change, "CurrentAccountStatus", base, str)
    previous = opt(change, "PreviousAccountStatus")
    for name, value in (("CurrentAccountStatus", current), ("PreviousAccountStatus", previous)):
        if value is not None and value not in ACCOUNT_STATUSES:
            known = ", ".join(sorted(ACCOUNT_STATUSES))
            raise Bad(f"{base}.{name}", f"unknown account status {value!r} (known: {known})")
    fields = {"status": current, "previous": previous}
    if opt(change, "MarketplaceId") is not None:
        fields["marketplace_id"] = opt(change, "MarketplaceId")
    state.add(build(AccountStatusReported, base, event_id=str(fact_id("sp-api", nid, "account_status_reported")),
                    seller=state.seller, occurred_at=event_time.isoformat(), **fields))


# ---- the plugin ----


def detect(name: str, head: str) -> bool:
    lowered = head.lower()
    if not name.lower().endswith((".json", ".jsonl", ".ndjson", ".txt")) and not lowered.lstrip().startswith(("{", "[")):
        return False
    return "notificationtype" in lowered or "amazonorderid" in lowered


def _parse(seller: str, text: str) -> Parsed:
    return parse(seller, text)


INGESTERS = [
    Ingester(
        name="sp-api",
        description="SP-API notification envelopes (ORDER_CHANGE, ...) and Orders API getOrders/getOrderItems "
                    "responses, as JSON or JSON lines",
        detect=detect,
        parse=_parse,
    ),
]
