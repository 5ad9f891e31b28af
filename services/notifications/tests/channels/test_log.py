"""The log channel and the registration of the built-in channels."""

import structlog

from sellerops.contracts.notifications import Endpoint
from sellerops.notifications.channels import log, register
from sellerops.plugins.channels import CHANNELS
from sellerops.plugins.spec import Registry

from .conftest import make_message


async def test_the_log_channel_writes_one_line_per_message_and_is_always_ok():
    channel = log.PLUGIN.create({})
    message = make_message()
    with structlog.testing.capture_logs() as lines:
        outcome = await channel.send(Endpoint(id="log-1", channel="log"), message)
    await channel.close()

    assert outcome.ok and not outcome.retry
    [line] = lines
    assert line["event"] == "notification_delivered_to_log" and line["log_level"] == "info"
    assert (line["seller"], line["kind"], line["title"], line["delivery_id"]) == (
        "acme-tools", "orders", message.title, "dlv-0001.a")
    assert line["notification_id"] == "ntf-0001" and line["severity"] == "critical" and line["endpoint"] == "log-1"


def test_the_log_channel_needs_no_target_and_takes_no_settings():
    assert log.PLUGIN.name == "log" and log.PLUGIN.needs_target is False
    try:
        log.PLUGIN.create({"level": "debug"})
    except ValueError as exc:
        assert "no settings" in str(exc)
    else:
        raise AssertionError("unknown settings were accepted")


def test_the_builtin_module_registers_webhook_email_and_log():
    registry = Registry(CHANNELS)
    register(registry)
    assert registry.names() == ["email", "log", "webhook"]
    assert all(registry.get(name).name == name for name in registry.names())
