"""The webhook channel against a real HTTP receiver on loopback (uvicorn serving a small ASGI app)."""

import asyncio
import ipaddress
import time

import httpx
import msgspec
import pytest

from sellerops.notifications.channels import signing, webhook
from sellerops.notifications.channels.webhook import WebhookChannel, WebhookSettings
from sellerops.notifications.channels.webhook.answers import _retry_after
from sellerops.runtime.embedded import free_port

from .conftest import SECRET, make_message, webhook_endpoint


@pytest.fixture
async def channel():
    ch = webhook.PLUGIN.create({"timeout_s": 2})
    try:
        yield ch
    finally:
        await ch.close()


async def test_a_2xx_answer_is_ok_and_the_post_carries_the_payload_as_compact_json(channel, receiver):
    message = make_message()
    outcome = await channel.send(webhook_endpoint(receiver.at("/ok")), message)

    assert outcome.ok and outcome.detail == "200" and outcome.retry_after_s is None and outcome.duration_ms > 0
    [request] = receiver.requests
    assert request.method == "POST" and request.path == "/ok"
    assert request.body == msgspec.json.encode(dict(message.payload))
    assert b": " not in request.body and "caf\u00e9 \u2713".encode() in request.body  # compact, UTF-8
    assert msgspec.json.decode(request.body) == dict(message.payload)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("sellerops-notifications/0.")
    assert request.headers["sellerops-delivery-id"] == message.delivery_id
    assert request.headers["sellerops-event-type"] == message.about


async def test_a_receiver_verifies_the_signature_and_rejects_a_tampered_body_or_an_old_timestamp(channel, receiver):
    before = int(time.time())
    await channel.send(webhook_endpoint(receiver.at("/ok")), make_message())
    [request] = receiver.requests
    header = request.headers["sellerops-signature"]
    t = int(header.split(",")[0].removeprefix("t="))

    assert before <= t <= time.time()
    assert signing.verify(SECRET, header, request.body, now=time.time())
    assert not signing.verify(SECRET, header, request.body.replace(b"orders", b"claims"), now=time.time())
    assert not signing.verify(SECRET, header, request.body, now=t + 301)
    assert not signing.verify("whsec_someone_else", header, request.body, now=time.time())


async def test_any_2xx_is_ok(channel, receiver):
    outcome = await channel.send(webhook_endpoint(receiver.at("/accepted")), make_message())
    assert outcome.ok and outcome.detail == "202"


async def test_the_delivery_id_is_the_same_on_every_attempt_so_a_receiver_can_drop_duplicates(channel, receiver):
    message = make_message(delivery_id="dlv-retry-7")
    await channel.send(webhook_endpoint(receiver.at("/fail")), message)
    await channel.send(webhook_endpoint(receiver.at("/ok")), message)
    assert [r.headers["sellerops-delivery-id"] for r in receiver.requests] == ["dlv-retry-7", "dlv-retry-7"]
    assert receiver.requests[0].body == receiver.requests[1].body


async def test_a_500_answer_is_retried(channel, receiver):
    outcome = await channel.send(webhook_endpoint(receiver.at("/fail")), make_message())
    assert (outcome.ok, outcome.retry, outcome.detail, outcome.retry_after_s) == (
        False, True, "500 Internal Server Error", None)


async def test_a_503_with_retry_after_is_retried_after_the_wait_it_asks_for(channel, receiver):
    outcome = await channel.send(webhook_endpoint(receiver.at("/unavailable")), make_message())
    assert (outcome.ok, outcome.retry, outcome.detail, outcome.retry_after_s) == (
        False, True, "503 Service Unavailable", 7.0)


async def test_a_429_with_retry_after_is_retried_after_the_wait_it_asks_for(channel, receiver):
    outcome = await channel.send(webhook_endpoint(receiver.at("/busy")), make_message())
    assert (outcome.ok, outcome.retry, outcome.detail, outcome.retry_after_s) == (
        False, True, "429 Too Many Requests", 3.0)


