"""What every workbench page shares: its settings, the server reached with the signed-in
user's token, templates rendered, forms read (their CSRF token checked), and a refusal
in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from probity.clients.client import ProbityClient
from probity.clients.remote import describe_error
from probity.clients.workbench.drafts import Drafts
from probity.clients.workbench.sessions import Session, Sessions

ENVIRONMENT = Environment(
    loader=PackageLoader("probity.clients.workbench", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Config:
    target: str  # the Probity server (or the fleet's balancer), host:port
    drafts: Path  # the SQLite file drafts are kept in
    secure_cookies: bool = False  # set when the workbench is reached over HTTPS
    client_options: dict[str, Any] | None = None  # TLS for the server: tls, tls_ca, ...


class Bench:
    """The workbench's state: its settings, the signed-in sessions and the drafts."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.sessions = Sessions()
        self.drafts = Drafts(config.drafts)

    def client(self, token: str) -> ProbityClient:
        return ProbityClient(
            self.config.target,
            token=token or None,
            timeout=60,
            attempts=2,
            **(self.config.client_options or {}),
        )

    def page(self, name: str, request: Request, status: int = 200, **values: Any) -> Response:
        session = request.state.session
        html = ENVIRONMENT.get_template(name).render(
            session=session, csrf=session.csrf if session else "", **values
        )
        return HTMLResponse(html, status_code=status)

    def call(self, session: Session, work: Callable[[ProbityClient], Any]) -> Any:
        with self.client(session.token) as client:
            return work(client)


class NoSuchDecision(Exception):
    """A decision number no log could hold."""


class Forged(Exception):
    """A POST without the session's CSRF token."""


async def read_form(request: Request) -> Any:
    """A POST's form, once its CSRF token is the session's (else Forged)."""
    form = await request.form()
    if not request.state.session.csrf_ok(str(form.get("csrf", ""))):
        raise Forged
    return form


def caller_of(client: ProbityClient) -> Any:
    return client.caller()


def form_text(value: Any) -> str:
    """A form's text as typed (browsers send CRLF line ends; rule files use LF)."""
    return str(value or "").replace("\r\n", "\n")


def http_status(exc: grpc.RpcError) -> int:
    code = exc.code()
    return {
        grpc.StatusCode.PERMISSION_DENIED: 403,
        grpc.StatusCode.UNAUTHENTICATED: 401,
        grpc.StatusCode.INVALID_ARGUMENT: 400,
        grpc.StatusCode.FAILED_PRECONDITION: 409,
        grpc.StatusCode.NOT_FOUND: 404,
    }.get(code, 502)


def in_words(exc: grpc.RpcError) -> str:
    """A server's refusal in words for the person at the screen."""
    code = exc.code()
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return "That token is not one the server knows. Check it and try again."
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return f"Your role may not do that: {exc.details()}."
    if code == grpc.StatusCode.UNAVAILABLE:
        return "The Probity server cannot be reached just now; try again in a moment."
    return describe_error(exc)


def refused_page(bench: Bench, request: Request, what: str) -> Response:
    role = request.state.session.role
    return bench.page(
        "message.html.j2",
        request,
        status=403,
        title="Not for your role",
        message=f"The {role} role may not {what}.",
    )
