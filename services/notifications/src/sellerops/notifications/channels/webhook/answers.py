"""The request's header values, and the answer read: the body drained, the status phrased, Retry-After,
transport errors described."""

import errno
import socket
import ssl
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import quote

import httpx

_MAX_READ = 64 * 1024
_VISIBLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")


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
