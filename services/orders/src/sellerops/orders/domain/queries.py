"""Pure queries over a seller's orders: filters, the newest-first order, pages, orders at risk."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import AtRiskOrder, ListAtRisk, ListOrders
from sellerops.orders.domain.model import SHIPPABLE, Order, Refused

EPOCH = datetime.min.replace(tzinfo=UTC)


def _sort_key(order: Order) -> tuple[datetime, str]:
    return order.purchased_at or EPOCH, order.order_id


def cursor_of(order: Order) -> str:
    purchased, order_id = _sort_key(order)
    return f"{purchased.isoformat()}|{order_id}"


def _after_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        when, order_id = cursor.split("|", 1)
        return datetime.fromisoformat(when), order_id
    except ValueError:
        raise Refused("cursor is not one this service gave out", "$.cursor") from None


def matches(order: Order, query: ListOrders) -> bool:
    if order.status is None or (query.status is not None and order.status is not query.status):
        return False
    purchased = order.purchased_at or EPOCH
    if query.purchased_from and purchased < query.purchased_from:
        return False
    if query.purchased_to and purchased >= query.purchased_to:
        return False
    if query.ship_by_to and (order.ship_window is None or order.ship_window.latest > query.ship_by_to):
        return False
    return True


def page(orders: Iterable[Order], query: ListOrders) -> tuple[list[Order], str | None]:
    """One page, newest first (ties by order id), and the cursor of the next page if there is one."""
    chosen = sorted((o for o in orders if matches(o, query)), key=_sort_key, reverse=True)
    if query.cursor:
        after = _after_cursor(query.cursor)
        chosen = [o for o in chosen if _sort_key(o) < after]
    shown = chosen[: query.limit]
    return shown, cursor_of(shown[-1]) if len(chosen) > query.limit else None


def at_risk(orders: Iterable[Order], query: ListAtRisk, now: datetime) -> list[AtRiskOrder]:
    """Unshipped seller-fulfilled orders due to ship within the horizon (or already late), soonest first."""
    horizon = now + timedelta(hours=query.within_hours)
    risky = [o for o in orders if o.status in SHIPPABLE and o.fulfillment_channel is FulfillmentChannel.MFN
             and o.ship_window is not None and o.ship_window.latest <= horizon]
    risky.sort(key=lambda o: o.ship_window.latest)
    return [AtRiskOrder(order_id=o.order_id, status=o.status, latest_ship_date=o.ship_window.latest,
                        hours_left=round((o.ship_window.latest - now).total_seconds() / 3600, 2),
                        units_unshipped=o.units_unshipped)
            for o in risky[: query.limit]]
