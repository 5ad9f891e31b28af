"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

import dataclasses
from functools import partial

from sellerops.contracts.market import DEFAULT_MARKETPLACE
from sellerops.contracts.orders import FillPolicy
from sellerops.fulfillment.adapters import (
    OUTBOUND, REMOVALS, SHIPMENTS, StreamLedger, buyer_regions_from_file, costs_from_file, default_buyer_regions,
    default_costs, default_network, locate, locate_destination, network_from_file, stores,
)
from sellerops.fulfillment.domain import boxed, offers, outbound, shipments
from sellerops.fulfillment import handlers as h
from sellerops.fulfillment.ports import CheckCarrier, Choose, Clock, LedgerReader, Locate, Place, Publisher, Store
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.plugins import loader
from sellerops.plugins.spec import PLACEMENT, SOURCING, Registry
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.host import BoundHandlers, Resources


def build(*, stores: dict[str, Store], publish: Publisher, clock: Clock, place: Place, choose: Choose,
          locate: Locate, read_ledger: LedgerReader | None = None,
          shipment_policy: shipments.Policy = shipments.Policy(), outbound_policy: outbound.Policy = outbound.Policy(),
          check_carrier: CheckCarrier | None = None,
          afn_fill_policy: FillPolicy = FillPolicy.FILL_OR_KILL,
          compared: frozenset[str] = frozenset({DEFAULT_MARKETPLACE}), deadline_clock: Clock | None = None,
          demand_window_days: float = 90.0) -> BoundHandlers:
    """`clock` stamps what requests do; deadlines go by `deadline_clock` (event time)."""
    plans_store, shipments_store, stock = stores["plans"], stores["shipments"], stores["stock"]
    demand_store = stores.get("demand")
    outbound_store, removals_store = stores["outbound"], stores["removals"]
    common = {"stock": stock, "publish": publish}
    ship = {**common, "shipments_store": shipments_store}
    out = {**common, "outbound_store": outbound_store}
    rem = {**common, "removals_store": removals_store}
    plan = {"plans_store": plans_store, "publish": publish, "clock": clock}
    sourcing = {**out, "choose": choose, "locate": locate}
    bound = {
        "create_inbound_plan": partial(h.plans.create_inbound_plan, **plan, place=place, demand_store=demand_store),
        "regenerate_options": partial(h.plans.regenerate_options, **plan, place=place, demand_store=demand_store),
        "on_order_placed": partial(h.plans.on_order_placed, demand_store=demand_store, window_days=demand_window_days),
        "confirm_placement": partial(h.plans.confirm_placement, **plan),
        "cancel_inbound_plan": partial(h.plans.cancel_inbound_plan, **plan),
        "get_inbound_plan": partial(h.plans.get_inbound_plan, plans_store=plans_store),
        "on_plan_confirmed": partial(h.shipments.on_plan_confirmed, **ship),
        "on_plan_canceled": partial(h.shipments.on_plan_canceled, **ship),
        "on_shipment_status": partial(h.shipments.on_shipment_status, **ship, policy=shipment_policy),
        "on_receipt": partial(h.shipments.on_receipt, **ship, policy=shipment_policy),
        "on_reimbursement": partial(h.shipments.on_reimbursement, **ship),
        "update_shipment": partial(h.shipments.update_shipment, **ship, clock=clock, check_carrier=check_carrier),
        "resolve_case": partial(h.shipments.resolve_case, **ship, clock=clock),
        "get_shipment": partial(h.shipments.get_shipment, shipments_store=shipments_store),
        "list_shipments": partial(h.shipments.list_shipments, shipments_store=shipments_store),
        "list_cases": partial(h.shipments.list_cases, shipments_store=shipments_store),
        "on_adjustment": partial(h.inventory.on_adjustment, **common),
        "on_transfer": partial(h.inventory.on_transfer, **common),
        "on_availability": partial(h.inventory.on_availability, **common, compared=compared),
        "on_customer_return": partial(h.inventory.on_customer_return, **common),
        "get_inventory": partial(h.inventory.get_inventory, stock=stock),
        "list_inventory": partial(h.inventory.list_inventory, stock=stock),
        "check_ledger": partial(h.inventory.check_ledger, stock=stock, read_ledger=read_ledger),
        "on_order_released": partial(h.outbound.on_order_released, **sourcing, afn_fill_policy=afn_fill_policy),
        "on_mcf_requested": partial(h.outbound.on_mcf_requested, **sourcing),
        "on_order_canceled": partial(h.outbound.on_order_canceled, **out),
        "on_mcf_cancel_requested": partial(h.outbound.on_mcf_cancel_requested, **out),
        "on_mcf_released": partial(h.outbound.on_mcf_released, **out),
        "on_outbound_shipped": partial(h.outbound.on_outbound_shipped, **out),
        "on_outbound_allocated": partial(h.outbound.on_outbound_allocated, **out, choose=choose),
        "on_stock_moved": partial(h.outbound.on_stock_moved, **out, choose=choose),
        "get_outbound_order": partial(h.outbound.get_outbound_order, outbound_store=outbound_store),
        "create_removal_order": partial(h.removals.create_removal_order, **rem, clock=clock),
        "cancel_removal_order": partial(h.removals.cancel_removal_order, **rem, clock=clock),
        "get_removal_order": partial(h.removals.get_removal_order, removals_store=removals_store),
        "on_removal_processed": partial(h.removals.on_removal_processed, **rem),
    }
    # Bound under their names too: tests fire deadlines directly.
    bound["on_shipment_deadline"] = partial(h.shipments.on_shipment_deadline, **ship, policy=shipment_policy)
    bound["on_outbound_deadline"] = partial(h.outbound.on_outbound_deadline, **out, policy=outbound_policy)
    timing = deadline_clock or clock
    schedulers = {
        SHIPMENTS: DeadlineScheduler(due_of=boxed.due(partial(shipments.deadlines, policy=shipment_policy)),
                                     clock=timing, fire=bound["on_shipment_deadline"]),
        OUTBOUND: DeadlineScheduler(due_of=boxed.due(partial(outbound.deadlines, policy=outbound_policy)),
                                    clock=timing, fire=bound["on_outbound_deadline"]),
        REMOVALS: DeadlineScheduler(due_of=boxed.due(None), clock=timing,
                                    fire=partial(h.removals.on_removal_deadline, **rem)),
    }
    return BoundHandlers(bound, schedulers)


