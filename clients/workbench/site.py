"""The workbench's pages and its one JSON call (diagnostics as you type). Every page reads the
server through ProbityClient with the signed-in user's token; nothing here decides what a
role may do beyond what to offer: the server refuses what the token may not do.

This module signs people in and out, lists the rule sets, guards every page and routes;
the editor's pages are in `editing`, the decision log's in `records`."""

from __future__ import annotations

import difflib
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from probity.clients.client import ProbityClient
from probity.clients.workbench.bench import (
    Config,
    Forged,
    NoSuchDecision,
    caller_of,
    http_status,
    in_words,
    read_form,
)
from probity.clients.workbench.editing import EditingPages, changes_between
from probity.clients.workbench.panels import PanelPages
from probity.clients.workbench.records import RecordPages
from probity.clients.workbench.sessions import COOKIE, Session

STATIC = Path(__file__).resolve().parent / "static"

# What a page may load: only this workbench's own files; no inline script, no framing.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Workbench(EditingPages, RecordPages, PanelPages):
    # -- routes ---------------------------------------------------------------------------
    async def signin_form(self, request: Request) -> Response:
        return self.page("signin.html.j2", request, error="")

    async def signin(self, request: Request) -> Response:
        if not _same_origin(request):  # login CSRF: another site signing a browser in
            return HTMLResponse("Sign in from the workbench's own page.", status_code=403)
        form = await request.form()
        token = str(form.get("token", "")).strip()
        try:
            me = await run_in_threadpool(lambda: self.call(Session(token, "", ""), caller_of))
        except grpc.RpcError as exc:
            said = in_words(exc)
            return self.page("signin.html.j2", request, status=401, error=said)
        key = self.sessions.start(Session(token, me.name, me.role))
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            key,
            httponly=True,
            samesite="strict",
            secure=self.config.secure_cookies,
            path="/",
        )
        return response

    async def signout(self, request: Request) -> Response:
        await read_form(request)
        self.sessions.end(request.cookies.get(COOKIE))
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def rulesets(self, request: Request) -> Response:
        session = request.state.session
        if session.role == "evaluator":  # reads no rule sets: their work is their panels
            return RedirectResponse("/panels", status_code=303)
        listed = await run_in_threadpool(lambda: self.call(session, lambda c: c.list_rulesets()))
        return self.page("rulesets.html.j2", request, rulesets=listed)

    async def ruleset(self, request: Request) -> Response:
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        version = request.query_params.get("version", "")
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id, version))
        )
        draft = self.drafts.get(session.user, ruleset_id)
        published = request.query_params.get("published", "")
        return self.page("ruleset.html.j2", request, got=got, draft=draft, published=published)

    async def compare(self, request: Request) -> Response:
        """Two versions (or a version and the user's draft) compared in words, beside the
        text diff."""
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id))
        )
        held = [*got.ruleset.other_versions, got.ruleset.version]
        draft = self.drafts.get(session.user, ruleset_id)
        choices = held + (["draft"] if draft else [])
        before = request.query_params.get("from") or (held[-2] if len(held) > 1 else held[-1])
        after = request.query_params.get("to") or ("draft" if draft else held[-1])
        if before not in choices or after not in choices:
            said = f"{ruleset_id} has no version to compare by that name."
            return self.page(
                "message.html.j2", request, status=404, title="No such version", message=said
            )

        def text_of(client: ProbityClient, version: str) -> str:
            if version == "draft":
                assert draft is not None
                return draft[0]
            return client.get_ruleset(ruleset_id, version).source_text

        texts = await run_in_threadpool(
            lambda: self.call(session, lambda c: (text_of(c, before), text_of(c, after)))
        )
        changes, problem, kind = changes_between(*texts)
        diff = list(
            difflib.unified_diff(
                texts[0].splitlines(),
                texts[1].splitlines(),
                f"{ruleset_id} {before}",
                f"{ruleset_id} {after}",
                lineterm="",
                n=2,
            )
        )
        return self.page(
            "compare.html.j2",
            request,
            got=got,
            choices=choices,
            before=before,
            after=after,
            changes=changes,
            problem=problem,
            kind=kind,
            diff=diff,
        )


