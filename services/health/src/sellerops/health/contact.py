"""Contact response: the share of buyer messages answered within 24 hours, and the average response time,
over 7, 30 and 90 days (docs/domain.md, "Account health"; Seller Central counts weekends and holidays).

Counted from the notifications service's reply clock, folded into `OrderFacts.messages`, by the day the
message was received:

- a message marked as needing no response is left out entirely;
- a replied message counts in `messages`, and in `inTime` when the reply came within 24 hours of receipt
  (else in `late`); this is the marketplace's fixed 24 hours, measured on `response_seconds`, not the
  seller's own reply deadline (`within_deadline`), which a seller may set tighter or looser;
- a message still awaiting a reply counts only once its reply deadline passed (BuyerMessageReplyMissed),
  as `messages` and `unanswered`: before that it may still be answered in time, and the health service
  reads no clock. A late reply then moves it from `unanswered` to `late`. (With a seller deadline other
  than 24 hours, an unanswered message enters the denominator at that deadline instead.)
- the average response time is over the replied messages only (`responseSeconds` / `responded`): a message
  never answered has no response time.

The target is UNCONFIRMED (docs/domain.md: no public source gives a percentage): at least 90% by
default (GREATER_THAN, read as at least), overridable per seller like every target.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sellerops.contracts.health import Measure, OrderFacts, Target, TargetCondition
from sellerops.plugins.metrics import Counted, Window, measure_of, report_body

REPLY_SECONDS = 24 * 3600
TARGET = Target(value=0.90, condition=TargetCondition.GREATER_THAN)  # UNCONFIRMED (docs/domain.md)
WINDOWS = (7, 30, 90)


def contact_counts(order: OrderFacts) -> list[Counted]:
    """What the order's buyer messages add, by the day each was received (see the module's rules)."""
    found: list[Counted] = []
    for m in order.messages:
        if m.no_response_needed:
            continue
        day = m.received_at.date()
        if m.response_seconds is not None:
            found += [(day, "messages"), (day, "responded"),
                      (day, "inTime" if m.response_seconds <= REPLY_SECONDS else "late")]
            if m.response_seconds:
                found.append((day, "responseSeconds", m.response_seconds))
        elif m.missed:
            found += [(day, "messages"), (day, "unanswered")]
    return found


def average_response_hours(sums: Mapping[str, int]) -> float | None:
    """Mean time to reply over the replied messages, in hours (2 decimals); None without any reply."""
    responded = sums.get("responded", 0)
    return round(sums.get("responseSeconds", 0) / responded / 3600, 2) if responded else None


@dataclass(frozen=True)
class ContactResponseRate:
    """Messages answered within 24 hours over the messages counted, with the average response time."""

    name: str
    window_days: int
    title: str = ""
    definition: str = ("buyer messages answered within 24 hours (weekends and holidays included) over messages "
                       "answered or past their reply deadline, by day received; messages marked as needing no "
                       "response are excluded")
    target: Target = field(default=TARGET)

    def counts(self, order: OrderFacts) -> list[Counted]:
        return contact_counts(order)

    def measure(self, sums: Mapping[str, int], window: Window) -> list[Measure]:
        return [measure_of(key=self.name, metric=self, title=self.title, numerator=sums.get("inTime", 0),
                           denominator=sums.get("messages", 0), window=window)]

    def section(self, measures: list[Measure], sums: Mapping[str, int]) -> dict[str, Any]:
        [m] = measures
        body = report_body(m, messageCount=m.denominator, respondedWithin24HoursCount=m.numerator,
                           respondedAfter24HoursCount=sums.get("late", 0), noResponseCount=sums.get("unanswered", 0))
        return {self.name: {**body, "averageResponseTimeHours": average_response_hours(sums)}}


def contact_response_rate(days: int) -> ContactResponseRate:
    return ContactResponseRate(name=f"contactResponseRate{days}Day", window_days=days,
                               title=f"Contact Response Rate ({days} days)")


CONTACT = tuple(contact_response_rate(days) for days in WINDOWS)
