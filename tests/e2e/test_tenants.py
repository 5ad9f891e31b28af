"""Many sellers on one system: `sellerops auth` credentials against `sellerops up --auth-dir` (a real
nats-server running the generated authorization, every service with its own credentials)."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import msgspec
import nats
import pytest

from sellerops.auth.connect import connect_options
from sellerops.contracts.catalog import decode_event, encode
from sellerops.runtime.embedded import die_with_parent, free_port  # die_with_parent: a killed test run takes `up` with it
from sellerops.testing.helpers import eventually

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.timeout(900)]  # one system for the module
EXAMPLES = Path(__file__).parents[2] / "examples" / "orders.jsonl"
A, B = "seller-a", "seller-b"
ORDER = "113-0000001-0000001"


def sellerops(*args: str, creds: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sellerops.cli.main", *(["--creds", str(creds)] if creds else []), *args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=240)  # a loaded machine: ~10 s to start
    if check and result.returncode != 0:
        raise AssertionError(f"sellerops {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


class System:
    def __init__(self, folder: Path) -> None:
        self.folder, self.auth = folder, folder / "auth"
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.log_path = folder / "up.log"
        self.outputs: list[str] = []  # every CLI output, checked for secrets at the end
        self.secrets: list[str] = []  # secrets the tests set (webhook signing secrets)

    def cli(self, *args: str, creds: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        result = sellerops(*args, creds=creds, check=check)
        self.outputs += [result.stdout, result.stderr]
        return result

    def ask(self, *args: str, creds: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """A command against the running system."""
        result = sellerops(*args, "--nats-url", self.url, creds=creds, check=check)
        self.outputs += [result.stdout, result.stderr]
        return result

    def creds(self, who: str) -> Path:
        return self.auth / ("sellers/" + who + ".creds" if who.startswith("seller") else who + ".creds")

    def facts_of(self, seller: str) -> Path:
        path = self.folder / f"{seller}.jsonl"
        path.write_text(EXAMPLES.read_text().replace("demo-seller", seller))
        return path


@pytest.fixture(scope="module")
def system(tmp_path_factory) -> Iterator[System]:
    folder = tmp_path_factory.mktemp("tenants")
    up = System(folder)
    up.cli("auth", "init", str(up.auth), "--resolver-dir", str(folder / "unused-jwt"))
    for seller in (A, B):
        up.cli("auth", "seller", seller, "--dir", str(up.auth))
    log = up.log_path.open("wb")
    env = {**os.environ, "SELLEROPS_LOG_FORMAT": "json", "SELLEROPS_DELIVERY_DEADLINE_SETTLE_S": "600"}
    process = subprocess.Popen([sys.executable, "-m", "sellerops.cli.main", "up", "--data-dir", str(folder / "data"),
                                "--port", str(up.port), "--auth-dir", str(up.auth)], stdout=log, stderr=subprocess.STDOUT,
                               env=env, preexec_fn=die_with_parent)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = up.ask("status", "--json", creds=up.creds("operator"), check=False)
            if done.returncode == 0 and len({s["name"] for s in json.loads(done.stdout)["services"]}) >= 5:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"sellerops up --auth-dir did not become ready: {up.log_path.read_text()[-3000:]}")
        yield up
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Client:
    """A nats-py connection with one user's credentials that keeps the server's refusals."""

    def __init__(self) -> None:
        self.refusals: list[str] = []
        self.nc = None

    async def connect(self, url: str, creds: Path) -> "Client":
        async def on_error(exc: Exception) -> None:
            self.refusals.append(str(exc))

        self.nc = await nats.connect(url, error_cb=on_error, allow_reconnect=False, **connect_options(creds))
        return self

    async def refused(self, action) -> str:
        """Run `action`; it must get no answer, and the server must say why: the refusal's text."""
        before = len(self.refusals)
        with pytest.raises((TimeoutError, nats.errors.NoRespondersError, nats.errors.TimeoutError)):
            await action()
        for _ in range(50):
            if len(self.refusals) > before:
                return self.refusals[-1]
            await asyncio.sleep(0.02)
        raise AssertionError("the action got no answer, but the server did not report a permissions violation")


async def connected(system: System, who: str) -> Client:
    return await Client().connect(system.url, system.creds(who))


def fact(line: dict, **changes: object) -> tuple[str, bytes]:
    event = decode_event(encode({**line, "event_id": str(uuid.uuid4()), **changes}))
    return event.subject, encode(event)


def first_line(seller: str, order_id: str = ORDER) -> dict:
    line = json.loads(EXAMPLES.read_text().splitlines()[0])
    return {**line, "seller": seller, "order_id": order_id}


async def orders_of(system: System, seller: str, who: str) -> list[str]:
    """The order ids `list_orders` answers on the seller's subject, asked with `who`'s credentials."""
    client = await connected(system, who)
    try:
        reply = await client.nc.request(f"req.orders.{seller}.list_orders", b"{}", timeout=30)
    finally:
        await client.nc.close()
    return [o["order_id"] for o in msgspec.json.decode(reply.data)["orders"]]


