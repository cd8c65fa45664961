"""The server's one entry point for the command line: `probity serve` and `probity token new`.

The CLI passes plain options; everything about settings, logging set-up and start-up errors
stays on this side (an import contract keeps clients from reaching further into the server).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import structlog
import tomli_w
from pydantic import ValidationError

from probity.server.app import ServerStartError, serve
from probity.server.auth import TokenFileError, digest, new_token
from probity.server.settings import Limits, Settings


def run(options: dict[str, Any]) -> int:
    """Serve until SIGTERM/SIGINT with the `probity serve` options; 2 if it cannot start."""
    _json_logs()
    try:
        settings = Settings(
            host=options["host"],
            port=options["port"],
            rules=Path(options["rules"]),
            workers=options["workers"],
            tokens=_path(options["tokens"]),
            tls_cert=_path(options["tls_cert"]),
            tls_key=_path(options["tls_key"]),
            client_ca=_path(options["client_ca"]),
            db=options["db"],
            limits=Limits(
                max_message_bytes=options["max_message_bytes"],
                max_bids=options["max_bids"],
                max_submissions_per_call=options["max_submissions"],
                stream_rate=options["stream_rate"],
            ),
        )
        return serve(settings)
    except ValidationError as exc:
        for error in exc.errors():
            print(f"probity serve: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    except (TokenFileError, ServerStartError) as exc:
        print(f"probity serve: {exc}", file=sys.stderr)
        return 2


def token_entry(name: str, role: str) -> tuple[str, str]:
    """A new bearer token, and its entry for the token file (which keeps only its hash)."""
    token = new_token()
    # Written by a TOML library: a name holding quotes or newlines stays one string.
    entry = {"token": [{"name": name, "role": role, "sha256": digest(token)}]}
    return token, tomli_w.dumps(entry).strip()


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _json_logs() -> None:
    """One JSON object per log line on stderr, for log shippers."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
