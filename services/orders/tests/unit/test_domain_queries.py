from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sellerops.contracts.market import FulfillmentChannel, Money, Window
from sellerops.contracts.orders import ListAtRisk, ListOrders, OrderLine, OrderStatus
from sellerops.orders.domain import Order, Refused, at_risk, page

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def order(n: int, *, status=OrderStatus.UNSHIPPED, hours_ago: float = 0, ship_in_hours: float | None = None,
          channel=FulfillmentChannel.MFN) -> Order:
    window = None if ship_in_hours is None else Window(NOW, NOW + timedelta(hours=ship_in_hours))
    line = OrderLine(order_item_id="i", sku="S", quantity_ordered=2, item_price=Money(Decimal("1"), "USD"))
    return Order(order_id=f"111-{n:07d}-0000001", seller="acme", status=status, fulfillment_channel=channel,
                 purchased_at=NOW - timedelta(hours=hours_ago), lines=[line], ship_window=window)


def ids(orders) -> list[int]:
    return [int(o.order_id.split("-")[1]) for o in orders]


def test_orders_come_newest_first_and_pages_continue_where_the_last_one_stopped():
    orders = [order(n, hours_ago=n) for n in range(7)]
    first, cursor = page(orders, ListOrders(limit=3))
    second, cursor2 = page(orders, ListOrders(limit=3, cursor=cursor))
    third, cursor3 = page(orders, ListOrders(limit=3, cursor=cursor2))
    assert (ids(first), ids(second), ids(third)) == ([0, 1, 2], [3, 4, 5], [6])
    assert cursor3 is None


def test_orders_purchased_at_the_same_moment_are_paged_without_loss_or_repeat():
    orders = [order(n) for n in range(5)]
    seen, cursor = [], None
    while True:
        shown, cursor = page(orders, ListOrders(limit=2, cursor=cursor))
        seen += ids(shown)
        if cursor is None:
            break
    assert sorted(seen) == list(range(5)) and len(seen) == 5


def test_filters_by_status_purchase_range_and_ship_by_combine():
    orders = [order(1, hours_ago=50), order(2, hours_ago=10, ship_in_hours=5), order(3, hours_ago=5, ship_in_hours=48),
              order(4, status=OrderStatus.SHIPPED, hours_ago=1, ship_in_hours=5)]
    recent = ListOrders(purchased_from=NOW - timedelta(hours=24), purchased_to=NOW)
    assert ids(page(orders, recent)[0]) == [4, 3, 2]
    assert ids(page(orders, ListOrders(status=OrderStatus.UNSHIPPED, ship_by_to=NOW + timedelta(hours=6)))[0]) == [2]


def test_a_cursor_that_was_not_given_out_is_refused_naming_the_field():
    with pytest.raises(Refused) as refused:
        page([order(1)], ListOrders(cursor="garbage"))
    assert refused.value.field == "$.cursor"


def test_orders_at_risk_are_unshipped_seller_fulfilled_and_due_soon_or_late_soonest_first():
    orders = [order(1, ship_in_hours=30), order(2, ship_in_hours=3), order(3, ship_in_hours=-2),
              order(4, ship_in_hours=1, channel=FulfillmentChannel.AFN),
              order(5, ship_in_hours=1, status=OrderStatus.SHIPPED), order(6)]
    risky = at_risk(orders, ListAtRisk(within_hours=24), NOW)
    assert [(r.order_id[4:11], r.hours_left) for r in risky] == [("0000003", -2.0), ("0000002", 3.0)]
    assert risky[0].units_unshipped == 2
