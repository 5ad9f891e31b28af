"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from sellerops.orders import domain, handlers
from sellerops.orders.adapters import BUCKET, INDEX_BUCKET, MCF_BUCKET, KvMcfStore, KvOrderStore, OrderListings
from sellerops.orders.ports import Clock, Listings, McfStore, OrderStore, Publisher
from sellerops.orders.settings import OrdersSettings
from sellerops.plugins import loader
from sellerops.plugins.carriers import CarrierRegistry
from sellerops.plugins.spec import CARRIERS
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.host import Resources
from sellerops.runtime.index import HourIndex
from sellerops.runtime.paging import budget_for


@dataclass(frozen=True)
class Handlers:
    on_order_placed: Any
    on_payment_authorized: Any
    on_buyer_cancel_requested: Any
    on_deadline: Any
    on_network_shipped: Any
    on_network_unfulfillable: Any
    on_mcf_status: Any
    on_refund_requested: Any
    create_mcf_order: Any
    cancel_mcf_order: Any
    release_mcf_order: Any
    get_mcf_order: Any
    confirm_shipment: Any
    confirm_shipments: Any
    correct_tracking: Any
    cancel_order: Any
    answer_cancel_request: Any
    refund_order: Any
    get_order: Any
    list_orders: Any
    list_at_risk: Any
    deadlines: DeadlineScheduler


def build(*, orders: OrderStore, publish: Publisher, clock: Clock, policy: domain.Policy = domain.Policy(),
          deadline_clock: Clock | None = None, check_carrier: domain.CarrierCheck | None = None,
          mcf_orders: McfStore | None = None, listings: Listings | None = None,
          max_payload: int = 1024 * 1024) -> Handlers:
    """`clock` stamps what requests do (confirmations); deadlines go by `deadline_clock` (event time).
    Listings read the index of a KvOrderStore given one (every order otherwise); pages fit `max_payload`."""
    pages = {"listings": listings or OrderListings(orders), "reply_budget": budget_for(max_payload)}
    facts = {"orders": orders, "publish": publish}
    commands = {**facts, "clock": clock}
    on_deadline = partial(handlers.on_deadline, **facts, policy=policy)
    return Handlers(
        on_order_placed=partial(handlers.on_order_placed, **facts),
        on_payment_authorized=partial(handlers.on_payment_authorized, **facts),
        on_buyer_cancel_requested=partial(handlers.on_buyer_cancel_requested, **facts, policy=policy),
        on_deadline=on_deadline,
        on_network_shipped=partial(handlers.on_network_shipped, **facts),
        on_network_unfulfillable=partial(handlers.on_network_unfulfillable, **facts),
        on_mcf_status=partial(handlers.on_mcf_status, mcf_orders=mcf_orders),
        on_refund_requested=partial(handlers.on_refund_requested, **facts),
        create_mcf_order=partial(handlers.create_mcf_order, mcf_orders=mcf_orders, publish=publish, clock=clock),
        cancel_mcf_order=partial(handlers.cancel_mcf_order, mcf_orders=mcf_orders, publish=publish, clock=clock),
        release_mcf_order=partial(handlers.release_mcf_order, mcf_orders=mcf_orders, publish=publish, clock=clock),
        get_mcf_order=partial(handlers.get_mcf_order, mcf_orders=mcf_orders),
        confirm_shipment=partial(handlers.order_request, domain.confirm_shipment, **commands,
                                 check_carrier=check_carrier),
        confirm_shipments=partial(handlers.confirm_shipments, **commands, check_carrier=check_carrier),
        correct_tracking=partial(handlers.order_request, domain.correct_tracking, **commands,
                                 check_carrier=check_carrier),
        cancel_order=partial(handlers.order_request, domain.seller_cancel, **commands),
        answer_cancel_request=partial(handlers.order_request, domain.answer_cancel_request, **commands),
        refund_order=partial(handlers.order_request, domain.refund, **commands),
        get_order=partial(handlers.get_order, orders=orders),
        list_orders=partial(handlers.list_orders, **pages),
        list_at_risk=partial(handlers.list_at_risk, **pages, clock=clock),
        deadlines=DeadlineScheduler(due_of=partial(domain.deadlines, policy=policy), fire=on_deadline,
                                    clock=deadline_clock or clock),
    )


def build_from(resources: Resources, settings: OrdersSettings) -> tuple[Handlers, list]:
    """Real adapters; returns the handlers and the background jobs (the deadline watch and its timer, and the
    index rebuild when the index bucket is new)."""
    bucket = resources.buckets[BUCKET]
    store = KvOrderStore(bucket, keep_processed=settings.keep_processed,
                         index=HourIndex(resources.buckets[INDEX_BUCKET]))
    carriers = loader.load(CARRIERS, CarrierRegistry(CARRIERS), allow=settings.runtime.plugins_allow)
    built = build(orders=store, publish=resources.publisher, clock=resources.clock, policy=settings.policy(),
                  deadline_clock=resources.stream_clock, check_carrier=carriers.check,
                  mcf_orders=KvMcfStore(resources.buckets[MCF_BUCKET], keep_processed=settings.keep_processed),
                  max_payload=resources.nc.max_payload)
    jobs = deadline_jobs(built.deadlines, bucket, store.decode_state,
                         settle_s=settings.runtime.delivery.deadline_settle_s,
                         on_fired=resources.metrics.deadline if resources.metrics else None,
                         partitions=resources.partitions)
    return built, [*jobs, store.build_index]
