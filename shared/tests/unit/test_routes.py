"""Routes to handler functions and Dependencies: a handler gets the keyword parameters it declares, a missing
one fails at startup, and a route table binds each handler once."""

import uuid
from datetime import UTC, datetime
from functools import partial

import pytest

from sellerops.contracts.market import OrderPaymentAuthorized, OrderPlaced
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, wire
from sellerops.runtime.routes import Dependencies, MissingDependency, bind_table

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
ORDERS = ConsumerSpec(durable="test-market-order", source="market", entity="order")


def paid() -> OrderPaymentAuthorized:
    return OrderPaymentAuthorized(event_id=uuid.uuid4(), seller="acme", occurred_at=AT, order_id="113-0000001-0000001")


async def on_paid(evt: OrderPaymentAuthorized, *, seen: list, tag: str = "default") -> None:
    seen.append((evt.order_id, tag))


async def get_thing(seller: str, request: str, *, prefix: str) -> str:
    return f"{prefix}:{seller}:{request}"


async def on_deadline(key: str, kind: str, due: datetime, *, seen: list) -> None:
    seen.append((key, kind, due))


async def test_a_bound_handler_gets_the_dependencies_it_names_and_nothing_else():
    seen: list = []
    deps = Dependencies(seen=seen, prefix="p", unrelated=object())

    await deps.bind(on_paid)(paid())

    assert seen == [("113-0000001-0000001", "default")], "a parameter with a default keeps it when not provided"


async def test_a_dependency_given_overrides_a_default_and_but_replaces_one():
    seen: list = []
    deps = Dependencies(seen=seen, tag="given")

    await deps.bind(on_paid)(paid())
    await deps.but(tag="other").bind(on_paid)(paid())

    assert [tag for _, tag in seen] == ["given", "other"]


def test_a_handler_taking_a_dependency_the_service_lacks_fails_when_bound_naming_both():
    with pytest.raises(MissingDependency, match=r"on_paid takes 'seen'"):
        Dependencies(prefix="p").bind(on_paid)


async def test_requests_deadlines_and_tests_bind_the_same_way():
    seen: list = []
    deps = Dependencies(seen=seen, prefix="p")

    assert await deps.bind_request(get_thing)("acme", "q") == "p:acme:q"
    await deps.bind_deadline(on_deadline)("acme.o1", "ship_by", AT)
    assert await deps(get_thing, "acme", "r") == "p:acme:r"
    assert seen == [("acme.o1", "ship_by", AT)]


async def test_a_partial_in_a_route_table_is_bound_with_what_it_still_needs():
    seen: list = []
    table = {OrderPaymentAuthorized: partial(on_paid, tag="from-the-table")}

    bound = bind_table(table, Dependencies(seen=seen))
    await bound[OrderPaymentAuthorized](paid())

    assert seen == [("113-0000001-0000001", "from-the-table")]


def test_one_handler_routed_from_two_event_types_is_bound_once():
    bound = bind_table({OrderPlaced: on_paid, OrderPaymentAuthorized: on_paid}, Dependencies(seen=[]))

    assert bound[OrderPlaced] is bound[OrderPaymentAuthorized]


def test_wire_binds_routes_and_endpoints():
    endpoints = (EndpointSpec("get_thing", str, str, get_thing, "a thing"),)
    wiring = wire({ORDERS: {OrderPaymentAuthorized: on_paid}}, endpoints, Dependencies(seen=[], prefix="p"))

    assert set(wiring.events[ORDERS.durable]) == {OrderPaymentAuthorized}
    assert [(e.verb, e.handler.func) for e in wiring.endpoints] == [("get_thing", get_thing)]
