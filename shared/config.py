"""Settings common to every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.clock import DEFAULT_COMPANY_TIMEZONE, Clock, ShiftedClock, SystemClock, company_timezone

DEVELOPMENT_JWT_SECRET = "development-only-secret-change-me-0123456789"

Environment = Literal["development", "test", "production"]


class ServiceSettings(BaseSettings):
    """Base settings. A subclass sets ``model_config = SettingsConfigDict(env_prefix="ORG_")``."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = "development"
    service_name: str = "service"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Prepended to every topic name: lets tests and tenants share one broker without crosstalk.
    topic_prefix: str = ""
    topic_partitions: int = 6
    # Apache Kafka supports the idempotent producer; tansu rejects it (see ARCHITECTURE.md).
    kafka_enable_idempotence: bool = False

    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    jwt_issuer: str = "salesteam-gateway"
    jwt_ttl_seconds: int = 3600
    # How long a caller's role, scope and employment, re-read from the organisation, are trusted
    # before being read again: a leaving or transfer takes effect within this many seconds.
    principal_refresh_seconds: float = Field(2.0, ge=0)

    host: str = "127.0.0.1"
    port: int = 8001

    relay_batch_size: int = Field(500, ge=1)
    # The relay is woken by a NOTIFY when outbox rows commit (relay_listen). While it listens it polls
    # only as the safety net for a lost notification (relay_safety_poll_seconds, slow, so that an idle
    # stack costs next to nothing); without listening (relay_listen off, or its connection down) it
    # polls every relay_idle_poll_seconds.
    relay_idle_poll_seconds: float = Field(2.0, gt=0)
    relay_safety_poll_seconds: float = Field(10.0, gt=0)
    relay_listen: bool = True
    # The embedded broker keeps nothing on restart: a relay republishes what it published this
    # recently, and consumers drop what their inbox has already seen. 0 disables it.
    relay_replay_window_seconds: int = Field(0, ge=0)
    # How often the relay asks the broker whether it still holds what it acknowledged (0: never).
    relay_broker_check_seconds: float = Field(10.0, ge=0)

    # How long the broker may hold an empty fetch: short while events flow (the consumer's latency on
    # the dev broker, which never answers a waiting fetch early), long after consumer_idle_after_seconds
    # without any (an idle stack's main cost). On Apache Kafka both may be long: it answers as records arrive.
    consumer_fetch_wait_busy_ms: int = Field(100, ge=10)
    consumer_fetch_wait_idle_ms: int = Field(2000, ge=10)
    consumer_idle_after_seconds: float = Field(10.0, ge=0)
    # A consumer whose topics' writer announces new records (ConsumerSpec.wake_channel: telesales'
    # intake) stops fetching once idle for consumer_idle_after_seconds and resumes on the
    # announcement; it looks anyway every consumer_paused_check_seconds, for a lost announcement.
    consumer_pause_when_idle: bool = True
    consumer_paused_check_seconds: float = Field(30.0, gt=0)
    # Records per poll: a bigger batch shares its per-batch work (a rescore per person) among more events.
    consumer_max_records: int = Field(1000, ge=1)
    consumer_max_attempts: int = Field(5, ge=1)
    consumer_backoff_seconds: float = Field(0.2, ge=0)
    # One transaction per partition batch, falling back to one per event when any event fails.
    consumer_batch_transactions: bool = True
    # How long the group coordinator waits for a silent member. tansu holds a JoinGroup for half of
    # it, so it is also how long a worker waits before it consumes anything after it starts (the
    # dev stack uses 6 s for that reason; Apache Kafka does not wait on it).
    consumer_session_timeout_ms: int = Field(30000, ge=1000)
    consumer_heartbeat_interval_ms: int = Field(3000, ge=100)
    # How long ``dead-letters list|replay`` may take to read a dead-letter topic to its end offsets
    # before giving up with an error (a broker that answers but does not deliver).
    dead_letters_read_seconds: float = Field(30.0, gt=0)
    # A letter younger than this is not replayed yet: the runner writes the event's ``dead_lettered``
    # inbox row just after sending the letter, and a replay before that row exists could not release
    # it, so the consumer would drop the replayed copy against it.
    dead_letters_settle_seconds: float = Field(10.0, ge=0)

    log_level: str = "INFO"

    # The company's calendar: business dates and months are taken in this zone, never the server's.
    company_timezone: str = DEFAULT_COMPANY_TIMEZONE
    # A test clock for the dev stack's end-to-end runs: the company's clock runs this far ahead of
    # (or behind) the wall clock. Refused in production, like the default signing secret.
    clock_offset_seconds: float = 0.0
    # Where the ``type`` URI of every problem+json answer points; the slug is appended.
    problem_type_base: str = "https://errors.salesteam.internal/"

    @field_validator("company_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        company_timezone(value)
        return value

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> ServiceSettings:
        if self.environment == "production" and self.jwt_secret == DEVELOPMENT_JWT_SECRET:
            raise ValueError("jwt_secret must be set to a real secret in production")
        if self.environment == "production" and len(self.jwt_secret) < 32:
            raise ValueError("jwt_secret must be at least 32 characters in production")
        if self.environment == "production" and self.clock_offset_seconds:
            raise ValueError("clock_offset_seconds is a test clock and is refused in production")
        if self.consumer_heartbeat_interval_ms * 3 > self.consumer_session_timeout_ms:
            raise ValueError("consumer_heartbeat_interval_ms must be at most a third of consumer_session_timeout_ms")
        return self

    def topic(self, base: str) -> str:
        return f"{self.topic_prefix}{base}"

    @property
    def tz(self) -> ZoneInfo:
        return company_timezone(self.company_timezone)

    def clock(self) -> Clock:
        """The company's clock: the wall clock, or the test clock the dev stack was given."""
        if self.clock_offset_seconds:
            return ShiftedClock(timedelta(seconds=self.clock_offset_seconds), self.tz)
        return SystemClock(self.tz)
