"""What the simulated marketplace does once a service has answered: pure functions of the answer.

Some consequences depend on what a service decided: the options it offered for an inbound plan, the ids
and centers of the shipments a confirmed placement created, the centers the network allocated an order
from. The model marks such requests with `follow`; `respond(config, step, answer)` turns the answer into
the next steps, and `Timeline` merges them into the model's own steps in time order for a driver
(`sellerops demo`, `sellerops simulate`) that sends each request and hands back its answer.

Follow-ups are as reproducible as the model: their randomness is seeded from the seed, the seller and what
they follow (a plan, an order), never from the order in which answers arrive, so the same answers give the
same steps.
"""

import heapq
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import NetworkPackage
from sellerops.contracts.inbound import (
    ConfirmPlacement, InboundPlanView, InboundReceiptReported, InboundShipmentStatusReported, PlacedShipment,
    ReceiptLine, ReimbursementIssued, ShipmentStatus, UpdateShipment,
)
from sellerops.contracts.inventory import GetOutboundOrder, OutboundOrderView, OutboundShipmentReported
from sellerops.contracts.market import Money
from sellerops.contracts.orders import PackageItem
from sellerops.simulator.domain.config import SIM_IDS, SellerRequest, SimConfig, Step
from sellerops.simulator.domain.seller import simulate
from sellerops.simulator.domain.tracking import ups_tracking_number
from sellerops.simulator.domain.world import PRICES

__all__ = ["Timeline", "respond"]

AFN_RETRY = timedelta(hours=12)  # an order the network could not allocate yet is looked at again
AFN_ATTEMPTS = 14  # a week of looking
REIMBURSED_SHARE = Decimal("0.55")  # of the item price, per unit (Amazon's estimated value less fees)


class _Later:
    """Builds the steps of one follow-up with its own seeded randomness and event ids."""

    def __init__(self, config: SimConfig, step: Step, key: str) -> None:
        self.seller = step.seller
        self.key = f"{config.seed}/{step.seller}/{key}"
        self.rng = random.Random(f"sellerops-sim/{self.key}")
        self.steps: list[Step] = []
        self.n = 0

    def fact(self, cls: type[Event], at: datetime, **fields: Any) -> None:
        self.n += 1
        event = cls(event_id=uuid.uuid5(SIM_IDS, f"{self.key}/{self.n}"), seller=self.seller, occurred_at=at,
                    **fields)
        self.steps.append(Step(at=at, seller=self.seller, kind="fact", payload=event))

    def request(self, at: datetime, service: str, verb: str, body: Any, *,
                kind: Literal["request", "lookup"] = "request",
                follow: str | None = None, **context: Any) -> None:
        self.steps.append(Step(at=at, seller=self.seller, kind=kind, payload=SellerRequest(
            service=service, verb=verb, body=body, follow=follow, context=context)))

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=round(self.rng.uniform(low, high) * 3600))


def respond(config: SimConfig, step: Step, answer: bytes | None) -> list[Step]:
    """The steps `step`'s answer leads to (`answer` None: the service refused or did not answer). Every step
    returned comes after `step`."""
    request: SellerRequest = step.payload
    follow = _FOLLOW_UPS.get(request.follow) if step.kind != "fact" and request.follow is not None else None
    if follow is None:
        return []
    steps = follow(config, step, request.context, answer)
    assert all(s.at > step.at for s in steps), "a follow-up comes after what it follows"
    return steps


def _decoded(answer: bytes | None, kind: type) -> Any:
    return None if answer is None else msgspec.json.decode(answer, type=kind)


# ---- inbound plans: confirm the cheapest placement, ship, receive, reconcile ----


def _confirm_cheapest(config: SimConfig, step: Step, context: dict[str, Any], answer: bytes | None) -> list[Step]:
    view: InboundPlanView | None = _decoded(answer, InboundPlanView)
    if view is None or not view.options:
        return []
    cheapest = min(view.options, key=lambda o: ((o.landed_cost or o.total_cost).amount, o.option_id))  # landed
    later = _Later(config, step, f"{view.plan_id}/confirm")
    later.request(step.at + later.hours(0.3, 2), "fulfillment", "confirm_placement_option",
                  ConfirmPlacement(plan_id=view.plan_id, option_id=cheapest.option_id), follow="inbound.ship",
                  plan_id=view.plan_id)
    return later.steps


