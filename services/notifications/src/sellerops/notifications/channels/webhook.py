"""The `webhook` channel: one signed HTTPS POST of the message's JSON payload per attempt.

Settings (`SELLEROPS_NOTIFICATIONS_CHANNELS='{"webhook": {...}}'`):
    timeout_s       seconds for the whole attempt (connect, send, answer), default 10
    private_targets true (default): URLs may point at private, loopback and link-local addresses (one seller's
                    own network). false, where people you do not control set endpoints (a hosted deployment):
                    every address the host name resolves to must be a public one. That is checked at each
                    attempt, and the connection goes to the address checked (the URL's host name still in
                    the Host header and in TLS's SNI and certificate check), so a DNS answer cannot change
                    between the check and the connect. Literal private addresses and `localhost` are also
                    refused when a seller sets the endpoint.

The endpoint's `target` is the URL: `https://...`, or `http://` to a loopback host (127.0.0.0/8, ::1, localhost)
only. Its `secret` signs every request (see `signing`); an endpoint without one is refused.

Request: `POST <target>` with the payload as compact UTF-8 JSON and the headers
    Content-Type: application/json
    User-Agent: sellerops-notifications/<version>
    Sellerops-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of f"{t}.{body}" with the secret>
    Sellerops-Delivery-Id: <delivery id, the same on every retry: receivers drop duplicates with it>
    Sellerops-Event-Type: <the event type behind the notification>

Outcome: 2xx ok. 429, 5xx, a timeout or a connection problem: retry (a `Retry-After` on 429 or 503, in seconds
or as an HTTP date, becomes `retry_after_s`). Any other status (other 4xx, a 3xx: redirects are not followed),
an invalid URL, no secret: permanent (`retry=False`). The response body is not read beyond 64 KiB.
"""

import asyncio
import errno
import ipaddress
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import msgspec

from sellerops.contracts.notifications import Endpoint
from sellerops.notifications.channels import signing
from sellerops.plugins.channels import ChannelPlugin, Message, Outcome

__all__ = ["PLUGIN", "WebhookChannel", "WebhookSettings", "user_agent"]

_MAX_READ = 64 * 1024
_VISIBLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")
_RETRY_AFTER_STATUSES = (429, 503)
PINNED_CLIENTS = 256  # host names with a client of their own (private_targets off); the least recent closes
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IpAddress]]]


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
                url, extensions, name = endpoint.target, {}, None
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

    async def _pin(self, target: str) -> tuple[str, str, dict] | str:
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


def _header_value(text: str) -> str:
    """`text` as a header value: visible ASCII as is (ids and event types always are), anything else (a line
    break, a non-ASCII letter) percent-encoded as UTF-8, so that a header can neither fail nor be injected."""
    return quote(" ".join(text.split()), safe=_VISIBLE_ASCII + " ")


async def _drain(response: httpx.Response) -> None:
    """Read (and drop) up to 64 KiB of the answer, so its connection can serve the next request; the status
    alone decides, so a body that breaks off is no failure."""
    if response.is_stream_consumed:
        return
    read = 0
    try:
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read >= _MAX_READ:
                return
    except (httpx.TransportError, httpx.StreamError):
        return


def _check_url(target: str) -> str | None:
    """Why `target` cannot be a webhook URL, or None."""
    if not target:
        return "no webhook URL"
    try:
        parts = urlsplit(target)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        return f"invalid webhook URL: {exc}"
    if not host:
        return "invalid webhook URL: no host"
    try:
        host.encode("idna")  # what resolving needs: labels of 1 to 63 characters, ...
    except UnicodeError as exc:
        return f"invalid webhook URL: host name {host!r}: {exc}"
    if parts.username is not None or parts.password is not None:
        return "invalid webhook URL: credentials in the URL"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http":
        return None if _is_loopback(host) else "webhook URL must be https (http only to a loopback host)"
    return f"invalid webhook URL: scheme {parts.scheme!r} (https only)"


MIN_SECRET = 16


async def _resolve(host: str, port: int) -> list[IpAddress]:
    """Every address `host` resolves to (a literal address: itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found))


# NAT64 (well-known and local-use prefixes) and SIIT's IPv4-translated addresses carry an IPv4 address in their
# last 32 bits
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"),
          ipaddress.ip_network("::ffff:0:0:0/96"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and routes to: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
    translated (::ffff:0:a.b.c.d), 6to4 (2002:aabb:ccdd::), NAT64 (64:ff9b::a.b.c.d) and Teredo (its client)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public(address: IpAddress) -> bool:
    """Globally routable: not private, loopback, link-local, shared (100.64/10), reserved, multicast, site-local,
    ...; an IPv6 address that carries an IPv4 address is judged by that one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:
            return False
        if (inner := _embedded_ipv4(address)) is not None:
            return _is_public(inner)
    return address.is_global and not address.is_multicast and not address.is_unspecified


def _literal_private(target: str) -> str | None:
    """Why a URL that names a private address or `localhost` outright is refused (no DNS at setting time)."""
    host = urlsplit(target).hostname or ""
    if _names_this_machine(host):
        return f"{host} is this machine, not a public address (private_targets is off)"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return None if _is_public(address) else f"{host} is not a public address (private_targets is off)"


def _check_endpoint(endpoint: Endpoint) -> tuple[str, str] | None:
    """What a seller's webhook endpoint lacks: a URL this channel will post to, a signing secret long enough."""
    if (why := _check_url(endpoint.target)) is not None:
        return "target", why
    if not endpoint.secret or len(endpoint.secret) < MIN_SECRET:
        return "secret", f"a webhook needs a signing secret of at least {MIN_SECRET} characters"
    return None


def _names_this_machine(host: str) -> bool:
    """`localhost` and the names under it, which always resolve to the loopback address (RFC 6761)."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def _is_loopback(host: str) -> bool:
    if _names_this_machine(host):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _phrase(status: int, reason: str) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return reason


def _retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN, inf
        return None
    return max(0.0, seconds)


def _describe_transport_error(exc: httpx.TransportError) -> str:
    """A short reason for a failed connection: "connection refused", "name not resolved: ...", ..."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
        if isinstance(cause, socket.gaierror):
            return f"name not resolved: {cause.strerror or cause}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {getattr(cause, 'verify_message', None) or cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"protocol error: {text or 'server disconnected without a response'}"
    kind = "connection failed" if isinstance(exc, httpx.ConnectError) else "network error"
    return f"{kind}: {text or type(exc).__name__}"


def _create(settings: Mapping[str, Any]) -> WebhookChannel:
    return WebhookChannel(msgspec.convert(dict(settings), WebhookSettings, strict=False))


PLUGIN = ChannelPlugin(
    name="webhook",
    description="Signed HTTPS POST of the notification as JSON (Sellerops-Signature: HMAC-SHA256, Stripe-like)",
    create=_create,
    needs_target=True,
    check_endpoint=_check_endpoint,
)
