"""What every request-reply endpoint answers when it cannot do what was asked."""

import msgspec

from sellerops.contracts.schema import SchemaStruct


class ErrorReply(SchemaStruct, frozen=True, kw_only=True):
    """An error answer: `code` is stable (invalid, not_found, conflict, refused, internal),
    `field` names the offending field as a JSON path when there is one."""

    code: str
    message: str
    field: str | None = None


ERROR_STATUS = {"invalid": 400, "not_found": 404, "conflict": 409, "refused": 422, "too_large": 413,
                "internal": 500}


class RequestError(Exception):
    """Raised by request handlers; the runtime turns it into an ErrorReply."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reply = ErrorReply(code=code, message=message, field=field)


def validation_error(exc: msgspec.ValidationError | msgspec.DecodeError) -> RequestError:
    """Turn msgspec's message (`Expected int, got str - at $.items[0].quantity`) into a field error."""
    text = str(exc)
    field = text.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in text else None
    return RequestError("invalid", text, field)
