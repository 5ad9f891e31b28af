from pathlib import Path

from typer.testing import CliRunner

from sellerops.cli.main import build_app

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
