"""Seller Central flat files as `sellerops.ingest` plugins: three FBA reports, one `Ingester` each.

| Ingester               | Report type (Reports API)                      | Fact                                 |
|------------------------|------------------------------------------------|--------------------------------------|
| `fba-customer-returns` | GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA      | CustomerReturnReported, one a line   |
| `fba-reimbursements`   | GET_FBA_REIMBURSEMENTS_DATA                    | ReimbursementIssued, one a line      |
| `fba-inbound-receipts` | GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA    | InboundReceiptReported, one a receipt|

Where the column names come from (the download headers, tab-delimited, one header row):

- Customer returns: `return-date order-id sku asin fnsku product-name quantity fulfillment-center-id
  detailed-disposition reason status license-plate-number customer-comments`, the header the open-source
  MWS client caponica/AmazonMwsComplete checks for this report (class ReportFbaReturns, EXPECTED_HEADER).
  Seller Central's help page "FBA customer returns report" (SC-com:200453320 and its .com.au/.it/.com.br
  copies) names the order column `amazon-order-id` (the .co.jp copy: `order-id`), so both are accepted.
  The condition codes SELLABLE, DAMAGED, CUSTOMER_DAMAGED, DEFECTIVE, CARRIER_DAMAGED are that page's.
- Reimbursements: `approval-date reimbursement-id case-id amazon-order-id reason sku fnsku asin product-name
  condition currency-unit amount-per-unit amount-total quantity-reimbursed-cash quantity-reimbursed-inventory
  quantity-reimbursed-total original-reimbursement-id original-reimbursement-type`: Seller Central's help
  page "Reimbursements report" (SC-com:200732720, download headers), in that order in public parsers' test
  files of the downloaded report.
- Inventory receipts ("FBA Received Inventory"): `received-date fnsku sku product-name quantity
  fba-shipment-id fulfillment-center-id`, the header caponica/AmazonMwsComplete checks for
  REPORT_FBA_INVENTORY_RECEIVED (class ReportFbaInventoryReceived, EXPECTED_HEADER).

Reading rules (all three reports):

- The text may start with a BOM and use Windows line endings. Cells are split on tabs with `csv`'s
  excel-tab dialect, but without quote handling: Amazon's .txt reports are not quoted, and a product name
  that starts with `"` would otherwise swallow the cells after it.
- Header names are matched without regard to case or surrounding blanks (the help pages write `Sku`).
- Dates: ISO 8601 with an offset (`2026-11-20T14:03:00+00:00`, `...Z`), the older
  `2026-11-20 14:03:00 UTC` (also GMT, PST = -08:00, PDT = -07:00), or a bare date (midnight UTC).
  A date-time without a zone is a problem: guessing one would shift the fact. All become aware UTC.
- A line that cannot be read is a `Problem` at `line N: column X` saying why; the other lines still
  become facts. A required column missing from the header is one problem naming it (and no line is read).
  A line read a second time (the same identifying fields) counts as a duplicate.
- Event ids are `fact_id(<ingester name>, <the line's identifying fields>, seller=...)`: re-ingesting a file, or a
  later report that repeats a line, publishes nothing new.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import InboundReceiptReported, ReimbursementIssued
from sellerops.contracts.returns import CustomerReturnReported, Disposition
from sellerops.plugins.ingest import Ingester, Parsed, Problem, fact_id
from sellerops.plugins.spec import Registry

__all__ = ["INGESTERS", "customer_returns", "inbound_receipts", "parse_date", "reimbursements", "register"]


class _Dialect(csv.excel_tab):
    quoting = csv.QUOTE_NONE
    escapechar = None


# ---- cells ----


class _Bad(Exception):
    """A cell that cannot be read: `column` and why."""

    def __init__(self, column: str, why: str) -> None:
        super().__init__(f"column {column}: {why}")
        self.column = column
        self.why = why


class _Ignore(Exception):
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


class _Row:
    """One data line: cells by (normalized) column name, with typed readers that raise `_Bad`."""

    def __init__(self, number: int, cells: dict[str, str]) -> None:
        self.number = number
        self.cells = cells

    def text(self, column: str) -> str | None:
        value = self.cells.get(column, "").strip()
        return value or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise _Bad(column, "missing")
        return value

    def date(self, column: str) -> datetime:
        try:
            return parse_date(self.required(column))
        except ValueError as e:
            raise _Bad(column, str(e)) from None

    def integer(self, column: str, *, default: int | None = None) -> int:
        value = self.text(column)
        if value is None:
            if default is None:
                raise _Bad(column, "missing")
            return default
        if not _INTEGER.match(value):
            raise _Bad(column, f"{value!r} is not a whole number")
        return int(value)

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column)
        if value is None:
            return None
        if not _DECIMAL.match(value):
            raise _Bad(column, f"{value!r} is not an amount")
        try:
            return Decimal(value.replace(",", "."))  # a decimal comma, as in some EU downloads
        except InvalidOperation:  # pragma: no cover - the pattern already refused it
            raise _Bad(column, f"{value!r} is not an amount") from None


def _normalize(name: str) -> str:
    return name.strip().lower()


def _lines(text: str) -> tuple[int, list[str], Iterable[tuple[int, list[str]]]]:
    """(the header's line number, its names, then the non-blank data lines with their line numbers)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), dialect=_Dialect)
    for header in reader:
        if any(cell.strip() for cell in header):
            names = [_normalize(name) for name in header]

            def rows() -> Iterable[tuple[int, list[str]]]:
                for cells in reader:
                    if any(cell.strip() for cell in cells):
                        yield reader.line_num, cells

            return reader.line_num, names, rows()
    return 0, [], iter(())


def _header_of(first_text: str) -> set[str]:
    first = first_text.removeprefix("\ufeff").lstrip("\r\n").splitlines()
    return {_normalize(name) for name in first[0].split("\t")} if first else set()


# ---- events ----

def _event(cls: type[Event], fields: dict[str, Any], columns: dict[str, str]) -> Event:
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
        raise _Bad(column, why) from None


# ---- the shared driver ----


@dataclass
class _Report:
    name: str
    report_type: str
    description: str
    signature: frozenset[str]  # columns that identify the report in `detect`
    required: tuple[str, ...]  # columns the header must have
    aliases: dict[str, str]  # another name a column goes by -> the name used below
    read: Callable[[str, _Row], Any]  # (seller, line) -> a record, or raises _Bad / _Ignore
    identity: Callable[[Any], tuple]  # a record's identifying fields (a second line with them is a duplicate)
    build: Callable[[str, list[Any]], list[Event]]  # (seller, records in file order) -> facts

    def detect(self, file_name: str, head: str) -> bool:
        names = {self.aliases.get(name, name) for name in _header_of(head)}
        return self.signature <= names

    def parse(self, seller: str, text: str) -> Parsed:
        header_line, names, rows = _lines(text)
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
            row = _Row(number, dict(zip(names, cells, strict=False)))  # short lines: absent cells are empty
            try:
                record = self.read(seller, row)
            except _Bad as bad:
                problems.append(Problem(f"line {number}: column {bad.column}", bad.why))
                continue
            except _Ignore as why:
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


# ---- FBA customer returns ----

# The report's detailed-disposition -> the contract's Disposition (DAMAGED: damaged by the fulfillment center).
DISPOSITIONS = {
    "SELLABLE": Disposition.SELLABLE,
    "DEFECTIVE": Disposition.DEFECTIVE,
    "CUSTOMER_DAMAGED": Disposition.CUSTOMER_DAMAGED,
    "CARRIER_DAMAGED": Disposition.CARRIER_DAMAGED,
    "DAMAGED": Disposition.FULFILLER_DAMAGED,
}
_RETURN_COLUMNS = {"return_id": "license-plate-number", "order_id": "order-id", "sku": "sku",
                   "center_id": "fulfillment-center-id", "quantity": "quantity",
                   "disposition": "detailed-disposition", "reason": "reason", "occurred_at": "return-date"}


def _read_return(seller: str, row: _Row) -> CustomerReturnReported:
    occurred_at = row.date("return-date")
    quantity = row.integer("quantity")
    if quantity < 1:
        raise _Bad("quantity", f"{quantity} is not a positive number of units")
    code = row.required("detailed-disposition")
    disposition = DISPOSITIONS.get(code.upper().replace(" ", "_"))
    if disposition is None:
        raise _Bad("detailed-disposition", f"unknown disposition {code!r} (known: {', '.join(DISPOSITIONS)})")
    fields: dict[str, Any] = {
        "return_id": row.required("license-plate-number"),
        "order_id": row.required("order-id"),
        "sku": row.required("sku"),
        "center_id": row.required("fulfillment-center-id"),
        "quantity": quantity,
        "disposition": disposition.value,
        "reason": row.text("reason"),
    }
    identity = ("fba-customer-returns", fields["return_id"], fields["order_id"], fields["sku"],
                fields["center_id"], occurred_at.isoformat(), quantity, disposition.value, fields["reason"])
    envelope = {"event_id": fact_id(*identity, seller=seller), "seller": seller, "occurred_at": occurred_at}
    return _event(CustomerReturnReported, envelope | fields, _RETURN_COLUMNS)  # type: ignore[return-value]


def _event_identity(event: Event) -> tuple:
    return (event.event_id,)


def _as_events(seller: str, records: list[Event]) -> list[Event]:
    return records


customer_returns = _Report(
    name="fba-customer-returns",
    report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
    description="FBA customer returns report (tab-delimited): each line a CustomerReturnReported",
    signature=frozenset({"return-date", "detailed-disposition"}),
    required=("return-date", "order-id", "sku", "quantity", "fulfillment-center-id", "detailed-disposition",
              "license-plate-number"),
    aliases={"amazon-order-id": "order-id", "fulfilment-centre-id": "fulfillment-center-id"},
    read=_read_return,
    identity=_event_identity,
    build=_as_events,
)


# ---- FBA reimbursements ----

_REIMBURSEMENT_COLUMNS = {"reimbursement_id": "reimbursement-id", "sku": "sku",
                          "quantity_cash": "quantity-reimbursed-cash",
                          "quantity_inventory": "quantity-reimbursed-inventory", "amount": "amount-total",
                          "amount.currency": "currency-unit",
                          "reason": "reason", "occurred_at": "approval-date"}


def _read_reimbursement(seller: str, row: _Row) -> ReimbursementIssued:
    occurred_at = row.date("approval-date")
    cash = row.integer("quantity-reimbursed-cash", default=0)
    inventory = row.integer("quantity-reimbursed-inventory", default=0)
    total = row.decimal("amount-total")
    currency = row.text("currency-unit")
    if cash < 0 or inventory < 0 or (total is not None and total < 0):
        # A reversal (e.g. a reimbursed unit found again): the contract has no negative reimbursement.
        raise _Ignore("negative quantity or amount (a reversal of an earlier reimbursement)")
    stated = row.text("quantity-reimbursed-total")
    if stated is not None and row.integer("quantity-reimbursed-total") != cash + inventory:
        raise _Bad("quantity-reimbursed-total", f"{stated} is not cash {cash} + inventory {inventory}")
    amount = None
    if total is not None:
        if currency is None:
            raise _Bad("currency-unit", f"missing (amount-total is {total})")
        amount = {"amount": total, "currency": currency}
    fields: dict[str, Any] = {
        "reimbursement_id": row.required("reimbursement-id"),
        "sku": row.required("sku"),
        "quantity_cash": cash,
        "quantity_inventory": inventory,
        "amount": amount,
        "reason": row.required("reason"),
        # case_id and shipment_id stay None: the report's case-id is a Seller Support case number, not the
        # id of a sellerops discrepancy case, and the report names no shipment (see the README).
    }
    identity = ("fba-reimbursements", fields["reimbursement_id"], occurred_at.isoformat(), row.text("case-id"),
                row.text("amazon-order-id"), fields["reason"], fields["sku"], row.text("fnsku"), cash, inventory,
                str(total), currency)
    envelope = {"event_id": fact_id(*identity, seller=seller), "seller": seller, "occurred_at": occurred_at}
    return _event(ReimbursementIssued, envelope | fields, _REIMBURSEMENT_COLUMNS)  # type: ignore[return-value]


reimbursements = _Report(
    name="fba-reimbursements",
    report_type="GET_FBA_REIMBURSEMENTS_DATA",
    description="FBA reimbursements report (tab-delimited): each line a ReimbursementIssued",
    signature=frozenset({"approval-date", "reimbursement-id"}),
    required=("approval-date", "reimbursement-id", "reason", "sku", "currency-unit", "amount-total",
              "quantity-reimbursed-cash", "quantity-reimbursed-inventory"),
    aliases={},
    read=_read_reimbursement,
    identity=_event_identity,
    build=_as_events,
)


# ---- FBA inventory receipts ----


@dataclass(frozen=True)
class _Receipt:
    number: int
    shipment_id: str
    received_at: datetime
    sku: str
    fnsku: str | None
    center_id: str | None
    quantity: int


def _read_receipt(seller: str, row: _Row) -> _Receipt:
    received_at = row.date("received-date")
    quantity = row.integer("quantity")
    if quantity < 1:
        raise _Bad("quantity", f"{quantity} is not a positive number of units")
    return _Receipt(row.number, row.required("fba-shipment-id"), received_at, row.required("sku"),
                    row.text("fnsku"), row.text("fulfillment-center-id"), quantity)


def receipt_id(shipment_id: str, received_at: datetime) -> str:
    """The stable id of the receipt of `shipment_id` at `received_at` (the report has none)."""
    return f"{shipment_id}.{received_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _build_receipts(seller: str, records: list[_Receipt]) -> list[Event]:
    """Lines of one shipment received at the same time make one receipt, with one line per SKU (summed).
    The event id is derived from the receipt id alone: fulfillment counts a receipt id once."""
    groups: dict[tuple[str, datetime], dict[str, int]] = {}
    for record in records:
        lines = groups.setdefault((record.shipment_id, record.received_at), {})
        lines[record.sku] = lines.get(record.sku, 0) + record.quantity
    events: list[Event] = []
    columns = {"shipment_id": "fba-shipment-id", "receipt_id": "fba-shipment-id", "lines": "sku"}
    for (shipment_id, received_at), lines in groups.items():
        rid = receipt_id(shipment_id, received_at)
        fields = {"event_id": fact_id("fba-inbound-receipts", rid, seller=seller), "seller": seller, "occurred_at": received_at,
                  "shipment_id": shipment_id, "receipt_id": rid,
                  "lines": [{"sku": sku, "received": units, "damaged": 0} for sku, units in lines.items()]}
        events.append(_event(InboundReceiptReported, fields, columns))
    return events


def _receipt_identity(record: _Receipt) -> tuple:
    return (record.shipment_id, record.received_at, record.sku, record.fnsku, record.center_id, record.quantity)


def _read_receipt_checked(seller: str, row: _Row) -> _Receipt:
    record = _read_receipt(seller, row)
    # Validate what the fact will carry now, so a bad id or SKU is this line's problem, not the receipt's.
    rid = receipt_id(record.shipment_id, record.received_at)
    _event(InboundReceiptReported,
           {"event_id": fact_id("check", seller=seller), "seller": seller, "occurred_at": record.received_at,
            "shipment_id": record.shipment_id, "receipt_id": rid,
            "lines": [{"sku": record.sku, "received": record.quantity}]},
           {"shipment_id": "fba-shipment-id", "receipt_id": "fba-shipment-id", "lines": "sku", "seller": "seller"})
    return record


inbound_receipts = _Report(
    name="fba-inbound-receipts",
    report_type="GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA",
    description="FBA received inventory report (tab-delimited): lines of a shipment received at the same time "
                "become one InboundReceiptReported",
    signature=frozenset({"received-date", "fba-shipment-id"}),
    required=("received-date", "sku", "quantity", "fba-shipment-id"),
    aliases={"fulfilment-centre-id": "fulfillment-center-id"},
    read=_read_receipt_checked,
    identity=_receipt_identity,
    build=_build_receipts,  # type: ignore[arg-type]
)


INGESTERS: list[Ingester] = [report.ingester() for report in (customer_returns, reimbursements, inbound_receipts)]


def register(registry: Registry[Ingester]) -> None:
    """The `sellerops.ingest` plugin hook: add the three flat-file ingesters under their names."""
    for ingester in INGESTERS:
        registry.add(ingester.name, ingester)
