"""Every notification type the SP-API adapter accepts has a fixture written to Amazon's published schema.

The fixtures in payloads/types are the `examples` of the JSON schemas in amzn/selling-partner-api-models
`schemas/notifications/` (vendored in schemas/, provenance in schemas/SOURCES.md) with plausible ids and 2026
times; payloads/types/manifest.json names each fixture's type, schema and origin. Two fixtures come from the
notifications docs instead. Everything is read from this folder: no network.
"""

import json
from pathlib import Path

import pytest
import referencing.exceptions
from jsonschema.validators import validator_for

from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized
from sellerops.integrations.domain import spapi

HERE = Path(__file__).parent
SCHEMAS = HERE / "schemas"
TYPES = HERE / "payloads" / "types"
MANIFEST = json.loads((TYPES / "manifest.json").read_text())
FIXTURES = [entry for entry in MANIFEST if entry["file"]]
NOT_PUBLICLY_SPECIFIED = {entry["type"] for entry in MANIFEST if entry.get("skipped")}

GUIDE = ("https://github.com/amzn/selling-partner-api-docs/blob/97de7c3fabf53d541572cd1f89a5efb6583df1f9/guides/en-US/"
         "use-case-guides/notifications-api-use-case-guide/notifications-use-case-guide-v1.md")


# ---- defects of the published schemas (not of the fixtures) ----


def _b2b_root_ref(schema: dict) -> dict:
    return {**schema, "$ref": schema["#ref"]}


def _listings_status_type_name(schema: dict) -> dict:
    properties = dict(schema["properties"])
    properties["NotificationType"] = {**properties["NotificationType"], "enum": ["LISTINGS_ITEM_STATUS_CHANGE"]}
    return {**schema, "properties": properties}


# schema file -> (correction, why): validated against the corrected schema; the tests further down check that
# each defect is still in the vendored file, so a re-vendored fixed schema makes its correction fail loudly.
CORRECTIONS = {
    "B2bAnyOfferChangedNotification.json": (
        _b2b_root_ref,
        'the root says "#ref" where it means "$ref", so as published it checks nothing but `type: object`'),
    "ListingsItemStatusChangeNotification.json": (
        _listings_status_type_name,
        "the NotificationType enum says LISTINGS_ITEM_STATUS_CHANGED; the schema's own example, the notifications "
        "guide and the adapter use LISTINGS_ITEM_STATUS_CHANGE"),
}
UNUSABLE = {
    "ShipmentTrackingMilestoneChangedNotification.json":
        'the published schema is {"$ref": "#/definitions/Notification"} with "definitions": {} - the reference '
        "points nowhere, so no document can be validated against it (only its example is usable)",
}

# ACCOUNT_STATUS_CHANGED has no schema in amzn/selling-partner-api-models. Written from the docs text:
# GUIDE#account_status_changed ("ACCOUNT_STATUS_CHANGED Payload schema: Version 2021-01-01"; the same table is on
# https://developer-docs.amazon.com/sp-api/docs/notification-type-values) and the envelope table of the guide's
# "Notification structure" section. The docs example is camelCase.
_STATUS = {"type": "string", "enum": ["NORMAL", "AT_RISK", "DEACTIVATED"]}
FROM_DOCS = {
    "ACCOUNT_STATUS_CHANGED": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": f"hand-written from {GUIDE}#account_status_changed",
        "type": "object",
        "required": ["notificationVersion", "notificationType", "payloadVersion", "eventTime", "payload",
                     "notificationMetadata"],
        "properties": {
            "notificationVersion": {"type": "string"},
            "notificationType": {"const": "ACCOUNT_STATUS_CHANGED"},
            "payloadVersion": {"const": "2021-01-01"},
            "eventTime": {"type": "string"},
            "payload": {
                "type": "object",
                "required": ["accountStatusChangeNotification"],
                "properties": {
                    "accountStatusChangeNotification": {
                        "type": "object",
                        "required": ["previousAccountStatus", "currentAccountStatus"],
                        "properties": {"previousAccountStatus": _STATUS, "currentAccountStatus": _STATUS},
                    },
                },
            },
            "notificationMetadata": {
                "type": "object",
                "required": ["applicationId", "subscriptionId", "publishTime", "notificationId"],
                "properties": {name: {"type": "string"}
                               for name in ("applicationId", "subscriptionId", "publishTime", "notificationId")},
            },
        },
    },
}

# fixture file -> the exact problem text spapi.parse reports although the fixture is valid (an adapter bug)
ADAPTER_BUGS: dict[str, str] = {}


# ---- helpers ----


def fixture(entry: dict):
    return json.loads((TYPES / entry["file"]).read_text())


def published(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


def errors(schema: dict, document) -> list[str]:
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]


def key_paths(value, prefix: str = "") -> set[str]:
    """Where each key sits in a document; array positions are all written `*`."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            paths.add(f"{prefix}/{key}")
            paths |= key_paths(inner, f"{prefix}/{key}")
    elif isinstance(value, list):
        for inner in value:
            paths |= key_paths(inner, f"{prefix}/*")
    return paths


def schema_example(schema: dict):
    """The schema's own example document; the FBA inventory schema has none at its root, only per property."""
    if schema.get("examples"):
        return schema["examples"][0]
    return {name: (prop.get("examples") or prop.get("enum") or [None])[0]
            for name, prop in schema.get("properties", {}).items()}


