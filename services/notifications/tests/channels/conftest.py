"""Real servers on loopback for the channel tests: an ASGI receiver served by uvicorn, an aiosmtpd SMTP server."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sellerops.contracts.notifications import Endpoint
from sellerops.plugins.channels import Message
from sellerops.runtime.embedded import free_port
from sellerops.testing.receiver import Answer, Received, Receiver, http_receiver

SECRET = "whsec_test_2f6c1a"


_ANSWERS: dict[str, tuple[int, list[tuple[bytes, bytes]]]] = {
    "/ok": (200, []),
    "/big": (200, []),
    "/accepted": (202, []),
    "/fail": (500, []),
    "/unavailable": (503, [(b"retry-after", b"7")]),
    "/busy": (429, [(b"retry-after", b"3")]),
    "/bad": (400, []),
    "/gone": (410, []),
    "/moved": (301, [(b"location", b"https://example.com/elsewhere")]),
}


async def _by_path(receiver: Receiver, request: Received) -> Answer:
    """Its path chooses the answer: /ok 200, /accepted 202, /fail 500, /unavailable 503 + Retry-After: 7,
    /busy 429 + Retry-After: 3, /bad 400, /gone 410, /moved 301, /big 200 with 4 MiB, /slow waits (until the
    test ends) before a 200; anything else 404."""
    if request.path == "/slow":
        try:
            await asyncio.wait_for(receiver.release.wait(), 10)
        except TimeoutError:
            pass
        return Answer(200, [], [b"thanks"])
    status, extra = _ANSWERS.get(request.path, (404, []))
    body = [b"x" * 65536] * 64 if request.path == "/big" else []  # 4 MiB, in chunks
    return Answer(status, extra, [*body, b"thanks"])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with http_receiver(_by_path) as rec:
        yield rec


@dataclass
class Mailbox:
    """What an aiosmtpd server accepted. RCPT to refused@... answers 550, to busy@... 451."""

    host: str
    port: int
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)  # (mail from, rcpt tos, data)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy@"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.mailbox.lock:
            self.mailbox.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _start_smtp(**smtp_options) -> tuple[Controller, Mailbox]:
    port = free_port()
    mailbox = Mailbox("127.0.0.1", port)
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=port, **smtp_options)
    controller.start()
    return controller, mailbox


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    controller, mailbox = _start_smtp()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server_with_login() -> Iterator[Mailbox]:
    """Offers AUTH (plain text allowed on loopback): accepts user "alerts" with password "s3cret"."""
    holder: list[Mailbox] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"alerts", b"s3cret")
        if ok:
            holder[0].logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    controller, mailbox = _start_smtp(authenticator=authenticator, auth_require_tls=False)
    holder.append(mailbox)
    try:
        yield mailbox
    finally:
        controller.stop()


def make_message(**overrides) -> Message:
    fields = dict(
        delivery_id="dlv-0001.a",
        notification_id="ntf-0001",
        seller="acme-tools",
        kind="orders",
        severity="critical",
        title="Order 113-0000001 misses its ship-by date today",
        body="Ship order 113-0000001 before 18:00 UTC or it will be late.",
        created_at=datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC),
        about="orders.order_ship_by_at_risk.v1",
        payload={"notification_id": "ntf-0001", "kind": "orders", "title": "Order 113-0000001 misses its ship-by",
                 "amount": 12.5, "lines": [1, 2], "note": "caf\u00e9 \u2713"},
    )
    fields.update(overrides)
    return Message(**fields)


def webhook_endpoint(url: str, secret: str | None = SECRET) -> Endpoint:
    return Endpoint(id="hook-1", channel="webhook", target=url, secret=secret)


def email_endpoint(address: str) -> Endpoint:
    return Endpoint(id="mail-1", channel="email", target=address)
