"""The deploy manifest's channel settings are ones the channels take (a typo there would stop every pod at start)."""

import asyncio
from pathlib import Path

import pydantic
import pytest
import yaml

from sellerops.notifications.bootstrap import load_channels
from sellerops.notifications.settings import NotificationsSettings

MANIFEST = Path(__file__).parents[4] / "deploy" / "base" / "notifications.yaml"


def test_the_configmap_channel_settings_build_every_builtin_channel(monkeypatch) -> None:
    [config] = [doc["data"] for doc in yaml.safe_load_all(MANIFEST.read_text()) if doc["kind"] == "ConfigMap"]
    for key, value in config.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SELLEROPS_NOTIFICATIONS_CHANNELS__EMAIL__USERNAME", "alerts@example.com")  # the Secret's
    monkeypatch.setenv("SELLEROPS_NOTIFICATIONS_CHANNELS__EMAIL__PASSWORD", "not-a-real-password")
    settings = NotificationsSettings()
    assert settings.channels["email"]["host"] == "smtp.example.com"
    assert settings.channels["email"]["password"] == "not-a-real-password", "the Secret's keys merge into the JSON"
    plugins = load_channels(settings.channel_plugins)
    assert {"webhook", "email", "log"} <= set(plugins)
    channels = {name: plugin.create(settings.channels.get(name, {})) for name, plugin in plugins.items()}
    assert channels["email"].settings.start_tls is True and channels["email"].settings.sender == "alerts@example.com"
    assert channels["webhook"].settings.timeout_s == 10
    asyncio.run(channels["webhook"].close())


def test_a_delivery_retention_shorter_than_the_replay_horizon_is_refused_naming_both(monkeypatch):
    monkeypatch.setenv("SELLEROPS_NOTIFICATIONS_DELIVERY__KEEP_FINISHED_DAYS", "3")
    with pytest.raises(pydantic.ValidationError) as refused:
        NotificationsSettings()
    assert "keep_finished_days" in str(refused.value) and "max_event_age_h" in str(refused.value)
    monkeypatch.setenv("SELLEROPS_NOTIFICATIONS_MAX_EVENT_AGE_H", "48")
    assert NotificationsSettings().delivery.keep_finished_days == 3
