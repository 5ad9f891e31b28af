"""A seeded, reproducible model of what happens to marketplace sellers over simulated time.

`simulate(config)` yields `Step`s in non-decreasing time: market facts (contract events, as an
integration would publish them) and the seller's own requests to the services (confirm a shipment,
reply to a buyer, refund a return, ...). It is pure: no I/O, no wall clock; all randomness comes from
one `random.Random` per seller, seeded from the config's seed and the seller's slug, so sellers are
independent of each other and the same config always gives the same steps.

Each order's whole lifecycle is drawn when it is placed and its future steps go on a heap; orders are
placed in time order, so the heap is drained up to each new placement and nothing comes out of order.
"""

import heapq
import math
import random
import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, UTC
from decimal import Decimal
from typing import Any, Literal

import msgspec

from sellerops.contracts.envelope import SELLER_PATTERN, Event
from sellerops.contracts.health import FeedbackReceived, FeedbackRemoved, OrderPackageScanned
from sellerops.contracts.inbound import CreateInboundPlan, PlanItem, ShipFrom, SizeTier
from sellerops.contracts.inventory import Bucket, GetOutboundOrder, InventoryAdjustmentReported
from sellerops.contracts.market import (
    Destination, FulfillmentChannel, Money, OrderBuyerCancelRequested, OrderItem, OrderPaymentAuthorized,
    OrderPlaced, Window,
)
from sellerops.contracts.notifications import ReplyToMessage
from sellerops.contracts.orders import (
    AnswerCancelRequest, CancelOrder, ConfirmShipment, PackageDetail, PackageItem, SellerCancelReason,
)
from sellerops.contracts.returns import (
    BuyerMessageReceived, ClaimDecisionReported, ClaimFiled, ClaimOutcome, ClaimReason, CustomerReturnReported,
    Disposition, OrderDelivered, RefundReturn, RespondToClaim, ReturnItem, ReturnItemDelivered, ReturnRequested,
)
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
    shipments, where the network allocated an order): `sellerops.simulator.followups.respond` turns the
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


# ---- tracking numbers ----


def ups_check_digit(body: str) -> str:
    """UPS's 1Z check digit over the 15 characters after "1Z" (letters count as (ord - 63) % 10,
    weights 1, 2, 1, ... from the left)."""
    total = sum((int(c) if c.isdigit() else (ord(c) - 63) % 10) * (1 if i % 2 == 0 else 2)
                for i, c in enumerate(body))
    return str((10 - total % 10) % 10)


_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ups_tracking_number(rng: random.Random, shipper: str) -> str:
    """A UPS 1Z number: 6-character shipper account, 2-digit service, 7-digit package, check digit."""
    if len(shipper) != 6:
        raise ValueError("the UPS shipper account has 6 characters")
    body = shipper + rng.choice(("01", "02", "03", "12")) + f"{rng.randrange(10**7):07d}"
    return "1Z" + body + ups_check_digit(body)


# ---- the seller's world ----


class Product(msgspec.Struct, frozen=True):
    sku: str
    asin: str
    title: str
    price: Decimal
    unit_weight_kg: float
    size_tier: SizeTier


_S, _L = SizeTier.SMALL_STANDARD, SizeTier.LARGE_STANDARD
# sku, title, price, unit weight (kg), size tier
PRODUCTS = [
    ("MUG-BLUE-12OZ", "Ceramic mug, blue, 12 oz", "14.99", 0.45, _L),
    ("MUG-RED-12OZ", "Ceramic mug, red, 12 oz", "14.99", 0.45, _L),
    ("TEA-SAMPLER", "Loose leaf tea sampler, 8 tins", "24.50", 0.6, _L),
    ("COASTER-CORK-6", "Cork coasters, set of 6", "9.99", 0.15, _S),
    ("KETTLE-GOOSE-1L", "Gooseneck kettle, 1 l", "39.00", 1.1, _L),
    ("TEAPOT-GLASS", "Glass teapot with infuser", "29.95", 0.8, _L),
    ("SPOON-SET-4", "Tea spoons, set of 4", "7.49", 0.1, _S),
    ("HONEY-RAW-500G", "Raw honey, 500 g", "12.00", 0.7, _L),
]
PRICES = {sku: Decimal(price) for sku, _, price, _, _ in PRODUCTS}
_WAREHOUSES = [("Main warehouse", "1200 Commerce Way", "Reno", "NV", "89502"),
               ("Back room", "48 Mill Street", "Burlington", "VT", "05401"),
               ("Unit 7", "3300 Industrial Blvd", "Columbus", "OH", "43219"),
               ("Dock B", "910 Harbor Road", "Savannah", "GA", "31401")]
