"""TLS with a certificate and key; mutual TLS with a client CA."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from probity.clients.client import ProbityClient
from tests.conftest import SHIPPED
from tests.server import certificates
from tests.server.conftest import example, running, settings_for


def _fails(client: ProbityClient) -> grpc.StatusCode:
    with client, pytest.raises(grpc.RpcError) as caught:
        client.list_rulesets()
    return caught.value.code()  # type: ignore[no-any-return]


def test_tls_serves_trusting_clients_and_refuses_plaintext(tmp_path: Path) -> None:
    files = certificates.make(tmp_path)
    settings = settings_for(tmp_path, tls_cert=files.server_cert, tls_key=files.server_key)
    with running(settings) as server:
        target = f"127.0.0.1:{server.port}"
        with ProbityClient(target, tls_ca=files.ca, timeout=60) as trusting:
            assert trusting.evaluate("nolan-tender", example("strong")).band == "compliant"
        assert _fails(ProbityClient(target, attempts=1, timeout=5)) == grpc.StatusCode.UNAVAILABLE
        # A client that does not trust the test CA refuses the server.
        assert _fails(ProbityClient(target, tls=True, attempts=1, timeout=5)) == (
            grpc.StatusCode.UNAVAILABLE
        )


def test_mutual_tls_needs_a_client_certificate(tmp_path: Path) -> None:
    files = certificates.make(tmp_path)
    settings = settings_for(
        tmp_path, tls_cert=files.server_cert, tls_key=files.server_key, client_ca=files.ca
    )
    with running(settings) as server:
        target = f"127.0.0.1:{server.port}"
        with ProbityClient(
            target,
            tls_ca=files.ca,
            client_cert=files.client_cert,
            client_key=files.client_key,
            timeout=60,
        ) as known:
            assert [r.id for r in known.list_rulesets()] == SHIPPED
        anonymous = ProbityClient(target, tls_ca=files.ca, attempts=1, timeout=5)
        assert _fails(anonymous) == grpc.StatusCode.UNAVAILABLE


def test_settings_refuse_an_open_server_off_loopback_and_half_tls(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from probity.server.settings import Settings

    with pytest.raises(ValidationError, match="binds to loopback only"):
        Settings(host="0.0.0.0")
    with pytest.raises(ValidationError, match="needs both"):
        Settings(tls_cert=tmp_path / "cert.pem")
    with pytest.raises(ValidationError, match="mutual TLS"):
        Settings(client_ca=tmp_path / "ca.pem")
    assert Settings(host="0.0.0.0", tokens=tmp_path / "tokens.toml").host == "0.0.0.0"
