"""A-to-z claims and chargebacks: the market's facts, the seller's responses and appeals, case files."""

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from sellerops.contracts.envelope import Event
from sellerops.contracts.returns import (
    AppealClaim, CaseFile, ClaimAppealDecided, ClaimDecisionReported, ClaimFiled, ClaimList,
    ClaimRef, ClaimView, ListClaims, RespondToClaim, ReturnPolicy,
)
from sellerops.returns.domain import claims, dossier, refunds, returns
from sellerops.returns.ports import Clock, Publisher, Store
from sellerops.runtime.decisions import existing, refusals, requested
from sellerops.runtime.paging import page
from sellerops.returns.handlers.common import apply_once, facts_of, fact_about, policy_of, request_about


async def on_claim_filed(evt: ClaimFiled, *, claims_store: Store, dossiers: Store, policies: Store,
                         default_policy: ReturnPolicy, publish: Publisher) -> None:
    """A claim for an order never seen is accepted and flagged (order_known False), not dropped."""
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    known = await facts_of(evt.seller, evt.order_id, dossiers=dossiers) is not None
    await apply_once(claims_store, evt.seller, evt.claim_id, str(evt.event_id),
                     partial(claims.filed, fact=evt, order_known=known, policy=policy), publish=publish)


async def on_claim_decided(evt: ClaimDecisionReported, *, claims_store: Store, publish: Publisher) -> None:
    await fact_about(evt, evt.claim_id, "claim", partial(claims.decided, fact=evt), store=claims_store,
                     publish=publish)


async def on_claim_appeal_decided(evt: ClaimAppealDecided, *, claims_store: Store, publish: Publisher) -> None:
    await fact_about(evt, evt.claim_id, "claim", partial(claims.appeal_decided, fact=evt), store=claims_store,
                     publish=publish)


async def _claim_request(seller: str, claim_id: str, verb: str, rule: Callable, *, claims_store: Store,
                         publish: Publisher, also: Sequence[Event] = ()) -> ClaimView:
    return claims.view(await request_about(seller, claim_id, "claim", verb, rule, store=claims_store,
                                           publish=publish, also=also))


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
    return claims.view(existing(found, f"claim {query.claim_id} not found", "claim_id"))


async def list_claims(seller: str, query: ListClaims, *, claims_store: Store) -> ClaimList:
    views = [claims.view(c) async for c in claims_store.scan(seller)
             if query.kind is None or c.kind is query.kind]
    if query.open_only:
        views = [v for v in views if v.next_due_at is not None or v.outcome is None]
    taken, after = page(sorted(views, key=claims.sort_key), key=claims.sort_key, cursor=query.cursor,
                        limit=query.limit)
    return ClaimList(claims=taken, next_cursor=after)


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
    await apply_once(claims_store, seller, claim_id, f"deadline/{kind}/{due.isoformat()}",
                     partial(claims.deadline_passed, kind=kind, due=due), publish=publish)
