import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import uvicorn

from sellerops.notifications.settings import NotificationsSettings
from sellerops.runtime.embedded import free_port
from sellerops.testing.helpers import fact, runtime_for  # noqa: F401  (fact: re-exported for the tests)

SECRET = "whsec_integration_5d1a"


runtime = runtime_for


def notifications_settings(url: str, **changes: object) -> NotificationsSettings:
    return NotificationsSettings(runtime=runtime(url), **changes)


@dataclass
class Receiver:
    """A webhook receiver that answers the statuses in `script` in turn, then 200; it records every request."""

    url: str
    script: list[int] = field(default_factory=list)
    requests: list[tuple[dict, bytes, int]] = field(default_factory=list)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    port = free_port()
    rec = Receiver(url=f"http://127.0.0.1:{port}/hook")

    async def app(scope, receive, send):  # noqa: ANN001
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        status = rec.script.pop(0) if rec.script else 200
        rec.requests.append(({k.decode().lower(): v.decode() for k, v in scope["headers"]}, body, status))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield rec
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