@pytest.mark.parametrize(("path", "detail"), [("/bad", "400 Bad Request"), ("/gone", "410 Gone"),
                                              ("/nowhere", "404 Not Found")])
async def test_a_4xx_other_than_429_is_permanent(channel, receiver, path, detail):
    outcome = await channel.send(webhook_endpoint(receiver.at(path)), make_message())
    assert (outcome.ok, outcome.retry, outcome.detail) == (False, False, detail)


async def test_a_redirect_is_not_followed_and_is_permanent(channel, receiver):
    outcome = await channel.send(webhook_endpoint(receiver.at("/moved")), make_message())
    assert (outcome.ok, outcome.retry) == (False, False)
    assert outcome.detail == "301 Moved Permanently (redirects are not followed)"
    assert len(receiver.requests) == 1


async def test_a_receiver_slower_than_the_timeout_is_a_retried_timeout(receiver):
    channel = webhook.PLUGIN.create({"timeout_s": 0.3})
    try:
        started = time.perf_counter()
        outcome = await channel.send(webhook_endpoint(receiver.at("/slow")), make_message())
        elapsed = time.perf_counter() - started
    finally:
        await channel.close()
    assert (outcome.ok, outcome.retry, outcome.detail) == (False, True, "timeout after 0.3 s")
    assert 0.25 <= elapsed < 1.5 and 250 <= outcome.duration_ms < 1500


async def test_the_default_timeout_is_ten_seconds():
    channel = webhook.PLUGIN.create({})
    try:
        assert channel.settings.timeout_s == 10.0
    finally:
        await channel.close()


async def test_a_port_nobody_listens_on_is_a_retried_connection_refused(channel):
    outcome = await channel.send(webhook_endpoint(f"http://127.0.0.1:{free_port()}/hook"), make_message())
    assert (outcome.ok, outcome.retry, outcome.detail) == (False, True, "connection refused")


async def test_an_endpoint_without_a_secret_is_refused_permanently_without_a_request(channel, receiver):
    for secret in (None, ""):
        outcome = await channel.send(webhook_endpoint(receiver.at("/ok"), secret=secret), make_message())
        assert (outcome.ok, outcome.retry, outcome.detail) == (False, False, "no signing secret")
    assert receiver.requests == []


@pytest.mark.parametrize("url", [
    "", "not a url", "ftp://127.0.0.1/hook", "http://example.com/hook", "http://10.0.0.5/hook",
    "https:///nohost", "https://user:pass@example.com/hook", "https://example.com:99999/hook",
])
async def test_a_target_that_is_not_an_https_url_is_refused_permanently(channel, url):
    outcome = await channel.send(webhook_endpoint(url), make_message())
    assert (outcome.ok, outcome.retry) == (False, False)
    assert "URL" in outcome.detail


async def test_one_client_serves_every_send_and_close_closes_it(receiver):
    channel = webhook.PLUGIN.create({"timeout_s": 2})
    client = channel._client
    await channel.send(webhook_endpoint(receiver.at("/ok")), make_message())
    await channel.send(webhook_endpoint(receiver.at("/ok")), make_message())
    assert channel._client is client and not client.is_closed
    await channel.close()
    assert client.is_closed


def test_the_plugin_refuses_unknown_or_invalid_settings():
    with pytest.raises(msgspec.ValidationError):
        webhook.PLUGIN.create({"timeout": 5})
    with pytest.raises(msgspec.ValidationError):
        webhook.PLUGIN.create({"timeout_s": 0})
    assert webhook.PLUGIN.name == "webhook" and webhook.PLUGIN.needs_target


def test_retry_after_is_read_as_seconds_or_an_http_date():
    now = 1_741_944_413.0  # Fri, 14 Mar 2025 09:26:53 GMT
    assert _retry_after("120", now) == 120.0
    assert _retry_after("Fri, 14 Mar 2025 09:27:53 GMT", now) == 60.0
    assert _retry_after("Fri, 14 Mar 2025 09:00:00 GMT", now) == 0.0  # already past
    assert _retry_after(None, now) is None
    assert _retry_after("soon", now) is None
    assert _retry_after("nan", now) is None


