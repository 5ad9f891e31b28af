"""Seller Central flat files (FBA customer returns, reimbursements, inventory receipts) read into market facts.

The sample files under files/ are in the reports' download format: tab-delimited, one header row.
"""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sellerops.contracts.inbound import InboundReceiptReported, ReceiptLine, ReimbursementIssued
from sellerops.contracts.market import Money
from sellerops.contracts.returns import CustomerReturnReported, Disposition
from sellerops.integrations.domain.flatfiles import INGESTERS, parse_date, receipt_id
from sellerops.integrations.plugin import register
from sellerops.plugins.ingest import Problem, fact_id, registry

FILES = Path(__file__).parent / "files"
SELLER = "flatfile-seller-7"
BY_NAME = {ingester.name: ingester for ingester in INGESTERS}


def read(name: str) -> str:
    return (FILES / name).read_bytes().decode("utf-8")  # keeps the BOM and the \r\n, as the CLI reads them


def parse(ingester: str, name: str):
    return BY_NAME[ingester].parse(SELLER, read(name))


def messages(parsed) -> list[str]:
    return [f"{problem.where}: {problem.message}" for problem in parsed.problems]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- customer returns ----


def test_each_line_of_the_customer_returns_report_becomes_a_customer_return_reported_fact():
    parsed = parse("fba-customer-returns", "fba-customer-returns.txt")

    assert parsed.problems == [] and parsed.duplicates == 0 and parsed.ignored == 0
    first, second, third = parsed.events
    assert first == CustomerReturnReported(
        event_id=first.event_id, seller=SELLER, occurred_at=at(2026, 11, 10, 9, 0),
        return_id="LPNRR952814736", order_id="113-9182736-4455667", sku="COASTER-CORK-4PK", center_id="PHX7",
        quantity=1, disposition=Disposition.CUSTOMER_DAMAGED, reason="UNWANTED_ITEM")
    assert (second.return_id, second.order_id, second.sku, second.center_id, second.quantity, second.reason) == (
        "LPNHK220558190", "113-4567890-1234567", "MUG-CER-12OZ-BLK", "SMF3", 2, "DEFECTIVE")
    assert second.disposition is Disposition.FULFILLER_DAMAGED  # DAMAGED in the report
    assert second.occurred_at == at(2026, 11, 20, 14, 3)  # "2026-11-20 14:03:00 UTC"
    assert third.disposition is Disposition.SELLABLE
    assert third.occurred_at == at(2026, 11, 22, 7, 30)  # 2026-11-21T23:30:00-08:00, in UTC


def test_a_customer_return_event_id_is_derived_from_the_line_so_reingesting_publishes_nothing_new():
    once = parse("fba-customer-returns", "fba-customer-returns.txt")
    again = parse("fba-customer-returns", "fba-customer-returns.txt")

    assert [e.event_id for e in once.events] == [e.event_id for e in again.events]
    assert len({e.event_id for e in once.events}) == 3
    assert once.events[0].event_id == fact_id(
        "fba-customer-returns", "LPNRR952814736", "113-9182736-4455667", "COASTER-CORK-4PK", "PHX7",
        "2026-11-10T09:00:00+00:00", 1, "CUSTOMER_DAMAGED", "UNWANTED_ITEM", seller=SELLER)


def test_a_file_with_a_bom_and_windows_line_endings_reads_the_same_as_a_plain_one():
    plain = parse("fba-customer-returns", "fba-customer-returns.txt")
    raw = read("fba-customer-returns-bom-crlf.txt")
    assert raw.startswith("\ufeffreturn-date\t") and "\r\n" in raw

    windows = parse("fba-customer-returns", "fba-customer-returns-bom-crlf.txt")

    assert windows.problems == []
    assert windows.events == plain.events


def test_every_kind_of_bad_customer_return_line_is_a_problem_naming_line_and_column_and_good_lines_still_count():
    parsed = parse("fba-customer-returns", "fba-customer-returns-bad-lines.txt")

    assert [e.return_id for e in parsed.events] == ["LPNRR952814736", "LPNRR000111222"]  # lines 2 and 12
    assert parsed.duplicates == 1  # line 8 repeats line 2
    assert [p.where for p in parsed.problems] == [
        "line 3: column quantity",
        "line 4: column return-date",
        "line 5: column detailed-disposition",
        "line 6: column license-plate-number",
        "line 7: column quantity",
        "line 9: column return-date",
        "line 10: column order-id",
        "line 11: column quantity",
    ]
    text = messages(parsed)
    assert text[0] == "line 3: column quantity: 'one' is not a whole number"
    assert "'22-11-2026' is not a date" in text[1]
    assert text[2].startswith("line 5: column detailed-disposition: unknown disposition 'EXPIRED'")
    assert text[3] == "line 6: column license-plate-number: missing"
    assert text[4] == "line 7: column quantity: missing"  # a line cut short after three cells
    assert text[5] == "line 9: column return-date: '2026-11-22T10:00:00' has no time zone"
    assert text[6].startswith("line 10: column order-id: '113 1111111': not a usable id")
    assert text[7] == "line 11: column quantity: 0 is not a positive number of units"