async def _has(system: System, seller: str, who: str, order_id: str) -> bool:
    return order_id in await orders_of(system, seller, who)


def _dead_letters(system: System) -> str:
    return system.ask("deadletters", "list", "--json", creds=system.creds("operator"), check=False).stdout


async def test_a_seller_publishes_its_own_facts_and_reads_its_own_orders_with_its_credentials(system):
    published = system.ask("events", "publish", str(system.facts_of(A)), creds=system.creds(A))
    assert "published 4" in published.stdout
    await eventually(lambda: _has(system, A, A, ORDER), timeout=180, interval=0.5)  # seller A's own order shows up
    got = system.ask("orders", "get", A, ORDER, "--json", creds=system.creds(A))
    assert json.loads(got.stdout)["seller"] == A


async def test_a_seller_is_refused_every_other_sellers_subject_and_every_administration_subject(system):
    seller_a, operator = await connected(system, A), await connected(system, "operator")
    js = seller_a.nc.jetstream(timeout=1)
    market_b, body = fact(first_line(B, "113-9999999-0000001"))
    refusals = {
        "publish B's fact": await seller_a.refused(lambda: js.publish(market_b, body)),
        "request B's orders": await seller_a.refused(
            lambda: seller_a.nc.request(f"req.orders.{B}.list_orders", b"{}", timeout=1)),
        "read an endpoint secret": await seller_a.refused(
            lambda: seller_a.nc.request(f"req.notifications.{A}.get_endpoint_secret", b'{"id": "x"}', timeout=1)),
        "open B's orders bucket": await seller_a.refused(lambda: js.key_value("orders_order")),
        "read B's key directly": await seller_a.refused(lambda: seller_a.nc.request(
            f"$JS.API.DIRECT.GET.KV_orders_order.$KV.orders_order.{B}.{ORDER}", b"", timeout=1)),
        "create a stream": await seller_a.refused(lambda: js.add_stream(name="MINE", subjects=["mine.>"])),
    }
    await seller_a.nc.subscribe(f"orders.{B}.>")
    await seller_a.nc.flush()
    await asyncio.sleep(0.3)
    refusals["watch B's events"] = seller_a.refusals[-1]
    for what, said in refusals.items():
        assert "permissions violation" in said.lower(), f"{what}: {said}"
    assert f'"{market_b}"' in refusals["publish B's fact"]
    assert "subscription" in refusals["watch B's events"].lower() and f"orders.{B}.>" in refusals["watch B's events"]
    stored = await operator.nc.jetstream().stream_info("MARKET", subjects_filter=f"market.{B}.>")
    assert not (stored.state.subjects or {}), "seller A stored a fact under seller B"
    await seller_a.nc.close()
    await operator.nc.close()


async def test_a_sellers_credentials_see_only_its_own_events_and_replies(system):
    seller_b = await connected(system, B)
    seen: list[str] = []

    async def keep(msg) -> None:
        seen.append(msg.subject)

    await seller_b.nc.subscribe(f"orders.{B}.>", cb=keep)
    await seller_b.nc.flush()  # the subscription is live before anything is published
    published = await asyncio.to_thread(system.ask, "events", "publish", str(system.facts_of(B)), creds=system.creds(B))
    assert "published 4" in published.stdout
    for _ in range(1800):
        if seen:
            break
        await asyncio.sleep(0.1)
    assert seen and all(s.startswith(f"orders.{B}.") for s in seen), seller_b.refusals
    assert seller_b.refusals == []
    await seller_b.nc.close()


async def test_a_request_acts_for_the_seller_of_its_subject_whatever_the_body_names(system):
    b_only = "113-8888888-0000002"
    seller_b = await connected(system, B)
    await seller_b.nc.jetstream().publish(*fact(first_line(B, b_only)))
    await seller_b.nc.close()
    await eventually(lambda: _has(system, B, "operator", b_only), timeout=180, interval=0.5)
    # on A's subject, B's order id finds nothing: the handler looks under the subject's seller
    asked = system.ask("orders", "get", A, b_only, "--json", creds=system.creds(A), check=False)
    assert asked.returncode == 1 and json.loads(asked.stdout)["code"] == "not_found", asked.stderr  # --json: the ErrorReply
    assert b_only not in await orders_of(system, A, A)


async def test_a_fact_on_a_sellers_subject_naming_another_seller_is_dead_lettered_and_creates_nothing_for_it(system):
    seller_a = await connected(system, A)
    smuggled = "113-7777777-0000001"
    subject, _ = fact(first_line(A, smuggled))
    _, body_for_b = fact(first_line(B, smuggled))
    await seller_a.nc.jetstream().publish(subject, body_for_b)  # A's subject, B in the body: allowed to publish
    await seller_a.nc.close()

    async def dead_lettered() -> bool:
        return smuggled in _dead_letters(system)

    await eventually(dead_lettered, timeout=60, interval=0.5)  # the fact naming another seller is dead-lettered
    assert smuggled not in await orders_of(system, B, "operator")


