"""The Seller Central shipping-confirmation template (tab-delimited), read into rows; pure.

Each row is checked on its own: formats, where NULL may clear a value, duplicates. Whether a row can
apply to its order is decided later (`bulk.apply_row`).
"""

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sellerops.contracts.envelope import ID_PATTERN
from sellerops.contracts.orders import Clearable, ConfirmationRow, RowResult
from sellerops.plugins.carriers import OTHER, normalize_tracking

COLUMNS = ("order-id", "order-item-id", "quantity", "ship-date", "carrier-code", "carrier-name",
           "tracking-number", "ship-method")
REQUIRED = ("order-id", "ship-date")
NULL = "null"
ORDER_ID = re.compile(r"\d{3}-\d{7}-\d{7}")
ITEM_ID = re.compile(ID_PATTERN)
MAX_QUANTITY = 999_999_999
LIMITS = {"carrier-code": 50, "carrier-name": 50, "tracking-number": 64, "order-item-id": 128}
T = TypeVar("T")


class TemplateError(ValueError):
    """The file as a whole cannot be read as a shipping-confirmation template."""


class _Bad(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def decode_template(data: bytes) -> str:
    """The text of a template as Excel and Seller Central save it: UTF-8 (with or without a BOM),
    UTF-16 ("Unicode Text"), or Windows-1252 ("Text (Tab delimited)" in Western locales)."""
    if data.startswith(b"PK\x03\x04"):
        raise TemplateError("this is an Excel workbook: save it as Text (Tab delimited) and upload that")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise TemplateError("not a text file (expected tab-delimited text in UTF-8, UTF-16 or Windows-1252)") from None


def parse_confirmations(text: str) -> tuple[list[ConfirmationRow], list[RowResult]]:
    """The rows that read well and a failed result for each that does not, by line number (header = 1).
    Raises TemplateError when the file has no header with the required columns."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), dialect=csv.excel_tab)
    try:
        header = next(reader, None)
        at = _columns(header)
        rows: list[ConfirmationRow] = []
        errors: list[RowResult] = []
        first_of: dict[tuple[str, str | None, str | None, int | None], int] = {}
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            values = {name: cells[i].strip() if i < len(cells) else "" for name, i in at.items()}
            if not any(values.values()):
                continue
            row = _row(line, values)
            if isinstance(row, RowResult):
                errors.append(row)
            elif (original := first_of.setdefault(_identity(row), line)) != line:
                errors.append(RowResult(line=line, order_id=row.order_id, ok=False,
                                        reason=f"duplicate of line {original}"))
            else:
                rows.append(row)
    except csv.Error as exc:
        raise TemplateError(f"line {reader.line_num}: cannot read the file past here ({exc})") from None
    return rows, errors


def _columns(header: list[str] | None) -> dict[str, int]:
    if not header or not any(cell.strip() for cell in header):
        raise TemplateError("the file is empty: line 1 must be the template header (order-id, ship-date, ...)")
    at: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        if name in COLUMNS:
            at.setdefault(name, index)
    if missing := [name for name in REQUIRED if name not in at]:
        raise TemplateError(f"line 1 has no column {' or '.join(missing)}: it must be the template header "
                            f"({', '.join(COLUMNS)}); other columns are ignored")
    return at


def _row(line: int, values: dict[str, str]) -> ConfirmationRow | RowResult:
    problems: list[_Bad] = []
    clear: list[Clearable] = []
    order_id = _read(_order_id, "order-id", values, problems)
    order_item_id = _read(_item_id, "order-item-id", values, problems)
    quantity = _read(_quantity, "quantity", values, problems)
    ship_date = _read(_ship_date, "ship-date", values, problems)
    carrier_code = _read(_text, "carrier-code", values, problems)
    carrier_name = _read(_clearable, "carrier-name", values, problems)
    if values.get("carrier-name", "").lower() == NULL:
        clear.append("carrier_name")
    tracking_number = _read(_tracking, "tracking-number", values, problems)
    ship_method = _read(_clearable, "ship-method", values, problems)
    if values.get("ship-method", "").lower() == NULL:
        clear.append("ship_method")
    code, name = values.get("carrier-code", ""), values.get("carrier-name", "")
    if code and name and name.lower() != NULL and code.lower() != OTHER.lower():
        problems.append(_Bad("carrier-name", f"goes only with carrier-code {OTHER}: leave it blank (or NULL) "
                                             f"for {code}"))
    if problems:
        first, *others = problems
        reason = "; also ".join([str(first), *(f"{p.column}: {p}" for p in others)])
        return RowResult(line=line, order_id=values.get("order-id", ""), ok=False, reason=reason, field=first.column)
    assert order_id is not None and ship_date is not None, "no problems: every check returned its value"
    return ConfirmationRow(line=line, order_id=order_id, order_item_id=order_item_id, quantity=quantity,
                           ship_date=ship_date, carrier_code=carrier_code, carrier_name=carrier_name,
                           tracking_number=tracking_number, ship_method=ship_method, clear=clear)


def _read(check: Callable[[str, str], T], column: str, values: dict[str, str], problems: list[_Bad]) -> T | None:
    """What `check` makes of the column's cell, or None with its problem added to `problems`."""
    try:
        return check(column, values.get(column, ""))
    except _Bad as bad:
        problems.append(bad)
        return None


def _order_id(column: str, value: str) -> str:
    if not ORDER_ID.fullmatch(value):
        raise _Bad(column, f"{value!r} is not an order id of 3-7-7 digits, like 113-4567890-1234567" if value
                   else "required")
    return value


def _ship_date(column: str, value: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if re.fullmatch(r"\d{2}-\d{2}-\d{4}", value):  # dd-mm-yyyy, as the AE marketplace writes it
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
    except ValueError:
        raise _Bad(column, f"{value!r} is not a day of the calendar") from None
    raise _Bad(column, f"{value!r} is not a date as yyyy-mm-dd or dd-mm-yyyy (a spreadsheet may have "
                       f"reformatted it)" if value else "required")


def _text(column: str, value: str) -> str | None:
    if not value:
        return None
    if value.lower() == NULL:
        raise _Bad(column, "NULL cannot clear it; leave it blank to keep what the package has")
    if len(value) > LIMITS.get(column, len(value)):
        raise _Bad(column, f"{value[:20]!r}... is longer than {LIMITS[column]} characters")
    return value


def _clearable(column: str, value: str) -> str | None:
    return None if value.lower() == NULL else _text(column, value)


def _tracking(column: str, value: str) -> str | None:
    if value.lower() == NULL:
        raise _Bad(column, "NULL cannot clear it: the tracking number is what identifies the package")
    return _text(column, value)


def _item_id(column: str, value: str) -> str | None:
    if value.lower() == NULL:
        raise _Bad(column, "NULL cannot clear it; leave it blank for every item of the order")
    if (item := _text(column, value)) is not None and not ITEM_ID.fullmatch(item):
        raise _Bad(column, f"{item!r} is not an order item id (letters and digits)")
    return item


def _quantity(column: str, value: str) -> int | None:
    if value.lower() == NULL:
        raise _Bad(column, "NULL cannot clear it; leave it blank for every unshipped unit")
    if value and not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_QUANTITY):
        raise _Bad(column, f"{value!r} is not a whole number from 1 to {MAX_QUANTITY:,}")
    return int(value) if value else None


def _identity(row: ConfirmationRow) -> tuple[str, str | None, str | None, int | None]:
    tracking = normalize_tracking(row.tracking_number) if row.tracking_number else None
    return row.order_id, row.order_item_id, tracking, row.quantity
