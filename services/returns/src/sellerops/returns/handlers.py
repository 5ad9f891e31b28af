"""Use cases as short recipes: load what the decision needs (the seller's policy, the order's facts),
decide and save in one store call, publish. Queries load or scan, then build a view."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sellerops.contracts.envelope import Event
from sellerops.contracts.orders import OrderRefunded, OrderRefundRefused
from sellerops.contracts.requests import RequestError
from sellerops.contracts.returns import (
    AppealClaim, AuthorizeReturn, CaseFile, ClaimAppealDecided, ClaimDecisionReported, ClaimFiled, ClaimList,
    ClaimRef, ClaimView, CloseReturn, CompleteReturn, GetReturnPolicy, ListClaims, ListReturns, MarkReturnReceived,
    OpenWork, RefundReturn, RespondToClaim, ReturnClosedByBuyer, ReturnItemDelivered, ReturnList, ReturnPolicy,
    ReturnPolicyView, ReturnRef, ReturnRequested, ReturnView, SetReturnPolicy, WorkList,
)
from sellerops.returns.domain.policy import POLICY_KEY, PolicyRecord
from sellerops.returns.domain import claims, dossier, refunds, returns
from sellerops.returns.domain.facts import OrderFacts
from sellerops.returns.ports import Clock, Publisher, Store
from sellerops.runtime.decisions import Cause, NotFound, refusals, requested
from sellerops.runtime.paging import page


async def policy_of(seller: str, *, policies: Store, default: ReturnPolicy) -> ReturnPolicy:
    record = await policies.load(seller, POLICY_KEY)
    return record.policy if record is not None else default


async def facts_of(seller: str, order_id: str, *, dossiers: Store) -> OrderFacts | None:
    found = await dossiers.load(seller, order_id)
    return dossier.facts(found) if found is not None and found.order_seen else None


async def _apply(store: Store, seller: str, aggregate_id: str, message_id: str, rule: Callable, *,
                 publish: Publisher, also: list[Event] = ()) -> Any:  # noqa: B006
    """Decide and save once per message id, then publish what it decided (after `also`, events the request
    decided outside the aggregate, such as a refund for the orders service)."""
    applied = await store.apply(seller, aggregate_id, message_id, rule)
    await publish([*also, *applied.events])
    return applied.state


async def _fact(evt: Event, aggregate_id: str, what: str, rule: Callable, *, store: Store,
                publish: Publisher) -> None:
    """A market fact about one return or claim; one about an aggregate never recorded raises, so it is kept
    in the dead letters with the reason instead of being dropped."""
    if await _apply(store, evt.seller, aggregate_id, str(evt.event_id), rule, publish=publish) is None:
        raise LookupError(f"no {what} {aggregate_id} for seller {evt.seller}")


async def _request(seller: str, aggregate_id: str, what: str, verb: str, rule: Callable, *, store: Store,
                   publish: Publisher, also: list[Event] = ()) -> Any:  # noqa: B006
    """A seller's request about one return or claim: not found, or refused naming the field, or done."""
    with refusals(f"{what}_id"):
        if await store.load(seller, aggregate_id) is None:
            raise NotFound(f"{what} {aggregate_id} not found")
        return await _apply(store, seller, aggregate_id, verb, rule, publish=publish, also=also)


# ---- the order's dossier: evidence from every service ----


async def on_evidence(evt: Event, *, dossiers: Store, publish: Publisher, policies: Store,
                      default_policy: ReturnPolicy) -> None:
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    await _apply(dossiers, evt.seller, evt.order_id, str(evt.event_id),
                 partial(dossier.apply, event=evt, policy=policy), publish=publish)


async def on_order_refunded(evt: OrderRefunded, *, returns_store: Store, dossiers: Store, publish: Publisher,
                            policies: Store, default_policy: ReturnPolicy) -> None:
    """The one record of money returned: the dossier keeps it; the order's returns learn of their refunds."""
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    found = await _apply(dossiers, evt.seller, evt.order_id, str(evt.event_id),
                         partial(dossier.apply, event=evt, policy=policy), publish=publish)
    for return_id in found.return_ids:
        await _apply(returns_store, evt.seller, return_id, str(evt.event_id),
                     partial(returns.refunded, evt=evt, policy=policy), publish=publish)


