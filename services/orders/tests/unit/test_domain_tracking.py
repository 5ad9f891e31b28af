"""The orders domain, pure: correcting tracking, the carrier check on confirmations, and the timeline."""

import uuid
from datetime import timedelta

import pytest

from sellerops.contracts.market import OrderBuyerCancelRequested
from sellerops.contracts.orders import (
    AnswerCancelRequest, CorrectTracking, OrderCanceled, OrderCancelRequestDeclined, OrderCancelRequested,
    OrderRecorded, OrderReleased, OrderShipped, OrderStatus, OrderTrackingCorrected,
)
from sellerops.orders.domain import (
    Policy, Refused, answer_cancel_request, authorize_payment, buyer_cancel_requested, carriers, confirm_shipment,
    correct_tracking, record_placement,
)
from sellerops.plugins.carriers import CarrierRegistry

UPS_OK = "1Z999AA10123456784"  # UPS's published sample
UPS_BAD_DIGIT = "1Z999AA10123456785"
FEDEX_OK = "123456789012"


@pytest.fixture(scope="module")
def registry() -> CarrierRegistry:
    registry = CarrierRegistry("sellerops.carriers")
    carriers.register(registry)
    return registry


def shipped(make, seller, order_id, packages=1):
    """An order of `packages` mugs, one UPS package per mug (the n-th package has tracking UPS_OK + n)."""
    order = make.unshipped(seller, order_id, make.item(quantity=packages))
    for n in range(1, packages + 1):
        request = make.confirm(order_id, (make.MUG, 1), tracking=f"{UPS_OK}-{n}" if n > 1 else UPS_OK)
        order = confirm_shipment(order, request=request, request_id=f"req-ship-{n}", now=make.NOW)[0]
    return order


def correct(make, order, *, package_number=1, carrier_code="FedEx", tracking=FEDEX_OK, carrier_name=None,
            request_id="req-fix", check_carrier=None):
    request = CorrectTracking(order_id=order.order_id, package_number=package_number, carrier_code=carrier_code,
                              tracking_number=tracking, carrier_name=carrier_name, request_id=request_id)
    return correct_tracking(order, request=request, request_id=request_id, now=make.NOW + timedelta(hours=1),
                            check_carrier=check_carrier)


def refusal(call) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value


def test_a_correction_changes_the_package_and_says_what_it_was(make, seller, order_id):
    order = shipped(make, seller, order_id)

    fixed, [event] = correct(make, order)

    assert [(p.carrier_code, p.tracking_number) for p in fixed.packages] == [("FedEx", FEDEX_OK)]
    assert fixed.packages[0].items == order.packages[0].items
    assert isinstance(event, OrderTrackingCorrected)
    assert (event.package_number, event.carrier_code, event.tracking_number, event.carrier_name) == (
        1, "FedEx", FEDEX_OK, None)
    assert (event.previous_carrier_code, event.previous_tracking_number) == ("UPS", UPS_OK)
    assert (event.occurred_at, fixed.updated_at) == (make.NOW + timedelta(hours=1),) * 2
    assert (fixed.status, fixed.lines) == (order.status, order.lines)
    assert correct(make, order)[1] == [event]  # the same request decides the same event id


def test_a_correction_of_the_second_package_leaves_the_first_alone(make, seller, order_id):
    order = shipped(make, seller, order_id, packages=2)

    fixed, [event] = correct(make, order, package_number=2, carrier_code="Other", tracking="ZX81",
                             carrier_name="Speedy Couriers")

    assert fixed.packages[0] == order.packages[0]
    assert (fixed.packages[1].carrier_code, fixed.packages[1].carrier_name) == ("Other", "Speedy Couriers")
    assert (event.package_number, event.previous_tracking_number) == (2, f"{UPS_OK}-2")


@pytest.mark.parametrize(("packages", "package_number"), [(1, 2), (2, 3), (0, 1)])
def test_a_correction_of_a_package_not_confirmed_is_refused(make, seller, order_id, packages, package_number):
    order = shipped(make, seller, order_id, packages) if packages else make.unshipped(seller, order_id)

    error = refusal(lambda: correct(make, order, package_number=package_number))

    assert error.field == "$.package_number"
    assert f"{packages} confirmed package(s)" in str(error)


def test_a_correction_to_the_same_values_changes_nothing(make, seller, order_id):
    order = shipped(make, seller, order_id)

    assert correct(make, order, carrier_code="UPS", tracking=UPS_OK) == (order, [])


@pytest.mark.parametrize(("args", "field"), [
    ({"carrier_code": "UPS", "tracking": UPS_BAD_DIGIT}, "$.tracking_number"),
    ({"carrier_code": "Pigeon Post", "tracking": "1234"}, "$.carrier_code"),
    ({"carrier_code": "Other", "tracking": "1234"}, "$.carrier_name"),
])
def test_a_correction_is_checked_like_a_confirmation(make, seller, order_id, registry, args, field):
    order = shipped(make, seller, order_id)

    assert refusal(lambda: correct(make, order, check_carrier=registry.check, **args)).field == field


