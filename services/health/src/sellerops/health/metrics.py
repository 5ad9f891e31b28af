"""The built-in account-health metrics, registered under `sellerops.metrics` like any third-party one.

Definitions and defaults per docs/domain.md ("Account health"), from Seller Central's help pages:

- Order Defect Rate: orders with at least one defect (negative feedback of 1-2 stars not removed, an
  A-to-z claim that counts, a chargeback that counts) over orders, by order date, 60 days, under 1%;
  seller-fulfilled (mfn) and FBA (afn) apart. An order counts once however many defects it has; each
  component is counted too.
- Late Shipment Rate (10 and 30 days, under 4%): seller-fulfilled orders ship-confirmed after their latest
  ship date over the seller-fulfilled orders ship-confirmed, by the latest ship date. An order never
  confirmed is not in it: canceled (by the marketplace for the missing confirmation, by the seller, for the
  buyer), it is in the cancel measures instead, so no order is both late and canceled.
- Pre-fulfillment Cancel Rate (7 days, under 2.5%): seller-fulfilled orders canceled by the seller or
  by the marketplace for a missing confirmation, over seller-fulfilled orders, by order date; a cancel
  the buyer asked for is excluded (the orders service says so with `counts_against_seller`).
- Valid Tracking Rate (7 and 30 days, at least 95%): seller-fulfilled packages with at least one carrier
  scan (or a delivery scan) over packages confirmed, by the promised delivery date (the order's latest
  delivery date; the confirmation date when the order had none), the window ending 14 days before the
  as-of day as the marketplace's own data does. Window and lag are per-seller settings (`lag_days`).
- On-Time Delivery Rate (30 days, at least 97%, configurable): seller-fulfilled packages with valid
  tracking delivered by the promised date over those delivered, by promised delivery date (the delivery
  date when the order had no promise). A package not yet delivered is not counted yet.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sellerops.contracts.health import Measure, OrderFacts, PackageFacts, Target, TargetCondition
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.returns import ClaimKind
from sellerops.health.contact import CONTACT
from sellerops.plugins.metrics import Metric, RatioMetric, Window, measure_of, report_body
from sellerops.plugins.spec import Registry

MFN, AFN = FulfillmentChannel.MFN, FulfillmentChannel.AFN
UNDER = TargetCondition.LESS_THAN
AT_LEAST = TargetCondition.GREATER_THAN


def _day(when: datetime) -> date:
    return when.date()


@dataclass(frozen=True)
class OrderDefectRate:
    name: str = "orderDefectRate"
    title: str = "Order Defect Rate"
    definition: str = ("orders with at least one defect (negative feedback, an A-to-z claim or a chargeback that "
                       "counts) over orders, by order date; seller-fulfilled and FBA apart")
    window_days: int = 60
    target: Target = Target(value=0.01, condition=UNDER)

    def counts(self, order: OrderFacts) -> Iterable[tuple[date, str]]:
        if order.purchased_at is None or order.channel is None:
            return []
        day, ch = _day(order.purchased_at), order.channel.value.lower()
        claims = bool(order.claims_counting(ClaimKind.A_TO_Z))
        chargebacks = bool(order.claims_counting(ClaimKind.CHARGEBACK))
        negative = order.negative_feedback()
        found = [(day, f"orders.{ch}")]
        found += [(day, f"{name}.{ch}") for name, present in (
            ("claims", claims), ("chargebacks", chargebacks), ("negativeFeedback", negative),
            ("defects", claims or chargebacks or negative)) if present]
        return found

    def measure(self, sums: Mapping[str, int], window: Window) -> list[Measure]:
        return [measure_of(key=f"{self.name}.{ch}", metric=self, numerator=sums.get(f"defects.{ch}", 0),
                           denominator=sums.get(f"orders.{ch}", 0), window=window,
                           title=f"{self.title} ({'seller-fulfilled' if ch == 'mfn' else 'FBA'})")
                for ch in ("mfn", "afn")]

    def section(self, measures: list[Measure], sums: Mapping[str, int]) -> dict[str, Any]:
        body = {}
        for m in measures:
            ch = m.key.rsplit(".", 1)[1]
            component = {name: {"count": sums.get(f"{name}.{ch}", 0), "status": "NONE"}
                         for name in ("claims", "chargebacks", "negativeFeedback")}
            section = report_body(m, orderCount=m.denominator)
            body[ch] = {"reportingDateRange": section.pop("reportingDateRange"), "orderCount": m.denominator,
                        "orderWithDefects": {"count": m.numerator, "status": m.status.value}, **component,
                        "fulfillmentType": ch, **{k: v for k, v in section.items() if k != "orderCount"}}
        return {self.name: body}


def _late_shipment(order: OrderFacts) -> list[tuple[date, str]]:
    """Ship-confirmed seller-fulfilled orders only: an unconfirmed one waits, a canceled one is a cancel."""
    if order.channel is not MFN or order.latest_ship_date is None or order.shipped_at is None:
        return []
    day = _day(order.latest_ship_date)
    return [(day, "orders")] + ([(day, "late")] if order.late_shipment else [])


def _cancellation(order: OrderFacts) -> list[tuple[date, str]]:
    if order.channel is not MFN or order.purchased_at is None:
        return []
    day = _day(order.purchased_at)
    return [(day, "orders")] + ([(day, "canceled")] if order.cancel_counts else [])


def _valid(p: PackageFacts) -> bool:
    return p.scanned_at is not None or p.delivered_at is not None


def _tracking(order: OrderFacts) -> list[tuple[date, str]]:
    if order.channel is not MFN:
        return []
    found = []
    for p in order.packages:
        day = _day(order.latest_delivery_date or p.confirmed_at)  # the policy's date: the promised delivery
        found.append((day, "shipments"))
        if _valid(p):
            found.append((day, "valid"))
    return found


def _on_time(order: OrderFacts) -> list[tuple[date, str]]:
    if order.channel is not MFN:
        return []
    found = []
    for p in order.packages:
        if not _valid(p) or p.delivered_at is None:
            continue
        promised = order.latest_delivery_date
        day = _day(promised or p.delivered_at)
        found.append((day, "tracked"))
        if promised is None or p.delivered_at <= promised:
            found.append((day, "onTime"))
    return found


def late_shipment_rate(days: int, name: str) -> RatioMetric:
    return RatioMetric(
        name=name, title=f"Late Shipment Rate ({days} days)",
        definition="seller-fulfilled orders ship-confirmed after the latest ship date over orders ship-confirmed, "
                   "by latest ship date",
        window_days=days, target=Target(value=0.04, condition=UNDER), count=_late_shipment,
        numerator="late", denominator="orders", numerator_field="lateShipmentCount", denominator_field="orderCount")


VALID_TRACKING_LAG_DAYS = 14  # the marketplace shows tracking data about two weeks old


def valid_tracking_rate(days: int, name: str) -> RatioMetric:
    return RatioMetric(
        name=name, title=f"Valid Tracking Rate ({days} days)",
        definition="seller-fulfilled packages with at least one carrier scan over packages confirmed, by promised "
                   f"delivery date, the {days} days ending {VALID_TRACKING_LAG_DAYS} days before (the marketplace's lag)",
        window_days=days, target=Target(value=0.95, condition=AT_LEAST), count=_tracking,
        numerator="valid", denominator="shipments", numerator_field="validTrackingCount",
        denominator_field="shipmentCount", lag_days=VALID_TRACKING_LAG_DAYS)


BUILT_IN: tuple[Metric, ...] = (
    OrderDefectRate(),
    late_shipment_rate(30, "lateShipmentRate"),
    late_shipment_rate(10, "lateShipmentRate10Day"),
    RatioMetric(
        name="preFulfillmentCancellationRate", title="Pre-fulfillment Cancel Rate",
        definition="seller-fulfilled orders canceled by the seller (buyer requests excluded) over orders, by order date",
        window_days=7, target=Target(value=0.025, condition=UNDER), count=_cancellation,
        numerator="canceled", denominator="orders", numerator_field="cancellationCount",
        denominator_field="orderCount"),
    valid_tracking_rate(30, "validTrackingRate"),
    valid_tracking_rate(7, "validTrackingRate7Day"),
    RatioMetric(
        name="onTimeDeliveryRate", title="On-Time Delivery Rate",
        definition="tracked seller-fulfilled packages delivered by the promised date over those delivered",
        window_days=30, target=Target(value=0.97, condition=AT_LEAST), count=_on_time,
        numerator="onTime", denominator="tracked", numerator_field="onTimeDeliveryCount",
        denominator_field="shipmentCountWithValidTracking"),
    *CONTACT,  # contactResponseRate7Day, 30Day, 90Day (sellerops.health.contact)
)


def register(registry: Registry[Metric]) -> None:
    for metric in BUILT_IN:
        registry.add(metric.name, metric)
