"""A credentials file as nats-py connect options: the file, and the user's own reply inbox.

A `.creds` file holds the user's JWT and its nkey seed. Every user may subscribe only to
`_INBOX.<its public key>.>` (see `roles`), so the client must make its inboxes there.
"""

from pathlib import Path
from typing import Any

import nkeys

from sellerops.auth.roles import inbox_prefix

SEED_MARK = "BEGIN USER NKEY SEED"


class BadCredentials(ValueError):
    pass


def user_key(creds: Path) -> str:
    """The public key of the user whose seed the credentials file holds."""
    try:
        lines = Path(creds).read_text().splitlines()
    except OSError as exc:
        raise BadCredentials(f"cannot read credentials {creds}: {exc.strerror or exc}") from None
    for index, line in enumerate(lines):
        if SEED_MARK in line and index + 1 < len(lines):
            try:
                return nkeys.from_seed(lines[index + 1].strip().encode()).public_key.decode()
            except Exception:  # noqa: BLE001  (nkeys raises several kinds; the seed itself is never shown)
                break
    raise BadCredentials(f"{creds} is not a NATS user credentials file (no valid user seed in it)")


def tls_options(nats: Any) -> dict[str, Any]:
    """`tls=` for nats-py from the settings' CA and optional client certificate (NatsSettings); none when unset."""
    if nats.tls_ca is None and nats.tls_cert is None:
        return {}
    import ssl

    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(nats.tls_ca) if nats.tls_ca else None)
    if nats.tls_cert is not None:
        context.load_cert_chain(str(nats.tls_cert), str(nats.tls_key) if nats.tls_key else None)
    return {"tls": context}


def connect_options(creds: Path | None) -> dict[str, Any]:
    """Keyword arguments for `nats.connect` / `NatsBroker`: none without credentials."""
    if creds is None:
        return {}
    return {"user_credentials": str(creds), "inbox_prefix": inbox_prefix(user_key(creds))}
