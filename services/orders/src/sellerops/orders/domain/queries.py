"""Pure queries over a seller's orders: filters, the newest-first order, pages, orders at risk, and where an
order is placed in the listing index (by status, by ship-by)."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import AtRiskOrder, ListAtRisk, ListOrders
from sellerops.orders.domain.model import SHIPPABLE, Order, Refused
from sellerops.runtime.index import Placement

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


def after_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The (time, order id) position a cursor stands for (None for the first page)."""
    return _after_cursor(cursor) if cursor else None


def _sort_text(when: datetime, order_id: str) -> str:
    return f"{when.astimezone(UTC).isoformat()}|{order_id}"


def at_risk_eligible(order: Order) -> bool:
    return (order.status in SHIPPABLE and order.fulfillment_channel is FulfillmentChannel.MFN
            and order.ship_window is not None)


def placements(order: Order) -> list[Placement]:
    """Where the listing index holds the order: under its status by purchase time (newest-first listings), and
    while it can be at risk, by its latest ship date (soonest-first at-risk listings)."""
    if order.status is None:
        return []
    purchased = order.purchased_at or EPOCH
    placed = [Placement(f"status.{order.status.value}", purchased, _sort_text(purchased, order.order_id))]
    if at_risk_eligible(order):
        latest = _latest_ship(order)
        placed.append(Placement("risk", latest, _sort_text(latest, order.order_id)))
    return placed


def listed_as(order: Order | None, index: str, sort: str) -> bool:
    """Whether an index entry still describes the order (entries of an older state are skipped)."""
    return order is not None and any(p.index == index and p.sort == sort for p in placements(order))


def entry_position(sort: str) -> tuple[datetime, str]:
    when, order_id = sort.split("|", 1)
    return datetime.fromisoformat(when), order_id


def _latest_ship(order: Order) -> datetime:
    """The latest ship date of an order `at_risk_eligible` holds."""
    assert order.ship_window is not None, "an order that can be at risk has a ship window (at_risk_eligible)"
    return order.ship_window.latest


def at_risk_row(order: Order, now: datetime) -> AtRiskOrder:
    assert order.status is not None, "an order that can be at risk is Unshipped or PartiallyShipped (at_risk_eligible)"
    return AtRiskOrder(order_id=order.order_id, status=order.status, latest_ship_date=_latest_ship(order),
                       hours_left=round((_latest_ship(order) - now).total_seconds() / 3600, 2),
                       units_unshipped=order.units_unshipped)


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


def horizon(query: ListAtRisk, now: datetime) -> datetime:
    return now + timedelta(hours=query.within_hours)


def at_risk(orders: Iterable[Order], query: ListAtRisk, now: datetime) -> list[AtRiskOrder]:
    """Unshipped seller-fulfilled orders due to ship within the horizon (or already late), soonest first."""
    after, until = after_cursor(query.cursor), horizon(query, now)
    risky = [o for o in orders if at_risk_eligible(o) and _latest_ship(o) <= until
             and (after is None or (_latest_ship(o), o.order_id) > after)]
    risky.sort(key=lambda o: (_latest_ship(o), o.order_id))
    return [at_risk_row(o, now) for o in risky[: query.limit]]