async def test_an_injected_clock_sets_the_signature_timestamp(receiver):
    channel = WebhookChannel(WebhookSettings(timeout_s=2), clock=lambda: 1_700_000_000.9)
    try:
        await channel.send(webhook_endpoint(receiver.at("/ok")), make_message())
    finally:
        await channel.close()
    [request] = receiver.requests
    assert request.headers["sellerops-signature"] == signing.sign(SECRET, 1_700_000_000, request.body)


async def test_a_large_answer_body_is_not_read_and_the_status_decides(channel, receiver):
    outcome = await channel.send(webhook_endpoint(receiver.at("/big")), make_message())
    assert outcome.ok and outcome.detail == "200"


async def test_a_header_value_with_a_line_break_or_non_ascii_text_is_percent_encoded_not_injected(channel, receiver):
    message = make_message(about="orders.caf\u00e9\r\nX-Injected: 1")
    outcome = await channel.send(webhook_endpoint(receiver.at("/ok")), message)
    assert outcome.ok
    [request] = receiver.requests
    assert request.headers["sellerops-event-type"] == "orders.caf%C3%A9 X-Injected: 1"
    assert "x-injected" not in request.headers


# ---- private targets off: public addresses only, and the connection pinned to the address checked ----


PUBLIC_V4, PUBLIC_V6 = "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"


def resolver(answers: dict[str, list[str]], asked: list | None = None):
    async def resolve(host: str, port: int):
        if asked is not None:
            asked.append((host, port))
        if host not in answers:
            raise OSError(f"no such host {host}")
        return [ipaddress.ip_address(a) for a in answers[host]]

    return resolve


def capturing() -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    return httpx.MockTransport(handle), seen


def closed_channel(**kwargs) -> WebhookChannel:
    return WebhookChannel(WebhookSettings(timeout_s=2, private_targets=False), **kwargs)


async def test_with_private_targets_off_a_loopback_receiver_is_refused_before_any_request(receiver):
    channel = closed_channel()
    try:
        outcome = await channel.send(webhook_endpoint(receiver.at("/ok")), make_message())
    finally:
        await channel.close()
    assert not outcome.ok and not outcome.retry
    assert outcome.detail.startswith("refused: 127.0.0.1 resolves to 127.0.0.1, not a public address")
    assert receiver.requests == []


@pytest.mark.parametrize("answers", [
    ["10.0.0.7"], [PUBLIC_V4, "10.0.0.7"], ["169.254.169.254"], ["100.64.0.1"], ["0.0.0.0"], ["::"],
    ["::ffff:127.0.0.1"], ["::ffff:0:7f00:1"], ["::7f00:1"], ["64:ff9b::a9fe:a9fe"], ["2002:7f00:1::"], ["fd00::1"],
    ["fec0::1"]], ids=[
    "private", "one of several", "link-local metadata", "shared", "unspecified", "unspecified v6", "mapped loopback",
    "translated loopback", "compatible loopback", "NAT64 to link-local", "6to4 of loopback", "unique local v6",
    "site-local v6"])
async def test_with_private_targets_off_a_name_resolving_to_any_private_address_is_refused(answers):
    transport, seen = capturing()
    channel = closed_channel(transport=transport, resolve=resolver({"hooks.example.com": answers}))
    try:
        outcome = await channel.send(webhook_endpoint("https://hooks.example.com/sellerops"), make_message())
    finally:
        await channel.close()
    assert not outcome.ok and not outcome.retry and "not a public address" in outcome.detail
    assert seen == []


