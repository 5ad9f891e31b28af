from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.orders import OrderLine, OrderRefunded, OrderStatus, RefundLine, RefundOrder, RefundReason
from sellerops.orders.domain import NotFound, Order, Refused, refund

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def order(status=OrderStatus.SHIPPED) -> Order:
    lines = [OrderLine(order_item_id="mug", sku="MUG", quantity_ordered=2, item_price=Money(Decimal("29.98"), "USD")),
             OrderLine(order_item_id="tea", sku="TEA", quantity_ordered=1, item_price=Money(Decimal("10.00"), "USD"))]
    return Order(order_id="111-0000001-0000001", seller="acme", status=status, lines=lines)


def ask(*lines: tuple[str, str], currency: str = "USD", reason=RefundReason.PRICE_ERROR) -> RefundOrder:
    return RefundOrder(order_id="111-0000001-0000001", reason=reason,
                       lines=[RefundLine(item, Money(Decimal(amount), currency)) for item, amount in lines])


def test_a_partial_refund_of_one_item_is_recorded_and_announced():
    new, [event] = refund(order(), request=ask(("mug", "5.00")), request_id="r-1", now=NOW)
    assert isinstance(event, OrderRefunded)
    assert (event.total, event.fully_refunded, event.refund_id) == (Money(Decimal("5.00"), "USD"), False, "r-1")
    assert new.refunded == [RefundLine("mug", Money(Decimal("5.00"), "USD"))]


def test_refunds_add_up_across_requests_and_the_last_one_makes_the_order_fully_refunded():
    first, _ = refund(order(), request=ask(("mug", "29.98")), request_id="r-1", now=NOW)
    second, [event] = refund(first, request=ask(("tea", "10.00")), request_id="r-2", now=NOW)
    assert event.fully_refunded is True
    assert {r.order_item_id: r.amount.amount for r in second.refunded} == {"mug": Decimal("29.98"),
                                                                          "tea": Decimal("10.00")}


def test_refunding_more_than_was_paid_for_an_item_is_refused_with_what_is_left():
    first, _ = refund(order(), request=ask(("mug", "20.00")), request_id="r-1", now=NOW)
    with pytest.raises(Refused) as refused:
        refund(first, request=ask(("tea", "1.00"), ("mug", "10.00")), request_id="r-2", now=NOW)
    assert refused.value.field == "$.lines[1].amount.amount"
    assert "9.98 USD left of the 29.98 paid" in str(refused.value)


def test_two_lines_for_the_same_item_count_together_against_what_was_paid():
    with pytest.raises(Refused) as refused:
        refund(order(), request=ask(("tea", "6.00"), ("tea", "5.00")), request_id="r-1", now=NOW)
    assert refused.value.field == "$.lines[1].amount.amount"


@pytest.mark.parametrize(("request_", "field"), [
    (ask(("nope", "1.00")), "$.lines[0].order_item_id"),
    (ask(("mug", "1.00"), currency="EUR"), "$.lines[0].amount.currency"),
    (ask(("mug", "0")), "$.lines[0].amount.amount"),
])
def test_a_bad_refund_line_is_refused_naming_its_field(request_, field):
    with pytest.raises(Refused) as refused:
        refund(order(), request=request_, request_id="r-1", now=NOW)
    assert refused.value.field == field


def test_an_unpaid_order_cannot_be_refunded_and_an_unknown_one_is_not_found():
    with pytest.raises(Refused):
        refund(order(OrderStatus.PENDING), request=ask(("mug", "1.00")), request_id="r-1", now=NOW)
    with pytest.raises(NotFound):
        refund(None, request=ask(("mug", "1.00")), request_id="r-1", now=NOW)
