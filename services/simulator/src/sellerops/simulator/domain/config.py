"""What to simulate (`SimConfig`) and what comes out (`Step`: a market fact, a seller's request or a
marketplace lookup, as `SellerRequest`)."""

import math
import re
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from sellerops.contracts.envelope import SELLER_PATTERN
from sellerops.contracts.returns import ClaimOutcome
from sellerops.contracts.subjects import request_subject

# Fixed namespace of simulated event ids: uuid5(SIM_IDS, "<seed>/<seller>/<counter>").
SIM_IDS = uuid.UUID("0d7c3f52-5a51-5c57-9b1e-6a2f0e4d8c31")

# Orders per hour of the day (relative weights, hour 0 = the start time's hour of day): quiet nights,
# a lunchtime bump and an evening peak.
DEFAULT_HOURLY = (0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.0, 1.1, 1.2,
                  1.4, 1.3, 1.2, 1.2, 1.3, 1.5, 1.8, 2.1, 2.3, 2.0, 1.4, 0.7)
# Orders per day of the week (Monday first, relative to a mean of 1): busier weekends.
DEFAULT_WEEKLY = (0.9, 0.88, 0.9, 0.92, 1.0, 1.2, 1.2)
DEFAULT_STARS = {5: 0.70, 4: 0.15, 3: 0.06, 2: 0.04, 1: 0.05}
DEFAULT_CLAIM_OUTCOMES = {
    ClaimOutcome.GRANTED_AMAZON_FUNDED: 0.25,
    ClaimOutcome.GRANTED_SELLER_FUNDED: 0.30,
    ClaimOutcome.DENIED: 0.30,
    ClaimOutcome.WITHDRAWN: 0.15,
}

Rate = float  # a probability, 0..1