@pytest.mark.parametrize(("target", "answer", "url", "host"), [
    ("https://hooks.example.com/in?x=1", PUBLIC_V4, f"https://{PUBLIC_V4}/in?x=1", "hooks.example.com"),
    ("https://hooks.example.com:8443/in", PUBLIC_V4, f"https://{PUBLIC_V4}:8443/in", "hooks.example.com:8443"),
    ("https://hooks.example.com/in", PUBLIC_V6, f"https://[{PUBLIC_V6}]/in", "hooks.example.com"),
], ids=["default port", "own port", "IPv6"])
async def test_with_private_targets_off_the_post_goes_to_the_address_checked_under_the_host_name(
        target, answer, url, host):
    transport, seen = capturing()
    channel = closed_channel(transport=transport, resolve=resolver({"hooks.example.com": [answer]}))
    try:
        outcome = await channel.send(webhook_endpoint(target), make_message())
    finally:
        await channel.close()
    assert outcome.ok
    [request] = seen
    assert str(request.url) == url, "connected to the address that was checked: DNS cannot change in between"
    assert request.headers["host"] == host
    assert request.extensions["sni_hostname"] == "hooks.example.com", "TLS still checks the host name's certificate"


async def test_with_private_targets_off_a_name_that_does_not_resolve_is_retried():
    channel = closed_channel(resolve=resolver({}))
    try:
        outcome = await channel.send(webhook_endpoint("https://gone.example.com/in"), make_message())
    finally:
        await channel.close()
    assert not outcome.ok and outcome.retry and outcome.detail.startswith("connection failed: name not resolved")


async def test_with_private_targets_on_nothing_is_resolved_ahead(receiver):
    asked: list = []
    channel = WebhookChannel(WebhookSettings(timeout_s=2), resolve=resolver({}, asked))
    try:
        outcome = await channel.send(webhook_endpoint(receiver.at("/ok")), make_message())
    finally:
        await channel.close()
    assert outcome.ok and asked == []


@pytest.mark.parametrize(("target", "refused"), [
    ("https://10.1.2.3/hook", True), ("https://localhost/hook", True), ("http://127.0.0.1:8080/hook", True),
    ("https://[::1]/hook", True), ("https://hooks.example.com/hook", False), (f"https://{PUBLIC_V4}/hook", False),
])
def test_with_private_targets_off_setting_an_endpoint_at_a_private_address_is_refused(target, refused):
    channel = closed_channel()
    found = channel.check_endpoint(webhook_endpoint(target))
    assert (found is not None) == refused
    if refused:
        assert found[0] == "target" and ("not a public address" in found[1] or "this machine" in found[1])
    assert WebhookChannel(WebhookSettings()).check_endpoint(webhook_endpoint(target)) is None


async def test_with_private_targets_off_each_host_name_has_its_own_connections_and_the_least_recent_closes(
        monkeypatch):
    monkeypatch.setattr(webhook.channel, "PINNED_CLIENTS", 2)
    channel = closed_channel()
    try:
        a, b = channel._client_for("a.example.com"), channel._client_for("b.example.com")
        assert a is not b, "a TLS connection verified for one name never carries another name's request"
        assert channel._client_for("a.example.com") is a
        channel._client_for("c.example.com")  # b is now the least recently used
        await asyncio.sleep(0)
        assert b.is_closed and not a.is_closed
        assert channel._client_for(None) is channel._client, "private targets on: one shared client"
    finally:
        await channel.close()
    assert a.is_closed


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::", PUBLIC_V6, PUBLIC_V4])
def test_public_addresses_and_ipv6_forms_of_public_ipv4_addresses_pass(address):
    assert webhook.targets._is_public(ipaddress.ip_address(address))


async def test_a_host_name_that_cannot_be_resolved_at_all_is_refused_not_raised():
    bad = "https://" + "a" * 64 + ".example.com/x"  # a label over 63 characters
    assert webhook.PLUGIN.check_endpoint(webhook_endpoint(bad))[0] == "target", "refused when set"
    channel = closed_channel()  # private_targets off: the name is resolved at each attempt
    try:
        outcome = await channel.send(webhook_endpoint(bad), make_message())
    finally:
        await channel.close()
    assert not outcome.ok and not outcome.retry and "invalid webhook URL" in outcome.detail


async def test_pinned_connections_take_no_proxy_from_the_environment():
    channel = closed_channel()
    try:
        assert channel._client_for("hooks.example.com")._trust_env is False
        assert channel._client_for(None)._trust_env is True, "private targets on: the environment's proxy applies"
    finally:
        await channel.close()