def load_placement(settings: FulfillmentSettings) -> Registry:
    return loader.load(PLACEMENT, Registry(PLACEMENT), allow=settings.runtime.plugins_allow)


def build_from(resources: Resources, settings: FulfillmentSettings) -> tuple[BoundHandlers, list]:
    """Real adapters; returns the handlers and the background jobs (a deadline watch and timer per bucket)."""
    network = network_from_file(settings.network_file) if settings.network_file else default_network()
    costs = costs_from_file(settings.fees_file) if settings.fees_file else default_costs()
    buyers = buyer_regions_from_file(settings.buyers_file) if settings.buyers_file else default_buyer_regions()
    costs = dataclasses.replace(costs, buyers=buyers)  # placement options are priced at their landed cost
    strategies = load_placement(settings)
    sourcing = loader.load(SOURCING, Registry(SOURCING), allow=settings.runtime.plugins_allow).get(settings.sourcing)
    placer = offers.Placer(network=network, costs=costs, strategies=strategies, locate=locate,
                           ttl_hours=settings.option_ttl_hours, time_limit_s=settings.optimal_time_limit_s,
                           gap=settings.optimal_gap, window_days=settings.demand_window_days,
                           pseudo_units=settings.demand_pseudo_units)
    found = stores(resources.buckets, keep=settings.keep_processed, keep_stock=settings.keep_processed_stock)
    built = build(
        stores=found, publish=resources.publisher, clock=resources.clock, place=placer.place,
        choose=offers.chooser(sourcing, settings.sourcing, network), locate=locate_destination,
        read_ledger=StreamLedger(resources.js), shipment_policy=settings.shipment_policy(),
        outbound_policy=settings.outbound_policy(), deadline_clock=resources.stream_clock,
        compared=frozenset(settings.marketplaces), demand_window_days=settings.demand_window_days,
    )
    background = []
    for bucket, scheduler in built.schedulers.items():
        background += deadline_jobs(scheduler, resources.buckets[bucket], found[_store_of(bucket)].decode_state,
                                    settle_s=settings.runtime.delivery.deadline_settle_s,
                                    on_fired=resources.metrics.deadline if resources.metrics else None,
                                    partitions=resources.partitions)
    return built, background


def _store_of(bucket: str) -> str:
    return {SHIPMENTS: "shipments", OUTBOUND: "outbound", REMOVALS: "removals"}[bucket]
