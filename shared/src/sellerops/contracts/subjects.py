"""Subject builders. Every subject is `<source>.<seller>.<entity>.<fact>`; never write one by hand.

The entity token names the aggregate kind (order, shipment, ...), so every fact about one order
lands under `<source>.<seller>.order.*` and one durable consumer sees them in stream order.
"""

import re

_SELLER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[a-z][a-z0-9_]{0,63}")
_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_=-]*(\.[A-Za-z0-9_=-]+)*")

ANY = "*"


class InvalidToken(ValueError):
    """A seller, entity, fact or id that cannot safely become part of a subject or key."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(f"{field} {value!r} is not valid: {rule}")
        self.field = field


def seller_token(seller: str) -> str:
    if not isinstance(seller, str) or not _SELLER.fullmatch(seller):
        raise InvalidToken("seller", seller, "use 1-64 ASCII letters, digits, '-' or '_'")
    return seller


def name_token(field: str, value: str) -> str:
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise InvalidToken(field, value, "use lower snake case starting with a letter")
    return value


def id_token(field: str, value: str) -> str:
    """Ids (order ids, ...) become KV keys: letters, digits, '-', '_', '=', and inner dots."""
    if not isinstance(value, str) or len(value) > 128 or not _ID.fullmatch(value):
        raise InvalidToken(field, value, "use 1-128 ASCII letters, digits, '-', '_', '=' or inner single dots")
    return value


def event_subject(source: str, seller: str, entity: str, fact: str) -> str:
    return ".".join(
        (name_token("source", source), seller_token(seller),
         name_token("entity", entity), name_token("fact", fact))
    )


def event_filter(source: str, entity: str, *, seller: str = ANY, fact: str = ANY) -> str:
    """A subscription filter; `*` stands for any seller or fact."""
    parts = [
        name_token("source", source),
        ANY if seller == ANY else seller_token(seller),
        name_token("entity", entity),
        ANY if fact == ANY else name_token("fact", fact),
    ]
    return ".".join(parts)


def stream_subjects(source: str) -> str:
    return f"{name_token('source', source)}.>"


def request_subject(service: str, seller: str, verb: str) -> str:
    """Request-reply endpoints live under `req.`, outside every stream, so JetStream never answers them."""
    return f"req.{name_token('service', service)}.{seller_token(seller)}.{name_token('verb', verb)}"


def request_endpoint(service: str, verb: str) -> str:
    return f"req.{name_token('service', service)}.*.{name_token('verb', verb)}"


def seller_from_request(subject: str) -> str:
    return seller_token(subject.split(".")[2])


def dead_letter_subject(service: str, original_subject: str) -> str:
    return f"deadletter.{name_token('service', service)}.{original_subject}"
