"""One row of a shipping-confirmation file decided against its order: new packages, updates, refusals."""

from datetime import date, timedelta

import pytest

from sellerops.contracts.orders import (
    ConfirmationRow, OrderPackageUpdated, OrderShipped, OrderStatus, OrderTrackingCorrected,
)
from sellerops.orders.domain import NotFound, Refused, carriers
from sellerops.orders.domain.bulk import apply_row, chunks_of_orders
from sellerops.orders.domain.carriers import ups_mod10
from sellerops.plugins.carriers import CarrierRegistry


def ups(n: int) -> str:
    """A UPS 1Z number with a valid check digit."""
    body = f"999AA1{n:09d}"
    return f"1Z{body}{ups_mod10(body)}"


@pytest.fixture(scope="module")
def check():
    registry = CarrierRegistry("sellerops.carriers")
    carriers.register(registry)
    return registry.check


def confirmation(order_id: str, line: int = 2, **fields) -> ConfirmationRow:
    values = {"ship_date": date(2026, 11, 2), "carrier_code": "UPS", "tracking_number": ups(1), **fields}
    return ConfirmationRow(line=line, order_id=order_id, **values)


def apply(make, order, row, check=None, now=None, request_id="bulk/b1/2"):
    return apply_row(order, row, request_id=request_id, now=now or make.NOW, check_carrier=check)


def refusal(make, order, row, check=None, **args) -> Refused:
    with pytest.raises(Refused) as caught:
        apply(make, order, row, check, **args)
    return caught.value


def two_items(make, seller, order_id):
    return make.unshipped(seller, order_id, make.item(quantity=3), make.coasters(2))


def shipped_once(make, seller, order_id, **fields):
    order = two_items(make, seller, order_id)
    return apply(make, order, confirmation(order_id, **fields))[0]


# ---- new packages ----


def test_a_row_without_item_or_quantity_confirms_every_unshipped_unit_of_every_item(make, seller, order_id, check):
    order = two_items(make, seller, order_id)

    shipped, [event] = apply(make, order, confirmation(order_id, ship_method="UPS Ground"), check)

    assert shipped.status is OrderStatus.SHIPPED
    assert isinstance(event, OrderShipped) and event.package_number == 1
    assert [(i.order_item_id, i.quantity) for i in event.package.items] == [(make.MUG, 3), (make.COASTERS, 2)]
    assert (event.package.tracking_number, event.package.ship_method) == (ups(1), "UPS Ground")


def test_a_row_with_an_item_and_no_quantity_confirms_every_unshipped_unit_of_that_item(make, seller, order_id):
    order = two_items(make, seller, order_id)

    shipped, [event] = apply(make, order, confirmation(order_id, order_item_id=make.COASTERS))

    assert [(i.order_item_id, i.quantity) for i in event.package.items] == [(make.COASTERS, 2)]
    assert shipped.status is OrderStatus.PARTIALLY_SHIPPED


def test_rows_with_quantities_split_an_item_over_packages(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=3))

    order, [first] = apply(make, order, confirmation(order_id, order_item_id=make.MUG, quantity=1))
    order, [second] = apply(make, order, confirmation(order_id, 3, order_item_id=make.MUG, tracking_number=ups(2)),
                            request_id="bulk/b1/3")

    assert (first.status, first.package_number, first.package.items[0].quantity) == (
        OrderStatus.PARTIALLY_SHIPPED, 1, 1)
    assert (second.status, second.package_number, second.package.items[0].quantity) == (OrderStatus.SHIPPED, 2, 2)


def test_a_quantity_without_an_item_is_for_the_one_item_of_the_order(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=3))

    _shipped, [event] = apply(make, order, confirmation(order_id, quantity=2))

    assert [(i.order_item_id, i.quantity) for i in event.package.items] == [(make.MUG, 2)]


def test_a_quantity_without_an_item_is_refused_when_the_order_has_several(make, seller, order_id):
    error = refusal(make, two_items(make, seller, order_id), confirmation(order_id, quantity=1))

    assert error.field == "order-item-id" and "a quantity needs the order-item-id" in str(error)


def test_another_item_under_a_tracking_number_already_confirmed_is_another_package_with_it(make, seller, order_id):
    order = shipped_once(make, seller, order_id, order_item_id=make.MUG)

    shipped, [event] = apply(make, order, confirmation(order_id, 3, order_item_id=make.COASTERS),
                             request_id="bulk/b1/3")

    assert shipped.status is OrderStatus.SHIPPED
    assert [p.tracking_number for p in shipped.packages] == [ups(1), ups(1)]
    assert event.package_number == 2