async def on_refund_refused(evt: OrderRefundRefused, *, returns_store: Store, dossiers: Store,
                            publish: Publisher) -> None:
    found = await dossiers.load(evt.seller, evt.order_id)
    for return_id in found.return_ids if found is not None else []:
        await _apply(returns_store, evt.seller, return_id, str(evt.event_id),
                     partial(returns.refund_refused, evt=evt), publish=publish)


# ---- seller-fulfilled return requests ----


async def on_return_requested(evt: ReturnRequested, *, returns_store: Store, dossiers: Store, policies: Store,
                              default_policy: ReturnPolicy, publish: Publisher) -> None:
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    facts = await facts_of(evt.seller, evt.order_id, dossiers=dossiers)
    await _apply(returns_store, evt.seller, evt.return_id, str(evt.event_id),
                 partial(returns.requested, fact=evt, facts=facts, policy=policy), publish=publish)


async def on_return_delivered(evt: ReturnItemDelivered, *, policies: Store, default_policy: ReturnPolicy,
                              returns_store: Store, publish: Publisher) -> None:
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    await _fact(evt, evt.return_id, "return",
                partial(returns.item_received, cause=Cause.of(evt), at=evt.occurred_at, policy=policy),
                store=returns_store, publish=publish)


async def on_return_closed_by_buyer(evt: ReturnClosedByBuyer, *, returns_store: Store, publish: Publisher) -> None:
    await _fact(evt, evt.return_id, "return", partial(returns.closed_by_buyer, fact=evt), store=returns_store,
                publish=publish)


async def _return_request(seller: str, return_id: str, verb: str, rule: Callable, *, returns_store: Store,
                          publish: Publisher) -> ReturnView:
    return returns.view(await _request(seller, return_id, "return", verb, rule, store=returns_store, publish=publish))


async def authorize_return(seller: str, request: AuthorizeReturn, *, clock: Clock, policies: Store,
                           default_policy: ReturnPolicy, returns_store: Store, publish: Publisher) -> ReturnView:
    policy = await policy_of(seller, policies=policies, default=default_policy)
    rule = partial(returns.authorize, request=request, policy=policy,
                   cause=requested(seller, request.return_id, "authorize"), now=clock.now())
    return await _return_request(seller, request.return_id, "authorize", rule, returns_store=returns_store,
                                 publish=publish)


async def close_return(seller: str, request: CloseReturn, *, clock: Clock, returns_store: Store,
                       publish: Publisher) -> ReturnView:
    rule = partial(returns.close, request=request, cause=requested(seller, request.return_id, "close"),
                   now=clock.now())
    return await _return_request(seller, request.return_id, "close", rule, returns_store=returns_store,
                                 publish=publish)


async def mark_return_received(seller: str, request: MarkReturnReceived, *, clock: Clock, policies: Store,
                               default_policy: ReturnPolicy, returns_store: Store, publish: Publisher) -> ReturnView:
    policy = await policy_of(seller, policies=policies, default=default_policy)
    now = clock.now()
    rule = partial(returns.item_received, cause=requested(seller, request.return_id, "received"), at=now,
                   policy=policy)
    return await _return_request(seller, request.return_id, "received", rule, returns_store=returns_store,
                                 publish=publish)


async def refund_return(seller: str, request: RefundReturn, *, clock: Clock, dossiers: Store,
                        returns_store: Store, publish: Publisher) -> ReturnView:
    """Ask the orders service to refund (by event); the return completes when its OrderRefunded comes back."""
    current = await returns_store.load(seller, request.return_id)
    facts = await facts_of(seller, current.order_id, dossiers=dossiers) if current is not None else None
    refund_id = request.request_id or f"{request.return_id}.refund{len(current.refunds) + 1 if current else 1}"
    verb = f"refund/{refund_id}"
    rule = partial(returns.refund, request=request, facts=facts, refund_id=refund_id,
                   cause=requested(seller, request.return_id, verb), now=clock.now())
    return await _return_request(seller, request.return_id, verb, rule, returns_store=returns_store, publish=publish)