def confirm(make, order, registry, **package_args):
    request = make.confirm(order.order_id, **package_args)
    return confirm_shipment(order, request=request, request_id="req-1", now=make.NOW, check_carrier=registry.check)


@pytest.mark.parametrize(("package_args", "field", "says"), [
    ({"carrier_code": "UPS", "tracking": UPS_BAD_DIGIT}, "$.package.tracking_number", "check digit is wrong"),
    ({"carrier_code": "UPS", "tracking": "1Z999"}, "$.package.tracking_number", "not a valid UPS tracking number"),
    ({"carrier_code": "Pigeon Post"}, "$.package.carrier_code", "unknown carrier code 'Pigeon Post'"),
    ({"carrier_code": "Other"}, "$.package.carrier_name", "carrier_name is required"),
])
def test_the_carrier_check_refuses_a_confirmation_naming_the_field(make, seller, order_id, registry, package_args,
                                                                   field, says):
    order = make.unshipped(seller, order_id)

    error = refusal(lambda: confirm(make, order, registry, **package_args))

    assert (error.field, says in str(error)) == (field, True)


@pytest.mark.parametrize("package_args", [
    {"carrier_code": "UPS", "tracking": UPS_OK},
    {"carrier_code": "FedEx", "tracking": "1234 5678 9012"},
    {"carrier_code": "Other", "carrier_name": "Speedy Couriers", "tracking": "SC-0042"},
])
def test_the_carrier_check_accepts_a_valid_confirmation(make, seller, order_id, registry, package_args):
    order, [event] = confirm(make, make.unshipped(seller, order_id), registry, **package_args)

    assert (order.status, event.package.carrier_code) == (OrderStatus.SHIPPED, package_args["carrier_code"])


@pytest.mark.parametrize(("package_args", "field"), [
    ({"carrier_code": "other"}, "$.package.carrier_name"),
    ({"carrier_code": "Other", "carrier_name": "   "}, "$.package.carrier_name"),
    ({"carrier_code": "FastTracking"}, "$.package.carrier_code"),
], ids=["other_in_lower_case", "blank_carrier_name", "unknown_code_saying_tracking"])
def test_a_carrier_check_refusal_names_the_field_it_is_about(make, seller, order_id, registry, package_args, field):
    error = refusal(lambda: confirm(make, make.unshipped(seller, order_id), registry, **package_args))

    assert error.field == field


def test_the_timeline_has_one_entry_per_event_with_its_type_and_a_summary(make, seller, order_id):
    placed, paid = make.placed(seller, order_id, make.item(quantity=2)), make.paid(seller, order_id)
    order, events = record_placement(None, placed)
    steps = [
        lambda o: authorize_payment(o, paid),
        lambda o: confirm_shipment(o, request=make.confirm(order_id, (make.MUG, 1)), request_id="req-1",
                                   now=make.NOW),
        lambda o: correct(make, o),
        lambda o: buyer_cancel_requested(o, OrderBuyerCancelRequested(
            event_id=uuid.uuid4(), seller=seller, order_id=order_id, occurred_at=make.NOW + timedelta(hours=2),
            reason="NoLongerNeeded"), policy=Policy()),
    ]
    for step in steps:
        order, emitted = step(order)
        events = [*events, *emitted]

    assert [type(e) for e in events] == [OrderRecorded, OrderReleased, OrderShipped, OrderTrackingCorrected,
                                         OrderCancelRequestDeclined]  # a partly shipped order declines at once
    assert [(h.type, h.event_id, h.at) for h in order.history] == [
        (e.type_tag(), str(e.event_id), e.occurred_at) for e in events]
    summaries = [h.summary for h in order.history]
    assert summaries[0] == "status=Pending"
    assert summaries[2].startswith("status=PartiallyShipped late=False")
    assert summaries[3] == f"tracking_number={FEDEX_OK}"
    assert summaries[4] == "reason=the order is already PartiallyShipped"
    assert order.updated_at == events[-1].occurred_at


def test_a_cancellation_is_summarized_with_its_reason_and_who_canceled(make, seller, order_id):
    order = make.unshipped(seller, order_id)
    order = buyer_cancel_requested(order, OrderBuyerCancelRequested(
        event_id=uuid.uuid4(), seller=seller, order_id=order_id, occurred_at=make.NOW,
        reason="NoLongerNeeded"), policy=Policy())[0]

    canceled, [event] = answer_cancel_request(order, request=AnswerCancelRequest(order_id=order_id, approve=True),
                                              request_id="req-ok", now=make.NOW + timedelta(minutes=5))

    assert isinstance(event, OrderCanceled)
    assert [h.type for h in canceled.history[-2:]] == [OrderCancelRequested.type_tag(), OrderCanceled.type_tag()]
    assert canceled.history[-1].summary == "reason=NoLongerNeeded canceled_by=buyer"