def test_the_event_of_a_row_has_an_id_derived_from_the_row_so_a_retry_re_emits_it(make, seller, order_id):
    order = two_items(make, seller, order_id)

    _, [first] = apply(make, order, confirmation(order_id))
    _, [again] = apply(make, order, confirmation(order_id), now=make.NOW + timedelta(minutes=1))
    _, [other] = apply(make, order, confirmation(order_id), request_id="bulk/b2/2")

    assert first.event_id == again.event_id != other.event_id


# ---- updates of a confirmed package (the row has its tracking number) ----


def test_an_update_overwrites_with_values_keeps_blanks_and_clears_nulls(make, seller, order_id):
    order = shipped_once(make, seller, order_id, ship_method="UPS Ground")
    row = confirmation(order_id, 3, carrier_code=None, ship_date=date(2026, 11, 1), ship_method=None,
                       clear=["ship_method"])

    updated, [event] = apply(make, order, row, now=make.NOW + timedelta(hours=2))

    [package] = updated.packages
    assert (package.carrier_code, package.tracking_number, package.ship_date, package.ship_method) == (
        "UPS", ups(1), date(2026, 11, 1), None)
    assert package.items == order.packages[0].items
    assert isinstance(event, OrderPackageUpdated)
    assert (event.package_number, event.ship_date, event.previous_ship_date) == (1, date(2026, 11, 1),
                                                                                 date(2026, 11, 2))
    assert (event.ship_method, event.previous_ship_method) == (None, "UPS Ground")
    assert updated.lines == order.lines and updated.status is order.status
    assert updated.history[-1].type == OrderPackageUpdated.type_tag()


def test_a_blank_ship_method_keeps_what_the_package_has(make, seller, order_id):
    order = shipped_once(make, seller, order_id, ship_method="UPS Ground")

    updated, events = apply(make, order, confirmation(order_id, 3, ship_method=None))

    assert (updated, events) == (order, [])


def test_a_row_that_says_what_the_package_already_says_changes_nothing(make, seller, order_id):
    order = shipped_once(make, seller, order_id, order_item_id=make.MUG, quantity=2, ship_method="UPS Ground")
    same = confirmation(order_id, 9, order_item_id=make.MUG, quantity=2, tracking_number=ups(1).lower(),
                        carrier_code="ups", ship_method="UPS Ground")

    assert apply(make, order, same) == (order, [])


def test_changing_the_carrier_of_a_confirmed_package_is_a_tracking_correction(make, seller, order_id, check):
    order = shipped_once(make, seller, order_id, tracking_number="123456789012", carrier_code="UPS")

    updated, [event] = apply(make, order, confirmation(order_id, 3, tracking_number="123456789012",
                                                       carrier_code="FedEx"), check)

    assert isinstance(event, OrderTrackingCorrected)
    assert (event.carrier_code, event.previous_carrier_code, event.tracking_number) == (
        "FedEx", "UPS", "123456789012")
    assert updated.packages[0].carrier_code == "FedEx"


def test_a_carrier_name_stays_only_while_the_carrier_code_is_other(make, seller, order_id):
    order = shipped_once(make, seller, order_id, carrier_code="Other", carrier_name="Speedy Couriers",
                         tracking_number="SC0001")

    renamed, _ = apply(make, order, confirmation(order_id, 3, carrier_code=None, tracking_number="SC0001",
                                                 carrier_name="Speedy Couriers Ltd"))
    kept, _ = apply(make, renamed, confirmation(order_id, 4, carrier_code=None, tracking_number="SC0001"))
    moved, [event] = apply(make, kept, confirmation(order_id, 5, carrier_code="DHL", tracking_number="SC0001"))

    assert [p.carrier_name for p in (renamed.packages[0], kept.packages[0], moved.packages[0])] == [
        "Speedy Couriers Ltd", "Speedy Couriers Ltd", None]
    assert (event.carrier_code, event.carrier_name) == ("DHL", None)


def test_clearing_the_carrier_name_of_carrier_other_is_refused(make, seller, order_id):
    order = shipped_once(make, seller, order_id, carrier_code="Other", carrier_name="Speedy", tracking_number="SC1")

    error = refusal(make, order, confirmation(order_id, 3, carrier_code=None, tracking_number="SC1",
                                              clear=["carrier_name"]))

    assert error.field == "carrier-name"


