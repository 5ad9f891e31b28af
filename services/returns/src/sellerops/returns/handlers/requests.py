"""Seller-fulfilled return requests: the market's facts, the seller's requests, the deadlines."""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from sellerops.contracts.returns import (
    AuthorizeReturn, CloseReturn, CompleteReturn, ListReturns, MarkReturnReceived,
    RefundReturn, ReturnClosedByBuyer, ReturnItemDelivered, ReturnList, ReturnPolicy,
    ReturnRef, ReturnRequested, ReturnView,
)
from sellerops.returns.domain import returns
from sellerops.returns.ports import Clock, Publisher, Store
from sellerops.runtime.decisions import Cause, existing, requested
from sellerops.runtime.paging import page
from sellerops.returns.handlers.common import apply_once, facts_of, fact_about, policy_of, request_about


async def on_return_requested(evt: ReturnRequested, *, returns_store: Store, dossiers: Store, policies: Store,
                              default_policy: ReturnPolicy, publish: Publisher) -> None:
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    facts = await facts_of(evt.seller, evt.order_id, dossiers=dossiers)
    await apply_once(returns_store, evt.seller, evt.return_id, str(evt.event_id),
                     partial(returns.requested, fact=evt, facts=facts, policy=policy), publish=publish)


async def on_return_delivered(evt: ReturnItemDelivered, *, policies: Store, default_policy: ReturnPolicy,
                              returns_store: Store, publish: Publisher) -> None:
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    await fact_about(evt, evt.return_id, "return",
                     partial(returns.item_received, cause=Cause.of(evt), at=evt.occurred_at, policy=policy),
                     store=returns_store, publish=publish)


async def on_return_closed_by_buyer(evt: ReturnClosedByBuyer, *, returns_store: Store, publish: Publisher) -> None:
    await fact_about(evt, evt.return_id, "return", partial(returns.closed_by_buyer, fact=evt), store=returns_store,
                     publish=publish)


async def _return_request(seller: str, return_id: str, verb: str, rule: Callable, *, returns_store: Store,
                          publish: Publisher) -> ReturnView:
    return returns.view(await request_about(seller, return_id, "return", verb, rule, store=returns_store,
                                            publish=publish))


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
    return returns.view(existing(found, f"return {query.return_id} not found", "return_id"))


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
    await apply_once(returns_store, seller, return_id, f"deadline/{kind}/{due.isoformat()}",
                     partial(returns.deadline_passed, kind=kind, due=due), publish=publish)