async def complete_return(seller: str, request: CompleteReturn, *, clock: Clock, returns_store: Store,
                          publish: Publisher) -> ReturnView:
    rule = partial(returns.complete, request=request, cause=requested(seller, request.return_id, "complete"),
                   now=clock.now())
    return await _return_request(seller, request.return_id, "complete", rule, returns_store=returns_store,
                                 publish=publish)


async def get_return(seller: str, query: ReturnRef, *, returns_store: Store) -> ReturnView:
    found = await returns_store.load(seller, query.return_id)
    if found is None:
        raise RequestError("not_found", f"return {query.return_id} not found", "$.return_id")
    return returns.view(found)


async def list_returns(seller: str, query: ListReturns, *, returns_store: Store) -> ReturnList:
    found = [r async for r in returns_store.scan(seller)
             if (query.status is None or r.status is query.status)
             and (query.order_id is None or r.order_id == query.order_id)]
    views = [returns.view(r) for r in sorted(found, key=lambda r: (r.requested_at, r.return_id), reverse=True)]
    taken, after = page(views, key=lambda v: (v.requested_at, v.return_id), cursor=query.cursor, limit=query.limit,
                        newest_first=True)
    return ReturnList(returns=taken, next_cursor=after)


async def on_return_deadline(key: str, kind: str, due: datetime, *, returns_store: Store,
                             publish: Publisher) -> None:
    seller, return_id = key.split(".", 1)
    await _apply(returns_store, seller, return_id, f"deadline/{kind}/{due.isoformat()}",
                 partial(returns.deadline_passed, kind=kind, due=due), publish=publish)


# ---- A-to-z claims and chargebacks ----


async def on_claim_filed(evt: ClaimFiled, *, claims_store: Store, dossiers: Store, policies: Store,
                         default_policy: ReturnPolicy, publish: Publisher) -> None:
    """A claim for an order never seen is accepted and flagged (order_known False), not dropped."""
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    known = await facts_of(evt.seller, evt.order_id, dossiers=dossiers) is not None
    await _apply(claims_store, evt.seller, evt.claim_id, str(evt.event_id),
                 partial(claims.filed, fact=evt, order_known=known, policy=policy), publish=publish)


async def on_claim_decided(evt: ClaimDecisionReported, *, claims_store: Store, publish: Publisher) -> None:
    await _fact(evt, evt.claim_id, "claim", partial(claims.decided, fact=evt), store=claims_store, publish=publish)


async def on_claim_appeal_decided(evt: ClaimAppealDecided, *, claims_store: Store, publish: Publisher) -> None:
    await _fact(evt, evt.claim_id, "claim", partial(claims.appeal_decided, fact=evt), store=claims_store,
                publish=publish)


async def _claim_request(seller: str, claim_id: str, verb: str, rule: Callable, *, claims_store: Store,
                         publish: Publisher, also: list[Event] = ()) -> ClaimView:  # noqa: B006
    return claims.view(await _request(seller, claim_id, "claim", verb, rule, store=claims_store, publish=publish,
                                      also=also))


async def respond_to_claim(seller: str, request: RespondToClaim, *, clock: Clock, claims_store: Store,
                           dossiers: Store, publish: Publisher) -> ClaimView:
    """Respond with a message and evidence; a refund in the response goes to the orders service by event."""
    now = clock.now()
    claim = await claims_store.load(seller, request.claim_id)
    verb = "respond"
    refund, refund_id = [], None
    if request.refund is not None and claim is not None:
        refund_id = f"{request.claim_id}.refund"
        with refusals("claim_id"):
            facts = await facts_of(seller, claim.order_id, dossiers=dossiers)
            refund = [refunds.claim_refund(facts, request.refund, seller=seller, claim_id=request.claim_id,
                                           refund_id=refund_id, cause=requested(seller, request.claim_id, verb),
                                           now=now)]
    rule = partial(claims.respond, request=request, refund_id=refund_id,
                   cause=requested(seller, request.claim_id, verb), now=now)
    return await _claim_request(seller, request.claim_id, verb, rule, claims_store=claims_store, also=refund, 
                                 publish=publish)


