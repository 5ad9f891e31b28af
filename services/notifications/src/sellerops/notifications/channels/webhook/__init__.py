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

`channel` holds the channel, its settings and the plugin; `targets` the checks of a URL and the addresses
it resolves to; `answers` the request's headers and reading the answer (status, Retry-After, transport errors).
"""

from sellerops.notifications.channels.webhook.channel import (
    PINNED_CLIENTS, PLUGIN, WebhookChannel, WebhookSettings, user_agent,
)
from sellerops.notifications.channels.webhook.targets import MIN_SECRET, IpAddress, Resolver

__all__ = [
    "MIN_SECRET", "PINNED_CLIENTS", "PLUGIN", "IpAddress", "Resolver", "WebhookChannel", "WebhookSettings",
    "user_agent",
]
