"""Hand a running server the re-signed account (a revocation) through the system account, no restart.

A server with a `full` resolver stores the JWT, applies it at once (a revoked user is disconnected and
refused from then on) and, in a cluster, passes it to the other servers.
"""

import json
from pathlib import Path

import nats

from sellerops.auth.connect import connect_options

UPDATE = "$SYS.REQ.CLAIMS.UPDATE"


class PushFailed(RuntimeError):
    pass


async def push_account(urls: list[str], system_creds: Path, account_jwt: str, *, timeout: float = 5.0) -> str:
    """Send the account JWT to the server; its answer's message (e.g. "jwt updated")."""
    nc = await nats.connect(urls, connect_timeout=3, max_reconnect_attempts=1, allow_reconnect=False,
                            **connect_options(system_creds))
    try:
        reply = await nc.request(UPDATE, account_jwt.encode(), timeout=timeout)
    finally:
        await nc.close()
    answer = json.loads(reply.data)
    data = answer.get("data") or {}
    if answer.get("error") or data.get("code") != 200:
        raise PushFailed(f"the server refused the account update: {answer.get('error') or data}")
    return data.get("message", "")