async def test_a_revoked_seller_is_disconnected_and_refused_without_a_restart(system):
    revoked = "seller-revoked"
    system.cli("auth", "seller", revoked, "--dir", str(system.auth))
    creds = system.creds(revoked)
    kept = creds.read_text()
    client = await Client().connect(system.url, creds)
    await client.nc.jetstream().publish(*fact(first_line(revoked, "113-1111111-0000001")))
    said = system.cli("auth", "seller", revoked, "--dir", str(system.auth), "--revoke", "--nats-url", system.url)
    assert "refuses the old credentials now" in said.stdout
    for _ in range(100):
        if not client.nc.is_connected:
            break
        await asyncio.sleep(0.05)
    assert not client.nc.is_connected, "the revoked seller's open connection was kept"
    creds.write_text(kept)  # the integration still has its copy of the file
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(system.url, allow_reconnect=False, max_reconnect_attempts=0, **connect_options(creds))


async def test_rotating_a_sellers_credentials_refuses_the_old_file_and_accepts_the_new_one(system):
    seller = "seller-rotated"
    system.cli("auth", "seller", seller, "--dir", str(system.auth))
    old = system.folder / "old.creds"
    old.write_text(system.creds(seller).read_text())
    system.cli("auth", "seller", seller, "--dir", str(system.auth), "--rotate", "--nats-url", system.url)
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(system.url, allow_reconnect=False, max_reconnect_attempts=0, **connect_options(old))
    fresh = await Client().connect(system.url, system.creds(seller))
    ack = await fresh.nc.jetstream().publish(*fact(first_line(seller, "113-2222222-0000001")))
    assert ack.stream == "MARKET"
    await fresh.nc.close()


async def test_a_seller_sets_its_webhook_secret_which_only_operator_credentials_read_back(system):
    secret = f"whsec-{uuid.uuid4().hex}"
    system.secrets.append(secret)
    seller_a, operator = await connected(system, A), await connected(system, "operator")
    endpoint = {"id": "hook", "channel": "webhook", "target": "https://hooks.example.com/sellerops", "secret": secret}
    body = json.dumps({"preferences": {"endpoints": [endpoint], "routes": {"orders": ["hook"]}}}).encode()
    set_reply = await seller_a.nc.request(f"req.notifications.{A}.set_preferences", body, timeout=30)
    assert "Nats-Service-Error-Code" not in (set_reply.headers or {}), set_reply.data
    shown = await seller_a.nc.request(f"req.notifications.{A}.get_preferences", b"{}", timeout=30)
    assert secret not in shown.data.decode()  # masked
    said = await seller_a.refused(lambda: seller_a.nc.request(
        f"req.notifications.{A}.get_endpoint_secret", b'{"endpoint_id": "hook"}', timeout=1))
    assert "permissions violation" in said.lower()
    revealed = await operator.nc.request(f"req.notifications.{A}.get_endpoint_secret", b'{"endpoint_id": "hook"}',
                                         timeout=30)
    assert msgspec.json.decode(revealed.data)["secret"] == secret
    await seller_a.nc.close()
    await operator.nc.close()


async def test_the_read_only_role_watches_every_seller_but_cannot_change_anything(system):
    reader = await connected(system, "readonly")
    info = await reader.nc.jetstream().stream_info("ORDERS")
    assert info.config.name == "ORDERS"
    await reader.nc.subscribe("orders.>")
    listed = msgspec.json.decode((await reader.nc.request(f"req.orders.{A}.list_orders", b"{}", timeout=5)).data)
    assert ORDER in [o["order_id"] for o in listed["orders"]]
    said = await reader.refused(lambda: reader.nc.jetstream(timeout=1).publish(*fact(first_line(A, "113-3"))))
    assert "permissions violation" in said.lower()
    said = await reader.refused(lambda: reader.nc.request(
        f"req.orders.{A}.cancel_order", b"{}", timeout=1))
    assert "permissions violation" in said.lower()
    await reader.nc.close()


def test_operators_read_dead_letters_and_secrets_and_services_ran_without_a_refusal(system):
    system.ask("deadletters", "list", creds=system.creds("operator"))
    server_log = (system.folder / "data" / "nats" / "nats-server.log").read_text()
    service_refusals = [line for line in server_log.splitlines()
                        if "Violation" in line and re.search(r'"[^"]*:sellerops-\w+"', line)]
    assert service_refusals == [], service_refusals[:5]


def test_no_credential_appears_in_any_log_line_or_command_output(system):
    secrets = []
    for path in system.auth.rglob("*"):
        if path.is_file() and path.suffix in (".creds", ".nk"):
            text = path.read_text()
            secrets += re.findall(r"\bS[A-Z2-7]{57}\b", text)  # nkey seeds
            secrets += re.findall(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", text)  # JWTs
    assert len(secrets) > 10
    secrets += system.secrets
    logs = [system.log_path.read_text(), (system.folder / "data" / "nats" / "nats-server.log").read_text(),
            *system.outputs]
    leaked = [s[:12] for s in secrets if any(s in text for text in logs)]
    assert leaked == []