# Lines and units of an average order (80% one line, 15% of lines carry 2-3 units): sizes a restock.
_UNITS_PER_ORDER = (0.8 * 1 + 0.2 * 2) * (0.85 + 0.15 * 2.5)
_DESTINATIONS = [("10001", "NY"), ("94103", "CA"), ("60614", "IL"), ("73301", "TX"), ("98101", "WA"),
                 ("33101", "FL"), ("02108", "MA"), ("80202", "CO"), ("30303", "GA"), ("85004", "AZ")]
_CENTERS = ["PHX7", "ONT8", "BFI4", "MDW2", "JFK8", "DFW7"]
_RETURN_REASONS = [("DEFECTIVE", "it stopped working after a week"), ("NO_LONGER_NEEDED", None),
                   ("DAMAGED_BY_CARRIER", "the box was crushed"), ("NOT_AS_DESCRIBED", "smaller than pictured"),
                   ("ORDERED_WRONG_ITEM", None)]
_DISPOSITIONS = [(Disposition.SELLABLE, 0.6), (Disposition.CUSTOMER_DAMAGED, 0.15), (Disposition.DEFECTIVE, 0.15),
                 (Disposition.CARRIER_DAMAGED, 0.05), (Disposition.FULFILLER_DAMAGED, 0.05)]
_MESSAGES = [
    ("Delivery date", "Hi, this is a gift for the weekend. Will it arrive by Friday? Thanks!"),
    ("Where is my order", "The tracking has not moved for two days. Can you check on it?"),
    ("Question about the item", "Is this dishwasher safe?"),
    ("Damaged item", "It arrived with a crack down the side. The box looked fine. What can I do?"),
    ("Thank you", "Just wanted to say thanks, it is lovely."),
]
_COMMENTS = {5: "Great seller, fast shipping.", 4: "Good, as described.", 3: "OK, took a while to arrive.",
             2: "Arrived late and the box was damaged.", 1: "Never again: late and broken."}


