"""Grafana dashboards and Prometheus alert rules as code (deploy/observability): well-formed, the rules checked
by promtool when it is installed (Debian's `prometheus` package) and by schema otherwise, the PrometheusRule and
the plain rules file the same, and every metric a panel or a rule names present in a live /metrics scrape."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import jsonschema
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from sellerops.runtime.embedded import free_port
from sellerops.testing.helpers import eventually, runtime_for, running

OBSERVABILITY = Path(__file__).parents[2] / "deploy" / "observability"
DASHBOARDS = sorted((OBSERVABILITY / "grafana" / "dashboards").glob("*.json"))
RULES = OBSERVABILITY / "prometheus" / "sellerops-rules.yml"
PROMETHEUS_RULE = OBSERVABILITY / "prometheus" / "sellerops-prometheusrule.yaml"
METRIC = re.compile(r"\b(sellerops_[a-z_]+)\b")
PROMETHEUS_OWN = {"up"}  # what Prometheus itself records about each scrape

RULE_SCHEMA = {
    "type": "object", "required": ["groups"], "additionalProperties": False,
    "properties": {"groups": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["name", "rules"], "additionalProperties": False,
        "properties": {"name": {"type": "string", "minLength": 1}, "interval": {"type": "string"},
                       "rules": {"type": "array", "minItems": 1, "items": {
                           "type": "object", "required": ["alert", "expr", "labels", "annotations"],
                           "additionalProperties": False,
                           "properties": {
                               "alert": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                               "expr": {"type": "string", "minLength": 1},
                               "for": {"type": "string", "pattern": "^[0-9]+[smhd]$"},
                               "labels": {"type": "object", "required": ["severity"],
                                          "properties": {"severity": {"enum": ["critical", "warning", "info"]}}},
                               "annotations": {"type": "object", "required": ["summary", "description"]}}}}}}}},
}


def exprs() -> list[str]:
    found = [t["expr"] for path in DASHBOARDS for p in json.loads(path.read_text())["panels"] for t in p["targets"]]
    found += [v["query"]["query"] for path in DASHBOARDS
              for v in json.loads(path.read_text())["templating"]["list"] if v["type"] == "query"]
    return found + [r["expr"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]


def test_there_is_a_services_dashboard_and_an_account_health_dashboard_each_well_formed():
    uids = set()
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        assert board["uid"] not in uids and board["title"].startswith("sellerops")
        uids.add(board["uid"])
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids))
        for p in board["panels"]:
            assert p["targets"] and all(t["expr"].strip() for t in p["targets"]), p["title"]
            assert p["datasource"]["uid"] == "${datasource}"
    assert uids == {"sellerops-services", "sellerops-account-health"}


def test_the_provisioning_files_load_the_dashboards_from_one_folder():
    provider = yaml.safe_load((OBSERVABILITY / "grafana" / "provisioning" / "dashboards" / "sellerops.yaml").read_text())
    [only] = provider["providers"]
    assert only["type"] == "file" and only["options"]["path"].endswith("/sellerops")
    source = yaml.safe_load((OBSERVABILITY / "grafana" / "provisioning" / "datasources" / "prometheus.yaml").read_text())
    assert source["datasources"][0]["type"] == "prometheus"


def test_the_services_dashboard_covers_what_an_operator_watches():
    text = (OBSERVABILITY / "grafana" / "dashboards" / "sellerops-services.json").read_text()
    for needed in ('outcome=\\"handled\\"', "retried|dead_lettered", "sellerops_event_handling_seconds_bucket",
                   "sellerops_requests_total", 'code!=\\"ok\\"', "sellerops_consumer_pending",
                   "sellerops_deadlines_fired_total", "sellerops_dead_letters_stored"):
        assert needed in text, needed


def test_the_rules_follow_the_schema_and_the_prometheusrule_holds_the_same_groups():
    plain = yaml.safe_load(RULES.read_text())
    jsonschema.validate(plain, RULE_SCHEMA)
    crd = yaml.safe_load(PROMETHEUS_RULE.read_text())
    assert (crd["apiVersion"], crd["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
    assert crd["spec"] == plain
    alerts = {r["alert"] for g in plain["groups"] for r in g["rules"]}
    assert {"SelleropsRedFlagOpen", "SelleropsDeadLetters", "SelleropsConsumerLagGrowing",
            "SelleropsServiceDown"} <= alerts


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian's prometheus package) not installed")
def test_promtool_accepts_the_rules_file_and_the_prometheusrules_groups(tmp_path):
    extracted = tmp_path / "from-prometheusrule.yml"
    extracted.write_text(yaml.safe_dump(yaml.safe_load(PROMETHEUS_RULE.read_text())["spec"]))
    for path in (RULES, extracted):
        checked = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "SUCCESS: 7 rules found" in checked.stdout


def scraped_names(text: str) -> set[str]:
    """Every series name a query can use: sample names, and the names a family's type implies."""
    names = set()
    for family in text_string_to_metric_families(text):
        names |= {s.name for s in family.samples}
        names |= {f"{family.name}_total"} if family.type == "counter" else {family.name}
        if family.type == "histogram":
            names |= {f"{family.name}_bucket", f"{family.name}_sum", f"{family.name}_count"}
    return names


async def scrape(port: int) -> str:
    async with httpx.AsyncClient(timeout=5) as client:
        return (await client.get(f"http://127.0.0.1:{port}/metrics")).text


@pytest.mark.nats
async def test_every_metric_a_panel_or_a_rule_uses_is_in_a_live_scrape(nats_url):
    from sellerops.dashboard.app import create_host as dashboard_host
    from sellerops.dashboard.settings import DashboardSettings
    from sellerops.health.app import create_host as health_host
    from sellerops.health.settings import HealthSettings

    ports = [free_port() for _ in range(3)]
    health = health_host(HealthSettings(runtime=runtime_for(nats_url).model_copy(update={"http_port": ports[0]})))
    dashboard = dashboard_host(DashboardSettings(runtime=runtime_for(nats_url).model_copy(
        update={"http_port": ports[1]}), port=ports[2], probe_every_s=0.2))
    async with running(health.app()), running(dashboard.app()):
        async def both() -> set[str] | None:
            try:
                found = scraped_names(await scrape(ports[0])) | scraped_names(await scrape(ports[1]))
            except httpx.TransportError:
                return None
            return found if "sellerops_dead_letters_stored" in found else None

        live = await eventually(both)
    used = {name for expr in exprs() for name in METRIC.findall(expr)}
    assert used and used - live == set(), f"not in /metrics: {sorted(used - live)}"
    assert all(re.search(rf"\b{name}\b", " ".join(exprs())) for name in PROMETHEUS_OWN)