def with_schema(entries):
    return [pytest.param(e, id=e["file"], marks=pytest.mark.xfail(
                strict=True, raises=referencing.exceptions.Unresolvable, reason=UNUSABLE[e["schema"]]))
            if e["schema"] in UNUSABLE else pytest.param(e, id=e["file"])
            for e in entries if e["schema"]]


def parse_cases():
    return [pytest.param(e, id=e["file"], marks=pytest.mark.xfail(strict=True, reason=ADAPTER_BUGS[e["file"]]))
            if e["file"] in ADAPTER_BUGS else pytest.param(e, id=e["file"]) for e in FIXTURES]


# ---- the schemas ----


@pytest.mark.parametrize("entry", with_schema(FIXTURES))
def test_every_fixture_validates_against_its_published_schema(entry):
    schema = published(entry["schema"])
    if entry["schema"] in CORRECTIONS:
        correct, _why = CORRECTIONS[entry["schema"]]
        schema = correct(schema)
    assert errors(schema, fixture(entry)) == []


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["file"]) for e in FIXTURES if e["schema"] is None])
def test_every_docs_derived_fixture_has_the_structure_its_docs_page_describes(entry):
    assert entry["origin"] == "docs"
    assert errors(FROM_DOCS[entry["type"]], fixture(entry)) == []


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["file"]) for e in FIXTURES if e["origin"] == "schema example"])
def test_every_schema_example_fixture_keeps_the_keys_of_the_example_it_is_based_on(entry):
    example, document = key_paths(schema_example(published(entry["schema"]))), key_paths(fixture(entry))
    assert document - example == set(), "keys the published example does not have"
    if "-" not in entry["file"]:  # a second case (TYPE-case.json) may leave out what its case does not have
        assert example - document == set(), "keys of the published example the fixture lost"


def test_the_published_listings_status_schema_still_rejects_the_type_name_amazon_sends():
    entry = next(e for e in FIXTURES if e["type"] == "LISTINGS_ITEM_STATUS_CHANGE")
    assert errors(published(entry["schema"]), fixture(entry)) == [
        "NotificationType: 'LISTINGS_ITEM_STATUS_CHANGE' is not one of ['LISTINGS_ITEM_STATUS_CHANGED']"]


def test_the_published_b2b_offer_schema_still_checks_nothing_below_its_root():
    schema = published("B2bAnyOfferChangedNotification.json")
    assert "$ref" not in schema and "#ref" in schema
    assert errors(schema, {"not": "a notification"}) == []
    assert errors(_b2b_root_ref(schema), {"not": "a notification"}) != []


def test_the_published_shipment_tracking_schema_still_points_nowhere():
    schema = published("ShipmentTrackingMilestoneChangedNotification.json")
    assert schema["$ref"] == "#/definitions/Notification" and schema["definitions"] == {}


def test_every_vendored_schema_is_used_by_a_fixture_and_credited_in_sources():
    vendored = {path.name for path in SCHEMAS.glob("*.json")}
    assert vendored == {e["schema"] for e in FIXTURES if e["schema"]}
    sources = (SCHEMAS / "SOURCES.md").read_text()
    assert [name for name in sorted(vendored) if f"`{name}`" not in sources] == []


# ---- the adapter ----


@pytest.mark.parametrize("entry", parse_cases())
def test_every_accepted_type_parses_without_problems(entry):
    parsed = spapi.parse("acme", (TYPES / entry["file"]).read_text())
    assert [(p.where, p.message) for p in parsed.problems] == []
    assert parsed.duplicates == 0
    facts = FACTS.get(entry["file"])
    if facts is not None:
        assert (sorted({type(e).__name__ for e in parsed.events}), parsed.ignored) == (facts, 0)
        assert {event.seller for event in parsed.events} == {"acme"}
    else:
        assert (parsed.events, parsed.ignored) == ([], 1)
        assert [note for note in parsed.notes if entry["type"] in note] != [], parsed.notes


# The fixtures of types that carry a fact sellerops keeps, and the facts each gives; every other type is
# ignored with a note naming it.
FACTS = {"ORDER_CHANGE.json": ["OrderBuyerCancelRequested"], "ORDER_CHANGE-unshipped.json": ["OrderPaymentAuthorized"],
         "ACCOUNT_STATUS_CHANGED.json": ["AccountStatusReported"],
         "FBA_INVENTORY_AVAILABILITY_CHANGES.json": ["InventoryAvailabilityReported"]}


def test_the_order_change_fixtures_become_a_buyer_cancel_request_and_a_payment_authorization():
    cancel = spapi.parse("acme", (TYPES / "ORDER_CHANGE.json").read_text())
    paid = spapi.parse("acme", (TYPES / "ORDER_CHANGE-unshipped.json").read_text())
    assert [type(e) for e in cancel.events] == [OrderBuyerCancelRequested]
    assert cancel.events[0].order_id == "113-4829175-6601823" and cancel.events[0].reason == "Buyer Requested Cancel"
    assert [type(e) for e in paid.events] == [OrderPaymentAuthorized]
    assert paid.events[0].order_id == "114-2057391-8840617"
    assert paid.events[0].authorized_at.isoformat() == "2026-03-02T09:15:40.118000+00:00"


def test_every_accepted_type_has_a_fixture():
    accepted = set(spapi.MAPPED) | set(spapi.KNOWN_IGNORED)
    assert NOT_PUBLICLY_SPECIFIED <= accepted
    assert {entry["type"] for entry in FIXTURES} == accepted - NOT_PUBLICLY_SPECIFIED
