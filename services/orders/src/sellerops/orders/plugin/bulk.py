"""`sellerops orders confirm-shipments`: the Seller Central shipping-confirmation template, in bulk."""

import asyncio
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import typer
from nats.aio.client import Client

from sellerops.cli.common import JsonOption, NatsUrlOption, check_seller, fail, print_json, progress
from sellerops.contracts.orders import ConfirmationRow, ConfirmShipments, ConfirmShipmentsResult, RowResult
from sellerops.orders.domain.bulk import chunks_of_orders
from sellerops.orders.domain.template import TemplateError, decode_template, parse_confirmations
from sellerops.orders.plugin.common import _with_service, cli
from sellerops.runtime.requests import call

BULK_CHUNK_ROWS = 500
BULK_IN_FLIGHT = 2  # the service answers one request of an endpoint at a time: the next one waits there, ready
BULK_TIMEOUT_S = 120.0


async def send_confirmations(nc: Client, seller: str, rows: list[ConfirmationRow], *, batch_id: str,
                             dry_run: bool = False, advance: Callable[[int], None] | None = None) -> list[RowResult]:
    """Every row to the orders service, a chunk per request; `advance(n)` as each chunk is answered."""
    limit = asyncio.Semaphore(BULK_IN_FLIGHT)

    async def send(chunk: list[ConfirmationRow]) -> list[RowResult]:
        async with limit:
            reply = await call(nc, "orders", seller, "confirm_shipments",
                               ConfirmShipments(rows=chunk, batch_id=batch_id, dry_run=dry_run),
                               ConfirmShipmentsResult, timeout=BULK_TIMEOUT_S)
        if advance is not None:
            advance(len(chunk))
        return reply.results

    answers = await asyncio.gather(*(send(chunk) for chunk in chunks_of_orders(rows, BULK_CHUNK_ROWS)))
    return [result for results in answers for result in results]


@cli.command("confirm-shipments")
def confirm_shipments(
    seller: str, file: Path = typer.Argument(..., help="Seller Central shipping-confirmation file (tab-delimited)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="decide every row as a real run would, change nothing"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Confirm or update packages from a shipping-confirmation file: a line per row, OK or why not."""
    check_seller(seller)
    try:
        data = file.read_bytes()
        rows, bad = parse_confirmations(decode_template(data))
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", code=2)
    except TemplateError as exc:
        fail(f"{file}: {exc}", code=2)
    batch_id = hashlib.sha256(data).hexdigest()[:32]  # the same file again applies nothing twice

    async def work(nc: Client) -> list[RowResult]:
        with progress("dry run" if dry_run else "confirming", len(rows)) as advance:
            return await send_confirmations(nc, seller, rows, batch_id=batch_id, dry_run=dry_run, advance=advance)

    hint = "; the rows applied so far stay applied, and sending the same file again is safe"
    results = bad + (_with_service(nats_url, work, hint) if rows else [])
    if as_json:
        print_json({"dry_run": dry_run, "results": sorted(results, key=lambda r: r.line)})
    else:
        _report(results, dry_run)
    if any(not r.ok for r in results):
        raise typer.Exit(1)


def _report(results: list[RowResult], dry_run: bool) -> None:
    for r in sorted(results, key=lambda r: r.line):
        outcome = "OK" if r.ok else " ".join(f"{r.field + ': ' if r.field else ''}{r.reason}".split())
        sys.stdout.write(f"{r.line}\t{' '.join(r.order_id.split())}\t{outcome}\n")
    ok = sum(r.ok for r in results)
    unchanged = sum(r.ok and not r.changed for r in results)
    summary = (f"{'dry run, nothing saved: would apply' if dry_run else 'applied'} {ok} row{'' if ok == 1 else 's'}, "
               f"failed {len(results) - ok}")
    if unchanged:
        summary += f"; {unchanged} of the {ok} {'would change' if dry_run else 'changed'} nothing (already so)"
    sys.stdout.write(summary + "\n")
