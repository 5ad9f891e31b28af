"""The composition root: the dependencies the handlers take (by parameter name), over the real adapters or over
the fakes a test passes in, and the deadline watches of the stock-moving aggregates."""

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from sellerops.contracts.market import DEFAULT_MARKETPLACE
from sellerops.contracts.orders import FillPolicy
from sellerops.fulfillment import handlers as h
from sellerops.fulfillment.adapters import (
    OUTBOUND, REMOVALS, SHIPMENTS, StreamLedger, buyer_regions_from_file, costs_from_file, default_buyer_regions,
    default_costs, default_network, locate, locate_destination, network_from_file, stores,
)
from sellerops.fulfillment.adapters.upgrade import upgrade_outboxes
from sellerops.fulfillment.domain import offers, outbound, shipments
from sellerops.fulfillment.domain.ledger_moves import LedgerMoves
from sellerops.fulfillment.domain.sourcing import SourcingStrategy
from sellerops.fulfillment.ports import CheckCarrier, Choose, Clock, LedgerReader, Locate, Place, Publisher, Store
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.plugins import loader
from sellerops.plugins.spec import PLACEMENT, SOURCING, Registry
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.effects import PendingEffects
from sellerops.runtime.host import Resources
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built


class Watch(NamedTuple):
    """A bucket's deadlines: the scheduler, and how its watch reads a record (state and pending effects)."""

    scheduler: DeadlineScheduler
    decode: Callable[[bytes], Any]


def build(*, stores: dict[str, Any], publish: Publisher, clock: Clock, place: Place, choose: Choose,
          locate: Locate, read_ledger: LedgerReader | None = None,
          shipment_policy: shipments.Policy = shipments.Policy(), outbound_policy: outbound.Policy = outbound.Policy(),
          check_carrier: CheckCarrier | None = None, afn_fill_policy: FillPolicy = FillPolicy.FILL_OR_KILL,
          compared: frozenset[str] = frozenset({DEFAULT_MARKETPLACE}), deadline_clock: Clock | None = None,
          demand_window_days: float = 90.0) -> tuple[Dependencies, dict[str, Watch]]:
    """`clock` stamps what requests do; deadlines go by `deadline_clock` (event time). Shipments, outbound and
    removal orders keep the ledger movements they decided as pending effects of their records (runtime.effects)."""
    timing = deadline_clock or clock
    stock: Store = stores["stock"]
    moving = Dependencies(stock=stock, publish=publish)

    def pending(name: str, carry_out: Callable[..., Any]) -> PendingEffects[Any, LedgerMoves]:
        return PendingEffects(stores[name], publish, timing, effect_type=LedgerMoves,
                              carry_out=moving.bind_effect(carry_out), release=moving.bind_effect(h.effects.release))

    shipments_store = pending("shipments", h.effects.carry_out)
    outbound_store = pending("outbound", h.outbound.carry_out)
    removals_store = pending("removals", h.effects.carry_out)
    deps = Dependencies(
        plans_store=stores["plans"], shipments_store=shipments_store, stock=stock, outbound_store=outbound_store,
        removals_store=removals_store, demand_store=stores.get("demand"), publish=publish, clock=clock, place=place,
        choose=choose, locate=locate, read_ledger=read_ledger, shipment_policy=shipment_policy,
        outbound_policy=outbound_policy, check_carrier=check_carrier, afn_fill_policy=afn_fill_policy,
        compared=compared, demand_window_days=demand_window_days)
    watches = {
        SHIPMENTS: _watch(shipments_store, partial(shipments.deadlines, policy=shipment_policy),
                          deps.bind_deadline(h.shipments.on_shipment_deadline), timing),
        OUTBOUND: _watch(outbound_store, partial(outbound.deadlines, policy=outbound_policy),
                         deps.bind_deadline(h.outbound.on_outbound_deadline), timing),
        REMOVALS: _watch(removals_store, None, None, timing),
    }
    return deps, watches


def _watch(store: PendingEffects[Any, Any], due_of: Callable[[Any], Any] | None, fire: Any, clock: Clock) -> Watch:
    """Deadlines of the aggregates in `store`: the domain's, and settling what a crash left pending."""
    return Watch(DeadlineScheduler(due_of=store.due_of(due_of), clock=clock, fire=store.fire(fire)),
                 store.decode_watched)


def load_placement(settings: FulfillmentSettings) -> Registry:
    return loader.load(PLACEMENT, Registry(PLACEMENT), allow=settings.runtime.plugins_allow)


async def build_from(resources: Resources, settings: FulfillmentSettings) -> Built:
    """Real adapters; the dependencies and the background jobs (a deadline watch and timer per bucket). Records
    an older version left with an outbox are upgraded first (adapters.upgrade)."""
    for bucket in (SHIPMENTS, OUTBOUND, REMOVALS):
        await upgrade_outboxes(resources.buckets[bucket], bucket)
    network = network_from_file(settings.network_file) if settings.network_file else default_network()
    costs = costs_from_file(settings.fees_file) if settings.fees_file else default_costs()
    buyers = buyer_regions_from_file(settings.buyers_file) if settings.buyers_file else default_buyer_regions()
    costs = dataclasses.replace(costs, buyers=buyers)  # placement options are priced at their landed cost
    strategies = load_placement(settings)
    sourcing = loader.load(SOURCING, Registry[SourcingStrategy](SOURCING),
                           allow=settings.runtime.plugins_allow).get(settings.sourcing)
    placer = offers.Placer(network=network, costs=costs, strategies=strategies, locate=locate,
                           ttl_hours=settings.option_ttl_hours, time_limit_s=settings.optimal_time_limit_s,
                           gap=settings.optimal_gap, window_days=settings.demand_window_days,
                           pseudo_units=settings.demand_pseudo_units)
    found = stores(resources.buckets, keep=settings.keep_processed, keep_stock=settings.keep_processed_stock)
    deps, watches = build(
        stores=found, publish=resources.publisher, clock=resources.clock, place=placer.place,
        choose=offers.chooser(sourcing, settings.sourcing, network), locate=locate_destination,
        read_ledger=StreamLedger(resources.js), shipment_policy=settings.shipment_policy(),
        outbound_policy=settings.outbound_policy(), deadline_clock=resources.stream_clock,
        compared=frozenset(settings.marketplaces), demand_window_days=settings.demand_window_days,
    )
    background = []
    for bucket, watch in watches.items():
        background += deadline_jobs(watch.scheduler, resources.buckets[bucket], watch.decode,
                                    settle_s=settings.runtime.delivery.deadline_settle_s,
                                    on_fired=resources.metrics.deadline if resources.metrics else None,
                                    partitions=resources.partitions)
    return Built(deps, background)
