"""How sellerops signs a webhook, and how a receiver checks it (stdlib only: copy this file or import it).

Every webhook POST carries

    Sellerops-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>

where the HMAC is keyed with the endpoint's secret (UTF-8) and computed over the bytes

    f"{t}." + <the raw request body>

(the timestamp in decimal, a dot, then the body exactly as received, before any JSON parsing). A receiver:

1. splits the header on ",", each part on the first "=": `t` is the timestamp, every `v1` a candidate signature
   (more than one `v1` may appear, e.g. while a secret is being rotated; other keys are ignored);
2. computes the HMAC of `f"{t}.".encode() + body` with its copy of the secret and compares it to each `v1`
   in constant time;
3. rejects the request when `t` is more than `tolerance_s` (default 300) seconds away from its own clock,
   so that a captured request cannot be replayed later;
4. drops duplicates by `Sellerops-Delivery-Id` (the same on every retry of one delivery).

    from sellerops.notifications.channels.signing import verify
    if not verify(secret, request.headers["Sellerops-Signature"], raw_body, now=time.time()):
        return 400
"""

import hashlib
import hmac
from datetime import datetime

__all__ = ["HEADER", "SCHEME", "TOLERANCE_S", "sign", "signature", "verify"]

HEADER = "Sellerops-Signature"
SCHEME = "v1"
TOLERANCE_S = 300


def signature(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `f"{timestamp}." + body`, keyed with `secret`."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"{int(timestamp)}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """The `Sellerops-Signature` header value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={int(timestamp)},{SCHEME}={signature(secret, timestamp, body)}"


def verify(secret: str | bytes, header: str | None, body: bytes, *, now: float | datetime,
           tolerance_s: float = TOLERANCE_S) -> bool:
    """True when `header` is a valid signature of `body` with `secret`, made within `tolerance_s` of `now`
    (unix seconds, or an aware datetime). A malformed header is False, never an exception."""
    if not header or not secret:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit():
                return False
            timestamp = int(value)
        elif key == SCHEME:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    now_s = now.timestamp() if isinstance(now, datetime) else float(now)
    if abs(now_s - timestamp) > tolerance_s:
        return False
    expected = signature(secret, timestamp, body).encode()
    matched = False
    for candidate in candidates:  # every candidate is compared: the time taken does not tell which matched
        matched |= hmac.compare_digest(expected, candidate.encode("utf-8", "replace"))
    return matched
