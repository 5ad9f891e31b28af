"""Multi-channel fulfillment orders: validated and recorded here, fulfilled by the fulfillment service.

The request becomes an McfOrderRequested event on the ORDERS stream: if the fulfillment service is
down or not deployed yet, the order waits there (status New) and is never lost. Orders follows the
statuses the fulfillment service reports.

Refused at once, naming the field: an id sent again with other contents (items, speed, fill policy,
fulfillment action, destination), a destination outside the countries the network ships to (the US by
default), a postal code that is not a US ZIP code or whose 3-digit prefix no ZIP code has (00000). A SKU the
network never held is the fulfillment service's to know: it moves the order to Invalid naming
`$.items[N].seller_sku`. With `fulfillment_action` Hold the network reserves the units and waits for
`release`; the fulfillment service cancels a held order after its hold limit (14 days by default).
"""

import re
from collections import Counter
from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import McfOrderStatusChanged
from sellerops.contracts.orders import (
    Address, CancelMcfOrder, CreateMcfOrder, FillPolicy, FulfillmentAction, HistoryEntry, McfItem,
    McfOrderCancelRequested, McfOrderReleased, McfOrderRequested, McfOrderView, McfStatus, PackageDetail,
    ShippingSpeed,
)
from sellerops.orders.domain.model import Cause, NotFound, Refused, envelope
from sellerops.orders.domain.zip_prefixes import PREFIXES

US_ZIP = re.compile(r"\d{5}(-\d{4})?")
CANCELABLE = (McfStatus.NEW, McfStatus.RECEIVED, McfStatus.PLANNING)
SHIPS_TO = ("US",)  # the network's countries (a US marketplace's MCF ships to US addresses)


class McfOrder(msgspec.Struct, frozen=True, kw_only=True):
    mcf_order_id: str
    seller: str
    status: McfStatus
    destination: Address
    items: list[McfItem]
    shipping_speed: ShippingSpeed
    fill_policy: FillPolicy
    requested_at: datetime
    displayable_order_id: str | None = None
    fulfillment_action: FulfillmentAction = FulfillmentAction.SHIP
    released_at: datetime | None = None
    cancel_requested: bool = False
    status_reason: str | None = None
    packages: list[PackageDetail] = []
    history: list[HistoryEntry] = []
    updated_at: datetime | None = None


def _noted(order: McfOrder, event: Event, **changes: object) -> McfOrder:
    status = getattr(event, "status", None)
    entry = HistoryEntry(at=event.occurred_at, type=event.type_tag(), event_id=str(event.event_id),
                         summary=f"status={status.value}" if status is not None else "")
    return msgspec.structs.replace(order, history=[*order.history, entry], updated_at=event.occurred_at, **changes)


def create(order: McfOrder | None, *, request: CreateMcfOrder, seller: str, now: datetime) -> tuple[McfOrder, list]:
    """Validate and record a new MCF order; sending the same order again changes nothing."""
    if order is not None:
        if _same(order, request):
            return order, []
        raise Refused(f"an MCF order {request.mcf_order_id} already exists with other contents", "$.mcf_order_id")
    _validate(request)
    event = McfOrderRequested(
        **envelope(Cause(f"mcf/{seller}/{request.mcf_order_id}"), McfOrderRequested.type_tag()), seller=seller,
        occurred_at=now, mcf_order_id=request.mcf_order_id, destination=request.destination, items=request.items,
        shipping_speed=request.shipping_speed, fill_policy=request.fill_policy,
        displayable_order_id=request.displayable_order_id, fulfillment_action=request.fulfillment_action,
    )
    new = McfOrder(mcf_order_id=request.mcf_order_id, seller=seller, status=McfStatus.NEW,
                   destination=request.destination, items=request.items, shipping_speed=request.shipping_speed,
                   fill_policy=request.fill_policy, requested_at=now, displayable_order_id=request.displayable_order_id,
                   fulfillment_action=request.fulfillment_action)
    return _noted(new, event), [event]