def test_the_quantity_of_a_confirmed_package_cannot_change(make, seller, order_id):
    order = shipped_once(make, seller, order_id, order_item_id=make.MUG, quantity=1)

    error = refusal(make, order, confirmation(order_id, 3, order_item_id=make.MUG, quantity=2))

    assert error.field == "quantity" and "cannot change" in str(error)


# ---- refusals, each naming its column ----


def test_an_unknown_order_is_not_found(make, order_id):
    with pytest.raises(NotFound):
        apply(make, None, confirmation(order_id))


@pytest.mark.parametrize(("fields", "column", "says"), [
    ({"carrier_code": "Speedy"}, "carrier-code", "unknown carrier code 'Speedy'"),
    ({"tracking_number": "1Z999AA10123456785"}, "tracking-number", "not a valid UPS tracking number"),
    ({"carrier_code": "Other", "tracking_number": "SC1"}, "carrier-name", "carrier_name"),
    ({"order_item_id": "62915379184323", "quantity": 4}, "quantity", "4 to ship but only 3 unshipped"),
    ({"order_item_id": "99999999999999"}, "order-item-id", "order has no item 99999999999999"),
    ({"ship_date": date(2026, 10, 31)}, "ship-date", "before the order date"),
    ({"ship_date": date(2026, 11, 3)}, "ship-date", "in the future"),
    ({"carrier_code": None}, "carrier-code", "required to confirm a package"),
    ({"tracking_number": None}, "tracking-number", "required to confirm a package"),
])
def test_a_new_package_is_refused_with_the_column_at_fault(make, seller, order_id, check, fields, column, says):
    error = refusal(make, two_items(make, seller, order_id), confirmation(order_id, **fields), check)

    assert (error.field, says in str(error)) == (column, True), str(error)


def test_a_row_for_an_order_already_shipped_is_refused_on_the_order(make, seller, order_id):
    order = shipped_once(make, seller, order_id)

    error = refusal(make, order, confirmation(order_id, 3, tracking_number=ups(2)))

    assert error.field == "order-id" and "order is Shipped" in str(error)


def test_an_item_whose_units_have_all_shipped_is_refused_on_the_item(make, seller, order_id):
    order = shipped_once(make, seller, order_id, order_item_id=make.MUG)

    error = refusal(make, order, confirmation(order_id, 3, order_item_id=make.MUG, tracking_number=ups(2)))

    assert error.field == "order-item-id" and "has shipped already" in str(error)


@pytest.mark.parametrize(("fields", "column", "says"), [
    ({"ship_date": date(2026, 10, 31)}, "ship-date", "before the order date"),
    ({"ship_date": date(2026, 11, 3)}, "ship-date", "in the future"),
    ({"carrier_code": "Speedy"}, "carrier-code", "unknown carrier code"),
    ({"carrier_code": "FedEx"}, "tracking-number", "not a valid FedEx tracking number"),
])
def test_an_update_is_refused_with_the_column_at_fault(make, seller, order_id, check, fields, column, says):
    order = shipped_once(make, seller, order_id)

    error = refusal(make, order, confirmation(order_id, 3, **fields), check)

    assert (error.field, says in str(error)) == (column, True), str(error)


def test_an_update_of_two_packages_under_one_tracking_number_is_refused_if_either_cannot_take_it(
        make, seller, order_id):
    order = shipped_once(make, seller, order_id, order_item_id=make.MUG)
    order, _ = apply(make, order, confirmation(order_id, 3, order_item_id=make.COASTERS, quantity=1))

    error = refusal(make, order, confirmation(order_id, 4, quantity=3, ship_method="UPS 2nd Day Air"))

    assert error.field == "quantity" and "confirmed with 1 unit(s)" in str(error)


# ---- chunks of a file ----


def test_chunks_keep_every_row_of_an_order_together_in_line_order(make):
    rows = [confirmation(order_id, line) for line, order_id in
            enumerate(["111-0000001-0000001", "111-0000002-0000002", "111-0000001-0000001", "111-0000003-0000003",
                       "111-0000004-0000004"], start=2)]

    chunks = chunks_of_orders(list(reversed(rows)), 2)

    assert [[r.line for r in chunk] for chunk in chunks] == [[2, 4], [3, 5], [6]]
