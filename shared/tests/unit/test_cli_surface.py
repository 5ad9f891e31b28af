"""The `sellerops` command tree as a user meets it: every option explained, --json wherever an answer is printed,
errors as one line (or an ErrorReply under --json), tables that keep their ids at 80 columns."""

import io
import json

import pytest
import typer
from rich.console import Console

from sellerops.cli import common
from sellerops.cli.main import build_app, main
from sellerops.testing.helpers import run_cli

# Commands that run until stopped and show a live screen: their output is a process log, not an answer.
LONG_RUNNING = {"up", "run", "demo", "simulate"}


def walk(command, path=()):
    """Every leaf command (and a group's own callback, like `sellerops health SELLER`) with its path."""
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield path, command
        return
    if path and any(p.name not in ("help",) for p in command.params):  # a group that answers itself
        yield path, command
    for name, sub in subcommands.items():
        yield from walk(sub, (*path, name))


@pytest.fixture(scope="module")
def tree() -> list:
    return list(walk(typer.main.get_command(build_app())))


def test_the_tree_has_every_service_and_shared_command(tree):
    paths = {" ".join(path) for path, _ in tree}
    assert {"status", "asyncapi", "events publish", "orders confirm-shipment", "health", "returns claim",
            "fulfillment plan-create", "notifications reply", "deadletters replay"} <= paths
    assert len(paths) > 55


def test_every_option_and_argument_of_every_command_has_help_text(tree):
    missing = []
    for path, command in tree:
        if not (command.help or "").strip():
            missing.append(f"{' '.join(path)} (the command itself)")
        for param in command.params:
            if param.name == "seller" or (param.param_type_name == "argument" and param.name in (
                    "order_id", "return_id", "claim_id", "plan_id", "option_id", "shipment_id", "delivery_id",
                    "message_id", "mcf_order_id", "removal_order_id")):
                continue  # the argument names say it, shown in the usage line
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{' '.join(path)} {param.opts[0] if param.opts else param.name}")
    assert missing == []


def test_every_command_that_prints_an_answer_takes_json(tree):
    without = [" ".join(path) for path, command in tree
               if path[0] not in LONG_RUNNING and not any("--json" in p.opts for p in command.params)]
    assert without == []


def test_every_json_option_switches_errors_to_json_too(tree):
    plain = [" ".join(path) for path, command in tree for p in command.params
             if "--json" in p.opts and p.callback is None]
    assert plain == []


def test_an_invalid_seller_id_is_one_line_naming_the_rule_with_exit_2(capsys):
    code, out, err = run_cli(["orders", "list", "Bad Seller!", "--nats-url", "nats://127.0.0.1:1"], capsys)
    assert code == 2
    assert err.strip().splitlines() == [err.strip()]
    assert "invalid seller id" in err and "ASCII letters" in err
    assert "Traceback" not in err + out


def test_under_json_an_error_is_an_error_reply_on_stdout(capsys):
    code, out, err = run_cli(["orders", "list", "Bad Seller!", "--json", "--nats-url", "nats://127.0.0.1:1"], capsys)
    assert code == 2
    reply = json.loads(out)
    assert reply["code"] == "invalid" and reply["field"] == "seller"
    assert err == ""


def test_an_unreachable_nats_fails_fast_with_one_helpful_line(capsys):
    import time

    started = time.monotonic()
    code, _out, err = run_cli(["orders", "list", "acme", "--nats-url", "nats://127.0.0.1:1"], capsys)
    assert time.monotonic() - started < 5
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "cannot reach NATS at nats://127.0.0.1:1" in err and "SELLEROPS_NATS_URL" in err
    assert "Traceback" not in err


def test_a_usage_error_is_one_line_pointing_at_the_help_with_exit_2(capsys):
    code, _out, err = run_cli(["orders", "confirm-shipment", "acme", "113-0000001-0000001"], capsys)
    assert code == 2
    assert err.strip() == "error: Missing option '--carrier'. (see `sellerops orders confirm-shipment --help`)"


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(capsys, monkeypatch, tmp_path):
    from sellerops.cli import events

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(events, "read_events", broken)
    example = tmp_path / "one.jsonl"
    example.write_text("{}\n")
    code, _out, err = run_cli(["events", "publish", str(example), "--dry-run"], capsys)
    assert code == 1
    assert err.strip() == "error: RuntimeError: disk on fire (run `sellerops --debug ...` for the traceback)"
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["--debug", "events", "publish", str(example), "--dry-run"])


def test_a_refusal_with_a_hint_is_one_line_ending_in_the_hint(capsys, monkeypatch):
    from sellerops.contracts.requests import ErrorReply
    from sellerops.runtime.requests import RequestFailed

    async def refused(settings, work):
        raise RequestFailed(ErrorReply(code="refused", message="batch b1 is already applied"))

    monkeypatch.setattr(common, "with_nats", refused)
    monkeypatch.setitem(common.MODE, "json", False)
    with pytest.raises(typer.Exit) as exit_:
        common.with_service("orders", "nats://127.0.0.1:4222", lambda nc: None, " (see `sellerops orders --help`)")
    assert exit_.value.exit_code == 1
    assert capsys.readouterr().err.strip() == "error: batch b1 is already applied (see `sellerops orders --help`)"


def test_a_table_at_80_columns_wraps_its_text_and_keeps_its_ids_whole():
    grid = common.table("order", "status", "details", ids=("order",))
    long_id = "113-0000001-0000001-ABCDEFGHIJ"
    grid.add_row(long_id, "Unshipped", "a long explanation " * 8)
    out = io.StringIO()
    Console(file=out, width=80).print(grid)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(long_id in line for line in lines)
    assert "…" not in out.getvalue()


def test_progress_on_a_pipe_is_a_few_plain_lines(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(common, "errors", Console(file=err, force_terminal=False))
    common.MODE.update(json=False)
    with common.progress("publishing", 1000) as advance:
        for _ in range(10):
            advance(100)
    lines = err.getvalue().splitlines()
    assert lines[0] == "publishing: 0 of 1000"
    assert lines[-1] == "publishing: 1000 of 1000"
    assert len(lines) == 11


def test_a_crowded_table_keeps_both_ids_and_its_short_words_whole_at_80_columns():
    grid = common.table("case", "shipment", "center", "claim from", "claim by", "discrepancies", "status",
                        ids=("case", "shipment"))
    grid.add_row("PLAN-2026-11-HOLIDAY-S1.case", "FBA855WRQHF9", "LAS1", "2026-12-18", "2027-02-01",
                 "MUG-CER-12OZ-BLK SHORTAGE 4; MUG-CER-12OZ-BLK DAMAGED 1", "OPEN")
    out = io.StringIO()
    Console(file=out, width=80).print(grid)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    row = next(line for line in lines if "PLAN-2026-11-HOLIDAY-S1.case" in line)
    assert "FBA855WRQHF9" in row and "LAS1" in row and "OPEN" in row


def test_a_table_that_fits_is_left_as_rich_lays_it_out():
    grid = common.table("order", "status", ids=("order",))
    grid.add_row("113-0000001-0000001", "Unshipped")
    out = io.StringIO()
    Console(file=out, width=80).print(grid)
    assert [c.width for c in grid.columns] == [None, None]
    assert "113-0000001-0000001 Unshipped" in " ".join(out.getvalue().split())
