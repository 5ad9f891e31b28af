"""A real HTTP receiver on a free loopback port (uvicorn serving a small ASGI app), for tests of what sends
webhooks: it records every request and answers what the test's `answer` says for each one."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from sellerops.runtime.embedded import free_port
from sellerops.runtime.observability import AsgiReceive, AsgiSend


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int = 0  # what the receiver answered


@dataclass
class Answer:
    status: int = 200
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)  # the body, sent in these pieces


@dataclass
class Receiver:
    url: str  # http://127.0.0.1:<port>
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses the default answer gives in turn, then 200
    release: asyncio.Event = field(default_factory=asyncio.Event)  # set when the test ends (for answers that wait)

    def at(self, path: str) -> str:
        return f"{self.url}{path}"


AnswerFor = Callable[[Receiver, Received], Awaitable[Answer]]


async def scripted(receiver: Receiver, request: Received) -> Answer:
    """The default answer: the next status of the receiver's `script`, 200 once it is used up."""
    return Answer(receiver.script.pop(0) if receiver.script else 200)


@asynccontextmanager
async def http_receiver(answer: AnswerFor = scripted) -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(url=f"http://127.0.0.1:{port}")

    async def app(scope: dict[str, Any], receive: AsgiReceive, send: AsgiSend) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request = Received(scope["method"], scope["path"], headers, body)
        receiver.requests.append(request)
        reply = await answer(receiver, request)
        request.status = reply.status
        await send({"type": "http.response.start", "status": reply.status,
                    "headers": [(b"content-type", b"text/plain"), *reply.headers]})
        for chunk in reply.chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="off", timeout_graceful_shutdown=2))
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "the test receiver did not start"
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.should_exit = True
        await asyncio.wait_for(task, 10)