def test_a_required_column_missing_from_the_header_is_one_problem_naming_it():
    parsed = parse("fba-customer-returns", "fba-customer-returns-no-lpn-column.txt")

    assert parsed.problems == [Problem("line 1: column license-plate-number",
                                       "required column missing from the header")]
    assert parsed.events == []
    assert "1 line(s) not read" in parsed.notes[0]


def test_the_returns_report_may_name_its_order_column_amazon_order_id_as_the_help_page_does():
    text = read("fba-customer-returns.txt").replace("\torder-id\t", "\tamazon-order-id\t", 1)

    parsed = BY_NAME["fba-customer-returns"].parse(SELLER, text)

    assert parsed.problems == []
    assert [e.order_id for e in parsed.events][0] == "113-9182736-4455667"


def test_a_product_name_starting_with_a_quote_does_not_swallow_the_cells_after_it():
    parsed = parse("fba-customer-returns", "fba-customer-returns.txt")  # line 3: "Barista" Ceramic ...

    assert parsed.events[1].center_id == "SMF3" and parsed.events[1].quantity == 2


def test_a_line_with_more_cells_than_the_header_is_a_problem():
    text = read("fba-customer-returns.txt") + "2026-11-10T09:00:00+00:00" + "\tx" * 13 + "\n"

    parsed = BY_NAME["fba-customer-returns"].parse(SELLER, text)

    assert messages(parsed) == ["line 5: 14 cells, the header has 13 columns"]
    assert len(parsed.events) == 3


def test_blank_lines_are_skipped_and_keep_the_line_numbers_of_the_file():
    lines = read("fba-customer-returns.txt").splitlines()
    text = "\n".join([lines[0], "", lines[1], "   ", lines[2].replace("\t2\t", "\ttwo\t")]) + "\n"

    parsed = BY_NAME["fba-customer-returns"].parse(SELLER, text)

    assert len(parsed.events) == 1
    assert messages(parsed) == ["line 5: column quantity: 'two' is not a whole number"]


# ---- reimbursements ----


def test_each_reimbursements_line_becomes_a_reimbursement_issued_fact():
    parsed = parse("fba-reimbursements", "fba-reimbursements.txt")

    lost, returned = parsed.events
    assert lost == ReimbursementIssued(
        event_id=lost.event_id, seller=SELLER, occurred_at=at(2026, 11, 9, 15, 30), reimbursement_id="8812345",
        sku="MUG-CER-12OZ-BLK", quantity_cash=6, quantity_inventory=0,
        amount=Money(Decimal("53.94"), "USD"), reason="Lost_Inbound", case_id=None, shipment_id=None)
    assert returned == ReimbursementIssued(
        event_id=returned.event_id, seller=SELLER, occurred_at=at(2026, 11, 12, 8, 0),
        reimbursement_id="8812399", sku="COASTER-CORK-4PK", quantity_cash=0, quantity_inventory=1,
        amount=Money(Decimal("0.00"), "USD"), reason="CustomerReturn")


def test_bad_reimbursement_lines_are_problems_reversals_are_ignored_and_a_repeated_line_is_a_duplicate():
    parsed = parse("fba-reimbursements", "fba-reimbursements.txt")

    assert messages(parsed) == [
        "line 5: column amount-total: '8,99x' is not an amount",
        "line 6: column quantity-reimbursed-total: 3 is not cash 1 + inventory 0",
    ]
    assert parsed.ignored == 1  # line 4: negative amount and quantity
    assert any("reversal" in note for note in parsed.notes)
    assert parsed.duplicates == 1  # line 7 repeats line 2


def test_a_reimbursement_amount_may_use_a_decimal_comma_and_a_bad_currency_names_its_column():
    header, line = read("fba-reimbursements.txt").splitlines()[:2]
    comma = line.replace("\t53.94\t", "\t53,94\t")
    bad_currency = line.replace("\tUSD\t", "\tdollars\t").replace("8812345", "8812346")

    parsed = BY_NAME["fba-reimbursements"].parse(SELLER, "\n".join([header, comma, bad_currency]))

    assert parsed.events[0].amount == Money(Decimal("53.94"), "USD")
    assert messages(parsed) == ["line 3: column currency-unit: 'dollars': not a three-letter currency code"]


