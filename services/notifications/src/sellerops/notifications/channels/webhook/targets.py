"""Where a webhook may go: the URL's checks, the addresses a host name resolves to, public or private."""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from sellerops.contracts.notifications import Endpoint

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IpAddress]]]


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
    hosts = [info[4][0] for info in found]  # an IP family's address is text (only other families' are numbers)
    return list(dict.fromkeys(ipaddress.ip_address(host.split("%", 1)[0]) for host in hosts if isinstance(host, str)))


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
