"""The server's one entry point for the command line: `probity serve` and `probity token new`.

The CLI passes plain options; everything about settings, logging set-up and start-up errors
stays on this side (an import contract keeps clients from reaching further into the server).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import structlog
import tomli_w
from pydantic import ValidationError

from probity.server.app import ServerStartError, serve
from probity.server.auth import TokenFileError, digest, new_token
from probity.server.settings import as_toml_values, load

# `probity serve` options that are limits (Settings.limits), by option name.
_LIMITS = {
    "max_message_bytes": "max_message_bytes",
    "max_bids": "max_bids",
    "max_submissions": "max_submissions_per_call",
    "stream_rate": "stream_rate",
}
_NOT_SETTINGS = ("config", "print_config", "command", "run")


def run(options: dict[str, Any]) -> int:
    """Serve until SIGTERM/SIGINT with the `probity serve` options given (those left out
    come from the environment, the --config file or the defaults); 2 if it cannot start.
    With --print-config, print the settings as TOML and stop."""
    given: dict[str, Any] = {}
    for name, value in options.items():
        if name in _NOT_SETTINGS or value is None:
            continue
        if name in _LIMITS:
            given.setdefault("limits", {})[_LIMITS[name]] = value
        else:
            given[name] = value
    try:
        config = Path(options["config"]) if options.get("config") else None
        settings = load(given, config)
    except (ValidationError, ValueError) as exc:
        for message in _messages(exc):
            print(f"probity serve: {message}", file=sys.stderr)
        return 2
    if options.get("print_config"):
        print(tomli_w.dumps(as_toml_values(settings)), end="")
        return 0
    configure_logs(settings.log_level, settings.log_format)
    try:
        return serve(settings)
    except (TokenFileError, ServerStartError) as exc:
        print(f"probity serve: {exc}", file=sys.stderr)
        return 2


def _messages(exc: Exception) -> list[str]:
    """Settings errors in words: the setting's name, then what is wrong with it."""
    if not isinstance(exc, ValidationError):
        return [str(exc)]
    said = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        said.append(f"{where}: {message}" if where else message)
    return said


def token(name: str, role: str) -> int:
    """`probity token new`: the token on stderr (it is not stored), its entry on stdout."""
    made, entry = token_entry(name, role)
    print(f"token (give it to the caller; it is not stored): {made}", file=sys.stderr)
    print(entry)
    return 0


def token_entry(name: str, role: str) -> tuple[str, str]:
    """A new bearer token, and its entry for the token file (which keeps only its hash)."""
    token = new_token()
    # Written by a TOML library: a name holding quotes or newlines stays one string.
    entry = {"token": [{"name": name, "role": role, "sha256": digest(token)}]}
    return token, tomli_w.dumps(entry).strip()


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def configure_logs(level: str = "info", form: str = "auto") -> None:
    """Log lines on stderr from `level` up: one JSON object per line (for log shippers), or
    lines for people (console; "auto" picks it on a terminal)."""
    console = form == "console" or (form == "auto" and sys.stderr.isatty())
    render: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if console
        else structlog.processors.JSONRenderer()
    )
    # JSON lines carry an error's traceback as text under "exception" (the console renderer
    # formats it itself); without this they said only "exc_info": true.
    tracebacks = [] if console else [structlog.processors.format_exc_info]
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            *tracebacks,
            render,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
