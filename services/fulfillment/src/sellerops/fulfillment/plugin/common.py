"""Shared pieces of the `sellerops fulfillment ...` commands: asking the service, reading request files."""

from typing import Any

import typer

from sellerops.cli.common import ask_service, print_json, read_request

__all__ = ["ask", "cli", "print_json", "read_request"]

cli = typer.Typer(help="Inbound plans, shipments, cases, inventory, outbound and removal orders (fulfillment service).",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def ask(nats_url: str | None, seller: str, verb: str, request: object, reply_type: type, timeout: float = 10.0,
        every_page_of: str | None = None) -> Any:
    """One request; with `every_page_of` (the reply's list field) every page of a paged list, as one answer."""
    return ask_service("fulfillment", nats_url, seller, verb, request, reply_type, timeout,
                       every_page_of=every_page_of)
