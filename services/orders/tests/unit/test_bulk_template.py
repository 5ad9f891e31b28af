"""Reading the Seller Central shipping-confirmation template: rows, line numbers, formats, NULLs, duplicates."""

from datetime import date

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerops.contracts.orders import ConfirmShipments
from sellerops.orders.domain.template import TemplateError, decode_template, parse_confirmations

HEADER = "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method"
ORDER = "113-4567890-1234567"
OTHER_ORDER = "114-0000001-7654321"
UPS = "1Z999AA10123456784"


def tsv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def row(order_id=ORDER, item="", quantity="", ship_date="2026-11-02", code="UPS", name="", tracking=UPS,
        method="UPS Ground") -> str:
    return "\t".join([order_id, item, quantity, ship_date, code, name, tracking, method])


def one_error(text: str):
    rows, errors = parse_confirmations(text)
    assert rows == []
    [error] = errors
    return error


def test_a_template_row_reads_into_a_confirmation_with_the_line_number_of_the_file():
    rows, errors = parse_confirmations(tsv(row(item="62915379184323", quantity="2")))

    assert errors == []
    [confirmation] = rows
    assert (confirmation.line, confirmation.order_id, confirmation.order_item_id, confirmation.quantity) == (
        2, ORDER, "62915379184323", 2)
    assert (confirmation.ship_date, confirmation.carrier_code, confirmation.tracking_number) == (
        date(2026, 11, 2), "UPS", UPS)
    assert (confirmation.carrier_name, confirmation.ship_method, confirmation.clear) == (None, "UPS Ground", [])


def test_blank_cells_read_as_none():
    [confirmation], _ = parse_confirmations(tsv(row(code="", tracking="", method="")))

    assert (confirmation.order_item_id, confirmation.quantity, confirmation.carrier_code,
            confirmation.tracking_number, confirmation.ship_method) == (None, None, None, None, None)


def test_columns_are_found_by_name_in_any_case_and_order_and_unknown_columns_are_ignored():
    text = f"Ship-Date\tNotes\tORDER-ID\tTracking-Number\tCarrier-Code\n2026-11-02\tleft at door\t{ORDER}\t{UPS}\tUPS\n"

    [confirmation], errors = parse_confirmations(text)

    assert errors == []
    assert (confirmation.order_id, confirmation.tracking_number, confirmation.carrier_code) == (ORDER, UPS, "UPS")


def test_a_short_row_reads_its_missing_cells_as_blank():
    [confirmation], errors = parse_confirmations(tsv(f"{ORDER}\t\t\t2026-11-02"))

    assert errors == [] and confirmation.carrier_code is None


@pytest.mark.parametrize("header", ["order-id\tquantity\tcarrier-code", "ship-date\ttracking-number",
                                    "order_id\tship_date"])
def test_a_file_without_the_order_id_or_ship_date_column_is_one_error_for_the_file(header):
    with pytest.raises(TemplateError, match="line 1 has no column"):
        parse_confirmations(tsv(row(), header=header))


@pytest.mark.parametrize("text", ["", "\n\n", "\t\t\n"])
def test_an_empty_file_is_an_error_for_the_file(text):
    with pytest.raises(TemplateError, match="empty"):
        parse_confirmations(text)


def test_blank_lines_are_skipped_and_the_lines_keep_their_numbers_in_the_file():
    rows, _ = parse_confirmations(tsv(row(), "", "\t\t\t", row(order_id=OTHER_ORDER)))

    assert [(r.line, r.order_id) for r in rows] == [(2, ORDER), (5, OTHER_ORDER)]


def test_windows_line_ends_and_a_byte_order_mark_read_like_plain_lines():
    rows, errors = parse_confirmations("\ufeff" + tsv(row(), row(order_id=OTHER_ORDER)).replace("\n", "\r\n"))

    assert errors == [] and [r.line for r in rows] == [2, 3]


def test_a_quoted_cell_over_two_lines_keeps_the_line_where_its_row_starts_and_the_next_row_its_own():
    rows, errors = parse_confirmations(tsv(row(method='"UPS\nGround"'), row(order_id=OTHER_ORDER)))

    assert errors == []
    assert [(r.line, r.ship_method) for r in rows] == [(2, "UPS\nGround"), (4, "UPS Ground")]


@pytest.mark.parametrize("order_id", ["113-4567890-123456", "1134567890123456", "113-456789O-1234567", "NULL"])
def test_an_order_id_must_be_3_7_7_digits(order_id):
    error = one_error(tsv(row(order_id=order_id)))

    assert (error.line, error.order_id, error.field, error.ok) == (2, order_id, "order-id", False)
    assert "3-7-7 digits" in error.reason


def test_an_order_id_and_a_ship_date_are_required():
    error = one_error(tsv(row(order_id="", ship_date="")))

    assert (error.field, error.reason) == ("order-id", "required; also ship-date: required")


@pytest.mark.parametrize(("text", "day"), [("2026-11-02", date(2026, 11, 2)), ("02-11-2026", date(2026, 11, 2)),
                                           ("29-02-2028", date(2028, 2, 29))])
def test_a_ship_date_reads_as_yyyy_mm_dd_or_as_dd_mm_yyyy_as_in_the_ae_marketplace(text, day):
    [confirmation], _ = parse_confirmations(tsv(row(ship_date=text)))

    assert confirmation.ship_date == day


