"""`sellerops health`: the table a person reads, the JSON a script reads, the options, without NATS (the
request to the service is replaced by a hand-made answer)."""

import io
import json
import re
from datetime import UTC, date, datetime

import msgspec
import pytest
from rich.console import Console
from typer.testing import CliRunner

from sellerops.cli.main import build_app
from sellerops.contracts.catalog import encode
from sellerops.contracts.health import (
    AccountHealth, AccountStatus, GetAccountHealth, ListMetrics, MetricCatalog, MetricInfo, OrderFacts, OrderHealthRef,
    OrderHealthView, RatingBand, SetMetricSettings, Target, TargetCondition,
)
from sellerops.contracts.market import FulfillmentChannel
from sellerops.health.plugin import commands
from sellerops.health.plugin.commands import cli, health_view, parse_as_of

from .samples import AS_OF, account_health

runner = CliRunner()
CATALOG = MetricCatalog(seller="demo-seller", marketplace_id="ATVPDKIKX0DER", metrics=[
    MetricInfo(name="orderDefectRate", title="Order Defect Rate", definition="defects over orders", window_days=90,
               target=Target(value=0.01, condition=TargetCondition.LESS_THAN), enabled=True, overridden=True),
    MetricInfo(name="validTrackingRate", title="Valid Tracking Rate", definition="scanned over confirmed",
               window_days=30, target=Target(value=0.95, condition=TargetCondition.GREATER_THAN), enabled=True,
               overridden=False)])


def rendered(health: AccountHealth, *, width: int = 80, colors: bool = False) -> str:
    out = Console(width=width, record=True, force_terminal=colors, color_system="standard" if colors else None,
                  file=io.StringIO())
    out.print(health_view(health))
    return out.export_text(styles=colors)


@pytest.fixture
def asked(monkeypatch) -> list[tuple[str, object]]:
    """The requests the CLI sent, answered with hand-made replies."""
    sent: list[tuple[str, object]] = []
    answers = {"get_account_health": lambda: account_health(), "list_metrics": lambda: CATALOG,
               "set_metric_settings": lambda: CATALOG,
               "get_order_health": lambda: OrderHealthView(facts=ORDER, counted=[(date(2026, 11, 20),
                                                                                  "orderDefectRate:orders.mfn")])}

    def ask_service(service, nats_url, seller, verb, request, reply_type):
        assert (service, seller) == ("health", "demo-seller")
        sent.append((verb, request))
        reply = answers[verb]()
        assert isinstance(reply, reply_type)
        return reply

    monkeypatch.setattr(commands, "ask_service", ask_service)
    return sent


ORDER = OrderFacts(order_id="113-0000001-0000001", seller="demo-seller", channel=FulfillmentChannel.MFN,
                   purchased_at=datetime(2026, 11, 20, 14, 3, tzinfo=UTC))


# ---- the table ----


def test_the_table_shows_each_measure_against_its_target_and_fits_80_columns() -> None:
    text = rendered(account_health())
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Order Defect Rate" in text and "Valid Tracking" in text
    odr = next(line for line in text.splitlines() if line.startswith("Order Defect Rate") and "2/40" in line)
    assert "60 days" in odr and "2026-09-22 to" in odr and "5.00%" in odr and "< 1.00%" in odr and "BAD" in odr
    assert ">= 95.00%" in text and "97.50%" in text and "39/40" in text
    afn = next(line for line in text.splitlines() if "0/0" in line)
    assert " - " in afn and "NONE" in afn, "no orders: no rate"
    assert "Account Health Rating: 150 AtRisk" in text and "Account status: AT_RISK" in text
    assert "Open warnings: none" in text and "(live)" in text
    assert "Orders behind" not in text, "why is for time travel only"
    assert "marketplace reports" not in text, "nothing reported by the marketplace: nothing said"


def test_the_status_the_marketplace_reported_is_printed_under_the_computed_one() -> None:
    text = rendered(account_health(marketplace_status=AccountStatus.DEACTIVATED,
                                   marketplace_status_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC)))
    lines = text.splitlines()
    computed = next(i for i, line in enumerate(lines) if line.startswith("Account status: AT_RISK (computed"))
    assert lines[computed + 1] == "The marketplace reports: DEACTIVATED (since 2026-11-20 09:30 UTC)"


def test_statuses_and_the_band_are_colored() -> None:
    text = rendered(account_health(), width=140, colors=True)
    assert "\x1b[31mBAD" in text and "\x1b[32mGOOD" in text and "\x1b[2mNONE" in text
    assert "\x1b[33m150 AtRisk" in text and "\x1b[33mAT_RISK" in text
    healthy = rendered(account_health(rating=1000, rating_band=RatingBand.HEALTHY, account_status=AccountStatus.NORMAL),
                       colors=True)
    assert "\x1b[32m1000 Healthy" in healthy
    unhealthy = rendered(account_health(rating=0, rating_band=RatingBand.UNHEALTHY,
                                        account_status=AccountStatus.DEACTIVATED), colors=True)
    assert "\x1b[31m0 Unhealthy" in unhealthy and "\x1b[31mDEACTIVATED" in unhealthy


