"""`sellerops status`: the running services (NATS service API) and their consumers (JetStream)."""

import asyncio
import json
import sys

import nats.errors
from nats.aio.client import Client
from nats.js.api import ConsumerInfo
from sellerops.cli.common import JsonOption, NatsUrlOption, console, run_async, settings_with, table, with_nats
from sellerops.contracts.streams import all_streams


async def discover(nc: Client, verb: str, wait: float = 0.5) -> list[dict]:
    """Every answer to `$SRV.<verb>` within `wait` seconds (one per running instance)."""
    inbox = nc.new_inbox()
    answers: list[dict] = []
    sub = await nc.subscribe(inbox, cb=None)
    await nc.publish(f"$SRV.{verb}", b"", reply=inbox)
    try:
        while True:
            msg = await sub.next_msg(timeout=wait)
            if msg.data:  # an empty 503 means nobody answers
                answers.append(json.loads(msg.data))
    except nats.errors.TimeoutError:
        pass
    finally:
        await sub.unsubscribe()
    return [a for a in answers if a.get("name", "").startswith("sellerops-")]


async def _consumers(nc: Client) -> list[tuple[str, ConsumerInfo]]:
    js = nc.jetstream()
    found = []
    for spec in all_streams():
        try:
            for info in await js.consumers_info(spec.name):
                found.append((spec.name, info))
        except Exception:  # noqa: BLE001, S112  (stream not declared yet)
            continue
    return found


async def _dead_letters(nc: Client) -> int:
    try:
        return (await nc.jetstream().stream_info("DEADLETTER")).state.messages
    except Exception:  # noqa: BLE001
        return 0


def subject_matches(subject: str, pattern: str) -> bool:
    """NATS subject matching: `*` is one token, a last `>` one or more."""
    tokens, wanted = subject.split("."), pattern.split(".")
    for n, want in enumerate(wanted):
        if want == ">":
            return len(tokens) > n
        if n >= len(tokens) or (want != "*" and want != tokens[n]):
            return False
    return len(tokens) == len(wanted)


def unconsumed(subjects: dict[str, int], filters: list[str]) -> dict[str, int]:
    """The messages per subject that no consumer's filter takes (an empty filter takes everything)."""
    if any(not f for f in filters):
        return {}
    return {s: n for s, n in subjects.items() if not any(subject_matches(s, f) for f in filters)}


async def _unconsumed(nc: Client, consumers: list) -> dict[str, dict[str, int]]:
    """Per stream, the facts on subjects no durable consumer reads: kept, but nobody acts on them."""
    js = nc.jetstream()
    found: dict[str, dict[str, int]] = {}
    for spec in all_streams():
        if spec.name == "DEADLETTER":
            continue
        filters = [f for stream, info in consumers if stream == spec.name
                   for f in ([info.config.filter_subject] if info.config.filter_subject is not None
                             else list(info.config.filter_subjects or []) or [""])]
        try:
            subjects = (await js.stream_info(spec.name, subjects_filter=">")).state.subjects or {}
        except Exception:  # noqa: BLE001, S112  (stream not declared yet)
            continue
        if (left := unconsumed(subjects, filters)):
            found[spec.name] = left
    return found


async def collect(nc: Client) -> tuple[list[dict], list, int, dict]:
    stats, consumers, dead = await asyncio.gather(discover(nc, "STATS"), _consumers(nc), _dead_letters(nc))
    return stats, consumers, dead, await _unconsumed(nc, consumers)


def print_json(data: dict) -> None:
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def status(nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Show running services with their request stats, consumer lag and dead letters."""
    stats, consumers, dead, ignored = run_async(with_nats(settings_with(nats_url), collect))
    if as_json:
        print_json({"services": stats, "dead_letters": dead, "unconsumed": ignored,
                                 "consumers": [{"stream": s, "name": c.name, "pending": c.num_pending,
                                                "ack_pending": c.num_ack_pending, "redelivered": c.num_redelivered}
                                               for s, c in consumers]})
        return
    # the service and its instance on a line of their own, the endpoints below: the names are never cut
    services = table("endpoint", "requests", "errors", "avg ms", ids=("endpoint",), title="services (NATS service API)")
    for s in sorted(stats, key=lambda s: s["name"]):
        services.add_row(f"[bold]{s['name'].removeprefix('sellerops-')}[/bold] {s['id'][:8]} {s['version']}", "", "", "")
        for e in s.get("endpoints") or [{}]:
            avg = (e.get("average_processing_time") or 0) / 1e6
            services.add_row("  " + e.get("name", "-"), str(e.get("num_requests", 0)), str(e.get("num_errors", 0)),
                             f"{avg:.2f}")
    console.print(services if stats else "[yellow]no sellerops service answers on this NATS[/yellow]")
    lag = table("stream", "consumer", "pending", "ack pending", "redelivered", ids=("consumer",),
                title="durable consumers (JetStream)")
    for stream, info in consumers:
        lag.add_row(stream, info.name, str(info.num_pending), str(info.num_ack_pending), str(info.num_redelivered))
    console.print(lag)
    console.print(f"dead letters: {dead}" + ("  (see: sellerops events tail 'deadletter.>')" if dead else ""))
    lost = sum(n for subjects in ignored.values() for n in subjects.values())
    console.print(f"facts no consumer reads: {lost}" + "".join(
        f"\n  {stream} {subject}: {n}" for stream, subjects in ignored.items()
        for subject, n in sorted(subjects.items(), key=lambda kv: -kv[1])[:10]))