@pytest.mark.parametrize(("text", "says"), [("11/02/2026", "not a date as yyyy-mm-dd or dd-mm-yyyy"),
                                            ("2026-11-2", "not a date"), ("2026-02-30", "not a day of the calendar"),
                                            ("31-11-2026", "not a day of the calendar"), ("NULL", "not a date")])
def test_a_ship_date_in_another_format_or_not_on_the_calendar_is_refused(text, says):
    error = one_error(tsv(row(ship_date=text)))

    assert error.field == "ship-date" and says in error.reason


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "two", "１", "1000000000"])
def test_a_quantity_must_be_a_whole_number_of_one_or_more(quantity):
    error = one_error(tsv(row(quantity=quantity)))

    assert error.field == "quantity" and "whole number" in error.reason


@pytest.mark.parametrize("code", ["Other", "other"])
def test_a_carrier_name_goes_with_carrier_code_other(code):
    [confirmation], errors = parse_confirmations(tsv(row(code=code, name="Speedy Couriers", tracking="SC123")))

    assert errors == [] and confirmation.carrier_name == "Speedy Couriers"


def test_a_carrier_name_with_another_carrier_code_is_refused():
    error = one_error(tsv(row(code="UPS", name="United Parcel")))

    assert error.field == "carrier-name" and "only with carrier-code Other" in error.reason


@pytest.mark.parametrize(("column", "values"), [("carrier-name", {"code": "Other", "name": "x" * 51}),
                                                ("carrier-code", {"code": "y" * 51}),
                                                ("tracking-number", {"tracking": "1" * 65})])
def test_a_value_longer_than_its_column_allows_is_refused(column, values):
    error = one_error(tsv(row(**values)))

    assert error.field == column and "longer than" in error.reason


@pytest.mark.parametrize("null", ["NULL", "null"])
def test_null_clears_the_carrier_name_and_the_ship_method(null):
    [confirmation], errors = parse_confirmations(tsv(row(code="", name=null, method=null)))

    assert errors == []
    assert (confirmation.carrier_name, confirmation.ship_method) == (None, None)
    assert confirmation.clear == ["carrier_name", "ship_method"]


@pytest.mark.parametrize(("column", "values"), [("order-item-id", {"item": "NULL"}), ("quantity", {"quantity": "NULL"}),
                                                ("carrier-code", {"code": "NULL"}),
                                                ("tracking-number", {"tracking": "NULL"})])
def test_null_is_refused_where_clearing_makes_no_sense(column, values):
    error = one_error(tsv(row(**values)))

    assert error.field == column and "NULL cannot clear it" in error.reason


def test_a_row_repeating_the_order_item_tracking_number_and_quantity_of_another_is_its_duplicate():
    rows, errors = parse_confirmations(tsv(row(quantity="1"), row(order_id=OTHER_ORDER),
                                           row(quantity="1", tracking="1z999aa1 0123 456784", ship_date="2026-11-03")))

    assert [r.line for r in rows] == [2, 3]
    assert [(e.line, e.order_id, e.reason, e.field) for e in errors] == [(4, ORDER, "duplicate of line 2", None)]


def test_rows_of_one_order_with_another_item_quantity_or_tracking_number_are_not_duplicates():
    rows, errors = parse_confirmations(tsv(row(item="A1", quantity="1"), row(item="A2", quantity="1"),
                                           row(item="A1", quantity="2"), row(item="A1", quantity="1",
                                                                           tracking="1Z999AA10123456785")))

    assert errors == [] and len(rows) == 4


def test_a_row_that_does_not_read_is_not_the_original_of_a_duplicate():
    rows, errors = parse_confirmations(tsv(row(quantity="x"), row()))

    assert [r.line for r in rows] == [3] and [e.line for e in errors] == [2]


def test_every_problem_of_a_row_is_told_and_the_first_names_the_field():
    error = one_error(tsv(row(order_id="113-45", quantity="two", tracking="NULL")))

    assert error.field == "order-id"
    assert error.reason.startswith("'113-45' is not an order id")
    assert "; also quantity: 'two' is not a whole number" in error.reason
    assert "; also tracking-number: NULL cannot clear it" in error.reason


def test_a_file_saved_as_unicode_text_or_windows_1252_reads_like_utf_8():
    text = tsv(row(method="Livraison 48h – Colissimo"))

    assert decode_template(text.encode("utf-16")) == text
    assert decode_template(text.encode("cp1252")) == text
    assert decode_template(b"\xef\xbb\xbf" + text.encode()) == text


def test_an_excel_workbook_is_told_to_be_saved_as_tab_delimited_text():
    with pytest.raises(TemplateError, match="Excel workbook"):
        decode_template(b"PK\x03\x04\x14\x00\x06\x00")


CELL = st.one_of(st.sampled_from(["", "NULL", ORDER, "2026-11-02", "02-11-2026", "UPS", "Other", UPS, "3", "0"]),
                 st.text(max_size=70))


@given(st.lists(st.lists(CELL, min_size=8, max_size=9), max_size=8))
def test_whatever_the_cells_every_row_read_is_valid_on_the_wire_and_every_other_row_has_a_reason(cells):
    text = tsv(*("\t".join(c.replace("\t", " ").replace('"', "") for c in cs) for cs in cells))

    rows, errors = parse_confirmations(text)

    request = ConfirmShipments(rows=rows, batch_id="b-1")
    assert msgspec.json.decode(msgspec.json.encode(request), type=ConfirmShipments) == request
    assert all(e.reason and not e.ok for e in errors)
    assert len({r.line for r in rows} | {e.line for e in errors}) == len(rows) + len(errors)
