"""A seller's preferences: where a kind goes, when it goes (quiet hours, the digest, critical at once), and
the preferences refused before they are saved, each naming its field."""

from datetime import UTC, datetime

import pytest

from sellerops.contracts.notifications import Digest, Endpoint, Kind, Preferences, QuietHours, Severity
from sellerops.notifications.bootstrap import load_channels
from sellerops.notifications.domain import preferences
from sellerops.runtime.decisions import Refused

NEW_YORK = "America/New_York"  # EST is UTC-5 in winter, EDT UTC-4 in summer
NIGHTS = QuietHours(start="22:00", end="07:00", timezone=NEW_YORK)
CHANNELS = load_channels()  # the installed channel plugins: each checks its own endpoints
SECRET = "whsec_0123456789abcdef"  # 22 characters


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hook(id: str = "hook", target: str = "https://hooks.example.com/sellerops", secret: str | None = SECRET,
         **extra) -> Endpoint:
    return Endpoint(id=id, channel="webhook", target=target, secret=secret, **extra)


def mail(id: str = "mail", target: str = "ops@example.com", **extra) -> Endpoint:
    return Endpoint(id=id, channel="email", target=target, **extra)


def ops_log(id: str = "ops", **extra) -> Endpoint:
    return Endpoint(id=id, channel="log", **extra)


def refusal(prefs: Preferences) -> Refused:
    with pytest.raises(Refused) as refused:
        preferences.validate(prefs, CHANNELS)
    return refused.value


# ---- routing ----


ROUTED = Preferences(
    endpoints=[hook(), mail(), ops_log(enabled=False)],
    routes={Kind.ORDERS: ["mail", "hook"], Kind.HEALTH: ["ops", "hook"], Kind.CLAIMS: []},
    min_severity=Severity.WARNING)


def test_a_kind_goes_to_the_endpoints_its_route_lists_in_the_order_they_are_declared() -> None:
    assert [e.id for e in preferences.endpoints_for(ROUTED, Kind.ORDERS, Severity.WARNING)] == ["hook", "mail"]
    assert [e.id for e in preferences.endpoints_for(ROUTED, Kind.ORDERS, Severity.CRITICAL)] == ["hook", "mail"]


def test_a_notification_under_the_minimum_severity_goes_nowhere() -> None:
    assert preferences.endpoints_for(ROUTED, Kind.ORDERS, Severity.INFO) == []


def test_a_disabled_endpoint_is_skipped_and_the_others_of_the_route_still_get_it() -> None:
    assert [e.id for e in preferences.endpoints_for(ROUTED, Kind.HEALTH, Severity.CRITICAL)] == ["hook"]


def test_a_kind_without_a_route_or_with_an_empty_one_goes_nowhere() -> None:
    assert preferences.endpoints_for(ROUTED, Kind.CLAIMS, Severity.CRITICAL) == []
    assert preferences.endpoints_for(ROUTED, Kind.RETURNS, Severity.CRITICAL) == []
    assert preferences.endpoints_for(Preferences(), Kind.ORDERS, Severity.CRITICAL) == []


# ---- quiet hours ----


@pytest.mark.parametrize(("at", "until"), [
    (utc(2026, 1, 16, 3, 0), utc(2026, 1, 16, 12, 0)),  # 22:00 EST exactly: quiet until 07:00 EST tomorrow
    (utc(2026, 1, 16, 4, 30), utc(2026, 1, 16, 12, 0)),  # 23:30 EST, before midnight
    (utc(2026, 1, 16, 7, 0), utc(2026, 1, 16, 12, 0)),  # 02:00 EST, after midnight: until 07:00 the same day
    (utc(2026, 1, 16, 11, 59), utc(2026, 1, 16, 12, 0)),  # 06:59 EST
    (utc(2026, 7, 16, 3, 0), utc(2026, 7, 16, 11, 0)),  # 23:00 EDT: 07:00 EDT is 11:00 UTC
], ids=["at-start", "before-midnight", "after-midnight", "last-minute", "summer-time"])
def test_quiet_hours_across_midnight_end_at_the_next_local_end(at: datetime, until: datetime) -> None:
    assert preferences.quiet_until(NIGHTS, at) == until


