"""The `email` channel: one plain-text message over SMTP (aiosmtplib) per attempt.

Settings (`SELLEROPS_NOTIFICATIONS_CHANNELS='{"email": {...}}'`):
    host          SMTP server, default "localhost"
    port          default: 465 with use_tls, 587 with start_tls, 25 otherwise
    username      log in when set (with password)
    password
    start_tls     true: require STARTTLS; false: never; null (default): upgrade when the server offers it
    use_tls       true: TLS from the first byte (port 465); not together with start_tls
    from_address  the sender, "alerts@example.com" or "Sellerops <alerts@example.com>", default
                  "sellerops@localhost"
    timeout_s     seconds for the whole attempt (and for each SMTP command), default 30

The endpoint's `target` is one bare address ("ops@example.com"). The message: subject "[sellerops] <title>",
a plain-text body (the notification's body, then its kind, severity, seller, ids), `Message-ID` derived from the
delivery id (a resend is the same message: mail clients and servers fold duplicates), `X-Sellerops-Delivery-Id`,
and `Auto-Submitted: auto-generated` (no vacation auto-replies).

Outcome: accepted by the server: ok. A connection problem, a timeout, any 4xx: retry. A 5xx refusing the
recipient or the message itself, or a target that is not an address: permanent (`retry=False`). A 5xx about
the channel's own configuration (login, sender, HELO, STARTTLS not offered) is retried: it is not the
endpoint's fault and an operator can fix it before the attempts run out.
"""

import asyncio
import hashlib
import re
import socket
import ssl
import time
from collections.abc import Mapping
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

import aiosmtplib
import msgspec

from sellerops.contracts.notifications import Endpoint
from sellerops.plugins.channels import ChannelPlugin, Message, Outcome

__all__ = ["PLUGIN", "EmailChannel", "EmailSettings", "compose", "is_address", "message_id"]

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATEXT}(?:\.{_ATEXT})*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_DOT_ATOM}@{_LABEL}(?:\.{_LABEL})*")
_DOT_ATOM_RE = re.compile(_DOT_ATOM)


class EmailSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    host: str = "localhost"
    port: int | None = None
    username: str | None = None
    password: str | None = None
    start_tls: bool | None = None
    use_tls: bool = False
    from_address: str = "sellerops@localhost"
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if self.use_tls and self.start_tls:
            raise ValueError("email: use_tls and start_tls cannot both be true")
        if not self.timeout_s > 0:
            raise ValueError("email: timeout_s must be > 0")
        if not is_address(parseaddr(self.from_address)[1]):
            raise ValueError(f"email: from_address {self.from_address!r} is not an email address")
        if (self.username is None) != (self.password is None):
            raise ValueError("email: username and password go together")

    def __repr__(self) -> str:  # never the password
        return (f"EmailSettings(host={self.host!r}, port={self.port!r}, username={self.username!r}, "
                f"start_tls={self.start_tls!r}, use_tls={self.use_tls!r}, from_address={self.from_address!r}, "
                f"timeout_s={self.timeout_s!r})")

    @property
    def sender(self) -> str:
        """The envelope sender (MAIL FROM): the bare address of `from_address`."""
        return parseaddr(self.from_address)[1]


def is_address(value: str) -> bool:
    """A bare ASCII address, "local@domain" (no display name, no comments, no IP literal)."""
    return len(value) <= 254 and _ADDRESS.fullmatch(value) is not None


def message_id(delivery_id: str, domain: str) -> str:
    """`<delivery_id@domain>`: the same for every attempt of one delivery."""
    left = delivery_id if _DOT_ATOM_RE.fullmatch(delivery_id) and len(delivery_id) <= 128 \
        else hashlib.sha256(delivery_id.encode()).hexdigest()[:40]
    return f"<{left}@{domain}>"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compose(message: Message, to: str, settings: EmailSettings) -> EmailMessage:
    """The email for `message` to `to`."""
    created = message.created_at if message.created_at.tzinfo else message.created_at.replace(tzinfo=UTC)
    domain = settings.sender.rpartition("@")[2]
    mail = EmailMessage()
    mail["From"] = settings.from_address
    mail["To"] = to
    mail["Subject"] = f"[sellerops] {_one_line(message.title)}"
    mail["Date"] = format_datetime(created.astimezone(UTC))
    mail["Message-ID"] = message_id(message.delivery_id, domain)
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Sellerops-Delivery-Id"] = _one_line(message.delivery_id)
    mail["X-Sellerops-Notification-Id"] = _one_line(message.notification_id)
    mail["X-Sellerops-Kind"] = _one_line(message.kind)
    mail["X-Sellerops-Severity"] = _one_line(message.severity)
    lines = [
        message.body.rstrip(),
        "",
        "-- ",
        f"Kind: {message.kind}",
        f"Severity: {message.severity}",
        f"Seller: {message.seller}",
        f"About: {message.about}",
        f"Raised at: {created.astimezone(UTC).isoformat()}",
        f"Notification id: {message.notification_id}",
        f"Delivery id: {message.delivery_id}",
        "",
    ]
    mail.set_content("\n".join(lines), subtype="plain", charset="utf-8")
    return mail


