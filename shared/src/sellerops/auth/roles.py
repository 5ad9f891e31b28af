"""Who may do what: the NATS subject permissions of each role, as pure data (no keys, no I/O).

Every user gets its own reply inbox, `_INBOX.<user public key>`, and may subscribe only there: a
wildcard on `_INBOX.>` would let one seller read the replies meant for another.

- seller: publish `market.<seller>.>`; request `req.*.<seller>.*` except operator-only verbs; read its
  own events (`<source>.<seller>.>`); nothing under `$JS.API`, `$KV`, other sellers or dead letters.
- service: its own stream, durable consumers, buckets and endpoints, plus the streams it consumes.
- operator: everything in the account (dead letters, replays, secrets, administration).
- readonly (dashboards): every seller's events, stream and consumer information, the service API's
  ping/info/stats, and query verbs (`get_*`, `list_*`) that are not operator-only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sellerops.contracts.streams import DEAD_LETTER, SOURCES, stream_name
from sellerops.contracts.subjects import seller_token
from sellerops.runtime.partitions import LEASES_BUCKET

if TYPE_CHECKING:
    from sellerops.runtime.host import EndpointSpec, ServiceInfo

JS = "$JS.API"
QUERY_PREFIXES = ("get_", "list_")
EVENT_STREAMS = (*(stream_name(source) for source in SOURCES), DEAD_LETTER.name)


@dataclass(frozen=True)
class Grants:
    """Subjects a user may publish to and subscribe to; `responses` lets it answer requests sent to it."""

    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    deny_publish: tuple[str, ...] = ()
    responses: bool = False


@dataclass(frozen=True)
class ServiceScope:
    """What one service touches, read from its plugin: durables per stream, buckets, endpoints."""

    name: str
    durables: dict[str, tuple[str, ...]]  # stream name -> durable consumer names
    buckets: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    operator_only: tuple[str, ...] = ()  # verbs only operators may call (they reveal secrets)
    publishes: tuple[str, ...] = field(default=())  # sources of the events it emits
    observer: bool = False  # also reads what the read-only role reads (the dashboard)

    @property
    def streams(self) -> tuple[str, ...]:
        """Streams it declares and reads: those it consumes and those it publishes to."""
        return tuple(sorted(set(self.durables) | {stream_name(s) for s in self.publishes}))


def inbox_prefix(user_key: str) -> str:
    return f"_INBOX.{user_key}"


def _inbox(user_key: str) -> str:
    return f"{inbox_prefix(user_key)}.>"


def seller_grants(seller: str, user_key: str, operator_only: Iterable[tuple[str, str]]) -> Grants:
    """`operator_only`: (service, verb) pairs a seller's credentials must never reach."""
    seller = seller_token(seller)
    return Grants(
        publish=(f"market.{seller}.>", f"req.*.{seller}.*"),
        subscribe=(_inbox(user_key), *(f"{source}.{seller}.>" for source in SOURCES)),
        deny_publish=tuple(f"req.{service}.{seller}.{verb}" for service, verb in sorted(operator_only)),
    )


def _stream_reader(stream: str) -> tuple[str, ...]:
    """Declare and inspect a stream, and run consumers on it (durable or ephemeral)."""
    return (f"{JS}.STREAM.INFO.{stream}", f"{JS}.STREAM.CREATE.{stream}", f"{JS}.STREAM.UPDATE.{stream}",
            f"{JS}.STREAM.MSG.GET.{stream}", f"{JS}.DIRECT.GET.{stream}", f"{JS}.DIRECT.GET.{stream}.>",
            f"{JS}.CONSUMER.*.{stream}", f"{JS}.CONSUMER.*.{stream}.>", f"{JS}.CONSUMER.DURABLE.CREATE.{stream}.>",
            f"{JS}.CONSUMER.MSG.NEXT.{stream}.>", f"$JS.ACK.{stream}.>", f"$JS.FC.{stream}.>")