@pytest.mark.parametrize("at", [
    utc(2026, 1, 16, 12, 0),  # 07:00 EST: the end itself is no longer quiet
    utc(2026, 1, 16, 17, 0),  # noon EST
    utc(2026, 1, 17, 2, 59),  # 21:59 EST
    utc(2026, 7, 16, 1, 59),  # 21:59 EDT
], ids=["at-end", "noon", "one-minute-before", "summer-time"])
def test_outside_quiet_hours_there_is_no_wait(at: datetime) -> None:
    assert preferences.quiet_until(NIGHTS, at) is None


def test_quiet_hours_go_by_the_local_time_of_their_timezone_not_utc() -> None:
    # 23:00 UTC is 18:00 EST: not quiet in New York, though it would be in UTC
    assert preferences.quiet_until(NIGHTS, utc(2026, 1, 16, 23, 0)) is None
    assert preferences.quiet_until(QuietHours(start="22:00", end="07:00"), utc(2026, 1, 16, 23, 0)) == \
        utc(2026, 1, 17, 7, 0)


def test_quiet_hours_across_the_spring_forward_night_end_at_seven_local_summer_time() -> None:
    # 2026-03-08 02:00 EST becomes 03:00 EDT: 23:00 EST (04:00 UTC) to 07:00 EDT (11:00 UTC) is 7 hours
    assert preferences.quiet_until(NIGHTS, utc(2026, 3, 8, 4, 0)) == utc(2026, 3, 8, 11, 0)


def test_quiet_hours_within_one_day_are_quiet_between_start_and_end_only() -> None:
    lunch = QuietHours(start="12:00", end="14:00")
    assert preferences.quiet_until(lunch, utc(2026, 1, 16, 12, 0)) == utc(2026, 1, 16, 14, 0)
    assert preferences.quiet_until(lunch, utc(2026, 1, 16, 13, 15)) == utc(2026, 1, 16, 14, 0)
    assert preferences.quiet_until(lunch, utc(2026, 1, 16, 14, 0)) is None
    assert preferences.quiet_until(lunch, utc(2026, 1, 16, 11, 59)) is None
    assert preferences.quiet_until(lunch, utc(2026, 1, 16, 23, 0)) is None


@pytest.mark.parametrize("at", [utc(2026, 1, 16, 0, 0), utc(2026, 1, 16, 3, 0), utc(2026, 1, 16, 12, 30)])
def test_quiet_hours_that_start_when_they_end_are_no_quiet_hours(at: datetime) -> None:
    assert preferences.quiet_until(QuietHours(start="22:00", end="22:00", timezone=NEW_YORK), at) is None
    assert preferences.quiet_until(QuietHours(start="00:00", end="00:00"), at) is None


# ---- when a notification goes out ----


DIGESTED = Preferences(endpoints=[hook()], routes={Kind.REVIEWS: ["hook"], Kind.ORDERS: ["hook"]},
                       digest=Digest(at="08:00", kinds=[Kind.REVIEWS]))
DIGESTED_AT_NIGHT = Preferences(endpoints=[hook()], routes={Kind.REVIEWS: ["hook"], Kind.ORDERS: ["hook"]},
                                quiet_hours=NIGHTS, digest=Digest(at="08:00", kinds=[Kind.REVIEWS]))


def test_a_notification_outside_quiet_hours_and_not_digested_goes_at_once() -> None:
    at = utc(2026, 1, 16, 17, 0)  # noon EST
    assert preferences.send_at(DIGESTED_AT_NIGHT, Kind.ORDERS, Severity.WARNING, at) == (at, False)
    assert preferences.send_at(Preferences(), Kind.ORDERS, Severity.INFO, at) == (at, False)


def test_quiet_hours_push_a_notification_to_their_end() -> None:
    at = utc(2026, 1, 16, 4, 30)  # 23:30 EST
    assert preferences.send_at(DIGESTED_AT_NIGHT, Kind.ORDERS, Severity.WARNING, at) == (utc(2026, 1, 16, 12, 0), False)