class SimConfig(msgspec.Struct, frozen=True, kw_only=True):
    """What to simulate. Rates are probabilities per order (or per message, per feedback) unless noted.

    Days are counted from `start`; day d covers [start + d days, start + d + 1 days). The hourly profile
    is read from `start`'s hour of day, so start at local midnight to make hour 0 midnight.
    """

    seed: int = 0
    sellers: list[str] = msgspec.field(default_factory=lambda: ["demo-seller"])
    start: datetime
    days: int = 14
    orders_per_day: float = 20.0  # per seller, averaged over the week
    hourly_weights: tuple[float, ...] = DEFAULT_HOURLY  # 24 relative weights
    weekday_factors: tuple[float, ...] = DEFAULT_WEEKLY  # 7 factors, Monday first
    afn_share: Rate = 0.4  # shipped by the fulfillment network
    prime_share: Rate = 0.5
    handling_days: int = 2  # MFN: the latest ship date is the end of the purchase day + this
    transit_days: tuple[int, int] = (2, 5)  # the delivery window after the latest ship date
    # MFN seller behaviour
    late_ship_rate: Rate = 0.02  # confirmed after the latest ship date
    cancel_rate: Rate = 0.01  # the seller cancels (no inventory): seller-faulted
    buyer_cancel_rate: Rate = 0.02  # the buyer asks to cancel before shipment (the seller approves)
    # carriers and delivery
    scan_rate: Rate = 0.97  # MFN packages the carrier scans (valid tracking)
    on_time_delivery_rate: Rate = 0.95  # delivered by the promised date
    # after delivery
    return_rate: Rate = 0.05  # MFN return requests; AFN customer returns
    refund_delay_hours: tuple[float, float] = (2.0, 40.0)  # the seller refunds a return this long after it is back
    claim_rate: Rate = 0.005  # A-to-z claims (more likely on late deliveries: x3)
    claim_response_rate: Rate = 0.8  # the seller responds to a claim
    claim_outcomes: dict[ClaimOutcome, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_CLAIM_OUTCOMES))
    feedback_rate: Rate = 0.08
    stars: dict[int, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_STARS))
    feedback_removed_rate: Rate = 0.2  # of negative (1-2 star) feedback
    message_rate: Rate = 0.1  # orders with a buyer message
    reply_rate: Rate = 0.9  # messages the seller ever replies to
    reply_mean_hours: float = 6.0  # replies come after an exponential delay with this mean (capped at 72 h)
    adjustments_per_day: float = 0.2  # FBA inventory adjustments (warehouse damage) per seller and day
    # FBA inbound: the seller restocks the network with an inbound plan every `inbound_every_days` (0: never,
    # and the network is assumed stocked). The first plan goes out at the start; until its stock can have
    # been received (`afn_from`) the seller ships every order itself.
    inbound_every_days: float = 7.0
    inbound_cover: float = 1.6  # units per plan: this many times the network's expected sales until the next
    inbound_transit_days: tuple[float, float] = (2.0, 4.0)
    inbound_shortage_rate: Rate = 0.12  # per shipment line: a few units are never located
    inbound_damaged_rate: Rate = 0.05  # per shipment line: a unit or two arrive damaged
    inbound_overage_rate: Rate = 0.02  # per shipment line: more units arrive than were listed
    reimbursement_rate: Rate = 0.8  # discrepancies the marketplace reimburses, days after the shipment closed
    # trouble: [first day, last day) ranges where things go wrong, so alerts fire
    bad_carrier_week: tuple[int, int] | None = None  # by ship day: scans and on-time delivery collapse
    bad_scan_rate: Rate = 0.6
    bad_on_time_rate: Rate = 0.5
    late_streak: tuple[int, int] | None = None  # by purchase day: the seller ships late a lot
    late_streak_rate: Rate = 0.3
    drain: bool = True  # keep yielding lifecycle steps after the last day (False: stop at start + days)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError("start must be an aware datetime")
        if not self.sellers or len(set(self.sellers)) != len(self.sellers):
            raise ValueError("sellers must be a non-empty list of distinct slugs")
        for seller in self.sellers:
            if not isinstance(seller, str) or not re.match(SELLER_PATTERN, seller):
                raise ValueError(f"bad seller slug {seller!r}")
        if self.days < 0 or self.orders_per_day < 0 or self.adjustments_per_day < 0 or self.inbound_every_days < 0:
            raise ValueError("days, orders_per_day, adjustments_per_day and inbound_every_days must not be negative")
        low, high = self.inbound_transit_days
        if not 0 < low <= high or self.inbound_cover <= 0:
            raise ValueError("inbound_transit_days needs 0 < low <= high, and inbound_cover must be positive")
        if len(self.hourly_weights) != 24 or len(self.weekday_factors) != 7:
            raise ValueError("hourly_weights needs 24 values and weekday_factors 7")
        if min(self.hourly_weights) < 0 or min(self.weekday_factors) < 0 or sum(self.hourly_weights) <= 0:
            raise ValueError("seasonality weights must not be negative")
        for name in ("afn_share", "prime_share", "late_ship_rate", "cancel_rate", "buyer_cancel_rate", "scan_rate",
                     "on_time_delivery_rate", "return_rate", "claim_rate", "claim_response_rate", "feedback_rate",
                     "feedback_removed_rate", "message_rate", "reply_rate", "bad_scan_rate", "bad_on_time_rate",
                     "late_streak_rate", "inbound_shortage_rate", "inbound_damaged_rate", "inbound_overage_rate",
                     "reimbursement_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0..1")
        if not self.stars or set(self.stars) - {1, 2, 3, 4, 5} or sum(self.stars.values()) <= 0:
            raise ValueError("stars maps 1..5 to weights")
        if not self.claim_outcomes or sum(self.claim_outcomes.values()) <= 0:
            raise ValueError("claim_outcomes needs positive weights")


    @property
    def afn_from(self) -> datetime:
        """When the network starts taking orders: at the start when it is assumed stocked, else once the
        first inbound plan's units can have been received (its slowest path: about 4 days plus transit)."""
        if self.inbound_every_days == 0:
            return self.start
        return self.start + timedelta(days=math.ceil(4 + self.inbound_transit_days[1]))


class SellerRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A request to a service: `req.<service>.<seller>.<verb>` with `body`.

    A request with `follow` has consequences that depend on the answer (the ids a service gives a plan's
    shipments, where the network allocated an order): `sellerops.simulator.domain.followups.respond` turns the
    answer into the next steps, and `context` carries what it needs to know of the asker."""

    service: str
    verb: str
    body: Any  # the request struct from sellerops.contracts
    follow: str | None = None
    context: dict[str, Any] = {}


class Step(msgspec.Struct, frozen=True, kw_only=True):
    """One thing that happens at `at`: a market fact (`payload` an Event with occurred_at == at), or a
    seller request or marketplace lookup (`payload` a SellerRequest)."""

    at: datetime
    seller: str
    # "request": the seller acts; "lookup": the marketplace reads what a service decided (where the network
    # allocated an order), standing for what the real marketplace knows itself
    kind: Literal["fact", "request", "lookup"]
    payload: Any  # Event | SellerRequest

    @property
    def subject(self) -> str:
        """Where it goes: the fact's event subject, or the request's `req.<service>.<seller>.<verb>`."""
        if self.kind == "fact":
            return self.payload.subject
        return request_subject(self.payload.service, self.seller, self.payload.verb)