async def appeal_claim(seller: str, request: AppealClaim, *, clock: Clock, claims_store: Store,
                       publish: Publisher) -> ClaimView:
    rule = partial(claims.appeal, request=request, cause=requested(seller, request.claim_id, "appeal"),
                   now=clock.now())
    return await _claim_request(seller, request.claim_id, "appeal", rule, claims_store=claims_store, publish=publish)


async def get_claim(seller: str, query: ClaimRef, *, claims_store: Store) -> ClaimView:
    found = await claims_store.load(seller, query.claim_id)
    if found is None:
        raise RequestError("not_found", f"claim {query.claim_id} not found", "$.claim_id")
    return claims.view(found)


async def list_claims(seller: str, query: ListClaims, *, claims_store: Store) -> ClaimList:
    views = [claims.view(c) async for c in claims_store.scan(seller)
             if query.kind is None or c.kind is query.kind]
    if query.open_only:
        views = [v for v in views if v.next_due_at is not None or v.outcome is None]
    return ClaimList(claims=sorted(views, key=claims.sort_key))


async def claim_case_file(seller: str, query: ClaimRef, *, claims_store: Store, dossiers: Store,
                          returns_store: Store, clock: Clock) -> CaseFile:
    claim = await get_claim(seller, query, claims_store=claims_store)
    found = await dossiers.load(seller, claim.order_id)
    order_returns = [returns.view(r) for r in [await returns_store.load(seller, rid)
                                               for rid in (found.return_ids if found else [])] if r is not None]
    return dossier.case_file(claim, found, order_returns, now=clock.now())


async def on_claim_deadline(key: str, kind: str, due: datetime, *, claims_store: Store,
                            publish: Publisher) -> None:
    seller, claim_id = key.split(".", 1)
    await _apply(claims_store, seller, claim_id, f"deadline/{kind}/{due.isoformat()}",
                 partial(claims.deadline_passed, kind=kind, due=due), publish=publish)


async def on_dossier_deadline(key: str, kind: str, due: datetime, *, dossiers: Store, publish: Publisher) -> None:
    seller, order_id = key.split(".", 1)
    await _apply(dossiers, seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                 partial(dossier.deadline_passed, kind=kind, due=due), publish=publish)


# ---- the seller's open work and rules ----


async def open_work(seller: str, query: OpenWork, *, returns_store: Store, claims_store: Store) -> WorkList:
    """What needs the seller's action: overdue, or due within the horizon; soonest first."""
    horizon = timedelta(hours=query.horizon_hours)
    items = [i async for r in returns_store.scan(seller) for i in returns.work_items(r, now=query.as_of,
                                                                                     horizon=horizon)]
    items += [i async for c in claims_store.scan(seller) for i in claims.work_items(c, now=query.as_of,
                                                                                    horizon=horizon)]
    return WorkList(items=sorted(items, key=lambda i: (i.due_at, i.kind, i.id)))


async def set_return_policy(seller: str, request: SetReturnPolicy, *, policies: Store, clock: Clock,
                            default_policy: ReturnPolicy) -> ReturnPolicyView:
    now = clock.now()

    def replace(_: PolicyRecord | None) -> tuple[PolicyRecord, list]:
        return PolicyRecord(request.policy, now), []

    await policies.apply(seller, POLICY_KEY, f"set/{now.isoformat()}", replace)
    return await get_return_policy(seller, GetReturnPolicy(), policies=policies, default_policy=default_policy)


async def get_return_policy(seller: str, query: GetReturnPolicy, *, policies: Store,
                            default_policy: ReturnPolicy) -> ReturnPolicyView:
    record = await policies.load(seller, POLICY_KEY)
    if record is None:
        return ReturnPolicyView(seller=seller, policy=default_policy, custom=False)
    return ReturnPolicyView(seller=seller, policy=record.policy, custom=True, updated_at=record.updated_at)
