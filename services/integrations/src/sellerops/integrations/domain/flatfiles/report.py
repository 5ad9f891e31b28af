"""The driver every flat-file report shares: detect it by its header, read each line into a record, skip
repeats, build the facts, and report problems by line and column."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.integrations.domain.flatfiles.cells import Bad, Ignore, Row, header_of, read_table
from sellerops.plugins.ingest import Ingester, Parsed, Problem


def checked_event(cls: type[Event], fields: dict[str, Any], columns: dict[str, str]) -> Event:
    """Build and validate a fact (ids, SKU length, currency code...); a refusal names the column."""
    try:
        return msgspec.convert(fields, cls)
    except msgspec.ValidationError as e:
        message = str(e)
        where = re.search(r"- at `\$\.([A-Za-z_.]+)", message)
        path = where.group(1) if where else ""
        name = path.split(".")[0]
        column = columns.get(path, columns.get(name, name or "?"))
        value = fields.get(name)
        why = message.split(" - at ")[0]
        if path == "amount.currency":
            value, why = (fields.get("amount") or {}).get("currency"), "Not a three-letter currency code"
        elif "matching regex" in why:
            why = "Not a usable id (letters, digits, '-', '_', '=', inner dots)"
        if isinstance(value, str):
            why = f"{value!r}: {why[0].lower()}{why[1:]}"
        raise Bad(column, why) from None


@dataclass
class Report:
    name: str
    report_type: str
    description: str
    signature: frozenset[str]  # columns that identify the report in `detect`
    required: tuple[str, ...]  # columns the header must have
    aliases: dict[str, str]  # another name a column goes by -> the name used below
    read: Callable[[str, Row], Any]  # (seller, line) -> a record, or raises Bad / Ignore
    identity: Callable[[Any], tuple]  # a record's identifying fields (a second line with them is a duplicate)
    build: Callable[[str, list[Any]], list[Event]]  # (seller, records in file order) -> facts

    def detect(self, file_name: str, head: str) -> bool:
        names = {self.aliases.get(name, name) for name in header_of(head)}
        return self.signature <= names

    def parse(self, seller: str, text: str) -> Parsed:
        header_line, names, rows = read_table(text)
        names = [self.aliases.get(name, name) for name in names]
        if not names:
            return Parsed(problems=[Problem("line 1", f"no header row: not a {self.report_type} file")])
        missing = [column for column in self.required if column not in names]
        if missing:
            count = sum(1 for _ in rows)
            return Parsed(
                problems=[Problem(f"line {header_line}: column {column}", "required column missing from the header")
                          for column in missing],
                notes=[f"{self.name}: {count} line(s) not read: the header lacks {', '.join(missing)}"])
        problems: list[Problem] = []
        records: list[Any] = []
        seen: set[tuple] = set()
        duplicates = ignored = 0
        reasons: dict[str, int] = {}
        for number, cells in rows:
            if len(cells) > len(names):
                problems.append(Problem(f"line {number}",
                                        f"{len(cells)} cells, the header has {len(names)} columns"))
                continue
            row = Row(number, dict(zip(names, cells, strict=False)))  # short lines: absent cells are empty
            try:
                record = self.read(seller, row)
            except Bad as bad:
                problems.append(Problem(f"line {number}: column {bad.column}", bad.why))
                continue
            except Ignore as why:
                ignored += 1
                reasons[str(why)] = reasons.get(str(why), 0) + 1
                continue
            key = self.identity(record)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            records.append(record)
        events = self.build(seller, records)
        notes = [f"{self.name}: {len(records)} line(s) read into {len(events)} fact(s)"]
        notes += [f"{self.name}: {count} line(s) ignored: {why}" for why, count in sorted(reasons.items())]
        return Parsed(events=events, problems=problems, duplicates=duplicates, ignored=ignored, notes=notes)

    def ingester(self) -> Ingester:
        return Ingester(name=self.name, description=self.description, detect=self.detect, parse=self.parse)


def event_identity(event: Event) -> tuple:
    return (event.event_id,)


def as_events(seller: str, records: list[Event]) -> list[Event]:
    return records
