"""`sellerops ingest SELLER FILE...`: read marketplace data with a `sellerops.ingest` plugin, publish the facts.

Each file is read by one ingester (`--format NAME`, else the first whose `detect` says yes). Problems are
printed as `FILE: WHERE: MESSAGE`; the facts go to their MARKET subjects with their stable ids as
Nats-Msg-Id, so ingesting the same file again publishes nothing new.
"""

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from sellerops.cli.common import JsonOption, NatsUrlOption, check_seller, console, errors, fail, print_json, run_async, settings_with, with_nats
from sellerops.cli.events import _publish_all, shift_to_now
from sellerops.contracts.envelope import SELLER_PATTERN, Event
from sellerops.plugins import loader
from sellerops.plugins.ingest import INGEST, Ingester, Parsed
from sellerops.plugins.spec import Registry
from sellerops.runtime.settings import RuntimeSettings

HEAD = 8 * 1024


@dataclass
class FileReport:
    file: str
    ingester: str
    parsed: Parsed
    published: int = 0
    already_there: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        p = self.parsed
        return {"file": self.file, "format": self.ingester, "facts": len(p.events), "published": self.published,
                "already_there": self.already_there, "duplicates": p.duplicates, "ignored": p.ignored,
                "notes": list(p.notes),
                "problems": [{"where": x.where, "message": x.message} for x in p.problems]}


class UsageError(Exception):
    pass


def ingesters(settings: RuntimeSettings | None = None) -> Registry[Ingester]:
    allow = (settings or RuntimeSettings()).plugins_allow
    return loader.load(INGEST, allow=allow)


def choose(registry: Registry[Ingester], path: Path, text: str, fmt: str | None) -> Ingester:
    if fmt:
        try:
            return registry.get(fmt)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    for ingester in registry:
        if ingester.detect(path.name, text[:HEAD]):
            return ingester
    raise UsageError(f"{path}: no ingester recognizes it; pick one with --format "
                     f"({', '.join(registry.names()) or 'none installed'})")


def read_files(seller: str, files: list[Path], fmt: str | None, registry: Registry[Ingester]) -> list[FileReport]:
    """Check every file and pick its ingester first (usage errors before anything is parsed), then parse."""
    if not re.search(SELLER_PATTERN, seller):
        raise UsageError(f"bad seller slug {seller!r} (letters, digits, '-', '_'; at most 64)")
    chosen: list[tuple[Path, str, Ingester]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text ({exc.reason})") from None
        chosen.append((path, text, choose(registry, path, text, fmt)))
    return [FileReport(str(path), ingester.name, ingester.parse(seller, text)) for path, text, ingester in chosen]


async def publish(nc: Any, events: list[Event], settings: RuntimeSettings, show_progress: bool = False) -> tuple[int, int]:
    """Publish to the MARKET stream (declared if missing): (new, already there)."""
    return await _publish_all(nc, events, settings, show_progress)


async def publish_reports(nc: Any, reports: list[FileReport], settings: RuntimeSettings) -> None:
    for report in reports:
        if report.parsed.events:
            report.published, report.already_there = await publish(nc, report.parsed.events, settings, True)


def ingest(
    seller: str = typer.Argument(..., help="the seller (our slug; SP-API's SellerId is not used)"),
    files: list[Path] = typer.Argument(..., help="files to ingest"),
    fmt: str = typer.Option(None, "--format", help="ingester to use for every file (default: detect per file)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="parse and report, publish nothing"),
    shift: bool = typer.Option(False, "--shift-to-now",
                               help="move every date of a file's facts by the same amount so its latest is now "
                                    "(a sample file replayed any day)"),
    as_json: bool = typer.Option(False, "--json", callback=JsonOption.callback, help="print the per-file report as JSON"),
    nats_url: str = NatsUrlOption,
) -> None:
    """Read marketplace data (SP-API notifications, Orders API responses, ...) and publish the market facts."""
    settings = settings_with(nats_url)
    check_seller(seller)
    try:
        reports = read_files(seller, files, fmt, ingesters(settings))
    except UsageError as exc:
        fail(str(exc), code=2)
    if shift:
        now = datetime.now(UTC)
        for report in reports:
            report.parsed = dataclasses.replace(report.parsed, events=shift_to_now(report.parsed.events, now))
    for report in reports:
        for problem in report.parsed.problems:
            errors.print(f"{report.file}: {problem.where}: {problem.message}", highlight=False, markup=False, soft_wrap=True)
    if not dry_run and any(r.parsed.events for r in reports):
        run_async(with_nats(settings, lambda nc: publish_reports(nc, reports, settings)))
    if as_json:
        print_json({"dry_run": dry_run, "files": [r.as_dict() for r in reports]})
    else:
        for r in reports:
            p = r.parsed
            sent = ("dry run: nothing published" if dry_run
                    else f"published {r.published}, already there (deduplicated) {r.already_there}")
            console.print(f"{r.file} ({r.ingester}): facts {len(p.events)}, {sent}, duplicates {p.duplicates}, "
                          f"ignored {p.ignored}, problems {len(p.problems)}", highlight=False, markup=False, soft_wrap=True)
            for note in p.notes:
                console.print(f"  note: {note}", highlight=False, markup=False, soft_wrap=True)
    if any(r.parsed.problems for r in reports):
        raise typer.Exit(1)
