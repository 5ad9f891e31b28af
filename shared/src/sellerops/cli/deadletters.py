"""`sellerops deadletters list|replay|drop`: what the services gave up on, and what to do with it."""

import json
import sys

import typer
from nats.aio.client import Client
from nats.js.errors import NotFoundError
from sellerops.cli.common import JsonOption, NatsUrlOption, console, emit, fail, run_async, settings_with, table, with_nats
from sellerops.runtime import dead_letters

app = typer.Typer(help="Inspect, replay or drop dead letters.", no_args_is_help=True, pretty_exceptions_enable=False)


@app.command("list")
def list_(
    service: str = typer.Option(None, "--service", help="only this service's"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Dead letters with their reason, oldest first."""
    letters = run_async(with_nats(settings_with(nats_url),
                                  lambda nc: dead_letters.list_dead_letters(nc.jetstream(), service=service)))
    if as_json:
        for letter in letters:
            sys.stdout.write(json.dumps({"sequence": letter.sequence, "service": letter.service,
                                         "subject": letter.original_subject, "reason": letter.reason,
                                         "deliveries": letter.deliveries, "payload": letter.data.decode(errors="replace")}) + "\n")
        return
    rows = table("seq", "service", "original subject", "deliveries", "reason", ids=("seq", "service"))
    for letter in letters:
        rows.add_row(str(letter.sequence), letter.service, letter.original_subject, str(letter.deliveries), letter.reason)
    console.print(rows)
    console.print(f"{len(letters)} dead letters")


@app.command("replay")
def replay(sequences: list[int] = typer.Argument(..., help="dead-letter sequences (see list)"), nats_url: str = NatsUrlOption,
           as_json: bool = JsonOption) -> None:
    """Publish dead letters again to their original subjects (after fixing the cause)."""

    async def work(nc: Client) -> list[int]:
        return [await dead_letters.replay(nc.jetstream(), seq) for seq in sequences]

    try:
        new = run_async(with_nats(settings_with(nats_url), work))
    except LookupError as exc:
        fail(str(exc))
    emit({"replayed": sequences}, lambda: console.print(f"replayed {len(new)}"))


@app.command("drop")
def drop(sequences: list[int] = typer.Argument(..., help="dead-letter sequences (see list)"),
         nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Delete dead letters for good."""

    async def work(nc: Client) -> None:
        for seq in sequences:
            await dead_letters.drop(nc.jetstream(), seq)

    try:
        run_async(with_nats(settings_with(nats_url), work))
    except (LookupError, NotFoundError) as exc:
        fail(str(exc) or "no such dead letter")
    emit({"dropped": sequences}, lambda: console.print(f"dropped {len(sequences)}"))
