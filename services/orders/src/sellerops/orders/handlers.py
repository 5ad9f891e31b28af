"""Use cases as short recipes: (seen? load, decide, save) in one store call, then publish."""

from datetime import datetime
from functools import partial
from uuid import uuid4

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import (
    AnswerCancelRequest, AtRiskList, CancelOrder, ConfirmShipment, CorrectTracking, GetOrder, ListAtRisk, ListOrders,
    OrderList, OrderView, RefundOrder,
)
from sellerops.contracts.requests import RequestError
from sellerops.orders import domain
from sellerops.orders.ports import Clock, OrderStore, Publisher
from sellerops.runtime.state import Decide


async def _on_fact(evt: Event, decide: Decide, *, orders: OrderStore, publish: Publisher) -> None:
    applied = await orders.apply(evt.seller, evt.aggregate_id, str(evt.event_id), decide)
    await publish(applied.events)


async def on_order_placed(evt: OrderPlaced, *, orders: OrderStore, publish: Publisher) -> None:
    await _on_fact(evt, partial(domain.record_placement, placed=evt), orders=orders, publish=publish)


async def on_payment_authorized(evt: OrderPaymentAuthorized, *, orders: OrderStore, publish: Publisher) -> None:
    await _on_fact(evt, partial(domain.authorize_payment, paid=evt), orders=orders, publish=publish)


async def on_buyer_cancel_requested(evt: OrderBuyerCancelRequested, *, orders: OrderStore, publish: Publisher,
                                    policy: domain.Policy) -> None:
    await _on_fact(evt, partial(domain.buyer_cancel_requested, request=evt, policy=policy),
                   orders=orders, publish=publish)


async def on_deadline(key: str, kind: str, due: datetime, *, orders: OrderStore, publish: Publisher,
                      policy: domain.Policy) -> None:
    seller, order_id = key.split(".", 1)
    applied = await orders.apply(seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                                 partial(domain.deadline_passed, kind=kind, due=due, policy=policy))
    await publish(applied.events)


async def _command(seller: str, order_id: str, request_id: str | None, decide, *,  # noqa: ANN001
                   orders: OrderStore, publish: Publisher) -> OrderView:
    """A seller's command: apply at most once per request id, answer with the order or a clear refusal."""
    try:
        applied = await orders.apply(seller, order_id, request_id or str(uuid4()), decide)
    except domain.NotFound as exc:
        raise RequestError("not_found", str(exc), "$.order_id") from exc
    except domain.Refused as exc:
        raise RequestError("refused", str(exc), exc.field) from exc
    await publish(applied.events)
    return domain.view(applied.state)


async def confirm_shipment(seller: str, request: ConfirmShipment, *, orders: OrderStore, publish: Publisher,
                           clock: Clock, check_carrier: domain.CarrierCheck | None = None) -> OrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.confirm_shipment, request=request, request_id=request_id, now=clock.now(),
                     check_carrier=check_carrier)
    return await _command(seller, request.order_id, request_id, decide, orders=orders, publish=publish)


async def correct_tracking(seller: str, request: CorrectTracking, *, orders: OrderStore, publish: Publisher,
                           clock: Clock, check_carrier: domain.CarrierCheck | None = None) -> OrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.correct_tracking, request=request, request_id=request_id, now=clock.now(),
                     check_carrier=check_carrier)
    return await _command(seller, request.order_id, request_id, decide, orders=orders, publish=publish)


async def cancel_order(seller: str, request: CancelOrder, *, orders: OrderStore, publish: Publisher,
                       clock: Clock) -> OrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.seller_cancel, request=request, request_id=request_id, now=clock.now())
    return await _command(seller, request.order_id, request_id, decide, orders=orders, publish=publish)


async def answer_cancel_request(seller: str, request: AnswerCancelRequest, *, orders: OrderStore,
                                publish: Publisher, clock: Clock) -> OrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.answer_cancel_request, request=request, request_id=request_id, now=clock.now())
    return await _command(seller, request.order_id, request_id, decide, orders=orders, publish=publish)


async def refund_order(seller: str, request: RefundOrder, *, orders: OrderStore, publish: Publisher,
                       clock: Clock) -> OrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.refund, request=request, request_id=request_id, now=clock.now())
    return await _command(seller, request.order_id, request_id, decide, orders=orders, publish=publish)


async def get_order(seller: str, query: GetOrder, *, orders: OrderStore) -> OrderView:
    order = await orders.load(seller, query.order_id)
    if order is None or order.status is None:
        raise RequestError("not_found", f"order {query.order_id} not found", "$.order_id")
    return domain.view(order)


async def list_orders(seller: str, query: ListOrders, *, orders: OrderStore) -> OrderList:
    try:
        shown, next_cursor = domain.page([o async for o in orders.scan(seller)], query)
    except domain.Refused as exc:
        raise RequestError("invalid", str(exc), exc.field) from exc
    return OrderList(orders=[domain.view(o) for o in shown], truncated=next_cursor is not None,
                     next_cursor=next_cursor)


async def list_at_risk(seller: str, query: ListAtRisk, *, orders: OrderStore, clock: Clock) -> AtRiskList:
    now = clock.now()
    return AtRiskList(orders=domain.at_risk([o async for o in orders.scan(seller)], query, now), as_of=now)
