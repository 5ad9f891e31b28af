"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

from functools import partial

from sellerops.contracts.returns import ReturnPolicy
from sellerops.returns import handlers
from sellerops.returns.adapters import CLAIMS, DOSSIERS, RETURNS, stores
from sellerops.returns.domain import claims, dossier, returns
from sellerops.returns.ports import Clock, Publisher, Store
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.host import BoundHandlers, Resources




def build(*, stores: dict[str, Store], publish: Publisher, clock: Clock, default_policy: ReturnPolicy = ReturnPolicy(),
          deadline_clock: Clock | None = None) -> BoundHandlers:
    """`clock` stamps what requests do; deadlines go by `deadline_clock` (event time)."""
    rets, clms, dossiers, policies = stores["returns"], stores["claims"], stores["dossiers"], stores["policies"]
    rules = {"policies": policies, "default_policy": default_policy}
    evidence = {"dossiers": dossiers, "publish": publish, **rules}
    ret = {"returns_store": rets, "publish": publish}
    clm = {"claims_store": clms, "publish": publish}
    h = handlers
    bound = {
        "on_evidence": partial(h.on_evidence, **evidence),
        "on_order_refunded": partial(h.on_order_refunded, returns_store=rets, **evidence),
        "on_refund_refused": partial(h.on_refund_refused, **ret, dossiers=dossiers),
        "on_return_requested": partial(h.on_return_requested, **ret, dossiers=dossiers, **rules),
        "on_return_delivered": partial(h.on_return_delivered, store=rets, publish=publish, **rules),
        "on_return_closed_by_buyer": partial(h.on_return_closed_by_buyer, store=rets, publish=publish),
        "authorize_return": partial(h.authorize_return, **ret, clock=clock, **rules),
        "close_return": partial(h.close_return, **ret, clock=clock),
        "mark_return_received": partial(h.mark_return_received, **ret, clock=clock, **rules),
        "refund_return": partial(h.refund_return, **ret, clock=clock, dossiers=dossiers),
        "complete_return": partial(h.complete_return, **ret, clock=clock),
        "get_return": partial(h.get_return, returns_store=rets),
        "list_returns": partial(h.list_returns, returns_store=rets),
        "on_claim_filed": partial(h.on_claim_filed, **clm, dossiers=dossiers, **rules),
        "on_claim_decided": partial(h.on_claim_decided, store=clms, publish=publish),
        "on_claim_appeal_decided": partial(h.on_claim_appeal_decided, store=clms, publish=publish),
        "respond_to_claim": partial(h.respond_to_claim, **clm, clock=clock, dossiers=dossiers),
        "appeal_claim": partial(h.appeal_claim, **clm, clock=clock),
        "get_claim": partial(h.get_claim, claims_store=clms),
        "list_claims": partial(h.list_claims, claims_store=clms),
        "claim_case_file": partial(h.claim_case_file, claims_store=clms, dossiers=dossiers, returns_store=rets,
                                   clock=clock),
        "open_work": partial(h.open_work, returns_store=rets, claims_store=clms),
        "set_return_policy": partial(h.set_return_policy, policies=policies, clock=clock,
                                     default_policy=default_policy),
        "get_return_policy": partial(h.get_return_policy, policies=policies, default_policy=default_policy),
    }
    timing = deadline_clock or clock
    schedulers = {
        RETURNS: DeadlineScheduler(due_of=returns.deadlines, clock=timing, fire=partial(h.on_return_deadline, **ret)),
        CLAIMS: DeadlineScheduler(due_of=claims.deadlines, clock=timing, fire=partial(h.on_claim_deadline, **clm)),
        DOSSIERS: DeadlineScheduler(due_of=dossier.deadlines, clock=timing,
                                    fire=partial(h.on_dossier_deadline, dossiers=dossiers, publish=publish)),
    }
    return BoundHandlers(bound, schedulers)


def build_from(resources: Resources, settings: ReturnsSettings) -> tuple[BoundHandlers, list]:
    """Real adapters; returns the handlers and the background jobs (a deadline watch and timer per bucket)."""
    found = stores(resources.buckets, keep=settings.keep_processed, keep_dossier=settings.keep_processed_dossier)
    built = build(stores=found, publish=resources.publisher, clock=resources.clock,
                  default_policy=settings.default_policy(), deadline_clock=resources.stream_clock)
    store_of = {RETURNS: "returns", CLAIMS: "claims", DOSSIERS: "dossiers"}
    background = []
    for bucket, scheduler in built.schedulers.items():
        background += deadline_jobs(scheduler, resources.buckets[bucket], found[store_of[bucket]].decode_state,
                                    settle_s=settings.runtime.delivery.deadline_settle_s,
                                    on_fired=resources.metrics.deadline if resources.metrics else None,
                                    partitions=resources.partitions)
    return built, background
