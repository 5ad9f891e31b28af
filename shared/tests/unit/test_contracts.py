"""The wire contract: golden samples, tags, subjects, tolerant reading and strict validation."""

import json
import uuid
from pathlib import Path

import msgspec
import pytest

from sellerops.contracts import catalog
from sellerops.contracts.envelope import derived_id, envelope_from
from sellerops.contracts.requests import RequestError, validation_error
from sellerops.contracts.subjects import InvalidToken, seller_token

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SAMPLES = sorted(GOLDEN.glob("*.json"))
BAD_SELLERS = ["a.b", "a*", "a>", "a b", ""]
CAUSE = uuid.UUID("0b8f6c2e-5d1a-4f3b-9a7e-2c4d6e8f1a3b")


def golden(tag: str) -> dict:
    return json.loads((GOLDEN / f"{tag}.json").read_text())


def decode_dict(data: dict):
    return catalog.decode_event(json.dumps(data))


def payment(**changes) -> dict:
    return {**golden("market.order_payment_authorized.v1"), **changes}


def test_there_are_golden_samples_to_check():
    assert SAMPLES


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_golden_sample_decodes_into_the_class_of_its_tag(path):
    event = catalog.decode_event(path.read_bytes())

    assert type(event) is catalog.event_type(path.stem)
    assert event.type_tag() == path.stem


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_golden_sample_re_encodes_to_the_same_json(path):
    event = catalog.decode_event(path.read_bytes())

    assert json.loads(catalog.encode(event)) == json.loads(path.read_text())


def test_every_event_type_has_a_golden_sample_and_every_sample_an_event_type():
    assert {p.stem for p in SAMPLES} == set(catalog.event_types())


@pytest.mark.parametrize("tag", sorted(catalog.event_types()))
def test_a_tag_is_source_dot_entity_underscore_fact_version_one(tag):
    cls = catalog.event_types()[tag]

    assert tag == f"{cls.source}.{cls.entity}_{cls.fact}.v1"


@pytest.mark.parametrize("tag", sorted(catalog.event_types()))
def test_an_event_subject_is_source_seller_entity_fact(tag):
    event = decode_dict(golden(tag))
    cls = type(event)

    assert event.subject == f"{cls.source}.acme-home-goods.{cls.entity}.{cls.fact}"


@pytest.mark.parametrize("tag", sorted(catalog.event_types()))
def test_an_event_is_keyed_by_the_id_of_its_aggregate(tag):
    event = decode_dict(golden(tag))
    assert event.aggregate_id == getattr(event, type(event).key_field)
    assert event.aggregate_id.strip()


def test_unknown_fields_are_ignored_by_the_reader():
    sample = golden("market.order_placed.v1")
    newer = {**sample, "buyer_tax_info": {"tax_id": "X"}, "is_replacement_order": True}
    newer["items"] = [{**item, "promotion_ids": ["P1"]} for item in sample["items"]]

    assert decode_dict(newer) == decode_dict(sample)


def test_an_unknown_event_type_is_rejected():
    with pytest.raises(msgspec.ValidationError, match=r"market\.order_vanished\.v1"):
        decode_dict(payment(type="market.order_vanished.v1"))


def test_a_naive_occurred_at_is_rejected_naming_the_field():
    with pytest.raises(msgspec.ValidationError, match=r"\$\.occurred_at"):
        decode_dict(payment(occurred_at="2026-11-01T18:53:12"))


def test_a_naive_authorized_at_is_rejected_naming_the_field():
    with pytest.raises(msgspec.ValidationError, match=r"\$\.authorized_at"):
        decode_dict(payment(authorized_at="2026-11-01T18:52:58"))


def test_a_negative_amount_is_rejected():
    sample = golden("market.order_placed.v1")
    sample["items"][0]["item_price"]["amount"] = "-19.99"

    with pytest.raises(msgspec.ValidationError, match="must not be negative"):
        decode_dict(sample)


@pytest.mark.parametrize("seller", BAD_SELLERS)
def test_a_seller_that_cannot_be_a_subject_token_is_rejected_by_decoding(seller):
    with pytest.raises(msgspec.ValidationError, match=r"\$\.seller"):
        decode_dict(payment(seller=seller))


@pytest.mark.parametrize("seller", BAD_SELLERS)
def test_a_seller_that_cannot_be_a_subject_token_is_rejected_by_seller_token(seller):
    with pytest.raises(InvalidToken) as caught:
        seller_token(seller)

    assert caught.value.field == "seller"


def test_a_seller_with_a_trailing_newline_is_rejected_by_decoding():
    with pytest.raises(msgspec.ValidationError, match=r"\$\.seller"):
        decode_dict(payment(seller="acme-home-goods\n"))


@pytest.mark.parametrize("order_id", ["113-4567890-1234567.", "113..4567890", "113-4567890-1234567\n"])
def test_an_order_id_that_cannot_be_a_key_is_rejected_by_decoding(order_id):
    with pytest.raises(msgspec.ValidationError, match=r"\$\.order_id"):
        decode_dict(payment(order_id=order_id))


def test_a_derived_id_is_deterministic():
    assert derived_id(CAUSE, "orders.order_recorded.v1", 0) == derived_id(CAUSE, "orders.order_recorded.v1", 0)
    assert derived_id(str(CAUSE), "orders.order_recorded.v1") == derived_id(CAUSE, "orders.order_recorded.v1")


def test_a_derived_id_differs_by_index_tag_and_cause():
    ids = {
        derived_id(CAUSE, "orders.order_recorded.v1", 0),
        derived_id(CAUSE, "orders.order_recorded.v1", 1),
        derived_id(CAUSE, "orders.order_released.v1", 0),
        derived_id(uuid.UUID(int=CAUSE.int + 1), "orders.order_recorded.v1", 0),
    }

    assert len(ids) == 4


def test_an_envelope_from_an_event_names_it_as_cause_and_keeps_its_correlation():
    conversation = uuid.UUID("7d3e9a14-2b6c-4e8f-8a1d-5f0c3b7e9d42")

    envelope = envelope_from(CAUSE, conversation, "orders.order_released.v1", 0)

    assert envelope == {"event_id": derived_id(CAUSE, "orders.order_released.v1", 0),
                        "correlation_id": conversation, "causation_id": CAUSE}


def test_an_envelope_from_a_command_id_starts_a_conversation_at_a_derived_command_id():
    envelope = envelope_from("req-20261102-0001", None, "orders.order_shipped.v1", 0)
    command = derived_id("req-20261102-0001", "command", 0)

    assert envelope["causation_id"] == envelope["correlation_id"] == command
    assert envelope["event_id"] == derived_id("req-20261102-0001", "orders.order_shipped.v1", 0)


def test_a_validation_error_names_the_json_path_of_the_field():
    sample = golden("market.order_placed.v1")
    sample["items"][0]["quantity"] = "two"
    with pytest.raises(msgspec.ValidationError) as caught:
        decode_dict(sample)

    error = validation_error(caught.value)

    assert isinstance(error, RequestError)
    assert (error.reply.code, error.reply.field) == ("invalid", "$.items[0].quantity")
    assert "Expected `int`, got `str`" in error.reply.message


def test_a_decode_error_without_a_path_has_no_field():
    with pytest.raises(msgspec.DecodeError) as caught:
        catalog.decode_event(b"{not json")

    assert validation_error(caught.value).reply.field is None
