"""The seller's return rules: business days, and whether a return request is in policy (pure)."""

from datetime import date, datetime, timedelta
from functools import cache

import holidays
import msgspec

from sellerops.contracts.returns import ReturnItem, ReturnPolicy
from sellerops.returns.domain.facts import OrderFacts

POLICY_KEY = "policy"  # one policy record per seller


class PolicyRecord(msgspec.Struct, frozen=True):
    """A seller's own return rules (the service's default applies to a seller without one)."""

    policy: ReturnPolicy
    updated_at: datetime


@cache
def _public_holidays(country: str) -> holidays.HolidayBase:
    # One calendar per country; it adds the years asked about as they come.
    return holidays.country_holidays(country)


def is_business_day(day: date, country: str = "US") -> bool:
    return day.weekday() < 5 and day not in _public_holidays(country)


def add_business_days(start: datetime, days: int, country: str = "US") -> datetime:
    """`days` business days after `start`, at the same time of day. Weekends and the country's public
    holidays do not count; days are the calendar days of `start`'s own time zone."""
    if days < 0:
        raise ValueError("days must not be negative")
    at = start
    while days:
        at += timedelta(days=1)
        if is_business_day(at.date(), country):
            days -= 1
    return at


def in_policy(items: list[ReturnItem], *, requested_at: datetime, facts: OrderFacts | None,
              policy: ReturnPolicy) -> tuple[bool, list[str]]:
    """Whether the seller's rules authorize the request themselves; the notes say why not, in words."""
    notes = []
    if not policy.auto_authorize:
        notes.append("the seller authorizes every return by hand")
    if facts is None:
        notes.append("no order event was seen for this order: nothing to check the request against")
    else:
        notes += _window_notes(requested_at, facts, policy) + _item_notes(items, facts)
    if policy.auto_authorize_reasons is not None:
        for reason in sorted({i.reason for i in items} - set(policy.auto_authorize_reasons)):
            notes.append(f"reason {reason} is not one the seller authorizes automatically")
    return not notes, notes


def _window_notes(requested_at: datetime, facts: OrderFacts, policy: ReturnPolicy) -> list[str]:
    since, what = (facts.delivered_at, "delivery") if facts.delivered_at else (facts.purchased_at, "purchase")
    if since is None:
        return ["no delivery or purchase date was seen for the order: the return window cannot be checked"]
    elapsed = (requested_at - since) / timedelta(days=1)
    if elapsed > policy.return_window_days:
        return [f"requested {elapsed:.1f} days after {what}, past the {policy.return_window_days:g}-day "
                "return window"]
    return []


def _item_notes(items: list[ReturnItem], facts: OrderFacts) -> list[str]:
    """Items the order is not known to have (only when the order's items were seen)."""
    known = set(facts.paid) | set(facts.skus) | set(facts.quantities)
    if not known:
        return []
    notes, asked = [], {}
    for item in items:
        asked[item.order_item_id] = asked.get(item.order_item_id, 0) + item.quantity
    for item_id, quantity in asked.items():
        ordered = facts.quantities.get(item_id)
        if item_id not in known:
            notes.append(f"item {item_id} is not an item of order {facts.order_id}")
        elif ordered is not None and quantity > ordered:
            notes.append(f"{quantity} units of item {item_id} asked back, {ordered} ordered")
    return notes
