"""Subject builders: every subject and key is built from checked tokens, never by hand."""

import pytest

from sellerops.contracts.subjects import (
    InvalidToken, dead_letter_subject, event_filter, event_subject, id_token, request_endpoint,
    request_subject, seller_from_request, stream_subjects,
)

BAD_SELLERS = ["a.b", "a*", "a>", "a b", "", "x" * 65, "acme\n", "ünicode"]
BAD_NAMES = ["Order", "1order", "order-placed", "order.placed", "*", "", "o" * 65]


def rejected(call, *args, **kwargs) -> InvalidToken:
    with pytest.raises(InvalidToken) as caught:
        call(*args, **kwargs)
    return caught.value


def test_an_event_subject_is_source_seller_entity_fact():
    assert event_subject("market", "acme-home_goods", "order", "payment_authorized") == (
        "market.acme-home_goods.order.payment_authorized"
    )


@pytest.mark.parametrize("seller", BAD_SELLERS)
def test_an_event_subject_rejects_a_seller_that_is_not_one_token(seller):
    assert rejected(event_subject, "market", seller, "order", "placed").field == "seller"


@pytest.mark.parametrize(("field", "args"), [
    ("source", ("Market", "acme", "order", "placed")),
    ("entity", ("market", "acme", "order.item", "placed")),
    ("fact", ("market", "acme", "order", "placed>")),
])
def test_an_event_subject_rejects_a_name_that_is_not_lower_snake_case(field, args):
    error = rejected(event_subject, *args)

    assert error.field == field
    assert "lower snake case" in str(error)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_source_must_be_lower_snake_case(name):
    assert rejected(stream_subjects, name).field == "source"


def test_an_event_filter_matches_any_seller_and_fact_by_default():
    assert event_filter("market", "order") == "market.*.order.*"


def test_an_event_filter_can_name_one_seller_and_one_fact():
    assert event_filter("orders", "order", seller="acme", fact="shipped") == "orders.acme.order.shipped"


@pytest.mark.parametrize("seller", [">", "a.b", ""])
def test_an_event_filter_rejects_a_seller_wildcard_other_than_star(seller):
    assert rejected(event_filter, "market", "order", seller=seller).field == "seller"


def test_an_event_filter_rejects_a_fact_wildcard_other_than_star():
    assert rejected(event_filter, "market", "order", fact=">").field == "fact"


def test_a_stream_takes_every_subject_of_its_source():
    assert stream_subjects("market") == "market.>"


def test_a_request_subject_is_req_service_seller_verb():
    assert request_subject("orders", "acme", "confirm_shipment") == "req.orders.acme.confirm_shipment"


def test_a_request_subject_rejects_a_bad_seller_service_or_verb():
    assert rejected(request_subject, "orders", "a.b", "get_order").field == "seller"
    assert rejected(request_subject, "Orders", "acme", "get_order").field == "service"
    assert rejected(request_subject, "orders", "acme", "get-order").field == "verb"


def test_a_request_endpoint_listens_for_every_seller():
    assert request_endpoint("orders", "list_orders") == "req.orders.*.list_orders"


def test_a_request_endpoint_rejects_a_bad_verb():
    assert rejected(request_endpoint, "orders", "list.orders").field == "verb"


def test_the_seller_of_a_request_is_its_third_token():
    subject = request_subject("orders", "acme-home-goods", "get_order")

    assert seller_from_request(subject) == "acme-home-goods"


@pytest.mark.parametrize("subject", ["req.orders.*.get_order", "req.orders.>.get_order"])
def test_a_request_whose_seller_token_is_a_wildcard_is_rejected(subject):
    assert rejected(seller_from_request, subject).field == "seller"


def test_a_dead_letter_subject_keeps_the_original_subject_under_the_service():
    assert dead_letter_subject("orders", "market.acme.order.placed") == "deadletter.orders.market.acme.order.placed"


def test_a_dead_letter_subject_rejects_a_bad_service():
    assert rejected(dead_letter_subject, "Orders", "market.acme.order.placed").field == "service"


@pytest.mark.parametrize("value", ["113-4567890-1234567", "B0C7XK2L9Q", "a.b", "x=y_z", "_1", "a" * 128])
def test_an_id_token_accepts_key_safe_ids(value):
    assert id_token("order_id", value) == value


@pytest.mark.parametrize("value", ["", ".a", "a.", "a b", "a*", "a>", "=a", "a/b", "a" * 129, "a\n", 7])
def test_an_id_token_rejects_ids_that_cannot_be_keys(value):
    error = rejected(id_token, "order_id", value)

    assert error.field == "order_id"
    assert "order_id" in str(error)


def test_an_id_token_rejects_consecutive_dots():
    rejected(id_token, "order_id", "113..4567890")


def test_an_invalid_token_is_a_value_error_that_says_what_is_allowed():
    error = rejected(event_subject, "market", "a b", "order", "placed")

    assert isinstance(error, ValueError)
    assert str(error) == "seller 'a b' is not valid: use 1-64 ASCII letters, digits, '-' or '_'"
