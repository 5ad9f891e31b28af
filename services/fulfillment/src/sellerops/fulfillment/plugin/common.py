"""Shared pieces of the `sellerops fulfillment ...` commands: asking the service, reading request files."""

import sys
from pathlib import Path

import msgspec
import typer
from nats.errors import NoRespondersError

from sellerops.cli.common import fail, run_async, settings_with, with_nats
from sellerops.contracts.catalog import encode
from sellerops.contracts.requests import validation_error
from sellerops.runtime.requests import RequestFailed, call

cli = typer.Typer(help="Inbound plans, shipments, cases, inventory, outbound and removal orders (fulfillment service).",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def ask(nats_url: str | None, seller: str, verb: str, request, reply_type, timeout: float = 10.0):  # noqa: ANN001, ANN201
    async def work(nc):  # noqa: ANN001, ANN202
        return await call(nc, "fulfillment", seller, verb, request, reply_type, timeout=timeout)

    try:
        return run_async(with_nats(settings_with(nats_url), work))
    except RequestFailed as exc:
        fail(str(exc))
    except (TimeoutError, NoRespondersError):
        fail("no answer from the fulfillment service (is it running? try `sellerops status`)")


def read_request(file: Path, request_type: type):  # noqa: ANN201
    """A request from a JSON file; a bad file exits with code 2 and names the field."""
    try:
        return msgspec.json.decode(file.read_bytes(), type=request_type)
    except OSError as exc:
        fail(f"cannot read {file}: {exc}", code=2)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        fail(f"{file}: {validation_error(exc).reply.message}", code=2)


def print_json(value) -> None:  # noqa: ANN001
    sys.stdout.write(msgspec.json.format(encode(value)).decode() + "\n")
