"""Multi-channel fulfillment orders: validated and recorded here, fulfilled by the fulfillment service.

The request becomes an McfOrderRequested event on the ORDERS stream: if the fulfillment service is
down or not deployed yet, the order waits there (status New) and is never lost. Orders follows the
statuses the fulfillment service reports.
"""

import re
from collections import Counter
from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import McfOrderStatusChanged
from sellerops.contracts.orders import (
    CancelMcfOrder, CreateMcfOrder, HistoryEntry, McfItem, McfOrderCancelRequested, McfOrderRequested, McfOrderView,
    McfStatus, PackageDetail,
)
from sellerops.contracts.orders import Address, FillPolicy, ShippingSpeed
from sellerops.orders.domain.model import Cause, NotFound, Refused, envelope

US_ZIP = re.compile(r"\d{5}(-\d{4})?")
CANCELABLE = (McfStatus.NEW, McfStatus.RECEIVED, McfStatus.PLANNING)


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
    cancel_requested: bool = False
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
        displayable_order_id=request.displayable_order_id,
    )
    new = McfOrder(mcf_order_id=request.mcf_order_id, seller=seller, status=McfStatus.NEW,
                   destination=request.destination, items=request.items, shipping_speed=request.shipping_speed,
                   fill_policy=request.fill_policy, requested_at=now, displayable_order_id=request.displayable_order_id)
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


def status_reported(order: McfOrder | None, report: McfOrderStatusChanged) -> tuple[McfOrder | None, list]:
    """Follow the fulfillment service: its status, and the packages it shipped (a fact, nothing to publish)."""
    if order is None:
        return None, []
    known = {p.tracking_number for p in order.packages}
    shipped = [PackageDetail(carrier_code=p.carrier_code, tracking_number=p.tracking_number,
                             ship_date=p.shipped_at.date(), items=p.items)
               for p in report.packages if p.tracking_number not in known]
    return _noted(order, report, status=report.status, packages=[*order.packages, *shipped]), []


def view(order: McfOrder) -> McfOrderView:
    return McfOrderView(**msgspec.structs.asdict(order))


def _same(order: McfOrder, request: CreateMcfOrder) -> bool:
    return (order.destination, order.items, order.shipping_speed, order.fill_policy) == (
        request.destination, request.items, request.shipping_speed, request.fill_policy)


def _validate(request: CreateMcfOrder) -> None:
    counts = Counter(item.item_id for item in request.items)
    for index, item in enumerate(request.items):
        if counts[item.item_id] > 1:
            raise Refused(f"item id {item.item_id} appears {counts[item.item_id]} times", f"$.items[{index}].item_id")
    address = request.destination
    if address.country_code == "US" and not US_ZIP.fullmatch(address.postal_code):
        raise Refused(f"US postal code {address.postal_code!r} is not a ZIP code (12345 or 12345-6789)",
                      "$.destination.postal_code")
