"""Runtime settings from SELLEROPS_* environment variables, including comma-separated lists."""

import os

import pytest
from pydantic import ValidationError

from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Each test starts from an environment without any SELLEROPS_ variable."""
    for name in list(os.environ):
        if name.startswith("SELLEROPS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_defaults_need_no_environment():
    settings = RuntimeSettings()

    assert settings.nats.url == ["nats://127.0.0.1:4222"]
    assert settings.delivery.max_deliver == 5
    assert settings.delivery.retry_delays_s == [0.5, 2.0, 5.0, 15.0]
    assert settings.plugins_allow == []


def test_comma_separated_nats_urls_become_a_list(clean_env):
    clean_env.setenv("SELLEROPS_NATS_URL", "nats://a:1, nats://b:2")

    assert RuntimeSettings().nats.url == ["nats://a:1", "nats://b:2"]
    assert NatsSettings().url == ["nats://a:1", "nats://b:2"]


def test_a_single_nats_url_becomes_a_list_of_one(clean_env):
    clean_env.setenv("SELLEROPS_NATS_URL", "nats://nats.internal:4222")

    assert RuntimeSettings().nats.url == ["nats://nats.internal:4222"]


def test_comma_separated_retry_delays_become_floats(clean_env):
    clean_env.setenv("SELLEROPS_DELIVERY_RETRY_DELAYS_S", "1,2.5")

    assert RuntimeSettings().delivery.retry_delays_s == [1.0, 2.5]


def test_a_retry_delay_that_is_not_a_number_is_refused(clean_env):
    clean_env.setenv("SELLEROPS_DELIVERY_RETRY_DELAYS_S", "1,soon")

    with pytest.raises(ValidationError, match="retry_delays_s"):
        RuntimeSettings()


def test_a_comma_separated_plugin_allowlist_becomes_a_list(clean_env):
    clean_env.setenv("SELLEROPS_PLUGINS_ALLOW", "orders,x")

    assert RuntimeSettings().plugins_allow == ["orders", "x"]


def test_an_empty_plugin_allowlist_allows_all(clean_env):
    clean_env.setenv("SELLEROPS_PLUGINS_ALLOW", "")

    assert RuntimeSettings().plugins_allow == []


def test_nested_scalars_come_from_their_own_prefix(clean_env):
    clean_env.setenv("SELLEROPS_DELIVERY_MAX_DELIVER", "7")
    clean_env.setenv("SELLEROPS_NATS_REPLICAS", "3")

    settings = RuntimeSettings()

    assert (settings.delivery.max_deliver, settings.nats.replicas) == (7, 3)


def test_nested_values_also_come_from_the_double_underscore_form(clean_env):
    clean_env.setenv("SELLEROPS_NATS__URL", "nats://a:1,nats://b:2")
    clean_env.setenv("SELLEROPS_DELIVERY__MAX_DELIVER", "9")

    settings = RuntimeSettings()

    assert settings.nats.url == ["nats://a:1", "nats://b:2"]
    assert settings.delivery.max_deliver == 9


def test_top_level_values_come_from_the_sellerops_prefix(clean_env):
    clean_env.setenv("SELLEROPS_LOG_LEVEL", "DEBUG")
    clean_env.setenv("SELLEROPS_LOG_FORMAT", "json")
    clean_env.setenv("SELLEROPS_FASTSTREAM_LOGS", "true")

    settings = RuntimeSettings()

    assert (settings.log_level, settings.log_format, settings.faststream_logs) == ("DEBUG", "json", True)


def test_a_log_format_outside_the_choices_is_refused(clean_env):
    clean_env.setenv("SELLEROPS_LOG_FORMAT", "xml")

    with pytest.raises(ValidationError, match="log_format"):
        RuntimeSettings()


def test_the_data_dir_follows_xdg_data_home(clean_env, tmp_path):
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path))

    assert RuntimeSettings().data_dir == tmp_path / "sellerops"


def test_lists_given_in_code_are_kept():
    settings = RuntimeSettings(nats=NatsSettings(url=["nats://a:1"]),
                               delivery=DeliverySettings(retry_delays_s=[0.1]))

    assert (settings.nats.url, settings.delivery.retry_delays_s) == (["nats://a:1"], [0.1])


@pytest.mark.parametrize(("delivered", "delay"), [(1, 0.1), (2, 0.2), (3, 0.2), (50, 0.2)])
def test_the_retry_delay_of_a_delivery_is_its_own_or_the_last_one(delivered, delay):
    assert DeliverySettings(retry_delays_s=[0.1, 0.2]).retry_delay(delivered) == delay


def test_without_retry_delays_a_retry_comes_back_at_once():
    assert DeliverySettings(retry_delays_s=[]).retry_delay(1) == 0.0


def test_max_deliver_must_be_at_least_one():
    with pytest.raises(ValidationError, match="max_deliver"):
        DeliverySettings(max_deliver=0)