def cancel(order: McfOrder | None, *, request: CancelMcfOrder, request_id: str, now: datetime) -> tuple[McfOrder, list]:
    if order is None:
        raise NotFound(f"MCF order {request.mcf_order_id} not found")
    if order.cancel_requested:
        return order, []
    if order.status not in CANCELABLE:
        raise Refused(f"MCF order is {order.status.value}: it can be canceled only while New, Received or Planning",
                      "$.mcf_order_id")
    event = McfOrderCancelRequested(
        **envelope(Cause(f"request/{order.seller}/{order.mcf_order_id}/{request_id}"),
                   McfOrderCancelRequested.type_tag()),
        seller=order.seller, occurred_at=now, mcf_order_id=order.mcf_order_id,
    )
    return _noted(order, event, cancel_requested=True), [event]


def release(order: McfOrder | None, *, now: datetime) -> tuple[McfOrder, list]:
    """Release a held order (Hold -> Ship); releasing twice is one release."""
    if order is None:
        raise NotFound("MCF order not found")
    if order.released_at is not None:
        return order, []
    if order.fulfillment_action is not FulfillmentAction.HOLD:
        raise Refused("the MCF order is not held (its fulfillment action is Ship)", "$.mcf_order_id")
    if order.cancel_requested or order.status in (McfStatus.CANCELLED, McfStatus.UNFULFILLABLE, McfStatus.INVALID):
        raise Refused(f"the MCF order is {order.status.value}"
                      + (" (cancel requested)" if order.cancel_requested else "") + ": nothing to release",
                      "$.mcf_order_id")
    event = McfOrderReleased(**envelope(Cause(f"mcf/{order.seller}/{order.mcf_order_id}/release"),
                                        McfOrderReleased.type_tag()),
                             seller=order.seller, occurred_at=now, mcf_order_id=order.mcf_order_id)
    return _noted(order, event, released_at=now), [event]


def status_reported(order: McfOrder | None, report: McfOrderStatusChanged) -> tuple[McfOrder | None, list]:
    """Follow the fulfillment service: its status, and the packages it shipped (a fact, nothing to publish)."""
    if order is None:
        return None, []
    known = {p.tracking_number for p in order.packages}
    shipped = [PackageDetail(carrier_code=p.carrier_code, tracking_number=p.tracking_number,
                             ship_date=p.shipped_at.date(), items=p.items)
               for p in report.packages if p.tracking_number not in known]
    return _noted(order, report, status=report.status, status_reason=report.reason,
                  packages=[*order.packages, *shipped]), []


def view(order: McfOrder) -> McfOrderView:
    return McfOrderView(**msgspec.structs.asdict(order))


def _same(order: McfOrder, request: CreateMcfOrder) -> bool:
    return (order.destination, order.items, order.shipping_speed, order.fill_policy, order.fulfillment_action) == (
        request.destination, request.items, request.shipping_speed, request.fill_policy, request.fulfillment_action)


def _validate(request: CreateMcfOrder) -> None:
    counts = Counter(item.item_id for item in request.items)
    for index, item in enumerate(request.items):
        if counts[item.item_id] > 1:
            raise Refused(f"item id {item.item_id} appears {counts[item.item_id]} times", f"$.items[{index}].item_id")
    address = request.destination
    if address.country_code not in SHIPS_TO:
        raise Refused(f"country {address.country_code!r} is not served: this network ships to "
                      f"{', '.join(SHIPS_TO)} addresses", "$.destination.country_code")
    if not US_ZIP.fullmatch(address.postal_code):
        raise Refused(f"US postal code {address.postal_code!r} is not a ZIP code (12345 or 12345-6789)",
                      "$.destination.postal_code")
    if not zip_prefix_exists(address.postal_code[:3]):
        raise Refused(f"US postal code {address.postal_code!r} does not exist (no ZIP code starts with "
                      f"{address.postal_code[:3]})", "$.destination.postal_code")


def zip_prefix_exists(prefix: str) -> bool:
    """Whether any US ZIP code starts with these 3 digits (the table in zip_prefixes, from the zipcodes package)."""
    return prefix in PREFIXES
