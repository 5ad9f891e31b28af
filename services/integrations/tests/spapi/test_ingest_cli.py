import shutil
from pathlib import Path

from typer.testing import CliRunner

from sellerops.cli.main import build_app

from .test_orders_api_published import ITEMLESS_ORDER, V0

PAYLOADS = Path(__file__).parent / "payloads"
runner = CliRunner()


def test_a_dry_run_reports_facts_duplicates_ignored_and_publishes_nothing():
    result = runner.invoke(build_app(), ["ingest", "acme", str(PAYLOADS / "order_change.jsonl"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "(sp-api): facts 2, dry run: nothing published, duplicates 1, ignored 3, problems 0" in result.output


def test_problems_are_printed_as_file_where_message_and_exit_with_1(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"NotificationType": "NOPE", "NotificationVersion": "1.0"}\n')
    result = runner.invoke(build_app(), ["ingest", "acme", str(bad), "--dry-run", "--format", "sp-api"])
    assert result.exit_code == 1
    assert f"{bad}: document 1: $.NotificationType: unknown notification type 'NOPE'" in result.output


def test_usage_errors_exit_with_2(tmp_path):
    app = build_app()
    assert runner.invoke(app, ["ingest", "acme", str(tmp_path / "missing.json"), "--dry-run"]).exit_code == 2
    assert runner.invoke(app, ["ingest", "acme", str(PAYLOADS / "order_change.jsonl"), "--format", "nope",
                               "--dry-run"]).exit_code == 2
    assert runner.invoke(app, ["ingest", "not a slug", str(PAYLOADS / "order_change.jsonl"),
                               "--dry-run"]).exit_code == 2


def test_a_dry_run_of_a_directory_joins_its_orders_and_items_and_says_what_still_waits(tmp_path):
    shutil.copy(V0 / "getOrders.json", tmp_path / "orders.json")
    shutil.copy(V0 / "getOrderItems.json", tmp_path / "items.json")
    (tmp_path / ".DS_Store").write_text("not a document")

    result = runner.invoke(build_app(), ["ingest", "acme", str(tmp_path), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "items.json (sp-api): facts 0" in result.output and "orders.json (sp-api): facts 0" in result.output
    assert "(joined across files) (sp-api): facts 3, dry run: nothing published" in result.output
    assert f"order {ITEMLESS_ORDER} waits for its items" in result.output
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(build_app(), ["ingest", "acme", str(tmp_path / "empty"), "--dry-run"])
    assert empty.exit_code == 2 and "an empty directory" in " ".join(empty.output.split())
