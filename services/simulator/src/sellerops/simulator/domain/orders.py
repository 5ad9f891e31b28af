"""One order's whole lifecycle, drawn when it is placed: payment, shipping (the seller's or the network's),
delivery, then messages, feedback, returns and claims."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import msgspec

from sellerops.contracts.health import FeedbackReceived, FeedbackRemoved, OrderPackageScanned
from sellerops.contracts.inventory import GetOutboundOrder
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
    OrderDelivered, RefundReturn, RespondToClaim, ReturnItem, ReturnItemDelivered, ReturnRequested,
)
from sellerops.simulator.domain.chance import in_span, pick
from sellerops.simulator.domain.schedule import Schedule
from sellerops.simulator.domain.tracking import ALNUM, ups_tracking_number
from sellerops.simulator.domain.world import CENTERS, COMMENTS, DESTINATIONS, DISPOSITIONS, MESSAGES, RETURN_REASONS


class OrderLife(Schedule):
    """What happens to one order (MFN: the seller ships; AFN: the network ships)."""

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
        postal, state = rng.choice(DESTINATIONS)
        self.fact(OrderPlaced, at, order_id=order_id,
                  fulfillment_channel=FulfillmentChannel.AFN if afn else FulfillmentChannel.MFN,
                  purchased_at=at, items=items, ship_window=Window(at, latest_ship),
                  delivery_window=delivery_window, is_prime=rng.random() < c.prime_share,
                  ship_service_level="Expedited" if afn else "Standard",
                  destination=Destination(postal_code=postal, state_or_region=state))
        paid = at + self.minutes(0.5, 30)
        self.fact(OrderPaymentAuthorized, paid, order_id=order_id, authorized_at=paid)
        order = Order(order_id, items, total, at, paid, latest_ship, delivery_window)
        if afn:
            self.afn(order)
        else:
            self.mfn(order, day)

    def mfn(self, order: "Order", day: int) -> None:
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
        late = rng.random() < (c.late_streak_rate if in_span(day, c.late_streak) else c.late_ship_rate)
        if late:
            confirmed = order.latest_ship + self.hours(1, 48)
        else:
            confirmed = max(order.paid + window * rng.uniform(0.05, 0.95), order.paid + timedelta(minutes=10))
            confirmed = min(confirmed, order.latest_ship)
        # the ship date must be on or after the order date (in the order's zone) and not after the confirmation's
        # date in UTC or in that zone (whichever the services' clock reads): east of UTC, wait for UTC's day
        order_day = order.purchased_at.date()
        utc_midnight = datetime(order_day.year, order_day.month, order_day.day, tzinfo=UTC)
        if utc_date(confirmed) < order_day:
            confirmed = utc_midnight + self.minutes(5, 90)
        ship_date = min(utc_date(confirmed), confirmed.astimezone(self.tz).date())
        tracking = ups_tracking_number(rng, self.shipper)
        package = PackageDetail(carrier_code="UPS", carrier_name="UPS", tracking_number=tracking,
                                ship_date=ship_date, ship_method="UPS Ground",
                                items=[PackageItem(i.order_item_id, i.quantity) for i in order.items])
        self.request(confirmed, "orders", "confirm_shipment",
                     ConfirmShipment(order_id=order.order_id, package=package, request_id=self.request_id()))
        bad = in_span(self.day_of(confirmed), c.bad_carrier_week)
        if rng.random() < (c.bad_scan_rate if bad else c.scan_rate):
            self.fact(OrderPackageScanned, confirmed + self.hours(1, 20), order_id=order.order_id,
                      tracking_number=tracking, carrier_code="UPS", scan="Origin Scan")
        on_time = rng.random() < (c.bad_on_time_rate if bad else c.on_time_delivery_rate)
        delivered = self.delivery_time(order, confirmed, on_time)
        self.fact(OrderDelivered, delivered, order_id=order.order_id, carrier_code="UPS", tracking_number=tracking,
                  proof="photo on delivery")
        self.after_delivery(order, delivered, afn=False, tracking=tracking)

    def afn(self, order: "Order") -> None:
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

    def delivery_time(self, order: "Order", shipped: datetime, on_time: bool) -> datetime:
        window = order.delivery_window
        soonest = shipped + self.hours(20, 30)
        if on_time and soonest < window.latest:
            start = max(soonest, window.earliest)
            return start + (window.latest - start) * self.rng.uniform(0.0, 0.9)
        return max(soonest, window.latest + self.hours(2, 96))

    def after_delivery(self, order: "Order", delivered: datetime, *, afn: bool, tracking: str) -> None:
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

    def message(self, order: "Order", at: datetime) -> None:
        c, rng = self.config, self.rng
        message_id = "MSG-" + "".join(rng.choice(ALNUM) for _ in range(8))
        subject, body = rng.choice(MESSAGES)
        self.fact(BuyerMessageReceived, at, message_id=message_id, order_id=order.order_id,
                  title=f"{subject} (Order: {order.order_id})", body=body)
        if rng.random() < c.reply_rate:
            delay = min(rng.expovariate(1 / c.reply_mean_hours) if c.reply_mean_hours > 0 else 0.0, 72.0)
            replied = at + timedelta(seconds=max(300, round(delay * 3600)))
            self.request(replied, "notifications", "reply_to_message",
                         ReplyToMessage(message_id=message_id, replied_at=replied))

    def feedback(self, order: "Order", at: datetime, late: bool) -> None:
        c, rng = self.config, self.rng
        rating = pick(rng, c.stars)
        if late and rng.random() < 0.5:
            rating = min(rating, pick(rng, {1: 0.5, 2: 0.3, 3: 0.2}))
        self.fact(FeedbackReceived, at, order_id=order.order_id, rating=rating, comment=COMMENTS[rating])
        if rating <= 2 and rng.random() < c.feedback_removed_rate:
            self.fact(FeedbackRemoved, at + self.hours(24, 20 * 24), order_id=order.order_id,
                      reason=rng.choice(["Removed by the buyer", "Removed by Amazon: a fulfillment complaint"]))

    def seller_return(self, order: "Order", at: datetime) -> None:
        c, rng = self.config, self.rng
        item = rng.choice(order.items)
        reason, comment = rng.choice(RETURN_REASONS)
        return_id = f"RTN-{self.orders:06d}-{rng.randrange(10**4):04d}"
        self.fact(ReturnRequested, at, return_id=return_id, order_id=order.order_id, buyer_comment=comment,
                  items=[ReturnItem(order_item_id=item.order_item_id, sku=item.sku, quantity=1, reason=reason)])
        back = at + self.hours(3 * 24, 8 * 24)
        self.fact(ReturnItemDelivered, back, return_id=return_id,
                  tracking_number=ups_tracking_number(rng, self.shipper))
        self.request(back + self.hours(*c.refund_delay_hours), "returns", "refund_return",
                     RefundReturn(return_id=return_id, request_id=self.request_id()))

    def customer_return(self, order: "Order", at: datetime) -> None:
        rng = self.rng
        item = rng.choice(order.items)
        reason, _ = rng.choice(RETURN_REASONS)
        self.fact(CustomerReturnReported, at, return_id="LPN" + "".join(rng.choice(ALNUM) for _ in range(10)),
                  order_id=order.order_id, sku=item.sku, center_id=rng.choice(CENTERS), quantity=1,
                  disposition=pick(rng, DISPOSITIONS), reason=reason, order_item_id=item.order_item_id)

    def claim(self, order: "Order", at: datetime, late: bool, tracking: str | None) -> None:
        c, rng = self.config, self.rng
        claim_id = f"AZ-{self.orders:06d}-{rng.randrange(10**4):04d}"
        reason = ClaimReason.NOT_RECEIVED if late else pick(
            rng, {ClaimReason.NOT_AS_DESCRIBED: 0.5, ClaimReason.DAMAGED: 0.3, ClaimReason.OTHER: 0.2})
        amount = Money(order.total, "USD")
        self.fact(ClaimFiled, at, claim_id=claim_id, order_id=order.order_id, reason=reason, amount=amount,
                  buyer_comment="Not what I ordered." if reason is not ClaimReason.NOT_RECEIVED else "Never arrived.")
        decided = at + self.hours(3 * 24, 12 * 24)
        if tracking is not None and rng.random() < c.claim_response_rate:  # FBA claims are Amazon's to answer
            self.request(at + self.hours(4, 60), "returns", "respond_to_claim", RespondToClaim(
                claim_id=claim_id, message=f"Shipped on time with UPS {tracking}; tracking shows it delivered.",
                evidence=[f"tracking:{tracking}"]))
        outcome = pick(rng, c.claim_outcomes)
        granted = outcome in (ClaimOutcome.GRANTED_AMAZON_FUNDED, ClaimOutcome.GRANTED_SELLER_FUNDED)
        self.fact(ClaimDecisionReported, decided, claim_id=claim_id, outcome=outcome, amount=amount if granted else None)


class Order(msgspec.Struct, frozen=True):
    order_id: str
    items: list[OrderItem]
    total: Decimal
    purchased_at: datetime
    paid: datetime
    latest_ship: datetime
    delivery_window: Window


def utc_date(at: datetime) -> date:
    return at.astimezone(UTC).date()
