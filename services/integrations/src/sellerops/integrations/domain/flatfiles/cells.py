"""Reading a tab-delimited Seller Central report: its lines, its header, its cells and their types, its dates.

A cell that cannot be read raises `Bad` (the column and why); a line understood but carrying no fact
sellerops keeps raises `Ignore` (the reason goes to the notes)."""

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation


class Dialect(csv.excel_tab):
    quoting = csv.QUOTE_NONE
    escapechar = None


class Bad(Exception):
    """A cell that cannot be read: `column` and why."""

    def __init__(self, column: str, why: str) -> None:
        super().__init__(f"column {column}: {why}")
        self.column = column
        self.why = why


class Ignore(Exception):
    """A line understood but carrying no fact sellerops keeps; the reason goes to the notes."""


_OLD_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?) ?(UTC|GMT|PST|PDT)$", re.IGNORECASE)
_ZONES = {"UTC": UTC, "GMT": UTC, "PST": timezone(timedelta(hours=-8)),
          "PDT": timezone(timedelta(hours=-7))}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_date(value: str) -> datetime:
    """An Amazon report date as an aware UTC datetime (ValueError says why not)."""
    value = value.strip()
    if not value:
        raise ValueError("empty")
    if _DATE_ONLY.match(value):
        return datetime.combine(date.fromisoformat(value), time(), UTC)
    old = _OLD_DATE.match(value)
    if old:
        day, clock, zone = old.groups()
        naive = datetime.fromisoformat(f"{day}T{clock}")
        return naive.replace(tzinfo=_ZONES[zone.upper()]).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (expected e.g. 2026-11-20T14:03:00+00:00)") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed.astimezone(UTC)


class Row:
    """One data line: cells by (normalized) column name, with typed readers that raise `Bad`."""

    def __init__(self, number: int, cells: dict[str, str]) -> None:
        self.number = number
        self.cells = cells

    def text(self, column: str) -> str | None:
        value = self.cells.get(column, "").strip()
        return value or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise Bad(column, "missing")
        return value

    def date(self, column: str) -> datetime:
        try:
            return parse_date(self.required(column))
        except ValueError as e:
            raise Bad(column, str(e)) from None

    def integer(self, column: str, *, default: int | None = None) -> int:
        value = self.text(column)
        if value is None:
            if default is None:
                raise Bad(column, "missing")
            return default
        if not _INTEGER.match(value):
            raise Bad(column, f"{value!r} is not a whole number")
        return int(value)

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column)
        if value is None:
            return None
        if not _DECIMAL.match(value):
            raise Bad(column, f"{value!r} is not an amount")
        try:
            return Decimal(value.replace(",", "."))  # a decimal comma, as in some EU downloads
        except InvalidOperation:  # pragma: no cover - the pattern already refused it
            raise Bad(column, f"{value!r} is not an amount") from None


def normalize(name: str) -> str:
    return name.strip().lower()


def read_table(text: str) -> tuple[int, list[str], Iterable[tuple[int, list[str]]]]:
    """(the header's line number, its names, then the non-blank data lines with their line numbers)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), dialect=Dialect)
    for header in reader:
        if any(cell.strip() for cell in header):
            names = [normalize(name) for name in header]

            def rows() -> Iterable[tuple[int, list[str]]]:
                for cells in reader:
                    if any(cell.strip() for cell in cells):
                        yield reader.line_num, cells

            return reader.line_num, names, rows()
    return 0, [], iter(())


def header_of(first_text: str) -> set[str]:
    first = first_text.removeprefix("\ufeff").lstrip("\r\n").splitlines()
    return {normalize(name) for name in first[0].split("\t")} if first else set()
