"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

from collections.abc import Mapping

from sellerops.contracts.returns import ReturnPolicy
from sellerops.returns import handlers
from sellerops.returns.adapters import CLAIMS, DOSSIERS, RETURNS, stores
from sellerops.returns.domain import claims, dossier, returns
from sellerops.returns.ports import Clock, Publisher, Store
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.host import Resources
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built


def build(*, stores: Mapping[str, Store], publish: Publisher, clock: Clock, default_policy: ReturnPolicy = ReturnPolicy(),
          deadline_clock: Clock | None = None) -> tuple[Dependencies, dict[str, DeadlineScheduler]]:
    """What the handlers take, by parameter name, and each deadline bucket's scheduler. `clock` stamps what
    requests do; deadlines go by `deadline_clock` (event time)."""
    deps = Dependencies(returns_store=stores["returns"], claims_store=stores["claims"], dossiers=stores["dossiers"],
                        policies=stores["policies"], default_policy=default_policy, publish=publish, clock=clock)
    timing = deadline_clock or clock
    schedulers = {
        RETURNS: DeadlineScheduler(due_of=returns.deadlines, clock=timing,
                                   fire=deps.bind_deadline(handlers.on_return_deadline)),
        CLAIMS: DeadlineScheduler(due_of=claims.deadlines, clock=timing,
                                  fire=deps.bind_deadline(handlers.on_claim_deadline)),
        DOSSIERS: DeadlineScheduler(due_of=dossier.deadlines, clock=timing,
                                    fire=deps.bind_deadline(handlers.on_dossier_deadline)),
    }
    return deps, schedulers


def build_from(resources: Resources, settings: ReturnsSettings) -> Built:
    """Real adapters; the dependencies and the background jobs (a deadline watch and timer per bucket)."""
    found = stores(resources.buckets, keep=settings.keep_processed, keep_dossier=settings.keep_processed_dossier)
    deps, schedulers = build(stores=found, publish=resources.publisher, clock=resources.clock,
                             default_policy=settings.default_policy(), deadline_clock=resources.stream_clock)
    store_of = {RETURNS: "returns", CLAIMS: "claims", DOSSIERS: "dossiers"}
    background = []
    for bucket, scheduler in schedulers.items():
        background += deadline_jobs(scheduler, resources.buckets[bucket], found[store_of[bucket]].decode_state,
                                    settle_s=settings.runtime.delivery.deadline_settle_s,
                                    on_fired=resources.metrics.deadline if resources.metrics else None,
                                    partitions=resources.partitions)
    return Built(deps, background)