def test_a_critical_notification_ignores_quiet_hours_and_the_digest() -> None:
    at = utc(2026, 1, 16, 4, 30)  # 23:30 EST
    assert preferences.send_at(DIGESTED_AT_NIGHT, Kind.ORDERS, Severity.CRITICAL, at) == (at, False)
    assert preferences.send_at(DIGESTED_AT_NIGHT, Kind.REVIEWS, Severity.CRITICAL, at) == (at, False)


def test_a_digest_kind_waits_for_todays_digest_while_it_is_still_ahead() -> None:
    assert preferences.send_at(DIGESTED, Kind.REVIEWS, Severity.INFO, utc(2026, 1, 16, 6, 0)) == \
        (utc(2026, 1, 16, 8, 0), True)


def test_a_digest_kind_waits_for_tomorrows_digest_once_todays_has_passed_or_is_now() -> None:
    assert preferences.send_at(DIGESTED, Kind.REVIEWS, Severity.WARNING, utc(2026, 1, 16, 9, 0)) == \
        (utc(2026, 1, 17, 8, 0), True)
    assert preferences.send_at(DIGESTED, Kind.REVIEWS, Severity.INFO, utc(2026, 1, 16, 8, 0)) == \
        (utc(2026, 1, 17, 8, 0), True)


def test_the_digest_time_is_local_to_the_quiet_hours_timezone_and_the_digest_wins_over_quiet_hours() -> None:
    # 02:00 EST: quiet until 07:00, but a digest kind waits for the 08:00 EST digest (13:00 UTC)
    assert preferences.send_at(DIGESTED_AT_NIGHT, Kind.REVIEWS, Severity.INFO, utc(2026, 1, 16, 7, 0)) == \
        (utc(2026, 1, 16, 13, 0), True)
    # 09:00 EST: today's has passed; tomorrow's
    assert preferences.send_at(DIGESTED_AT_NIGHT, Kind.REVIEWS, Severity.INFO, utc(2026, 1, 16, 14, 0)) == \
        (utc(2026, 1, 17, 13, 0), True)


def test_the_next_digest_keeps_its_local_time_across_a_change_to_summer_time() -> None:
    # 2026-03-07 09:00 EST: the next 08:00 is on the 8th, already EDT (12:00 UTC, not 13:00)
    assert preferences.next_digest(DIGESTED_AT_NIGHT, utc(2026, 3, 7, 14, 0)) == utc(2026, 3, 8, 12, 0)


def test_a_digest_without_a_time_of_its_own_goes_at_eight() -> None:
    prefs = Preferences(digest=Digest(kinds=[Kind.REVIEWS]))
    assert preferences.next_digest(prefs, utc(2026, 1, 16, 7, 59)) == utc(2026, 1, 16, 8, 0)


# ---- refused preferences ----


def test_good_preferences_pass() -> None:
    preferences.validate(Preferences(
        endpoints=[hook(), mail(), ops_log(), hook("dev", target="http://127.0.0.1:8080/hook"),
                   hook("dev2", target="http://localhost/hook")],
        routes={Kind.ORDERS: ["hook", "mail"], Kind.SYSTEM: ["ops"]}, quiet_hours=NIGHTS,
        digest=Digest(kinds=[Kind.REVIEWS])), CHANNELS)
    preferences.validate(Preferences(), CHANNELS)


def test_an_endpoint_on_a_channel_that_is_not_installed_is_refused() -> None:
    refused = refusal(Preferences(endpoints=[hook(), Endpoint(id="sms", channel="sms", target="+15550100")]))
    assert refused.field == "$.preferences.endpoints[1].channel"
    assert "sms" in str(refused) and "email, log, webhook" in str(refused)


def test_an_endpoint_id_used_twice_is_refused() -> None:
    refused = refusal(Preferences(endpoints=[hook("ops"), ops_log("ops")]))
    assert refused.field == "$.preferences.endpoints[1].id"


def test_a_route_naming_an_endpoint_that_does_not_exist_is_refused_at_its_place_in_the_route() -> None:
    refused = refusal(Preferences(endpoints=[hook(), mail()], routes={Kind.ORDERS: ["hook", "pager"]}))
    assert refused.field == "$.preferences.routes.orders[1]"
    assert "pager" in str(refused)