class EmailChannel:
    name = "email"

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    async def send(self, endpoint: Endpoint, message: Message) -> Outcome:
        started = time.perf_counter()

        def outcome(ok: bool, detail: str, retry: bool = True) -> Outcome:
            return Outcome(ok=ok, detail=detail, retry=False if ok else retry,
                           duration_ms=round((time.perf_counter() - started) * 1000, 3))

        to = endpoint.target.strip()
        if not is_address(to):
            return outcome(False, f"not an email address: {endpoint.target!r}", retry=False)
        try:
            mail = compose(message, to, self.settings)
        except (ValueError, TypeError) as exc:  # a header the email package refuses
            return outcome(False, f"cannot compose the email: {exc}", retry=False)
        s = self.settings
        try:
            async with asyncio.timeout(s.timeout_s):
                _, reply = await aiosmtplib.send(
                    mail, sender=s.sender, recipients=[to], hostname=s.host, port=s.port,
                    username=s.username, password=s.password, start_tls=s.start_tls, use_tls=s.use_tls,
                    timeout=s.timeout_s)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            first = exc.recipients[0] if exc.recipients else None
            text = f"{first.code} {_one_line(first.message)}" if first else "refused"
            return outcome(False, f"recipient refused: {text}", retry=not any(500 <= c < 600 for c in codes))
        except aiosmtplib.SMTPRecipientRefused as exc:
            return outcome(False, f"recipient refused: {exc.code} {_one_line(exc.message)}",
                           retry=not 500 <= exc.code < 600)
        except aiosmtplib.SMTPDataError as exc:
            return outcome(False, f"message refused: {exc.code} {_one_line(exc.message)}",
                           retry=not 500 <= exc.code < 600)
        except aiosmtplib.SMTPAuthenticationError as exc:
            return outcome(False, f"login refused: {exc.code} {_one_line(exc.message)}")
        except aiosmtplib.SMTPSenderRefused as exc:
            return outcome(False, f"sender refused: {exc.code} {_one_line(exc.message)}")
        except (TimeoutError, aiosmtplib.SMTPTimeoutError):
            return outcome(False, f"timeout after {s.timeout_s} s")
        except aiosmtplib.SMTPResponseException as exc:
            return outcome(False, f"{exc.code} {_one_line(exc.message)}")
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:
            return outcome(False, _describe_connection_error(exc))
        except aiosmtplib.SMTPException as exc:  # SMTPNotSupported (no STARTTLS, no AUTH), ...
            return outcome(False, f"SMTP error: {_one_line(exc.message)}")
        return outcome(True, _one_line(reply) or "250")

    async def close(self) -> None:
        return None  # one SMTP connection per attempt: nothing held open


def _describe_connection_error(exc: BaseException) -> str:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return f"name not resolved: {cause.strerror or cause}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {getattr(cause, 'verify_message', None) or cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    text = _one_line(str(exc))
    if "refused" in text.lower():
        return "connection refused"
    return f"connection failed: {text or type(exc).__name__}"


def _create(settings: Mapping[str, Any]) -> EmailChannel:
    return EmailChannel(msgspec.convert(dict(settings), EmailSettings, strict=False))


PLUGIN = ChannelPlugin(
    name="email",
    description="Plain-text email over SMTP (aiosmtplib), Message-ID derived from the delivery id",
    create=_create,
    needs_target=True,
    check_endpoint=lambda e: None if is_address(e.target) else ("target", f"{e.target!r} is not an email address"),
)