def test_a_reimbursement_event_id_is_stable_across_ingests():
    once = parse("fba-reimbursements", "fba-reimbursements.txt")
    again = parse("fba-reimbursements", "fba-reimbursements.txt")

    assert [e.event_id for e in once.events] == [e.event_id for e in again.events]
    assert once.events[0].event_id != once.events[1].event_id


# ---- inventory receipts ----


def test_receipt_lines_of_one_shipment_received_at_the_same_time_become_one_receipt_with_a_line_per_sku():
    parsed = parse("fba-inbound-receipts", "fba-inbound-receipts.txt")

    first, later, other = parsed.events
    assert first == InboundReceiptReported(
        event_id=fact_id("fba-inbound-receipts", "FBA15HOLIDAY1.20261109T153000Z", seller=SELLER), seller=SELLER,
        occurred_at=at(2026, 11, 9, 15, 30), shipment_id="FBA15HOLIDAY1",
        receipt_id="FBA15HOLIDAY1.20261109T153000Z",
        lines=[ReceiptLine(sku="MUG-CER-12OZ-BLK", received=470), ReceiptLine(sku="COASTER-CORK-4PK", received=48)])
    assert (later.shipment_id, later.receipt_id, later.lines) == (
        "FBA15HOLIDAY1", "FBA15HOLIDAY1.20261110T070500Z", [ReceiptLine(sku="MUG-CER-12OZ-BLK", received=24)])
    assert (other.shipment_id, other.lines) == ("FBA15OTHER22", [ReceiptLine(sku="COASTER-CORK-4PK", received=12)])


def test_bad_receipt_lines_are_problems_and_a_repeated_receipt_line_is_a_duplicate_not_added_twice():
    parsed = parse("fba-inbound-receipts", "fba-inbound-receipts.txt")

    assert messages(parsed) == [
        "line 8: column quantity: -3 is not a positive number of units",
        "line 9: column fba-shipment-id: missing",
    ]
    assert parsed.duplicates == 1  # line 7 repeats line 6: 12 units, not 24


def test_a_receipt_id_is_the_shipment_and_the_utc_receipt_time():
    assert receipt_id("FBA15X", parse_date("2026-11-20T06:03:00-08:00")) == "FBA15X.20261120T140300Z"


# ---- dates ----


@pytest.mark.parametrize("text", [
    "2026-11-20T14:03:00+00:00", "2026-11-20T14:03:00Z", "2026-11-20 14:03:00 UTC", "2026-11-20 14:03:00 GMT",
    "2026-11-20 06:03:00 PST", "2026-11-20T16:03:00+02:00",
])
def test_amazon_report_dates_read_as_aware_utc(text):
    assert parse_date(text) == at(2026, 11, 20, 14, 3)


def test_a_bare_report_date_is_midnight_utc():
    assert parse_date("2026-11-20") == at(2026, 11, 20)


@pytest.mark.parametrize("text", ["2026-11-20T14:03:00", "20/11/2026", "yesterday", ""])
def test_a_date_without_a_zone_or_in_another_format_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


# ---- detect and registration ----


@pytest.mark.parametrize(("file_name", "expected"), [
    ("fba-customer-returns.txt", "fba-customer-returns"),
    ("fba-customer-returns-bom-crlf.txt", "fba-customer-returns"),
    ("fba-customer-returns-no-lpn-column.txt", "fba-customer-returns"),
    ("fba-reimbursements.txt", "fba-reimbursements"),
    ("fba-inbound-receipts.txt", "fba-inbound-receipts"),
])
def test_detect_picks_the_one_ingester_that_reads_each_report_by_its_header(file_name, expected):
    head = read(file_name)[:8192]

    assert [i.name for i in INGESTERS if i.detect(file_name, head)] == [expected]


@pytest.mark.parametrize("head", [
    "", '{"NotificationVersion": "1.0"}',
    "issue-reported-date\tshipment-creation-date\tfba-shipment-id\tsku\tquantity\n",  # the inbound performance report
])
def test_detect_says_no_to_other_documents(head):
    assert [i.name for i in INGESTERS if i.detect("x.txt", head)] == []


def test_a_file_without_a_header_row_is_one_problem():
    parsed = BY_NAME["fba-reimbursements"].parse(SELLER, "\r\n\r\n")

    assert parsed.events == [] and len(parsed.problems) == 1


def test_the_plugin_registers_the_three_flat_file_ingesters_under_their_names():
    ingesters = registry()

    register(ingesters)

    assert sorted(i.name for i in INGESTERS) == ["fba-customer-returns", "fba-inbound-receipts", "fba-reimbursements"]
    assert set(ingesters.names()) >= {i.name for i in INGESTERS}
    assert all(i.description for i in ingesters)
