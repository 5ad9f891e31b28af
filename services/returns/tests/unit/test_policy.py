"""The seller's return rules: business days and whether a request is in policy."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.returns import ReturnItem, ReturnPolicy
from sellerops.returns.domain.facts import OrderFacts
from sellerops.returns.domain.policy import add_business_days, in_policy, is_business_day

DAY = timedelta(days=1)
DELIVERED = datetime(2026, 10, 1, 15, tzinfo=UTC)


def item(item_id: str = "I1", reason: str = "DEFECTIVE", quantity: int = 1) -> ReturnItem:
    return ReturnItem(order_item_id=item_id, sku="MUG", quantity=quantity, reason=reason)


def facts(**changes: object) -> OrderFacts:
    return OrderFacts(order_id="O-policy", purchased_at=DELIVERED - 4 * DAY, delivered_at=DELIVERED,
                      paid={"I1": Money(Decimal("30.00"), "USD")}, skus={"I1": "MUG"}, quantities={"I1": 2}
                      )._replace(**changes)


def check(items: list[ReturnItem] | None = None, at: datetime = DELIVERED + 10 * DAY,
          order: OrderFacts | None = None, policy: ReturnPolicy = ReturnPolicy(), known: bool = True):
    return in_policy(items or [item()], requested_at=at, facts=order or (facts() if known else None), policy=policy)


# ---- business days ----


def test_the_refund_due_two_business_days_after_the_wednesday_before_thanksgiving_is_the_monday() -> None:
    us = holidays.country_holidays("US", years=2026)
    assert date(2026, 11, 26) in us  # Thanksgiving
    received = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # a Wednesday
    assert add_business_days(received, 2) == datetime(2026, 11, 30, 14, 30, tzinfo=UTC)


def test_a_friday_plus_two_business_days_is_the_tuesday_at_the_same_time() -> None:
    friday = datetime(2026, 11, 6, 8, 15, tzinfo=UTC)
    assert add_business_days(friday, 2) == datetime(2026, 11, 10, 8, 15, tzinfo=UTC)


def test_a_start_on_a_weekend_counts_from_the_next_business_day() -> None:
    saturday = datetime(2026, 11, 7, 9, tzinfo=UTC)
    assert add_business_days(saturday, 1) == datetime(2026, 11, 9, 9, tzinfo=UTC)


def test_another_country_skips_its_own_holidays() -> None:
    gb = holidays.country_holidays("GB", years=2026)
    assert date(2026, 12, 25) in gb and date(2026, 12, 28) in gb  # Christmas, Boxing Day (substitute)
    christmas_eve = datetime(2026, 12, 24, 10, tzinfo=UTC)  # a Thursday
    assert add_business_days(christmas_eve, 2, "GB") == datetime(2026, 12, 30, 10, tzinfo=UTC)
    assert add_business_days(christmas_eve, 2) == datetime(2026, 12, 29, 10, tzinfo=UTC)  # US: only the 25th


def test_business_days_follow_the_calendar_of_the_start_time_zone() -> None:
    new_york = datetime(2026, 11, 25, 22, tzinfo=ZoneInfo("America/New_York"))  # already Thursday in UTC
    assert add_business_days(new_york, 1) == datetime(2026, 11, 27, 22, tzinfo=ZoneInfo("America/New_York"))


def test_zero_business_days_is_the_start_and_negative_ones_are_an_error() -> None:
    start = datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert add_business_days(start, 0) == start
    with pytest.raises(ValueError):
        add_business_days(start, -1)


def test_weekends_and_public_holidays_are_not_business_days() -> None:
    assert is_business_day(date(2026, 11, 25))
    assert not is_business_day(date(2026, 11, 26))
    assert not is_business_day(date(2026, 11, 28))


# ---- in policy ----


def test_a_request_within_the_window_after_delivery_is_in_policy() -> None:
    assert check(at=DELIVERED + 30 * DAY) == (True, [])


def test_a_request_past_the_window_after_delivery_is_out_of_policy_and_says_by_how_much() -> None:
    ok, notes = check(at=DELIVERED + 31 * DAY)
    assert not ok
    assert notes == ["requested 31.0 days after delivery, past the 30-day return window"]


def test_without_a_delivery_the_window_runs_from_the_purchase() -> None:
    order = facts(delivered_at=None)
    assert check(at=DELIVERED + 26 * DAY, order=order) == (True, [])
    ok, notes = check(at=DELIVERED + 27 * DAY, order=order)
    assert not ok and "after purchase" in notes[0]


def test_an_order_without_dates_cannot_be_checked_and_is_out_of_policy() -> None:
    ok, notes = check(order=facts(delivered_at=None, purchased_at=None))
    assert not ok and "window cannot be checked" in notes[0]


def test_a_reason_the_seller_does_not_auto_authorize_is_out_of_policy() -> None:
    policy = ReturnPolicy(auto_authorize_reasons=["DEFECTIVE"])
    assert check(policy=policy) == (True, [])
    ok, notes = check([item(reason="NO_LONGER_NEEDED")], policy=policy)
    assert not ok
    assert notes == ["reason NO_LONGER_NEEDED is not one the seller authorizes automatically"]


def test_every_reason_is_in_policy_when_the_seller_lists_none() -> None:
    assert check([item(reason="ANYTHING")], policy=ReturnPolicy(auto_authorize_reasons=None)) == (True, [])


def test_an_unknown_order_is_out_of_policy() -> None:
    ok, notes = check(known=False)
    assert not ok and "no order event was seen" in notes[0]


def test_a_seller_who_authorizes_by_hand_has_nothing_in_policy() -> None:
    ok, notes = check(policy=ReturnPolicy(auto_authorize=False))
    assert not ok
    assert notes == ["the seller authorizes every return by hand"]


def test_items_the_order_does_not_have_are_out_of_policy() -> None:
    ok, notes = check([item("I9"), item("I1", quantity=3)])
    assert not ok
    assert notes == ["item I9 is not an item of order O-policy", "3 units of item I1 asked back, 2 ordered"]


def test_every_reason_out_of_policy_is_noted() -> None:
    ok, notes = check([item(reason="LATE")], at=DELIVERED + 40 * DAY, known=True,
                      policy=ReturnPolicy(auto_authorize=False, auto_authorize_reasons=[]))
    assert not ok and len(notes) == 3