def test_a_plain_http_webhook_off_the_loopback_is_refused() -> None:
    refused = refusal(Preferences(endpoints=[mail(), hook(target="http://hooks.example.com/sellerops")]))
    assert refused.field == "$.preferences.endpoints[1].target"


@pytest.mark.parametrize("target", ["http://127.0.0.1/hook", "http://127.0.0.1:8080/hook", "http://localhost:9000/",
                                    "http://[::1]:8080/hook"])
def test_a_plain_http_webhook_on_the_loopback_is_allowed_for_development(target: str) -> None:
    preferences.validate(Preferences(endpoints=[hook(target=target)]), CHANNELS)


@pytest.mark.parametrize("target", ["ftp://hooks.example.com/", "hooks.example.com/sellerops",
                                    "http://127.0.0.1.example.com/"])
def test_a_webhook_that_is_not_https_is_refused(target: str) -> None:
    assert refusal(Preferences(endpoints=[hook(target=target)])).field == "$.preferences.endpoints[0].target"


@pytest.mark.parametrize("secret", [None, "", "x" * 15])
def test_a_webhook_without_a_signing_secret_of_16_characters_is_refused(secret: str | None) -> None:
    assert refusal(Preferences(endpoints=[hook(secret=secret)])).field == "$.preferences.endpoints[0].secret"


def test_a_webhook_secret_of_exactly_16_characters_is_enough() -> None:
    preferences.validate(Preferences(endpoints=[hook(secret="x" * 16)]), CHANNELS)


def test_an_email_endpoint_needs_an_address() -> None:
    assert refusal(Preferences(endpoints=[mail(target="")])).field == "$.preferences.endpoints[0].target"
    refused = refusal(Preferences(endpoints=[ops_log(), mail(target="ops at example.com")]))
    assert refused.field == "$.preferences.endpoints[1].target"
    # The email channel's own rule decides (it delivers to a local host's mailbox too).
    preferences.validate(Preferences(endpoints=[mail(target="ops@localhost")]), CHANNELS)


def test_a_webhook_needs_a_target() -> None:
    assert refusal(Preferences(endpoints=[hook(target="")])).field == "$.preferences.endpoints[0].target"


def test_a_log_endpoint_needs_no_target() -> None:
    preferences.validate(Preferences(endpoints=[ops_log()]), CHANNELS)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_quiet_hours_in_an_unknown_timezone_are_refused(zone: str) -> None:
    refused = refusal(Preferences(quiet_hours=QuietHours(start="22:00", end="07:00", timezone=zone)))
    assert refused.field == "$.preferences.quiet_hours.timezone"



# ---- known bugs (strict: a fix makes these pass, and the marker must go) ----


@pytest.mark.parametrize("target", ["http://127.0.0.1:x@hooks.example.com/sellerops",
                                    "http://localhost:80@hooks.example.com/"])
def test_a_plain_http_webhook_whose_userinfo_looks_like_the_loopback_is_refused(target: str) -> None:
    assert refusal(Preferences(endpoints=[hook(target=target)])).field == "$.preferences.endpoints[0].target"


def test_a_plain_http_webhook_on_the_ipv6_loopback_without_a_port_is_allowed() -> None:
    preferences.validate(Preferences(endpoints=[hook(target="http://[::1]/hook")]), CHANNELS)


def test_a_running_channels_settings_add_their_own_refusals_after_the_plugins_rules() -> None:
    from sellerops.notifications.channels.webhook import WebhookChannel, WebhookSettings

    hosted = {"webhook": WebhookChannel(WebhookSettings(private_targets=False))}
    private = Preferences(endpoints=[Endpoint(id="ok", channel="log"), Endpoint(
        id="lan", channel="webhook", target="https://192.168.1.20/hook", secret="whsec_0123456789abcdef")])
    preferences.validate(private, CHANNELS)  # the plugin's rules alone: a fine URL
    with pytest.raises(Refused) as refused:
        preferences.validate(private, CHANNELS, hosted)
    assert refused.value.field == "$.preferences.endpoints[1].target"
    assert "192.168.1.20 is not a public address" in str(refused.value)
