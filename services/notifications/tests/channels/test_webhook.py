"""The webhook channel against a real HTTP receiver on loopback (uvicorn serving a small ASGI app)."""

import time

import msgspec
import pytest

from sellerops.notifications.channels import signing, webhook
from sellerops.notifications.channels.webhook import WebhookChannel, WebhookSettings, _retry_after
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