def _same_origin(request: Request) -> bool:
    """Did the page that sent this request come from the workbench itself? Browsers say so
    (Sec-Fetch-Site, else Origin); a request without either is not a browser's form."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urllib.parse.urlsplit(origin).netloc == request.headers.get("host", "")


class _Guard(BaseHTTPMiddleware):
    """Every page but sign-in needs a live session, and every answer the security headers.
    (Each POST's CSRF token is checked where its body is read: `read_form`, `validate`.)"""

    def __init__(self, app: Any, bench: Workbench) -> None:
        super().__init__(app)
        self.bench = bench

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.session = self.bench.sessions.get(request.cookies.get(COOKIE))
        path = request.url.path
        open_paths = path in ("/signin", "/favicon.ico") or path.startswith("/static/")
        if request.state.session is None and not open_paths:
            if path.startswith("/api/"):
                return _secured(JSONResponse({"error": "signed out"}, status_code=401))
            return _secured(RedirectResponse("/signin", status_code=303))
        try:
            response = await call_next(request)
        except Forged:
            response = HTMLResponse("The form expired: reload the page and try again.", 403)
        except NoSuchDecision:
            response = self.bench.page(
                "message.html.j2",
                request,
                status=404,
                title="No such decision",
                message="The decision log holds no decision by that number.",
            )
        except grpc.RpcError as exc:
            said = in_words(exc)
            response = self.bench.page(
                "message.html.j2",
                request,
                status=http_status(exc),
                title="The server refused",
                message=said,
            )
        return _secured(response)


async def _favicon(request: Request) -> Response:
    """The workbench's icon (an SVG; browsers ask for /favicon.ico whatever a page says)."""
    return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml")


def _secured(response: Response) -> Response:
    policy = response.headers.get("Content-Security-Policy")
    response.headers.update(_HEADERS)
    if "X-Document" in response.headers and policy:
        response.headers["Content-Security-Policy"] = policy
        del response.headers["X-Document"]
    return response


def create_app(config: Config) -> Starlette:
    bench = Workbench(config)
    routes = [
        Route("/signin", bench.signin_form, methods=["GET"]),
        Route("/signin", bench.signin, methods=["POST"]),
        Route("/signout", bench.signout, methods=["POST"]),
        Route("/", bench.rulesets, methods=["GET"]),
        Route("/rulesets/{ruleset_id}", bench.ruleset, methods=["GET"]),
        Route("/rulesets/{ruleset_id}/edit", bench.editor, methods=["GET"]),
        Route("/rulesets/{ruleset_id}/compare", bench.compare, methods=["GET"]),
        Route("/rulesets/{ruleset_id}/draft", bench.save_draft, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/publish", bench.publish, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/impact", bench.impact, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/tests", bench.run_tests, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/try", bench.try_it, methods=["GET", "POST"]),
        Route("/evaluations/{seq:int}", bench.evaluation, methods=["GET"]),
        Route("/evaluations/{seq:int}/replay", bench.replay, methods=["POST"]),
        Route("/evaluations/{seq:int}/report", bench.contract_report, methods=["GET"]),
        Route("/evaluations/{seq:int}/notice", bench.notice, methods=["GET"]),
        Route("/decisions", bench.decisions, methods=["GET"]),
        Route("/tenders/{tender_id}", bench.tender, methods=["GET"]),
        Route("/tenders/{tender_id}/report", bench.tender_report, methods=["GET"]),
        Route("/tenders/{tender_id}/summary", bench.summary, methods=["GET"]),
        Route("/tenders/{tender_id}/panel", bench.open_panel, methods=["POST"]),
        Route("/panels", bench.panels, methods=["GET"]),
        Route("/panels/{tender_id}", bench.panel, methods=["GET"]),
        Route("/panels/{tender_id}/declare", bench.declare, methods=["POST"]),
        Route("/panels/{tender_id}/conflict", bench.arisen, methods=["POST"]),
        Route("/panels/{tender_id}/mitigate", bench.mitigate, methods=["POST"]),
        Route("/panels/{tender_id}/conflicts.csv", bench.conflicts, methods=["GET"]),
        Route("/panels/{tender_id}/bids/{bid:path}/scores", bench.score, methods=["POST"]),
        Route("/panels/{tender_id}/bids/{bid:path}/moderate", bench.moderate, methods=["POST"]),
        Route("/panels/{tender_id}/bids/{bid:path}", bench.bid, methods=["GET"]),
        Route("/api/validate", bench.validate, methods=["POST"]),
        Route("/favicon.ico", _favicon, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Guard, bench=bench)])
    app.state.bench = bench
    return app


def serve(config: Config, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the workbench until interrupted."""
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


__all__ = ["Config", "create_app", "serve"]