def _seller_rng(seed: int, seller: str) -> random.Random:
    """Independent per seller: a seller's steps do not change when other sellers are added."""
    return random.Random(f"sellerops-sim/{seed}/{seller}")


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation, plenty for volumes
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _pick(rng: random.Random, weights: dict[Any, float] | list[tuple[Any, float]]) -> Any:
    pairs = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _in(day: int, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= day < span[1]


class _Seller:
    """One seller's lifecycle generator: its RNG, counters, catalog and schedule."""

    def __init__(self, config: SimConfig, seller: str) -> None:
        self.config = config
        self.seller = seller
        self.rng = _seller_rng(config.seed, seller)
        self.counter = 0  # event ids and request ids
        self.orders = 0
        self.heap: list[tuple[datetime, int, str, Any]] = []
        self.seq = 0
        self.shipper = "".join(self.rng.choice(_ALNUM) for _ in range(6))
        self.tz = config.start.tzinfo
        self.products = [Product(sku, f"B0{self.rng.randrange(10**8):08d}", title, Decimal(price), weight, tier)
                         for sku, title, price, weight, tier in PRODUCTS]
        # inbound has its own stream of randomness, so switching it on or off leaves the orders as they were
        self.inbound_rng = random.Random(f"sellerops-sim/{config.seed}/{seller}/inbound")
        name, street, city, state, postal = self.inbound_rng.choice(_WAREHOUSES)
        self.ship_from = ShipFrom(name=f"{seller} {name.lower()}", address_line1=street, city=city,
                                  state_or_region=state, postal_code=postal)
        self.plans = 0

    # -- scheduling --

    def _next_id(self) -> uuid.UUID:
        self.counter += 1
        return uuid.uuid5(SIM_IDS, f"{self.config.seed}/{self.seller}/{self.counter}")

    def fact(self, cls: type[Event], at: datetime, **fields: Any) -> None:
        event = cls(event_id=self._next_id(), seller=self.seller, occurred_at=at, **fields)
        self._push(at, "fact", event)

    def request(self, at: datetime, service: str, verb: str, body: Any, *, kind: str = "request",
                follow: str | None = None, **context: Any) -> None:
        self._push(at, kind, SellerRequest(service=service, verb=verb, body=body, follow=follow, context=context))

    def request_id(self) -> str:
        return f"sim-{self._next_id().hex}"

    def _push(self, at: datetime, kind: str, payload: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, payload))

    def due(self, until: datetime | None) -> Iterator[tuple[datetime, int, str, Any]]:
        """Pop every scheduled step at or before `until` (all of them when None)."""
        while self.heap and (until is None or self.heap[0][0] <= until):
            yield heapq.heappop(self.heap)

    # -- time --

    def day_of(self, at: datetime) -> int:
        return math.floor((at - self.config.start) / timedelta(days=1))

    def end_of_local_day(self, at: datetime, plus_days: int) -> datetime:
        local = at.astimezone(self.tz)
        return local.replace(hour=23, minute=59, second=59, microsecond=0) + timedelta(days=plus_days)

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=round(self.rng.uniform(low, high) * 60))

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=round(self.rng.uniform(low, high) * 3600))

    # -- the world --

    def run(self) -> Iterator[Step]:
        config = self.config
        hourly = config.hourly_weights
        weekly_mean = sum(config.weekday_factors) / 7
        hourly_total = sum(hourly)
        for day in range(config.days):
            day_start = config.start + timedelta(days=day)
            factor = config.weekday_factors[day_start.weekday()] / weekly_mean if weekly_mean else 0.0
            timeline: list[tuple[datetime, str]] = []  # (at, "order" | "adjustment" | "inbound")
            for hour in range(24):
                lam = config.orders_per_day * factor * hourly[hour] / hourly_total
                for _ in range(_poisson(self.rng, lam)):
                    timeline.append((day_start + timedelta(hours=hour, seconds=self.rng.randrange(3600)), "order"))
            for _ in range(_poisson(self.rng, config.adjustments_per_day)):
                at = day_start + timedelta(seconds=self.rng.randrange(86400))
                if at >= config.afn_from:  # warehouse damage needs stock in the warehouses
                    timeline.append((at, "adjustment"))
            timeline.extend((at, "inbound") for at in self.plan_times(day_start))
            timeline.sort()
            for at, what in timeline:
                yield from self._steps(self.due(at))
                if what == "order":
                    self.place(at, day)
                elif what == "adjustment":
                    self.adjust(at)
                else:
                    self.inbound(at)
        end = None if config.drain else config.start + timedelta(days=config.days)
        for step in self._steps(self.due(end)):
            if end is not None and step.at >= end:
                break
            yield step

    def _steps(self, due: Iterator[tuple[datetime, int, str, Any]]) -> Iterator[Step]:
        for at, _, kind, payload in due:
            yield Step(at=at, seller=self.seller, kind=kind, payload=payload)

    # -- one order --

    def place(self, at: datetime, day: int) -> None:
        c, rng = self.config, self.rng
        self.orders += 1
        order_id = f"11{rng.randrange(1, 5)}-{self.orders:07d}-{rng.randrange(10**7):07d}"
        afn = rng.random() < c.afn_share and at >= c.afn_from
        items = []
        for product in rng.sample(self.products, 1 if rng.random() < 0.8 else 2):
            quantity = 1 if rng.random() < 0.85 else rng.randint(2, 3)
            items.append(OrderItem(order_item_id=f"{rng.randrange(10**13, 10**14)}", sku=product.sku,
                                   quantity=quantity, item_price=Money(product.price * quantity, "USD"),
                                   asin=product.asin, title=product.title))
        total = sum((item.item_price.amount for item in items), Decimal("0"))
        latest_ship = self.end_of_local_day(at, 1 if afn else c.handling_days)
        transit = (1, 2) if afn else c.transit_days
        first_delivery = self.end_of_local_day(latest_ship, transit[0] - 1) + timedelta(seconds=1)
        delivery_window = Window(first_delivery, self.end_of_local_day(latest_ship, transit[1]))
        postal, state = rng.choice(_DESTINATIONS)
        self.fact(OrderPlaced, at, order_id=order_id,
                  fulfillment_channel=FulfillmentChannel.AFN if afn else FulfillmentChannel.MFN,
                  purchased_at=at, items=items, ship_window=Window(at, latest_ship),
                  delivery_window=delivery_window, is_prime=rng.random() < c.prime_share,
                  ship_service_level="Expedited" if afn else "Standard",
                  destination=Destination(postal_code=postal, state_or_region=state))
        paid = at + self.minutes(0.5, 30)
        self.fact(OrderPaymentAuthorized, paid, order_id=order_id, authorized_at=paid)
        order = _Order(order_id, items, total, at, paid, latest_ship, delivery_window)
        if afn:
            self.afn(order)
        else:
            self.mfn(order, day)

    def mfn(self, order: "_Order", day: int) -> None:
        c, rng = self.config, self.rng
        window = order.latest_ship - order.paid
        r = rng.random()
        if r < c.buyer_cancel_rate:
            asked = order.paid + window * rng.uniform(0.05, 0.5)
            self.fact(OrderBuyerCancelRequested, asked, order_id=order.order_id)
            self.request(asked + self.hours(0.5, 6), "orders", "answer_cancel_request",
                         AnswerCancelRequest(order_id=order.order_id, approve=True, request_id=self.request_id()))
            return
        if r < c.buyer_cancel_rate + c.cancel_rate:
            self.request(order.paid + window * rng.uniform(0.1, 0.9), "orders", "cancel_order",
                         CancelOrder(order_id=order.order_id, reason=SellerCancelReason.NO_INVENTORY,
                                     request_id=self.request_id()))
            return
        late = rng.random() < (c.late_streak_rate if _in(day, c.late_streak) else c.late_ship_rate)
        if late:
            confirmed = order.latest_ship + self.hours(1, 48)
        else:
            confirmed = max(order.paid + window * rng.uniform(0.05, 0.95), order.paid + timedelta(minutes=10))
            confirmed = min(confirmed, order.latest_ship)
        # the ship date must be on or after the order date (in the order's zone) and not after the confirmation's
        # date in UTC or in that zone (whichever the services' clock reads): east of UTC, wait for UTC's day
        order_day = order.purchased_at.date()
        utc_midnight = datetime(order_day.year, order_day.month, order_day.day, tzinfo=UTC)
        if _utc_date(confirmed) < order_day:
            confirmed = utc_midnight + self.minutes(5, 90)
        ship_date = min(_utc_date(confirmed), confirmed.astimezone(self.tz).date())
        tracking = ups_tracking_number(rng, self.shipper)
        package = PackageDetail(carrier_code="UPS", carrier_name="UPS", tracking_number=tracking,
                                ship_date=ship_date, ship_method="UPS Ground",
                                items=[PackageItem(i.order_item_id, i.quantity) for i in order.items])
        self.request(confirmed, "orders", "confirm_shipment",
                     ConfirmShipment(order_id=order.order_id, package=package, request_id=self.request_id()))
        bad = _in(self.day_of(confirmed), c.bad_carrier_week)
        if rng.random() < (c.bad_scan_rate if bad else c.scan_rate):
            self.fact(OrderPackageScanned, confirmed + self.hours(1, 20), order_id=order.order_id,
                      tracking_number=tracking, carrier_code="UPS", scan="Origin Scan")
        on_time = rng.random() < (c.bad_on_time_rate if bad else c.on_time_delivery_rate)
        delivered = self.delivery_time(order, confirmed, on_time)
        self.fact(OrderDelivered, delivered, order_id=order.order_id, carrier_code="UPS", tracking_number=tracking,
                  proof="photo on delivery")
        self.after_delivery(order, delivered, afn=False, tracking=tracking)

    def afn(self, order: "_Order") -> None:
        c, rng = self.config, self.rng
        shipped = order.paid + self.hours(2, 20)
        tracking = f"TBA{rng.randrange(10**12):012d}"
        # the network ships from wherever the fulfillment service allocated the units: ask it, then report
        self.request(order.paid + self.hours(0.5, 2), "fulfillment", "get_outbound_order",
                     GetOutboundOrder(fulfillment_order_id=order.order_id), kind="lookup", follow="afn.ship",
                     order_id=order.order_id, tracking=tracking, shipped_at=shipped.isoformat(), attempt=1)
        delivered = self.delivery_time(order, shipped, rng.random() < c.on_time_delivery_rate)
        self.fact(OrderDelivered, delivered, order_id=order.order_id, carrier_code="Amazon Shipping",
                  tracking_number=tracking, proof="photo on delivery")
        self.after_delivery(order, delivered, afn=True, tracking=tracking)

    def delivery_time(self, order: "_Order", shipped: datetime, on_time: bool) -> datetime:
        window = order.delivery_window
        soonest = shipped + self.hours(20, 30)
        if on_time and soonest < window.latest:
            start = max(soonest, window.earliest)
            return start + (window.latest - start) * self.rng.uniform(0.0, 0.9)
        return max(soonest, window.latest + self.hours(2, 96))

    def after_delivery(self, order: "_Order", delivered: datetime, *, afn: bool, tracking: str) -> None:
        c, rng = self.config, self.rng
        late = delivered > order.delivery_window.latest
        if rng.random() < c.message_rate:
            self.message(order, order.paid + (delivered + timedelta(days=3) - order.paid) * rng.uniform(0.02, 1.0))
        if rng.random() < c.feedback_rate:
            self.feedback(order, delivered + self.hours(12, 14 * 24), late)
        if rng.random() < c.return_rate:
            if afn:
                self.customer_return(order, delivered + self.hours(3 * 24, 30 * 24))
            else:
                self.seller_return(order, delivered + self.hours(12, 20 * 24))
        if rng.random() < min(1.0, c.claim_rate * (3 if late else 1)):
            self.claim(order, delivered + self.hours(2 * 24, 20 * 24), late, None if afn else tracking)

    def message(self, order: "_Order", at: datetime) -> None:
        c, rng = self.config, self.rng
        message_id = "MSG-" + "".join(rng.choice(_ALNUM) for _ in range(8))
        subject, body = rng.choice(_MESSAGES)
        self.fact(BuyerMessageReceived, at, message_id=message_id, order_id=order.order_id,
                  title=f"{subject} (Order: {order.order_id})", body=body)
        if rng.random() < c.reply_rate:
            delay = min(rng.expovariate(1 / c.reply_mean_hours) if c.reply_mean_hours > 0 else 0.0, 72.0)
            replied = at + timedelta(seconds=max(300, round(delay * 3600)))
            self.request(replied, "notifications", "reply_to_message",
                         ReplyToMessage(message_id=message_id, replied_at=replied))

    def feedback(self, order: "_Order", at: datetime, late: bool) -> None:
        c, rng = self.config, self.rng
        rating = _pick(rng, c.stars)
        if late and rng.random() < 0.5:
            rating = min(rating, _pick(rng, {1: 0.5, 2: 0.3, 3: 0.2}))
        self.fact(FeedbackReceived, at, order_id=order.order_id, rating=rating, comment=_COMMENTS[rating])
        if rating <= 2 and rng.random() < c.feedback_removed_rate:
            self.fact(FeedbackRemoved, at + self.hours(24, 20 * 24), order_id=order.order_id,
                      reason=rng.choice(["Removed by the buyer", "Removed by Amazon: a fulfillment complaint"]))

    def seller_return(self, order: "_Order", at: datetime) -> None:
        c, rng = self.config, self.rng
        item = rng.choice(order.items)
        reason, comment = rng.choice(_RETURN_REASONS)
        return_id = f"RTN-{self.orders:06d}-{rng.randrange(10**4):04d}"
        self.fact(ReturnRequested, at, return_id=return_id, order_id=order.order_id, buyer_comment=comment,
                  items=[ReturnItem(order_item_id=item.order_item_id, sku=item.sku, quantity=1, reason=reason)])
        back = at + self.hours(3 * 24, 8 * 24)
        self.fact(ReturnItemDelivered, back, return_id=return_id,
                  tracking_number=ups_tracking_number(rng, self.shipper))
        self.request(back + self.hours(*c.refund_delay_hours), "returns", "refund_return",
                     RefundReturn(return_id=return_id, request_id=self.request_id()))

    def customer_return(self, order: "_Order", at: datetime) -> None:
        rng = self.rng
        item = rng.choice(order.items)
        reason, _ = rng.choice(_RETURN_REASONS)
        self.fact(CustomerReturnReported, at, return_id="LPN" + "".join(rng.choice(_ALNUM) for _ in range(10)),
                  order_id=order.order_id, sku=item.sku, center_id=rng.choice(_CENTERS), quantity=1,
                  disposition=_pick(rng, _DISPOSITIONS), reason=reason, order_item_id=item.order_item_id)

    def claim(self, order: "_Order", at: datetime, late: bool, tracking: str | None) -> None:
        c, rng = self.config, self.rng
        claim_id = f"AZ-{self.orders:06d}-{rng.randrange(10**4):04d}"
        reason = ClaimReason.NOT_RECEIVED if late else _pick(
            rng, {ClaimReason.NOT_AS_DESCRIBED: 0.5, ClaimReason.DAMAGED: 0.3, ClaimReason.OTHER: 0.2})
        amount = Money(order.total, "USD")
        self.fact(ClaimFiled, at, claim_id=claim_id, order_id=order.order_id, reason=reason, amount=amount,
                  buyer_comment="Not what I ordered." if reason is not ClaimReason.NOT_RECEIVED else "Never arrived.")
        decided = at + self.hours(3 * 24, 12 * 24)
        if tracking is not None and rng.random() < c.claim_response_rate:  # FBA claims are Amazon's to answer
            self.request(at + self.hours(4, 60), "returns", "respond_to_claim", RespondToClaim(
                claim_id=claim_id, message=f"Shipped on time with UPS {tracking}; tracking shows it delivered.",
                evidence=[f"tracking:{tracking}"]))
        outcome = _pick(rng, c.claim_outcomes)
        granted = outcome in (ClaimOutcome.GRANTED_AMAZON_FUNDED, ClaimOutcome.GRANTED_SELLER_FUNDED)
        self.fact(ClaimDecisionReported, decided, claim_id=claim_id, outcome=outcome, amount=amount if granted else None)

    # -- restocking the network --

    def plan_times(self, day_start: datetime) -> list[datetime]:
        """The inbound plans of this day: one every `inbound_every_days`, the first an hour after the start."""
        every = self.config.inbound_every_days
        if every == 0:
            return []
        first = self.config.start + timedelta(hours=1)
        day_end = day_start + timedelta(days=1)
        n = max(0, math.ceil((day_start - first) / timedelta(days=every)))
        times = []
        while (at := first + timedelta(days=every) * n) < day_end:
            times.append(at)
            n += 1
        return times

    def inbound(self, at: datetime) -> None:
        """Send enough units of every product to cover the network's expected sales until the next plan; the
        fulfillment service answers with placement options (followups: confirm the cheapest, ship, receive)."""
        c, rng = self.config, self.inbound_rng
        self.plans += 1
        per_sku = c.orders_per_day * c.afn_share * c.inbound_every_days * _UNITS_PER_ORDER / len(self.products)
        items = [PlanItem(sku=p.sku, quantity=max(6, round(per_sku * c.inbound_cover * rng.uniform(0.85, 1.15))),
                          unit_weight_kg=p.unit_weight_kg, size_tier=p.size_tier) for p in self.products]
        plan_id = f"sim-{self.seller}-plan-{self.plans:03d}"
        self.request(at, "fulfillment", "create_inbound_plan",
                     CreateInboundPlan(plan_id=plan_id, items=items, ship_from=self.ship_from,
                                       name=f"Restock {self.plans} ({at.date().isoformat()})"),
                     follow="inbound.confirm", plan_id=plan_id)

    def adjust(self, at: datetime) -> None:
        rng = self.rng
        self.fact(InventoryAdjustmentReported, at, adjustment_id=f"ADJ-{self._next_id().hex[:12]}",
                  sku=rng.choice(self.products).sku, center_id=rng.choice(_CENTERS), quantity=rng.randint(1, 2),
                  from_bucket=Bucket.FULFILLABLE, to_bucket=Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED, reason="E")


class _Order(msgspec.Struct, frozen=True):
    order_id: str
    items: list[OrderItem]
    total: Decimal
    purchased_at: datetime
    paid: datetime
    latest_ship: datetime
    delivery_window: Window


def _utc_date(at: datetime) -> date:
    return at.astimezone(UTC).date()


def simulate(config: SimConfig) -> Iterator[Step]:
    """Every step for every seller, in non-decreasing `at` (ties: sellers in config order, then the order
    they were scheduled in). Lazy: steps are generated as they are consumed."""
    streams = [_Seller(config, seller).run() for seller in config.sellers]
    return heapq.merge(*streams, key=lambda step: step.at)
