"""Request-reply against a real nats-server: a responder that comes up a moment late still gets the request;
one that never comes is reported as no responders."""

import asyncio

import msgspec
import nats
import pytest
from nats.errors import NoRespondersError

from sellerops.contracts.subjects import request_subject
from sellerops.runtime.requests import call

pytestmark = pytest.mark.nats


class Ping(msgspec.Struct):
    text: str = "ping"


async def test_a_responder_that_starts_a_moment_after_the_request_still_answers_it(nats_url):
    caller, responder = await nats.connect(nats_url), await nats.connect(nats_url)

    async def late_start() -> None:
        await asyncio.sleep(0.1)

        async def answer(msg) -> None:  # noqa: ANN001
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


class Hold(msgspec.Struct):
    n: int = 0


async def _serve_holding(nc, at_once: int, release: asyncio.Event, seen: list[int]):  # noqa: ANN001, ANN202
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
