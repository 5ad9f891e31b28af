"""Use cases as short recipes: (seen? load, decide, save) in one store call, then publish."""

import asyncio
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any
from uuid import uuid4

from sellerops.contracts.catalog import encode
from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import AfnOrderShipped, AfnOrderUnfulfillable, McfOrderStatusChanged
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import (
    AnswerCancelRequest,
    CancelOrder,
    ConfirmShipment,
    CorrectTracking,
    ReleaseMcfOrder,
    AtRiskList,
    CancelMcfOrder,
    ConfirmationRow,
    ConfirmShipments,
    ConfirmShipmentsResult,
    CreateMcfOrder,
    GetMcfOrder,
    GetOrder,
    ListAtRisk,
    ListOrders,
    McfOrderView,
    OrderList,
    OrderRefundRefused,
    OrderView,
    RefundOrder,
    RowResult,
)
from sellerops.contracts.requests import RequestError
from sellerops.contracts.returns import RefundRequested
from sellerops.orders import domain
from sellerops.orders.domain import bulk
from sellerops.orders.domain.model import envelope
from sellerops.orders.ports import Clock, Listings, McfStore, OrderStore, Publisher
from sellerops.runtime.state import Decide
from sellerops.runtime.decisions import existing, refusals
from sellerops.runtime.paging import TooLarge


async def _on_fact(evt: Event, decide: Decide, *, orders: OrderStore, publish: Publisher) -> None:
    await orders.apply(evt.seller, evt.aggregate_id, str(evt.event_id), decide, new=evt.opens_aggregate,
                       publish=publish)


async def on_order_placed(evt: OrderPlaced, *, orders: OrderStore, publish: Publisher) -> None:
    await _on_fact(evt, partial(domain.record_placement, placed=evt), orders=orders, publish=publish)


async def on_payment_authorized(evt: OrderPaymentAuthorized, *, orders: OrderStore, publish: Publisher) -> None:
    await _on_fact(evt, partial(domain.authorize_payment, paid=evt), orders=orders, publish=publish)


async def on_buyer_cancel_requested(evt: OrderBuyerCancelRequested, *, orders: OrderStore, publish: Publisher,
                                    policy: domain.Policy) -> None:
    await _on_fact(evt, partial(domain.buyer_cancel_requested, request=evt, policy=policy),
                   orders=orders, publish=publish)


async def on_network_shipped(evt: AfnOrderShipped, *, orders: OrderStore, publish: Publisher) -> None:
    await _on_fact(evt, partial(domain.network_shipped, shipped=evt), orders=orders, publish=publish)


async def on_network_unfulfillable(evt: AfnOrderUnfulfillable, *, orders: OrderStore, publish: Publisher) -> None:
    await _on_fact(evt, partial(domain.network_unfulfillable, report=evt), orders=orders, publish=publish)


async def on_refund_requested(evt: RefundRequested, *, orders: OrderStore, publish: Publisher) -> None:
    """returns asks for a refund: the seller's refund rule applies it once per refund id (its OrderRefunded
    carries that id); a refusal is published for returns to read, not raised."""
    request = RefundOrder(order_id=evt.order_id, lines=evt.lines, reason=evt.reason, request_id=evt.refund_id)
    decide = partial(domain.refund, request=request, request_id=evt.refund_id, now=evt.occurred_at)
    try:
        applied = await orders.apply(evt.seller, evt.order_id, evt.refund_id, decide)
    except (domain.NotFound, domain.Refused) as exc:
        await publish([_refund_refused(evt, exc)])
        return
    await publish(applied.events)


def _refund_refused(evt: RefundRequested, exc: Exception) -> OrderRefundRefused:
    """Its id comes from the request's event id, so a redelivered refusal is the same event (dropped as a copy)."""
    return OrderRefundRefused(
        **envelope(domain.Cause(evt.event_id, evt.correlation), OrderRefundRefused.type_tag()), seller=evt.seller,
        occurred_at=evt.occurred_at, order_id=evt.order_id, refund_id=evt.refund_id, message=str(exc),
        field=exc.field if isinstance(exc, domain.Refused) else "$.order_id")


async def on_mcf_status(evt: McfOrderStatusChanged, *, mcf_orders: McfStore) -> None:
    await mcf_orders.apply(evt.seller, evt.mcf_order_id, str(evt.event_id),
                           partial(domain.mcf.status_reported, report=evt))


