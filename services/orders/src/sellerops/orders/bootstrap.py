"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

from functools import partial

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
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built


def build(*, orders: OrderStore, publish: Publisher, clock: Clock, policy: domain.Policy = domain.Policy(),
          deadline_clock: Clock | None = None, check_carrier: domain.CarrierCheck | None = None,
          mcf_orders: McfStore | None = None, listings: Listings | None = None,
          max_payload: int = 1024 * 1024) -> Dependencies:
    """What the handlers take, by parameter name, and the deadline scheduler firing into `on_deadline`.
    `clock` stamps what requests do (confirmations); deadlines go by `deadline_clock` (event time).
    Listings read the index of a KvOrderStore given one (every order otherwise); pages fit `max_payload`."""
    deps = Dependencies(orders=orders, publish=publish, clock=clock, policy=policy, check_carrier=check_carrier,
                        mcf_orders=mcf_orders, listings=listings or OrderListings(orders),
                        reply_budget=budget_for(max_payload))
    deadlines = DeadlineScheduler(due_of=partial(domain.deadlines, policy=policy),
                                  fire=deps.bind_deadline(handlers.on_deadline), clock=deadline_clock or clock)
    return deps.but(deadlines=deadlines)


def build_from(resources: Resources, settings: OrdersSettings) -> Built:
    """Real adapters; the dependencies and the background jobs (the deadline watch and its timer, and the
    index rebuild when the index bucket is new)."""
    bucket = resources.buckets[BUCKET]
    store = KvOrderStore(bucket, keep_processed=settings.keep_processed,
                         index=HourIndex(resources.buckets[INDEX_BUCKET]))
    carriers = CarrierRegistry(CARRIERS)
    loader.load(CARRIERS, carriers, allow=settings.runtime.plugins_allow)  # registers into `carriers`
    built = build(orders=store, publish=resources.publisher, clock=resources.clock, policy=settings.policy(),
                  deadline_clock=resources.stream_clock, check_carrier=carriers.check,
                  mcf_orders=KvMcfStore(resources.buckets[MCF_BUCKET], keep_processed=settings.keep_processed),
                  max_payload=resources.nc.max_payload)
    deadlines: DeadlineScheduler = built["deadlines"]  # type: ignore[assignment]
    jobs = deadline_jobs(deadlines, bucket, store.decode_state,
                         settle_s=settings.runtime.delivery.deadline_settle_s,
                         on_fired=resources.metrics.deadline if resources.metrics else None,
                         partitions=resources.partitions)
    return Built(built, [*jobs, store.build_index])
