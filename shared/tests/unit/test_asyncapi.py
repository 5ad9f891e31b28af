"""The AsyncAPI document as a client generator reads it: a channel per address, a reply on every request,
and no error in the reference parser (@asyncapi/parser 3, run with node when it is installed)."""

import json
import os
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

from sellerops.cli.common import services
from sellerops.runtime.asyncapi import asyncapi_json

ROOT = Path(__file__).parents[3]
# where .ci/run installs the parser (npm install --prefix .ci/asyncapi @asyncapi/parser@3)
PARSER_DIR = Path(os.environ.get("SELLEROPS_ASYNCAPI_PARSER_DIR", ROOT / ".ci" / "asyncapi"))
PARSE = """
const { Parser } = require('@asyncapi/parser');
const text = require('fs').readFileSync(0, 'utf8');
new Parser().parse(text).then(({ document, diagnostics }) => {
  const errors = diagnostics.filter(d => d.severity === 0).map(d => `${d.path.join('.')}: ${d.message}`);
  console.log(JSON.stringify({ parsed: document !== undefined, errors }));
});
"""


@pytest.fixture(scope="module")
def docs() -> list:
    return [plugin.spec() for plugin in services() if plugin.spec]


@pytest.fixture(scope="module")
def text(docs) -> str:
    return asyncapi_json(docs, version=version("sellerops-shared"))


@pytest.fixture(scope="module")
def doc(text) -> dict:
    return json.loads(text)


def test_each_address_is_one_channel_carrying_every_operation_on_it(doc):
    addresses = [c["address"] for c in doc["channels"].values() if c["address"] is not None]
    assert len(addresses) == len(set(addresses))
    by_channel = {}
    for title, op in doc["operations"].items():
        by_channel.setdefault(op["channel"]["$ref"], []).append(title)
    canceled = by_channel["#/channels/orders.seller.order.canceled"]
    assert "orders:orders.order_canceled.v1" in canceled  # the publisher
    assert len(canceled) >= 5  # and each service consuming it
    assert doc["channels"]["orders.seller.order.canceled"]["parameters"]["seller"]["description"]


def test_every_request_endpoint_is_an_operation_with_its_reply_and_the_error_reply(doc, docs):
    endpoints = [(d.name, e) for d in docs for e in d.endpoints]
    assert len(endpoints) > 50
    for service, endpoint in endpoints:
        operation = doc["operations"][f"{service}:request:{endpoint.verb}"]
        assert operation["action"] == "receive"
        request = operation["messages"][0]["$ref"].rsplit("/", 1)[1]
        assert request == endpoint.request_type.__name__
        reply_channel = doc["channels"][operation["reply"]["channel"]["$ref"].rsplit("/", 1)[1]]
        assert reply_channel["address"] is None  # the requester's inbox
        answers = [ref["$ref"].rsplit("/", 1)[1] for ref in operation["reply"]["messages"]]
        assert answers[-1] == "ErrorReply"
        assert answers[0].split(".")[0] == endpoint.reply_type.__name__
        assert set(answers) <= set(reply_channel["messages"])
    error = doc["components"]["messages"]["ErrorReply"]
    assert "Nats-Service-Error-Code" in error["headers"]["properties"]
    assert set(doc["components"]["schemas"]["ErrorReply"]["properties"]) == {"code", "message", "field"}


def test_every_reference_in_the_document_resolves(doc):
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    for ref in refs:
        target = doc
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]


def test_the_reference_parser_finds_no_error(text):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (.ci/run installs @asyncapi/parser where it is)")
    if not (PARSER_DIR / "node_modules" / "@asyncapi" / "parser").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: .ci/run installs @asyncapi/parser into {PARSER_DIR}, and it is not there")
        pytest.skip(f"@asyncapi/parser is not installed in {PARSER_DIR} (.ci/run: npm install --prefix "
                    ".ci/asyncapi @asyncapi/parser@3)")
    result = subprocess.run([node, "-e", PARSE], input=text, capture_output=True, text=True, cwd=PARSER_DIR,
                            timeout=120, check=True)
    answer = json.loads(result.stdout)
    assert answer == {"parsed": True, "errors": []}
