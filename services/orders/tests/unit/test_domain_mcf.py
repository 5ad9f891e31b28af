import uuid
from datetime import UTC, datetime

import msgspec
import pytest

from sellerops.contracts.fulfillment import McfOrderStatusChanged, NetworkPackage
from sellerops.contracts.orders import (
    Address, CancelMcfOrder, CreateMcfOrder, FillPolicy, FulfillmentAction, McfItem, McfOrderCancelRequested,
    McfOrderReleased, McfOrderRequested, McfStatus, PackageItem, ShippingSpeed,
)
from sellerops.orders.domain import NotFound, Refused, mcf
from sellerops.orders.domain.zip_prefixes import PREFIXES

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
HOME = Address(name="Ada Buyer", address_line1="1 Main St", city="Seattle", state_or_region="WA",
               postal_code="98101", country_code="US")


def request(*items: tuple[str, int], mcf_order_id="shop-1001", destination=HOME,
            speed=ShippingSpeed.EXPEDITED) -> CreateMcfOrder:
    return CreateMcfOrder(mcf_order_id=mcf_order_id, destination=destination, shipping_speed=speed,
                          fill_policy=FillPolicy.FILL_ALL, items=[McfItem(item_id=i, seller_sku=f"SKU-{i}", quantity=q)
                                                                  for i, q in items or [("line-1", 2)]])


def reported(status: McfStatus, *packages: str) -> McfOrderStatusChanged:
    return McfOrderStatusChanged(
        event_id=uuid.uuid4(), seller="acme", occurred_at=NOW, mcf_order_id="shop-1001", status=status,
        packages=[NetworkPackage(carrier_code="UPS", tracking_number=t, shipped_at=NOW,
                                 items=[PackageItem("line-1", 2)]) for t in packages])


def created():
    return mcf.create(None, request=request(), seller="acme", now=NOW)[0]


def test_a_valid_mcf_order_is_recorded_as_new_and_requested_from_the_fulfillment_service():
    order, [event] = mcf.create(None, request=request(), seller="acme", now=NOW)
    assert isinstance(event, McfOrderRequested)
    assert (order.status, event.shipping_speed, event.fill_policy) == (McfStatus.NEW, ShippingSpeed.EXPEDITED,
                                                                      FillPolicy.FILL_ALL)
    assert event.subject == "orders.acme.mcf_order.requested"


def test_sending_the_same_mcf_order_again_changes_nothing_and_other_contents_are_refused():
    order = created()
    assert mcf.create(order, request=request(), seller="acme", now=NOW) == (order, [])
    with pytest.raises(Refused) as refused:
        mcf.create(order, request=request(("line-1", 3)), seller="acme", now=NOW)
    assert refused.value.field == "$.mcf_order_id"


@pytest.mark.parametrize(("bad", "field"), [
    (request(("a", 1), ("a", 2)), "$.items[0].item_id"),
    (request(destination=Address(name="A", address_line1="1", city="C", state_or_region="S", postal_code="ABC",
                                 country_code="US")), "$.destination.postal_code"),
])
def test_an_invalid_mcf_order_is_refused_naming_the_field(bad, field):
    with pytest.raises(Refused) as refused:
        mcf.create(None, request=bad, seller="acme", now=NOW)
    assert refused.value.field == field


def address(postal_code: str, country_code: str = "US") -> Address:
    return Address(name="A", address_line1="1", city="C", state_or_region="S", postal_code=postal_code,
                   country_code=country_code)


@pytest.mark.parametrize(("destination", "field", "words"), [
    (address("SW1A 1AA", "GB"), "$.destination.country_code", "'GB' is not served"),
    (address("H2X 1Y4", "CA"), "$.destination.country_code", "'CA' is not served"),
    (address("00000"), "$.destination.postal_code", "no ZIP code starts with 000"),
    (address("00099-1234"), "$.destination.postal_code", "does not exist"),
])
def test_a_destination_the_network_cannot_ship_to_is_refused_naming_the_field(destination, field, words):
    with pytest.raises(Refused) as refused:
        mcf.create(None, request=request(destination=destination), seller="acme", now=NOW)
    assert refused.value.field == field and words in str(refused.value)


def test_a_real_zip_code_and_a_zip_plus_four_are_accepted():
    for code in ("98101", "48110-1234", "00501"):
        assert mcf.create(None, request=request(destination=address(code)), seller="acme", now=NOW)[1]


def test_a_held_order_is_requested_with_its_action_and_released_once():
    held = CreateMcfOrder(**{**msgspec.structs.asdict(request()), "fulfillment_action": FulfillmentAction.HOLD})
    order, [event] = mcf.create(None, request=held, seller="acme", now=NOW)
    assert event.fulfillment_action is FulfillmentAction.HOLD

    released, [out] = mcf.release(order, now=NOW)

    assert isinstance(out, McfOrderReleased) and released.released_at == NOW
    assert mcf.release(released, now=NOW) == (released, [])
    with pytest.raises(Refused) as not_held:
        mcf.release(created(), now=NOW)
    assert not_held.value.field == "$.mcf_order_id"
    with pytest.raises(Refused):  # other contents: the action too
        mcf.create(order, request=request(), seller="acme", now=NOW)


def test_an_unfulfillable_or_invalid_status_keeps_the_networks_reason():
    report = McfOrderStatusChanged(event_id=uuid.uuid4(), seller="acme", occurred_at=NOW, mcf_order_id="shop-1001",
                                   status=McfStatus.INVALID, reason="$.items[0].seller_sku: unknown SKU 'SKU-line-1'")
    order, _ = mcf.status_reported(created(), report)
    assert mcf.view(order).status_reason == report.reason


def test_an_mcf_order_can_be_canceled_until_it_is_processing_and_asking_twice_asks_once():
    order, [event] = mcf.cancel(created(), request=CancelMcfOrder(mcf_order_id="shop-1001"), request_id="r1", now=NOW)
    assert isinstance(event, McfOrderCancelRequested) and order.cancel_requested
    assert mcf.cancel(order, request=CancelMcfOrder(mcf_order_id="shop-1001"), request_id="r2", now=NOW)[1] == []
    processing, _ = mcf.status_reported(created(), reported(McfStatus.PROCESSING))
    with pytest.raises(Refused):
        mcf.cancel(processing, request=CancelMcfOrder(mcf_order_id="shop-1001"), request_id="r3", now=NOW)
    with pytest.raises(NotFound):
        mcf.cancel(None, request=CancelMcfOrder(mcf_order_id="nope"), request_id="r4", now=NOW)


def test_orders_follows_the_reported_statuses_and_records_each_shipped_package_once():
    order, events = mcf.status_reported(created(), reported(McfStatus.COMPLETE, "1Z999AA10123456784"))
    order, _ = mcf.status_reported(order, reported(McfStatus.COMPLETE, "1Z999AA10123456784"))
    assert events == [] and order.status is McfStatus.COMPLETE
    assert [p.tracking_number for p in order.packages] == ["1Z999AA10123456784"]
    assert [h.summary for h in order.history][-1] == "status=Complete"


def test_a_status_for_an_unknown_mcf_order_is_ignored():
    assert mcf.status_reported(None, reported(McfStatus.COMPLETE)) == (None, [])


def test_the_zip_prefix_list_is_the_zipcodes_packages():
    zipcodes = pytest.importorskip("zipcodes")  # the fulfillment service's dependency, in the workspace

    found = " ".join(sorted({z["zip_code"][:3] for z in zipcodes.list_all()}))
    assert PREFIXES == frozenset(found.split()), f"regenerate domain/zip_prefixes.py from: {found}"