def _ship_and_receive(config: SimConfig, step: Step, context: dict[str, Any], answer: bytes | None) -> list[Step]:
    view: InboundPlanView | None = _decoded(answer, InboundPlanView)
    if view is None or view.confirmed_option_id is None:
        return []
    option = next(o for o in view.options if o.option_id == view.confirmed_option_id)
    later = _Later(config, step, f"{view.plan_id}/ship")
    shipper = "".join(later.rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(6))
    for shipment in option.shipments:
        _one_shipment(config, later, step.at, shipment, shipper)
    return later.steps


def _one_shipment(config: SimConfig, later: _Later, confirmed: datetime, shipment: PlacedShipment,
                  shipper: str) -> None:
    """The seller prints labels and hands the boxes to UPS; the carrier and the center report the rest. Each
    line may come up short (units never located), partly damaged, or over; what is short or damaged may be
    reimbursed once the shipment has closed and the fulfillment service has opened its case."""
    c, rng, sid = config, later.rng, shipment.shipment_id
    ready = confirmed + later.hours(2, 20)
    later.request(ready, "fulfillment", "update_inbound_shipment",
                  UpdateShipment(shipment_id=sid, status=ShipmentStatus.READY_TO_SHIP))
    shipped = ready + later.hours(2, 24)
    later.request(shipped, "fulfillment", "update_inbound_shipment",
                  UpdateShipment(shipment_id=sid, status=ShipmentStatus.SHIPPED, carrier_code="UPS",
                                 tracking_number=ups_tracking_number(rng, shipper)))
    in_transit = shipped + later.hours(3, 12)
    later.fact(InboundShipmentStatusReported, in_transit, shipment_id=sid, status=ShipmentStatus.IN_TRANSIT)
    delivered = in_transit + timedelta(days=rng.uniform(*c.inbound_transit_days))
    later.fact(InboundShipmentStatusReported, delivered, shipment_id=sid, status=ShipmentStatus.DELIVERED,
               proof_of_delivery=f"POD-{rng.randrange(10**9):09d}")
    checked_in = delivered + later.hours(2, 24)
    later.fact(InboundShipmentStatusReported, checked_in, shipment_id=sid, status=ShipmentStatus.CHECKED_IN)

    arrived: list[tuple[str, int, int]] = []  # (sku, good units, damaged units)
    claims: list[tuple[str, int, str]] = []  # (sku, units, reason) the marketplace may reimburse
    for units in shipment.items:
        short = rng.randint(1, max(1, units.quantity // 10)) if rng.random() < c.inbound_shortage_rate else 0
        damaged = rng.randint(1, 2) if rng.random() < c.inbound_damaged_rate else 0
        damaged = min(damaged, units.quantity - short)
        over = rng.randint(1, 3) if rng.random() < c.inbound_overage_rate else 0
        arrived.append((units.sku, units.quantity - short - damaged + over, damaged))
        claims += [(units.sku, short, "Lost_Inbound")] if short else []
        claims += [(units.sku, damaged, "Damaged_Inbound")] if damaged else []

    receipts = rng.choice((1, 2, 2, 3))  # received in a few passes over a day or three
    at = checked_in
    for n in range(receipts):
        at += later.hours(4, 24)
        lines = [ReceiptLine(sku=sku, received=_part(good, n, receipts), damaged=_part(bad, n, receipts))
                 for sku, good, bad in arrived]
        lines = [line for line in lines if line.received or line.damaged]
        if lines:
            later.fact(InboundReceiptReported, at, shipment_id=sid, receipt_id=f"{sid}-R{n + 1}", lines=lines)
    closed = at + later.hours(12, 72)
    later.fact(InboundShipmentStatusReported, closed, shipment_id=sid, status=ShipmentStatus.CLOSED)
    for n, (sku, lost, reason) in enumerate(claims, start=1):
        if rng.random() < c.reimbursement_rate:
            amount = (PRICES.get(sku, Decimal("10")) * REIMBURSED_SHARE * lost).quantize(Decimal("0.01"))
            later.fact(ReimbursementIssued, closed + timedelta(days=rng.uniform(3, 14)),
                       reimbursement_id=f"{sid}-RB{n}", sku=sku, quantity_cash=lost, amount=Money(amount, "USD"),
                       reason=reason, shipment_id=sid)


def _part(total: int, n: int, parts: int) -> int:
    """The n-th of `parts` near-equal shares of `total` (the shares add up to it)."""
    return total * (n + 1) // parts - total * n // parts


# ---- AFN orders: the network ships from where the units were allocated ----


def _ship_afn_order(config: SimConfig, step: Step, context: dict[str, Any], answer: bytes | None) -> list[Step]:
    view: OutboundOrderView | None = _decoded(answer, OutboundOrderView)
    order_id, attempt = context["order_id"], context["attempt"]
    later = _Later(config, step, f"{order_id}/afn/{attempt}")
    unshipped: dict[str, list[PackageItem]] = {}
    if view is not None:
        shipped = {(a.item_id, a.center_id): a.quantity for a in view.shipped}
        for a in view.allocations:
            left = a.quantity - shipped.get((a.item_id, a.center_id), 0)
            if left > 0:
                unshipped.setdefault(a.center_id, []).append(PackageItem(a.item_id, left))
    when = max(step.at + later.hours(0.2, 2), datetime.fromisoformat(context["shipped_at"]))
    for n, (center, items) in enumerate(sorted(unshipped.items())):
        # the delivery the model drew carries the first package's number; any other package (another center,
        # units allocated on a later look) has its own, or the fulfillment service would take it for a repeat
        first = n == 0 and attempt == 1
        tracking = context["tracking"] if first else f"TBA{later.rng.randrange(10**12):012d}"
        later.fact(OutboundShipmentReported, when, fulfillment_order_id=order_id, center_id=center,
                   package=NetworkPackage(carrier_code="AMZN_US", tracking_number=tracking, shipped_at=when,
                                          items=items))
    waiting = view is None or bool(view.shortfalls)  # not released yet, or back-ordered until stock arrives
    if waiting and attempt < AFN_ATTEMPTS:
        later.request(step.at + AFN_RETRY, "fulfillment", "get_outbound_order",
                      GetOutboundOrder(fulfillment_order_id=order_id), kind="lookup", follow="afn.ship",
                      **{**context, "attempt": attempt + 1})
    return later.steps


_FOLLOW_UPS: dict[str, Callable[[SimConfig, Step, dict[str, Any], bytes | None], list[Step]]] = {
    "inbound.confirm": _confirm_cheapest,
    "inbound.ship": _ship_and_receive,
    "afn.ship": _ship_afn_order,
}


class Timeline:
    """The steps of every config plus the follow-ups of the answers handed to `answered`, in non-decreasing
    time. Iterate it while answering: a follow-up is yielded in its place once its step has been answered."""

    def __init__(self, configs: list[SimConfig]) -> None:
        self._configs = {seller: config for config in configs for seller in config.sellers}
        self._main = heapq.merge(*(simulate(c) for c in configs), key=lambda s: s.at)
        self._later: list[tuple[datetime, int, Step]] = []
        self._seq = 0

    def __iter__(self) -> Iterator[Step]:
        upcoming = next(self._main, None)
        while upcoming is not None or self._later:
            if self._later and (upcoming is None or self._later[0][0] < upcoming.at):
                yield heapq.heappop(self._later)[2]
            else:
                assert upcoming is not None, "no later step is due first, so the main stream has one"
                yield upcoming
                upcoming = next(self._main, None)

    def answered(self, step: Step, answer: bytes | None) -> None:
        """`step` was sent and answered (`answer` None: refused): schedule what follows from it. Without
        `drain`, nothing is scheduled past the config's last day."""
        config = self._configs[step.seller]
        end = None if config.drain else config.start + timedelta(days=config.days)
        for later in respond(config, step, answer):
            if end is None or later.at < end:
                self._seq += 1
                heapq.heappush(self._later, (later.at, self._seq, later))