async def _mcf_command(seller: str, mcf_order_id: str, message_id: str, decide: Decide[domain.mcf.McfOrder], *,
                       mcf_orders: McfStore, publish: Publisher) -> McfOrderView:
    with refusals("mcf_order_id"):
        applied = await mcf_orders.apply(seller, mcf_order_id, message_id, decide)
    await publish(applied.events)  # an unreachable fulfillment service only delays them: they wait in ORDERS
    return domain.mcf.view(existing(applied.state, f"MCF order {mcf_order_id} not found", "mcf_order_id"))


async def create_mcf_order(seller: str, request: CreateMcfOrder, *, mcf_orders: McfStore, publish: Publisher,
                           clock: Clock) -> McfOrderView:
    decide = partial(domain.mcf.create, request=request, seller=seller, now=clock.now())
    # The message id is the request's contents: the same order sent again is a duplicate, another order under
    # the same id reaches the domain, which refuses it ("already exists with other contents").
    message_id = "create/" + hashlib.sha256(encode(request)).hexdigest()[:32]
    return await _mcf_command(seller, request.mcf_order_id, message_id, decide, mcf_orders=mcf_orders,
                              publish=publish)


async def release_mcf_order(seller: str, request: ReleaseMcfOrder, *, mcf_orders: McfStore, publish: Publisher,
                            clock: Clock) -> McfOrderView:
    decide = partial(domain.mcf.release, now=clock.now())
    return await _mcf_command(seller, request.mcf_order_id, "release", decide, mcf_orders=mcf_orders, publish=publish)


async def cancel_mcf_order(seller: str, request: CancelMcfOrder, *, mcf_orders: McfStore, publish: Publisher,
                           clock: Clock) -> McfOrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.mcf.cancel, request=request, request_id=request_id, now=clock.now())
    return await _mcf_command(seller, request.mcf_order_id, request_id, decide, mcf_orders=mcf_orders, publish=publish)


async def get_mcf_order(seller: str, query: GetMcfOrder, *, mcf_orders: McfStore) -> McfOrderView:
    order = await mcf_orders.load(seller, query.mcf_order_id)
    return domain.mcf.view(existing(order, f"MCF order {query.mcf_order_id} not found", "mcf_order_id"))


async def on_deadline(key: str, kind: str, due: datetime, *, orders: OrderStore, publish: Publisher,
                      policy: domain.Policy) -> None:
    seller, order_id = key.split(".", 1)
    applied = await orders.apply(seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                                 partial(domain.deadline_passed, kind=kind, due=due, policy=policy))
    await publish(applied.events)


async def order_request(rule: Callable[..., tuple[domain.Order, Sequence[Event]]], seller: str, request: Any, *,
                        orders: OrderStore, publish: Publisher,
                        clock: Clock, **options: object) -> OrderView:
    """A seller's request about one order (confirm, correct, cancel, answer, refund: `rule` decides):
    applied at most once per request id, answered with the order or a clear refusal."""
    request_id = request.request_id or str(uuid4())
    decide = partial(rule, request=request, request_id=request_id, now=clock.now(), **options)
    with refusals("order_id"):
        applied = await orders.apply(seller, request.order_id, request_id, decide)
    await publish(applied.events)
    return domain.view(existing(applied.state, f"order {request.order_id} not found", "order_id"))


async def confirm_shipment(seller: str, request: ConfirmShipment, *, orders: OrderStore, publish: Publisher,
                           clock: Clock, check_carrier: domain.CarrierCheck | None = None) -> OrderView:
    return await order_request(domain.confirm_shipment, seller, request, orders=orders, publish=publish, clock=clock,
                               check_carrier=check_carrier)


async def correct_tracking(seller: str, request: CorrectTracking, *, orders: OrderStore, publish: Publisher,
                           clock: Clock, check_carrier: domain.CarrierCheck | None = None) -> OrderView:
    return await order_request(domain.correct_tracking, seller, request, orders=orders, publish=publish, clock=clock,
                               check_carrier=check_carrier)


async def cancel_order(seller: str, request: CancelOrder, *, orders: OrderStore, publish: Publisher,
                       clock: Clock) -> OrderView:
    return await order_request(domain.seller_cancel, seller, request, orders=orders, publish=publish, clock=clock)


async def answer_cancel_request(seller: str, request: AnswerCancelRequest, *, orders: OrderStore,
                                publish: Publisher, clock: Clock) -> OrderView:
    return await order_request(domain.answer_cancel_request, seller, request, orders=orders, publish=publish,
                               clock=clock)


