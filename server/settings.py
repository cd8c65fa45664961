"""The server's settings (pydantic-settings): where it listens, what it loads, who may call,
limits, logs. Each comes from the command line, else a `PROBITY_*` environment variable
(`PROBITY_LIMITS__MAX_BIDS` for a limit), else the TOML file given with `--config`, else its
default here."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

import probity.rules
from probity.engine import default_workers

# The rule sets installed with the package: what a server serves unless told otherwise.
SHIPPED_RULES = Path(probity.rules.__file__).resolve().parent

LOOPBACK = ("127.0.0.1", "::1", "localhost")
MOST_WORKERS = 256


# A result's size as a limit counts it, by view: a weak nolan-tender bid's FULL result is
# about 32 kB, its BASIC result about 4 kB.
RESULT_BYTES = {"full": 64 * 1024, "basic": 8 * 1024}


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True)

    # gRPC holds the limit in a 32-bit signed integer: more overflows it.
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=1024, le=2**31 - 1)
    # Submissions in one call: a tender's bids, or one stream's submissions.
    max_submissions_per_call: int = Field(default=1_000_000, ge=1)
    # Bids in one EvaluateTender call; by default as many as fit its answer in one message
    # at RESULT_BYTES a result of the view asked for (EvaluateTenderStream takes a tender of
    # any size).
    max_bids: int | None = Field(default=None, ge=1)
    # Submissions per second on one stream; 0 for no limit.
    stream_rate: float = Field(default=0, ge=0)
    # Submissions a stream may have in evaluation before its reader waits.
    stream_window: int = Field(default=4096, ge=1)

    def tender_bids(self, view: str = "full") -> int:
        """The most bids one EvaluateTender call takes: --max-bids, or what fits one
        message with results in `view` (engine.evaluations.View)."""
        return self.max_bids or self.batch_submissions(view)

    def batch_submissions(self, view: str = "full") -> int:
        """The most submissions one batch takes (EvaluateBatch, or a request of
        EvaluateBatchStream): what fits one message with results in `view`."""
        return max(1, self.max_message_bytes // RESULT_BYTES[view])


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True, env_prefix="PROBITY_", env_nested_delimiter="__", extra="forbid"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=50051, ge=0, le=65535)
    # The folder of rule files: what a new store is seeded with (with --db off, what is
    # served). By default the rule sets installed with the package.
    rules: Path = SHIPPED_RULES
    # Each worker is a process of its own (about 100 MB); more than this is a mistyped number,
    # and would spend minutes spawning before the server could answer anything.
    workers: int = Field(default_factory=default_workers, ge=1, le=MOST_WORKERS)
    tokens: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    client_ca: Path | None = None
    grace_seconds: float = Field(default=30, ge=0)
    threads: int = Field(default=64, ge=4, le=1024)
    limits: Limits = Limits()
    # The decision log: a SQLite file (path or sqlite:///…), postgresql://…, or "off" (the
    # service then records nothing; for measuring what the log costs).
    db: str = "probity.db"
    # How often a replica reads the store for versions published elsewhere, in seconds
    # (PostgreSQL also tells it at once, by NOTIFY).
    sync_seconds: float = Field(default=2.0, gt=0, le=3600)
    # Prometheus metrics at http://host:metrics_port/metrics; none when not given.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    # OpenTelemetry traces of every call, sent over OTLP/gRPC to this collector
    # (host:port, or https://host:port for TLS); none: no tracing.
    otlp_endpoint: str | None = None
    # Logs: their least level, and JSON (for log shippers) or console (for people; "auto":
    # console on a terminal, else JSON).
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The command line (passed in), over the environment, over the TOML file when one
        is named (see `load`)."""
        if cls.model_config.get("toml_file") is None:
            return init_settings, env_settings
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    @property
    def log_url(self) -> str | None:
        return None if self.db == "off" else self.db

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if not self.rules.is_dir():
            raise ValueError(f"no rule set to serve: there is no rules folder {self.rules}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key")
        if self.client_ca is not None and self.tls_cert is None:
            raise ValueError("--client-ca (mutual TLS) needs --tls-cert and --tls-key")
        if self.metrics_port and self.metrics_port == self.port:
            raise ValueError(
                f"--metrics-port {self.metrics_port} is the server's own --port: give another"
            )
        if self.tokens is None and self.host not in LOOPBACK:
            raise ValueError(
                f"without a token file the server runs open and binds to loopback only; "
                f"give --tokens to listen on {self.host}"
            )
        return self

    @property
    def address(self) -> str:
        return self.at(self.port)

    def at(self, port: int) -> str:
        """host:port on this server's host (an IPv6 host in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{port}"


def load(given: dict[str, Any], config: Path | None = None) -> Settings:
    """Settings from the options given on the command line, over `PROBITY_*` variables,
    over the TOML file `config` (if any), over the defaults."""
    if config is None:
        return Settings(**given)
    if not config.is_file():
        raise ValueError(f"no configuration file {config}")

    class FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=config)

    return FromFile(**given)


def as_toml_values(settings: Settings) -> dict[str, Any]:
    """The settings as a TOML file would give them (TOML has no null: unset ones are left
    out)."""

    def kept(values: dict[str, Any]) -> dict[str, Any]:
        return {
            k: kept(v) if isinstance(v, dict) else v for k, v in values.items() if v is not None
        }

    return kept(settings.model_dump(mode="json"))
