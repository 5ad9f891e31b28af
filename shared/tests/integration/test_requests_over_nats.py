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