async def refund_order(seller: str, request: RefundOrder, *, orders: OrderStore, publish: Publisher,
                       clock: Clock) -> OrderView:
    return await order_request(domain.refund, seller, request, orders=orders, publish=publish, clock=clock)


BULK_ORDERS_AT_ONCE = 64  # orders of one request decided concurrently; the rows of one order go one by one


async def confirm_shipments(seller: str, request: ConfirmShipments, *, orders: OrderStore, publish: Publisher,
                            clock: Clock, check_carrier: domain.CarrierCheck | None = None) -> ConfirmShipmentsResult:
    """The rows of a shipping-confirmation file, each applied wholly or not at all (one store call per row,
    its id from the file and line); a refusal is the row's result, not the request's."""
    decide = partial(bulk.apply_row, now=clock.now(), check_carrier=check_carrier)
    run = _rehearse_rows if request.dry_run else partial(_apply_rows, publish=publish)
    limit = asyncio.Semaphore(BULK_ORDERS_AT_ONCE)

    async def one_order(rows: list[ConfirmationRow]) -> list[RowResult]:
        async with limit:
            return await run(seller, rows, request.batch_id, decide, orders=orders)

    done = await asyncio.gather(*(one_order(rows) for rows in bulk.by_order(request.rows)))
    return ConfirmShipmentsResult(results=sorted((r for rows in done for r in rows), key=lambda r: r.line))


async def _apply_rows(seller: str, rows: list[ConfirmationRow], batch_id: str,
                      decide: Callable[..., tuple[domain.Order, Sequence[Event]]], *,
                      orders: OrderStore, publish: Publisher) -> list[RowResult]:
    results = []
    for row in rows:
        row_id = bulk.row_request_id(batch_id, row)
        try:
            applied = await orders.apply(seller, row.order_id, row_id, partial(decide, row=row, request_id=row_id))
        except (domain.NotFound, domain.Refused) as exc:
            results.append(bulk.refused(row, exc))
            continue
        await publish(applied.events)
        results.append(bulk.accepted(row, changed=bool(applied.events) and not applied.duplicate))
    return results


async def _rehearse_rows(seller: str, rows: list[ConfirmationRow], batch_id: str,
                         decide: Callable[..., tuple[domain.Order, Sequence[Event]]], *,
                         orders: OrderStore) -> list[RowResult]:
    """A dry run: the same decisions, in line order, on one read of the order; nothing saved or published."""
    record = await orders.load_record(seller, rows[0].order_id)
    order, results = record.state, []
    for row in rows:
        row_id = bulk.row_request_id(batch_id, row)
        if record.find(row_id) is not None:
            results.append(bulk.accepted(row, changed=False))
            continue
        try:
            order, events = decide(order, row=row, request_id=row_id)
        except (domain.NotFound, domain.Refused) as exc:
            results.append(bulk.refused(row, exc))
            continue
        results.append(bulk.accepted(row, changed=bool(events)))
    return results


async def get_order(seller: str, query: GetOrder, *, orders: OrderStore) -> OrderView:
    order = await orders.load(seller, query.order_id)
    if order is None or order.status is None:
        raise RequestError("not_found", f"order {query.order_id} not found", "$.order_id")
    return domain.view(order)


async def list_orders(seller: str, query: ListOrders, *, listings: Listings, reply_budget: int) -> OrderList:
    """One page, newest first, at most `limit` orders and no larger than one reply carries (then a cursor)."""
    with _list_refusals():
        shown, next_cursor = await listings.list_orders(seller, query, reply_budget)
    return OrderList(orders=shown, truncated=next_cursor is not None, next_cursor=next_cursor)


async def list_at_risk(seller: str, query: ListAtRisk, *, listings: Listings, clock: Clock,
                       reply_budget: int) -> AtRiskList:
    now = clock.now()
    with _list_refusals():
        rows, next_cursor = await listings.at_risk(seller, query, now, reply_budget)
    return AtRiskList(orders=rows, as_of=now, next_cursor=next_cursor)


@contextmanager
def _list_refusals() -> Iterator[None]:
    try:
        yield
    except domain.Refused as exc:
        raise RequestError("invalid", str(exc), exc.field) from exc
    except TooLarge as exc:
        raise RequestError("refused", str(exc)) from exc
