"""The email channel against a real SMTP server on loopback (aiosmtpd)."""

from email import message_from_bytes, policy

import msgspec
import pytest

from sellerops.notifications.channels import email as email_channel
from sellerops.runtime.embedded import free_port

from .conftest import email_endpoint, make_message


def settings(mailbox, **extra) -> dict:
    return {"host": mailbox.host, "port": mailbox.port, "from_address": "Sellerops <alerts@sellerops.example>",
            "timeout_s": 5, **extra}


async def send(mailbox, address, message=None, **extra):
    channel = email_channel.PLUGIN.create(settings(mailbox, **extra))
    try:
        return await channel.send(email_endpoint(address), message or make_message())
    finally:
        await channel.close()


async def test_an_email_arrives_with_the_subject_body_and_a_message_id_from_the_delivery_id(smtp_server):
    message = make_message()
    outcome = await send(smtp_server, "ops@acme-tools.example", message)

    assert outcome.ok and not outcome.retry and outcome.duration_ms > 0
    [(mail_from, rcpt_tos, data)] = smtp_server.messages
    assert mail_from == "alerts@sellerops.example" and rcpt_tos == ["ops@acme-tools.example"]
    mail = message_from_bytes(data, policy=policy.default)
    assert mail["Subject"] == f"[sellerops] {message.title}"
    assert mail["From"] == "Sellerops <alerts@sellerops.example>" and mail["To"] == "ops@acme-tools.example"
    assert mail["Message-ID"] == "<dlv-0001.a@sellerops.example>"
    assert mail["X-Sellerops-Delivery-Id"] == "dlv-0001.a"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"] == "Fri, 14 Mar 2025 09:26:53 +0000"
    assert mail.get_content_type() == "text/plain"
    text = mail.get_content()
    assert text.startswith(message.body)
    for line in ("Kind: orders", "Severity: critical", "Seller: acme-tools", "Notification id: ntf-0001",
                 "Delivery id: dlv-0001.a", "About: orders.order_ship_by_at_risk.v1"):
        assert line in text.splitlines()


async def test_a_resend_of_a_delivery_is_the_same_message(smtp_server):
    message = make_message(delivery_id="dlv-resend")
    assert (await send(smtp_server, "ops@acme-tools.example", message)).ok
    assert (await send(smtp_server, "ops@acme-tools.example", message)).ok
    first, second = (message_from_bytes(data, policy=policy.default) for _, _, data in smtp_server.messages)
    assert first["Message-ID"] == second["Message-ID"] == "<dlv-resend@sellerops.example>"
    assert first.get_content() == second.get_content() and first["Date"] == second["Date"]


async def test_a_title_and_body_with_line_breaks_and_non_ascii_text_arrive_intact(smtp_server):
    message = make_message(title="Retour \u00e9chu:\r\nBcc: attacker@evil.example", body="Ligne 1\nLigne 2 \u2713")
    assert (await send(smtp_server, "ops@acme-tools.example", message)).ok
    [(_, rcpt_tos, data)] = smtp_server.messages
    mail = message_from_bytes(data, policy=policy.default)
    assert rcpt_tos == ["ops@acme-tools.example"] and mail["Bcc"] is None
    assert mail["Subject"] == "[sellerops] Retour \u00e9chu: Bcc: attacker@evil.example"
    assert mail.get_content().replace("\r\n", "\n").startswith("Ligne 1\nLigne 2 \u2713\n")


async def test_a_recipient_refused_with_550_is_permanent(smtp_server):
    outcome = await send(smtp_server, "refused@acme-tools.example")
    assert (outcome.ok, outcome.retry) == (False, False)
    assert outcome.detail == "recipient refused: 550 5.1.1 No such user here"
    assert smtp_server.messages == []


async def test_a_recipient_deferred_with_451_is_retried(smtp_server):
    outcome = await send(smtp_server, "busy@acme-tools.example")
    assert (outcome.ok, outcome.retry) == (False, True)
    assert outcome.detail.startswith("recipient refused: 451")


@pytest.mark.parametrize("target", ["", "ops", "ops@", "@acme.example", "https://acme.example/hook",
                                    "ops@acme.example\r\nBcc: x@evil.example", "Ops <ops@acme.example>",
                                    "ops@@acme.example", "ops@acme..example", "o ps@acme.example"])
async def test_a_target_that_is_not_an_email_address_is_permanent(smtp_server, target):
    outcome = await send(smtp_server, target)
    assert (outcome.ok, outcome.retry) == (False, False)
    assert outcome.detail.startswith("not an email address")
    assert smtp_server.messages == []


async def test_an_smtp_server_nobody_runs_is_a_retried_connection_refused():
    channel = email_channel.PLUGIN.create({"host": "127.0.0.1", "port": free_port(), "timeout_s": 2})
    outcome = await channel.send(email_endpoint("ops@acme-tools.example"), make_message())
    assert (outcome.ok, outcome.retry, outcome.detail) == (False, True, "connection refused")


async def test_the_channel_logs_in_when_a_username_is_set(smtp_server_with_login):
    outcome = await send(smtp_server_with_login, "ops@acme-tools.example", username="alerts", password="s3cret",
                         start_tls=False)
    assert outcome.ok
    assert smtp_server_with_login.logins == [(b"alerts", b"s3cret")]
    assert len(smtp_server_with_login.messages) == 1


async def test_a_refused_login_is_retried_because_the_operator_can_fix_it(smtp_server_with_login):
    outcome = await send(smtp_server_with_login, "ops@acme-tools.example", username="alerts", password="wrong")
    assert (outcome.ok, outcome.retry) == (False, True)
    assert outcome.detail.startswith("login refused: 535")
    assert smtp_server_with_login.messages == []


async def test_requiring_starttls_from_a_server_without_it_is_a_retried_configuration_error(smtp_server):
    outcome = await send(smtp_server, "ops@acme-tools.example", start_tls=True)
    assert (outcome.ok, outcome.retry) == (False, True)
    assert "STARTTLS" in outcome.detail.upper() and smtp_server.messages == []


def test_the_settings_are_checked_when_the_channel_is_built():
    for bad in ({"hostname": "x"}, {"use_tls": True, "start_tls": True}, {"from_address": "not-an-address"},
                {"username": "alerts"}, {"timeout_s": -1}):
        with pytest.raises(msgspec.ValidationError):
            email_channel.PLUGIN.create(bad)
    channel = email_channel.PLUGIN.create({"username": "alerts", "password": "s3cret"})
    assert "s3cret" not in repr(channel.settings)
    assert email_channel.PLUGIN.name == "email" and email_channel.PLUGIN.needs_target
