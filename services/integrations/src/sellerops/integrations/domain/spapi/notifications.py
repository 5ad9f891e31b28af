"""SP-API notifications to market facts: the envelope checked, each mapped type read into its facts, the
known unmapped types counted as ignored."""

import hashlib
from datetime import datetime
from typing import Any

from sellerops.contracts.catalog import encode
from sellerops.contracts.health import AccountStatus, AccountStatusReported
from sellerops.contracts.inventory import InventoryAvailabilityReported
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized
from sellerops.integrations.domain.spapi.state import _State
from sellerops.integrations.domain.spapi_json import Bad, build, key, opt, req, timestamp
from sellerops.plugins.ingest import fact_id

ORDER_CHANGE = "ORDER_CHANGE"
FULFILLMENT_ORDER_STATUS = "FULFILLMENT_ORDER_STATUS"
FBA_INVENTORY = "FBA_INVENTORY_AVAILABILITY_CHANGES"
ACCOUNT_STATUS_CHANGED = "ACCOUNT_STATUS_CHANGED"

# Types of docs/domain.md ("Notifications from the marketplace") that carry no fact sellerops keeps: recognized, counted as ignored, noted.
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


def _notification(state: _State, doc: dict[str, Any]) -> None:
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


def _order_change(state: _State, nid: str, event_time: datetime, payload: dict[str, Any]) -> None:
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
    if any(isinstance(i, dict) and _flag(opt(i, "IsBuyerRequestedCancel")) for i in items):
        asked_at = _buyer_asked_at(summary, trigger, event_time, base)
        state.add(build(OrderBuyerCancelRequested, base,
                        event_id=str(fact_id("sp-api", nid, "buyer_cancel_requested", seller=state.seller)),
                        reason=opt(trigger, "ChangeReason") or "BuyerCanceled", order_status=status,
                        **(common | {"occurred_at": asked_at.isoformat()})))
        found += 1
    if change_type == "OrderStatusChange":
        if status == "Unshipped":
            when = opt(trigger, "TimeOfOrderChange")
            authorized = timestamp(when, f"{base}.OrderChangeTrigger.TimeOfOrderChange") if when else event_time
            state.add(build(OrderPaymentAuthorized, base, event_id=str(fact_id("sp-api", nid, "payment_authorized", seller=state.seller)),
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
        state.ignore(f"ORDER_CHANGE {change_type} ({(trigger and opt(trigger, 'ChangeReason')) or 'no reason'}): "
                     "no market fact for this change")


def _flag(value: Any) -> bool:
    """A boolean the schemas type as boolean and the Orders API model as a string ("true")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _buyer_asked_at(summary: dict[str, Any], trigger: Any, event_time: datetime, base: str) -> datetime:
    """When the buyer asked: the trigger's TimeOfOrderChange (EventTime only when there is none), never before
    the purchase: a request dated before the order was placed is a problem, not a cancel."""
    where = f"{base}.OrderChangeTrigger.TimeOfOrderChange"
    when = opt(trigger, "TimeOfOrderChange")
    asked_at = timestamp(when, where) if when is not None else event_time
    purchased = opt(summary, "PurchaseDate")
    if purchased is not None:
        purchased_at = timestamp(purchased, f"{base}.Summary.PurchaseDate")
        if asked_at < purchased_at:
            raise Bad(where if when is not None else "$.EventTime",
                      f"the buyer's cancel request is dated {asked_at.isoformat()}, before the purchase "
                      f"({purchased_at.isoformat()})")
    return asked_at


def _fulfillment_order_status(state: _State, payload: dict[str, Any]) -> None:
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
        state.ignore(f"FULFILLMENT_ORDER_STATUS {note[key(note, 'EventType')]}: the fulfillment service tracks "
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


def _fba_inventory(state: _State, nid: str, event_time: datetime, payload: dict[str, Any]) -> None:
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
            for name in keys:
                value, where = opt(value, name, 0), f"{where}.{name}"
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise Bad(where, f"expected a count (a whole number, 0 or more), got {value!r}")
            counts[field] = value
        state.add(build(InventoryAvailabilityReported, path,
                        event_id=str(fact_id("sp-api", nid, f"availability/{marketplace}", seller=state.seller)), seller=state.seller,
                        occurred_at=event_time.isoformat(), sku=sku, marketplace_id=marketplace, **counts))


def _account_status(state: _State, nid: str, event_time: datetime, payload: dict[str, Any]) -> None:
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
    state.add(build(AccountStatusReported, base, event_id=str(fact_id("sp-api", nid, "account_status_reported", seller=state.seller)),
                    seller=state.seller, occurred_at=event_time.isoformat(), **fields))
