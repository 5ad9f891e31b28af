"""Settings shared by every service (environment variables with the SELLEROPS_ prefix)."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_data_dir() -> Path:
    """Per-user data folder for the embedded NATS server (XDG_DATA_HOME when set)."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sellerops"


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(_split)]
FloatList = Annotated[list[float], NoDecode, BeforeValidator(_split)]


class NatsSettings(BaseSettings):
    """How to reach NATS and how the JetStream resources are shaped."""

    model_config = SettingsConfigDict(env_prefix="SELLEROPS_NATS_", extra="ignore")

    url: CommaList = Field(default=["nats://127.0.0.1:4222"], description="comma-separated server URLs")
    replicas: int = Field(default=1, ge=1, le=5, description="replicas of streams and buckets (3 on a cluster)")
    duplicate_window_s: float = Field(default=600.0, gt=0, description="JetStream dedupe window by Nats-Msg-Id")
    max_age_days: float = Field(default=0, ge=0, description="event retention; 0 keeps events forever")
    publish_timeout_s: float = Field(default=5.0, gt=0)
    user_credentials: Path | None = Field(default=None, description="NATS user credentials file (`sellerops auth`)")
    tls_ca: Path | None = Field(default=None, description="CA bundle that signed the server's certificate (TLS on)")
    tls_cert: Path | None = Field(default=None, description="client certificate, when the server verifies clients")
    tls_key: Path | None = Field(default=None, description="the client certificate's private key")


class DeliverySettings(BaseSettings):
    """How events are consumed, retried and dead-lettered."""

    model_config = SettingsConfigDict(env_prefix="SELLEROPS_DELIVERY_", extra="ignore")

    max_deliver: int = Field(default=5, ge=1, description="deliveries of a failing message before dead-letter")
    retry_delays_s: FloatList = Field(default=[0.5, 2.0, 5.0, 15.0], description="delay before each retry")
    batch_size: int = Field(default=128, ge=1, le=1024)
    idle_wait_s: float = Field(default=1.0, gt=0, description="how long an idle consumer's pull waits on the server "
                               "(an event arriving meanwhile is delivered at once)")
    batch_timeout_s: float = Field(default=0.001, gt=0, description="once a batch has its first event, how long to "
                                   "wait for more when none is pending (pending ones come at once)")
    # 1 ms, not 5: at a steady 20 orders/s the wait was most of each hop (market -> health p50 19.7 -> 11.1 ms,
    # p99 61.8 -> 36.5 ms, measured with both under `up`); at full speed events are pending and no batch waits.
    ack_wait_s: float = Field(default=30.0, gt=0)
    max_event_bytes: int = Field(default=256 * 1024, ge=1024, description="an event larger than this is "
                                 "dead-lettered unread (a marketplace fact is a few KB)")
    deadline_settle_s: float = Field(
        default=30.0, ge=0, description="a deadline already past when first seen (a stale event) waits this long, "
        "so the events published right behind it are applied first")
    deadline_partitions: int = Field(default=64, ge=1, le=4096, description="partitions of a service's keys that "
                                     "its replicas share (each keeps the deadlines of the partitions it holds)")
    deadline_lease_s: float = Field(default=20.0, gt=0, description="a replica that stopped beating loses its "
                                    "partitions this long after its last beat (keep lease_s * 4/3 under ack_wait_s)")

    @property
    def server_max_deliver(self) -> int:
        """The consumer's own delivery limit: past the dispatcher's (3 x max_deliver, see runtime.delivery)."""
        return 3 * self.max_deliver + 5

    def retry_delay(self, delivered: int) -> float:
        return self.retry_delays_s[min(delivered, len(self.retry_delays_s)) - 1] if self.retry_delays_s else 0.0


class RuntimeSettings(BaseSettings):
    """One service process: logging, plugins, the NATS connection and delivery."""

    model_config = SettingsConfigDict(env_prefix="SELLEROPS_", env_nested_delimiter="__", extra="ignore")

    nats: NatsSettings = Field(default_factory=NatsSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    faststream_logs: bool = Field(default=False, description="FastStream's per-message lines (cost ~25% throughput)")
    plugins_allow: CommaList = Field(
        default=[], description="entry-point names allowed to load; empty allows all"
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    http_port: int | None = Field(default=None, ge=0, le=65535,
                                  description="serve /healthz, /readyz and /metrics on this port (off when unset)")
    http_host: str = Field(default="127.0.0.1", description="0.0.0.0 in a container")
    answers_at_once: int = Field(default=32, ge=1, description="requests one endpoint of an instance answers "
                                 "concurrently (more wait for a free slot)")
