"""The client's gRPC channel: message limits, gRPC's own retries on UNAVAILABLE (with
exponential back-off), and TLS or mutual TLS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import grpc


def open_channel(
    target: str,
    tls: bool = False,
    tls_ca: Path | None = None,
    client_cert: Path | None = None,
    client_key: Path | None = None,
    server_name: str | None = None,
    attempts: int = 4,
    max_message_bytes: int = 16 * 1024 * 1024,
) -> grpc.Channel:
    """TLS when `tls` or any certificate is given; retries up to `attempts` in all."""
    options: list[tuple[str, Any]] = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    ]
    if attempts > 1:  # gRPC's retry policy needs at least two attempts
        options += [
            ("grpc.enable_retries", 1),
            ("grpc.service_config", _service_config(attempts)),
        ]
    else:
        options.append(("grpc.enable_retries", 0))
    if server_name:
        options.append(("grpc.ssl_target_name_override", server_name))
    if tls or tls_ca or client_cert:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=tls_ca.read_bytes() if tls_ca else None,
            private_key=client_key.read_bytes() if client_key else None,
            certificate_chain=client_cert.read_bytes() if client_cert else None,
        )
        return grpc.secure_channel(target, credentials, options=options)
    return grpc.insecure_channel(target, options=options)


def _service_config(attempts: int) -> str:
    policy = {
        "maxAttempts": attempts,
        "initialBackoff": "0.1s",
        "maxBackoff": "2s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"],
    }
    return json.dumps({"methodConfig": [{"name": [{}], "retryPolicy": policy}]})
