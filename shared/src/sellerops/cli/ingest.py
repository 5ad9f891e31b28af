"""`sellerops ingest SELLER FILE|DIR...`: read marketplace data with `sellerops.ingest` plugins, publish the facts.

Each file is read by one ingester (`--format NAME`, else the first whose `detect` says yes); a directory
stands for the files under it (hidden ones skipped). Problems are printed as `FILE: WHERE: MESSAGE`; the
facts go to their MARKET subjects with their stable ids as Nats-Msg-Id, so ingesting the same file again
publishes nothing new. Pieces of facts spread over files (an Orders API order in one, its items in another)
are joined across every file of the call and reported as `(joined across files)`; what is still incomplete
waits in NATS for a later call (`sellerops.cli.pending`).
"""

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from sellerops.cli.common import (
    JsonOption, NatsUrlOption, check_seller, console, errors, fail, print_json, run_async, settings_with, with_nats,
)
from sellerops.cli import pending
from sellerops.cli.events import _publish_all, shift_to_now
from sellerops.contracts.envelope import SELLER_PATTERN, Event
from sellerops.plugins import loader
from sellerops.plugins.ingest import INGEST, Ingester, Parsed, Pending
from sellerops.plugins.spec import Registry
from sellerops.runtime.settings import RuntimeSettings

HEAD = 8 * 1024
JOINED = "(joined across files)"


@dataclass
class FileReport:
    file: str
    ingester: str
    parsed: Parsed
    published: int = 0
    already_there: int = 0
    notes: list[str] = field(default_factory=list)
    joiner: Ingester | None = field(default=None, repr=False)  # set when the ingester joins pieces

    def as_dict(self) -> dict[str, Any]:
        p = self.parsed
        return {"file": self.file, "format": self.ingester, "facts": len(p.events), "published": self.published,
                "already_there": self.already_there, "duplicates": p.duplicates, "ignored": p.ignored,
                "pieces": len(p.pending), "notes": list(p.notes),
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


def expand(files: list[Path]) -> list[Path]:
    """Each directory becomes the files under it, in name order, hidden ones (`.name`) skipped."""
    out: list[Path] = []
    for path in files:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise UsageError(f"{path}: an empty directory")
            out.extend(found)
        else:
            out.append(path)
    return out


def read_files(seller: str, files: list[Path], fmt: str | None, registry: Registry[Ingester]) -> list[FileReport]:
    """Check every file and pick its ingester first (usage errors before anything is parsed), then parse."""
    if not re.search(SELLER_PATTERN, seller):
        raise UsageError(f"bad seller slug {seller!r} (letters, digits, '-', '_'; at most 64)")
    chosen: list[tuple[Path, str, Ingester]] = []
    for path in expand(files):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text ({exc.reason})") from None
        chosen.append((path, text, choose(registry, path, text, fmt)))
    return [FileReport(str(path), ingester.name, ingester.parse(seller, text),
                       joiner=ingester if ingester.join is not None else None) for path, text, ingester in chosen]


def pieces_by_ingester(reports: list[FileReport]) -> dict[str, tuple[Ingester, list[Pending]]]:
    """Every file's waiting pieces, per joining ingester, each piece's place prefixed with its file."""
    out: dict[str, tuple[Ingester, list[Pending]]] = {}
    for report in reports:
        if report.joiner is None or not report.parsed.pending:
            continue
        found = out.setdefault(report.ingester, (report.joiner, []))[1]
        found.extend(Pending(p.key, p.part, p.document, f"{report.file}: {p.where}") for p in report.parsed.pending)
    return out


def joined_report(name: str, parsed: Parsed, duplicates: int = 0) -> FileReport:
    notes = list(parsed.notes) + [f"waiting for a later ingest: {len({p.key for p in parsed.pending})} "
                                  f"order(s), {len(parsed.pending)} piece(s)"] * bool(parsed.pending)
    return FileReport(JOINED, name, Parsed(parsed.events, parsed.problems, duplicates, 0, notes,
                                           pending=parsed.pending, joined=parsed.joined))


def join_in_memory(seller: str, reports: list[FileReport]) -> list[FileReport]:
    """--dry-run: join this call's pieces only (nothing read from or kept in NATS)."""
    return [joined_report(name, ingester.join(seller, found))  # type: ignore[misc]
            for name, (ingester, found) in pieces_by_ingester(reports).items()]


async def join_with_kept(nc: Any, settings: RuntimeSettings, seller: str, reports: list[FileReport]) -> list[FileReport]:
    """Join this call's pieces with the ones earlier calls kept, publish the facts, keep what still waits."""
    out = []
    for name, (ingester, found) in pieces_by_ingester(reports).items():
        settled = await pending.settle(nc, settings, ingester, seller, found)
        report = joined_report(name, settled.parsed, settled.already_done)
        if settled.parsed.events:
            report.published, report.already_there = await publish(nc, settled.parsed.events, settings)
        await pending.keep(nc, settings, name, seller, settled)
        out.append(report)
    return out


async def publish(nc: Any, events: list[Event], settings: RuntimeSettings, show_progress: bool = False) -> tuple[int, int]:
    """Publish to the MARKET stream (declared if missing): (new, already there)."""
    return await _publish_all(nc, events, settings, show_progress)


async def publish_reports(nc: Any, reports: list[FileReport], settings: RuntimeSettings, seller: str) -> list[FileReport]:
    for report in reports:
        if report.parsed.events:
            report.published, report.already_there = await publish(nc, report.parsed.events, settings, True)
    return await join_with_kept(nc, settings, seller, reports)


def ingest(
    seller: str = typer.Argument(..., help="the seller (our slug; SP-API's SellerId is not used)"),
    files: list[Path] = typer.Argument(..., help="files or directories to ingest (a directory: every file under it)"),
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
    if dry_run:
        reports += join_in_memory(seller, reports)
    elif any(r.parsed.events or r.parsed.pending for r in reports):
        reports += run_async(with_nats(settings, lambda nc: publish_reports(nc, reports, settings, seller)))
    for report in reports:
        for problem in report.parsed.problems:
            where = problem.where if report.file == JOINED else f"{report.file}: {problem.where}"
            errors.print(f"{where}: {problem.message}", highlight=False, markup=False, soft_wrap=True)
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
