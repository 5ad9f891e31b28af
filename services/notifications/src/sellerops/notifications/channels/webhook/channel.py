"""The webhook channel: its settings, one signed POST per attempt (pinned to the address checked when
private targets are off), and the plugin."""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import msgspec

from sellerops.contracts.notifications import Endpoint
from sellerops.notifications.channels import signing
from sellerops.notifications.channels.webhook.answers import (
    _describe_transport_error, _drain, _header_value, _phrase, _retry_after,
)
from sellerops.notifications.channels.webhook.targets import (
    IpAddress, Resolver, _check_endpoint, _check_url, _is_public, _literal_private, _resolve,
)
from sellerops.plugins.channels import ChannelPlugin, Message, Outcome

_RETRY_AFTER_STATUSES = (429, 503)
PINNED_CLIENTS = 256  # host names with a client of their own (private_targets off); the least recent closes


class WebhookSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    timeout_s: float = 10.0
    private_targets: bool = True

    def __post_init__(self) -> None:
        if not self.timeout_s > 0:
            raise ValueError("webhook timeout_s must be > 0")


def user_agent() -> str:
    try:
        return f"sellerops-notifications/{version('sellerops-notifications')}"
    except PackageNotFoundError:  # pragma: no cover (running from a source tree without metadata)
        return "sellerops-notifications/0"


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: WebhookSettings, *, clock: Callable[[], float] = time.time,
                 transport: httpx.AsyncBaseTransport | None = None, resolve: Resolver | None = None,
                 public: Callable[[IpAddress], bool] | None = None) -> None:
        self.settings = settings
        self._clock = clock
        self._resolve = resolve or _resolve
        self._public = public or _is_public
        self._transport = transport
        self._closing: set[asyncio.Future] = set()
        self._client = self._new_client()
        # With private_targets off, connections go to checked addresses, one client per host name: a pooled
        # TLS connection verified for one name is never reused for another name at the same address.
        self._pinned: OrderedDict[str, httpx.AsyncClient] = OrderedDict()

    def _new_client(self, *, pinned: bool = False) -> httpx.AsyncClient:
        # A pinned client connects to the address it checked: no proxy from the environment (HTTPS through a
        # proxy checks the certificate against the URL's host, the address, not the name).
        return httpx.AsyncClient(timeout=httpx.Timeout(self.settings.timeout_s), follow_redirects=False,
                                 headers={"User-Agent": user_agent()}, transport=self._transport,
                                 trust_env=not pinned)

    def _client_for(self, host: str | None) -> httpx.AsyncClient:
        if host is None:
            return self._client
        client = self._pinned.pop(host, None) or self._new_client(pinned=True)
        self._pinned[host] = client
        while len(self._pinned) > PINNED_CLIENTS:
            _, oldest = self._pinned.popitem(last=False)
            closing = asyncio.ensure_future(oldest.aclose())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)
        return client

    async def send(self, endpoint: Endpoint, message: Message) -> Outcome:
        started = time.perf_counter()

        def outcome(ok: bool, detail: str, retry: bool = True, retry_after_s: float | None = None) -> Outcome:
            return Outcome(ok=ok, detail=detail, retry=False if ok else retry, retry_after_s=retry_after_s,
                           duration_ms=round((time.perf_counter() - started) * 1000, 3))

        problem = _check_url(endpoint.target)
        if problem:
            return outcome(False, problem, retry=False)
        if not endpoint.secret:
            return outcome(False, "no signing secret", retry=False)
        try:
            body = msgspec.json.encode(dict(message.payload))
        except (TypeError, msgspec.EncodeError) as exc:
            return outcome(False, f"payload is not JSON: {exc}", retry=False)
        headers = {
            "Content-Type": "application/json",
            signing.HEADER: signing.sign(endpoint.secret, int(self._clock()), body),
            "Sellerops-Delivery-Id": _header_value(message.delivery_id),
            "Sellerops-Event-Type": _header_value(message.about),
        }
        timeout_s = self.settings.timeout_s
        response: httpx.Response | None = None
        try:
            async with asyncio.timeout(timeout_s):  # the whole attempt, not each phase
                url, name = endpoint.target, None
                extensions: dict[str, str] = {}  # the TLS name of a pinned https target (httpx's sni_hostname)
                if not self.settings.private_targets:
                    pinned = await self._pin(endpoint.target)
                    if isinstance(pinned, str):
                        return outcome(False, pinned, retry=False)
                    url, host_header, extensions = pinned
                    headers["Host"], name = host_header, urlsplit(endpoint.target).hostname
                client = self._client_for(name)
                request = client.build_request("POST", url, content=body, headers=headers, extensions=extensions)
                response = await client.send(request, stream=True)
                await _drain(response)
        except (TimeoutError, httpx.TimeoutException):
            if response is None:
                return outcome(False, f"timeout after {timeout_s} s")
            # the status came in time, the rest of the body did not: the status decides
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return outcome(False, f"invalid webhook URL: {exc}", retry=False)
        except httpx.LocalProtocolError as exc:  # e.g. a header value that cannot be sent
            return outcome(False, f"invalid request: {exc}", retry=False)
        except httpx.TransportError as exc:
            return outcome(False, _describe_transport_error(exc))
        finally:
            if response is not None:
                await response.aclose()
        assert response is not None
        status = response.status_code
        if 200 <= status < 300:
            return outcome(True, str(status))
        detail = f"{status} {_phrase(status, response.reason_phrase)}".rstrip()
        if 300 <= status < 400:
            return outcome(False, f"{detail} (redirects are not followed)", retry=False)
        retry_after = _retry_after(response.headers.get("Retry-After"), self._clock()) \
            if status in _RETRY_AFTER_STATUSES else None
        if status == 429 or status >= 500:
            return outcome(False, detail, retry=True, retry_after_s=retry_after)
        return outcome(False, detail, retry=False)

    async def close(self) -> None:
        await self._client.aclose()
        for client in self._pinned.values():
            await client.aclose()
        self._pinned.clear()
        await asyncio.gather(*self._closing)

    def check_endpoint(self, endpoint: Endpoint) -> tuple[str, str] | None:
        """This channel's settings' say on an endpoint a seller sets: with private_targets off, a URL naming a
        private address or `localhost` outright is refused (names are resolved and checked at each attempt)."""
        if not self.settings.private_targets and (why := _literal_private(endpoint.target)) is not None:
            return "target", why
        return None

    async def _pin(self, target: str) -> tuple[str, str, dict[str, str]] | str:
        """The URL with its host replaced by one checked public address, the Host header and the TLS
        extension keeping the host name; or why the target is refused."""
        parts = urlsplit(target)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = await self._resolve(host, port)
        except (UnicodeError, ValueError) as exc:  # not a host name at all (a label over 63 characters, ...)
            return f"invalid webhook URL: host name {host!r} cannot be resolved: {exc}"
        except OSError as exc:
            raise httpx.ConnectError(f"name not resolved: {exc}") from exc
        if not addresses:
            raise httpx.ConnectError(f"name not resolved: {host} has no address")
        refused = next((a for a in addresses if not self._public(a)), None)
        if refused is not None:
            return f"refused: {host} resolves to {refused}, not a public address (private_targets is off)"
        chosen = addresses[0]
        literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
        netloc = f"{literal}:{parts.port}" if parts.port else literal
        host_header = parts.netloc.rsplit("@", 1)[-1]
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), host_header, extensions


def _create(settings: Mapping[str, Any]) -> WebhookChannel:
    return WebhookChannel(msgspec.convert(dict(settings), WebhookSettings, strict=False))


PLUGIN = ChannelPlugin(
    name="webhook",
    description="Signed HTTPS POST of the notification as JSON (Sellerops-Signature: HMAC-SHA256, Stripe-like)",
    create=_create,
    needs_target=True,
    check_endpoint=_check_endpoint,
)
