"""Use cases as short recipes: (seen? load, decide, save) in one store call, then publish."""

from datetime import UTC, datetime
from functools import partial
from uuid import uuid4

from sellerops.contracts.market import OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import ConfirmShipment, GetOrder, ListOrders, OrderList, OrderView
from sellerops.contracts.requests import RequestError
from sellerops.orders import domain
from sellerops.orders.ports import Clock, OrderStore, Publisher

EPOCH = datetime.min.replace(tzinfo=UTC)


async def on_order_placed(evt: OrderPlaced, *, orders: OrderStore, publish: Publisher) -> None:
    applied = await orders.apply(evt.seller, evt.order_id, str(evt.event_id),
                                 partial(domain.record_placement, placed=evt))
    await publish(applied.events)


async def on_payment_authorized(evt: OrderPaymentAuthorized, *, orders: OrderStore, publish: Publisher) -> None:
    applied = await orders.apply(evt.seller, evt.order_id, str(evt.event_id),
                                 partial(domain.authorize_payment, paid=evt))
    await publish(applied.events)


async def on_deadline(key: str, kind: str, due: datetime, *, orders: OrderStore, publish: Publisher,
                      policy: domain.Policy) -> None:
    seller, order_id = key.split(".", 1)
    applied = await orders.apply(seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                                 partial(domain.deadline_passed, kind=kind, due=due, policy=policy))
    await publish(applied.events)


async def confirm_shipment(
    seller: str, request: ConfirmShipment, *, orders: OrderStore, publish: Publisher, clock: Clock
) -> OrderView:
    request_id = request.request_id or str(uuid4())
    decide = partial(domain.confirm_shipment, request=request, request_id=request_id, now=clock.now())
    try:
        applied = await orders.apply(seller, request.order_id, request_id, decide)
    except domain.NotFound as exc:
        raise RequestError("not_found", str(exc), "$.order_id") from exc
    except domain.Refused as exc:
        raise RequestError("refused", str(exc), exc.field) from exc
    await publish(applied.events)
    return domain.view(applied.state)


async def get_order(seller: str, query: GetOrder, *, orders: OrderStore) -> OrderView:
    order = await orders.load(seller, query.order_id)
    if order is None or order.status is None:
        raise RequestError("not_found", f"order {query.order_id} not found", "$.order_id")
    return domain.view(order)


async def list_orders(seller: str, query: ListOrders, *, orders: OrderStore) -> OrderList:
    found = [o async for o in orders.scan(seller) if o.status is not None
             and (query.status is None or o.status is query.status)]
    found.sort(key=lambda o: o.purchased_at or EPOCH, reverse=True)  # newest first
    return OrderList(orders=[domain.view(o) for o in found[: query.limit]], truncated=len(found) > query.limit)