def test_a_time_travel_answer_names_the_orders_behind_each_counter_and_the_open_warnings() -> None:
    past = account_health(from_history=True, warnings=["listingPolicyViolations"],
                          why={"orderDefectRate:defects.mfn": ["113-0000001-0000001", "113-0000003-0000003"],
                               "orderDefectRate:claims.mfn": ["113-0000001-0000001"]})
    text = rendered(past, width=120)
    assert "(from history)" in text and "Open warnings: listingPolicyViolations" in text
    assert re.search(r"orderDefectRate:defects.mfn +113-0000001-0000001, 113-0000003-0000003", text)
    assert re.search(r"orderDefectRate:claims.mfn +113-0000001-0000001", text)
    assert "No order behind any counter" in rendered(account_health(from_history=True))


def test_a_plugin_title_is_printed_as_written_not_read_as_markup() -> None:
    [first, *rest] = account_health().measures
    odd = account_health(measures=[msgspec.structs.replace(first, title="Returns [beta] Rate"), *rest])
    assert "Returns [beta] Rate" in rendered(odd, width=120)


# ---- --as-of ----


def test_as_of_a_date_is_the_end_of_that_utc_day_and_today_is_now() -> None:
    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert parse_as_of("2026-11-20", now) == datetime(2026, 11, 20, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_as_of("2026-11-30", now) is None
    assert parse_as_of("2026-11-20T15:00:00Z", now) == datetime(2026, 11, 20, 15, tzinfo=UTC)
    assert parse_as_of("2026-11-20T15:00:00", now) == datetime(2026, 11, 20, 15, tzinfo=UTC), "no zone: UTC"
    assert parse_as_of("2026-11-20T15:00:00+01:00", now) == datetime(2026, 11, 20, 14, tzinfo=UTC)
    assert parse_as_of(None, now) is None
    with pytest.raises(ValueError):
        parse_as_of("20/11/2026", now)


# ---- the command ----


def test_json_prints_the_account_health_the_service_answered_for_the_end_of_the_day(asked) -> None:
    result = runner.invoke(cli, ["demo-seller", "--as-of", "2026-11-20", "--json"])
    assert result.exit_code == 0, result.output
    assert msgspec.json.decode(result.stdout, type=AccountHealth) == account_health()
    assert json.loads(result.stdout)["measures"][0]["key"] == "orderDefectRate.mfn"
    [(verb, request)] = asked
    assert verb == "get_account_health"
    assert request == GetAccountHealth(marketplace_id="ATVPDKIKX0DER", as_of=AS_OF.replace(microsecond=999999))


def test_the_runner_mounts_it_as_one_command_taking_the_seller_then_options(asked) -> None:
    result = runner.invoke(build_app(), ["health", "demo-seller", "--marketplace", "A1F83G8C2ARO7P"])
    assert result.exit_code == 0, result.output
    assert "Order Defect Rate" in result.stdout and "Account Health Rating: 150 AtRisk" in result.stdout
    assert asked == [("get_account_health", GetAccountHealth(marketplace_id="A1F83G8C2ARO7P"))]


@pytest.mark.parametrize(("args", "named"), [
    (["--as-of", "next tuesday"], "--as-of"),
    (["--marketplace", "amazon.com"], "--marketplace"),
    (["--metrics", "--order", "113-0000001-0000001"], "--metrics and --order"),
])
def test_a_bad_option_fails_naming_it_with_exit_code_2_before_asking(asked, args, named) -> None:
    result = runner.invoke(cli, ["demo-seller", *args])
    assert result.exit_code == 2
    assert named in result.stderr
    assert asked == []


def test_metrics_prints_the_catalog_in_force(asked) -> None:
    result = runner.invoke(cli, ["demo-seller", "--metrics"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "orderDefectRate" in line)
    assert "90 days" in row and "< 1.00%" in row and row.rstrip().endswith("yes"), "overridden"
    assert ">= 95.00%" in result.stdout
    assert asked == [("list_metrics", ListMetrics(marketplace_id="ATVPDKIKX0DER"))]


def test_set_sends_the_file_and_prints_the_catalog_after(asked, tmp_path) -> None:
    file = tmp_path / "settings.json"
    file.write_bytes(encode({"metrics": {"orderDefectRate": {"window_days": 90}}}))
    result = runner.invoke(cli, ["demo-seller", "--set", str(file), "--json"])
    assert result.exit_code == 0, result.output
    assert msgspec.json.decode(result.stdout, type=MetricCatalog) == CATALOG
    [(verb, request)] = asked
    assert verb == "set_metric_settings" and isinstance(request, SetMetricSettings)
    assert request.metrics["orderDefectRate"].window_days == 90


def test_a_bad_settings_file_names_the_field(asked, tmp_path) -> None:
    file = tmp_path / "settings.json"
    file.write_text('{"metrics": {"orderDefectRate": {"window_days": 0}}}')
    result = runner.invoke(cli, ["demo-seller", "--set", str(file)])
    assert result.exit_code == 2 and "window_days" in result.stderr and asked == []


def test_order_prints_the_facts_and_the_counters(asked) -> None:
    result = runner.invoke(cli, ["demo-seller", "--order", "113-0000001-0000001"])
    assert result.exit_code == 0, result.output
    assert "113-0000001-0000001" in result.stdout and "MFN" in result.stdout
    assert "2026-11-20 14:03 UTC" in result.stdout
    assert "orderDefectRate:orders.mfn" in result.stdout
    assert asked == [("get_order_health", OrderHealthRef(order_id="113-0000001-0000001"))]