def _bucket(bucket: str) -> tuple[str, ...]:
    """Everything on the service's own bucket (its stream KV_<bucket>), and its keys."""
    stream = f"KV_{bucket}"
    return (f"{JS}.*.*.{stream}", f"{JS}.*.*.{stream}.>", f"{JS}.*.*.*.{stream}", f"{JS}.*.*.*.{stream}.>",
            f"$JS.ACK.{stream}.>", f"$JS.FC.{stream}.>", f"$KV.{bucket}.>")


def _micro(name: str) -> tuple[str, ...]:
    """The NATS service API's discovery subjects for one service (ping, info, stats)."""
    return tuple(s for verb in ("PING", "INFO", "STATS")
                 for s in (f"$SRV.{verb}", f"$SRV.{verb}.sellerops-{name}", f"$SRV.{verb}.sellerops-{name}.>"))


def service_grants(scope: ServiceScope, user_key: str) -> Grants:
    publish = [f"{JS}.INFO", *(f"{source}.>" for source in scope.publishes), f"deadletter.{scope.name}.>",
               f"{JS}.STREAM.INFO.{DEAD_LETTER.name}", f"{JS}.STREAM.CREATE.{DEAD_LETTER.name}",
               f"{JS}.STREAM.UPDATE.{DEAD_LETTER.name}"]
    for stream in scope.streams:
        publish += _stream_reader(stream)
    for bucket in scope.buckets:
        publish += _bucket(bucket)
    # the runtime's shared bucket of partition leases (runtime.partitions): its API, and only its own keys
    publish += [*(s for s in _bucket(LEASES_BUCKET) if not s.startswith("$KV.")), f"$KV.{LEASES_BUCKET}.{scope.name}.>"]
    return Grants(publish=tuple(publish), subscribe=(_inbox(user_key), f"req.{scope.name}.*.*", *_micro(scope.name)),
                  responses=True)


def operator_grants(user_key: str) -> Grants:  # the same signature as every role
    return Grants(publish=(">",), subscribe=(">",), responses=True)


def readonly_grants(user_key: str, scopes: Iterable[ServiceScope]) -> Grants:
    queries = [f"req.{s.name}.*.{verb}" for s in scopes for verb in s.verbs
               if verb.startswith(QUERY_PREFIXES) and verb not in s.operator_only]
    return Grants(
        publish=(f"{JS}.INFO", f"{JS}.STREAM.NAMES", f"{JS}.STREAM.LIST",
                 *(f"{JS}.{what}.{stream}" for stream in EVENT_STREAMS for what in ("STREAM.INFO", "CONSUMER.NAMES",
                                                                                   "CONSUMER.LIST")),
                 *(f"{JS}.CONSUMER.INFO.{stream}.*" for stream in EVENT_STREAMS),
                 "$SRV.PING", "$SRV.INFO", "$SRV.STATS", "$SRV.PING.>", "$SRV.INFO.>", "$SRV.STATS.>", *queries),
        subscribe=(_inbox(user_key), *(f"{source}.>" for source in SOURCES)),
    )


def scope_of(info: "ServiceInfo", endpoints: "Iterable[EndpointSpec]") -> ServiceScope:
    durables: dict[str, tuple[str, ...]] = {}
    for consumer in info.consumers:
        stream = stream_name(consumer.source)
        durables[stream] = (*durables.get(stream, ()), consumer.durable)
    return ServiceScope(
        name=info.name, durables=durables, buckets=tuple(info.buckets),
        verbs=tuple(e.verb for e in endpoints), operator_only=tuple(e.verb for e in endpoints if e.operator_only),
        publishes=(info.name,) if info.name in SOURCES else (),
        observer=getattr(info, "observes_fleet", False),
    )


def observer_grants(scope: ServiceScope, user_key: str, scopes: Iterable[ServiceScope]) -> Grants:
    """A service that shows the fleet: its own grants, the read-only role's, and reading the dead letters."""
    own, seen = service_grants(scope, user_key), readonly_grants(user_key, scopes)
    dead = _stream_reader(DEAD_LETTER.name)
    return Grants(publish=tuple(dict.fromkeys((*own.publish, *seen.publish, *dead))),
                  subscribe=tuple(dict.fromkeys((*own.subscribe, *seen.subscribe))), responses=True)
