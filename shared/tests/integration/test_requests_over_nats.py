"""Request-reply against a real nats-server: a responder that comes up a moment late still gets the request;
one that never comes is reported as no responders."""

import asyncio

import msgspec
import nats
import pytest
from nats.errors import NoRespondersError

from sellerops.contracts.subjects import request_subject
from sellerops.runtime.requests import call, call_every_page

pytestmark = pytest.mark.nats


class Ping(msgspec.Struct):
    text: str = "ping"


async def test_a_responder_that_starts_a_moment_after_the_request_still_answers_it(nats_url):
    caller, responder = await nats.connect(nats_url), await nats.connect(nats_url)

    async def late_start() -> None:
        await asyncio.sleep(0.1)

        async def answer(msg) -> None:
            await msg.respond(b'{"text": "pong"}')

        await responder.subscribe(request_subject("probe", "acme", "ping"), cb=answer)
        await responder.flush()

    starting = asyncio.create_task(late_start())
    reply = await call(caller, "probe", "acme", "ping", Ping(), Ping, timeout=2)
    await starting
    assert reply.text == "pong"
    await caller.close()
    await responder.close()


async def test_a_responder_that_never_comes_is_reported_after_a_few_tries(nats_url):
    caller = await nats.connect(nats_url)
    started = asyncio.get_running_loop().time()
    with pytest.raises(NoRespondersError):
        await call(caller, "probe", "acme", "ping", Ping(), Ping, timeout=2)
    assert asyncio.get_running_loop().time() - started < 2.0, "about 0.75 s of waiting, not the timeout"
    await caller.close()


class Row(msgspec.Struct):
    key: str
    text: str


class Rows(msgspec.Struct):
    rows: list[Row]
    next_cursor: str | None = None


class ListRows(msgspec.Struct):
    limit: int = 10_000
    cursor: str | None = None
    paged: bool = True


async def test_a_reply_over_the_max_payload_is_an_error_reply_and_a_paged_list_walks_every_row(nats_url):
    from sellerops.runtime.paging import page
    from sellerops.runtime.requests import Endpoint, RequestFailed, serve

    every = [Row(f"r{n:05d}", "x" * 200) for n in range(10_000)]  # ~2.2 MB in all, the server takes 1 MB

    async def list_rows(seller: str, query: ListRows) -> Rows:
        if not query.paged:
            return Rows(rows=every[: query.limit])
        taken, after = page(every, key=lambda r: r.key, cursor=query.cursor, limit=query.limit)
        return Rows(rows=taken, next_cursor=after)

    server, caller = await nats.connect(nats_url), await nats.connect(nats_url)
    await serve(server, service="probe", version="0.0.1", description="paging probe",
                endpoints=[Endpoint("list_rows", ListRows, list_rows, Rows)])

    with pytest.raises(RequestFailed) as failed:
        await call(caller, "probe", "acme", "list_rows", ListRows(paged=False), Rows)
    assert failed.value.error.code == "too_large" and "max payload" in failed.value.error.message

    seen, cursor, pages = [], None, 0
    while True:
        reply = await call(caller, "probe", "acme", "list_rows", ListRows(cursor=cursor), Rows)
        seen += [r.key for r in reply.rows]
        pages += 1
        if (cursor := reply.next_cursor) is None:
            break
    assert seen == [r.key for r in every]
    assert pages == 3, "cut by size (about 1 MB a page), not by the 10,000 asked for"
    whole = await call_every_page(caller, "probe", "acme", "list_rows", ListRows(limit=4000), Rows, items="rows")
    assert [r.key for r in whole.rows] == [r.key for r in every] and whole.next_cursor is None
    await caller.close()
    await server.close()


class Hold(msgspec.Struct):
    n: int = 0


async def _serve_holding(nc, at_once: int, release: asyncio.Event, seen: list[int]):
    """An endpoint whose answers wait for `release`, recording how many were in flight at each start."""
    from sellerops.runtime.requests import Endpoint, serve

    in_flight = 0

    async def hold(seller: str, request: Hold) -> Hold:
        nonlocal in_flight
        in_flight += 1
        seen.append(in_flight)
        try:
            await release.wait()
            return Hold(n=request.n)
        finally:
            in_flight -= 1

    return await serve(nc, service="probe", version="0.0.1", description="probe", answers_at_once=at_once,
                       endpoints=[Endpoint("hold", Hold, hold, Hold)])


async def test_an_instance_answers_requests_of_one_endpoint_concurrently(nats_url):
    caller, responder = await nats.connect(nats_url), await nats.connect(nats_url)
    release, seen = asyncio.Event(), []
    svc = await _serve_holding(responder, 8, release, seen)
    asks = [asyncio.create_task(call(caller, "probe", "acme", "hold", Hold(n=i), Hold, timeout=5)) for i in range(8)]
    while len(seen) < 8:  # one at a time, the second request would never start before the first is released
        await asyncio.sleep(0.01)
    release.set()
    assert sorted(r.n for r in await asyncio.gather(*asks)) == list(range(8))
    await svc.stop()
    await caller.close()
    await responder.close()


async def test_an_endpoint_holds_no_more_answers_in_flight_than_its_bound(nats_url):
    caller, responder = await nats.connect(nats_url), await nats.connect(nats_url)
    release, seen = asyncio.Event(), []
    svc = await _serve_holding(responder, 3, release, seen)
    asks = [asyncio.create_task(call(caller, "probe", "acme", "hold", Hold(n=i), Hold, timeout=5)) for i in range(10)]
    while len(seen) < 3:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert len(seen) == 3, "the other seven wait until a slot frees"
    release.set()
    assert sorted(r.n for r in await asyncio.gather(*asks)) == list(range(10))
    assert max(seen) == 3
    await svc.stop()
    await caller.close()
    await responder.close()
