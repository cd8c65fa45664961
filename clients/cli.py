"""`probity`: a thin command line over the client and the engine. Each group of commands
has its module (checking, evaluating, reporting, remote, audit, sources); this one runs the
service and the workbench, prints schemas, and dispatches."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import grpc
import structlog
from google.protobuf import json_format

from probity import DISTRIBUTION_VERSION
from probity.clients import (
    audit_commands,
    checking,
    contract_commands,
    evaluating,
    panel_commands,
    remote,
    reporting,
    ruleset_commands,
    sources,
)
from probity.clients.checking import library_for
from probity.clients.client import ProbityClient
from probity.clients.remote import (
    add_connection_options,
    describe_error,
)
from probity.engine import (
    ENGINE_VERSION,
    RuleFileError,
    RuleSetSpec,
    default_workers,
    input_schema,
    load_file,
)


def cmd_workbench(args: argparse.Namespace) -> int:
    """`probity workbench`: the rule-set workbench in the browser, over --server."""
    from probity.clients.workbench.site import Config, serve  # imported here: Starlette

    tls = {
        "tls": args.tls,
        "tls_ca": Path(args.tls_ca) if args.tls_ca else None,
        "client_cert": Path(args.client_cert) if args.client_cert else None,
        "client_key": Path(args.client_key) if args.client_key else None,
    }
    config = Config(args.server, Path(args.drafts), args.secure_cookies, tls)
    if args.host not in ("127.0.0.1", "::1", "localhost") and _server_is_open(args):
        print(
            f"probity workbench: the server at {args.server} has no token file, so anyone who "
            f"reaches the workbench on {args.host} could publish rule sets: listen on "
            "127.0.0.1, or start the server with --tokens",
            file=sys.stderr,
        )
        return 2
    print(f"the workbench: http://{args.host}:{args.port}/ (server {args.server})", file=sys.stderr)
    serve(config, args.host, args.port)
    return 0


def _server_is_open(args: argparse.Namespace) -> bool:
    """Does the server answer a caller with no token (it runs without a token file)? Not
    known when it cannot be reached: then the workbench starts, and each user signs in."""
    tls_ca = Path(args.tls_ca) if args.tls_ca else None
    try:
        with ProbityClient(args.server, tls=args.tls, tls_ca=tls_ca, timeout=10) as client:
            return not client.caller().role
    except grpc.RpcError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    # Imported here: only this command runs the server, through its one entry point.
    from probity.server.main import run

    return run(vars(args))


def cmd_token(args: argparse.Namespace) -> int:
    # Imported here: the token file's hashing is the server's, through its one entry point.
    from probity.server.main import token

    return token(args.name, args.role)


def cmd_schema(args: argparse.Namespace) -> int:
    """The JSON Schema of rule files; with --inputs, of a rule set's answers (a rule file
    here, or a rule set id on --server)."""
    if not args.inputs:
        print(json.dumps(RuleSetSpec.model_json_schema(), indent=2, sort_keys=True))
        return 0
    if args.server:
        return remote.cmd_inputs_schema(args)
    try:
        ruleset = load_file(args.inputs, library_for(Path(args.inputs)))
    except RuleFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(input_schema(ruleset), indent=2, sort_keys=True))
    return 0


def version_text() -> str:
    """What `probity --version` prints: the distribution, the engine results name, and the
    durable_rules underneath (a result can only be replayed on the same three)."""
    try:
        durable = metadata.version("durable-rules")
    except metadata.PackageNotFoundError:  # pragma: no cover - a broken install
        durable = "not installed"
    return f"probity {DISTRIBUTION_VERSION} (engine {ENGINE_VERSION}, durable_rules {durable})"


DESCRIPTION = (
    "Probity: check and test rule files, evaluate submissions and contracts' returns, write "
    "reports, and run the service and its workbench."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but an option it does not know is named first: "--bogus" is the mistake,
    not the input a required argument then seems to lack."""

    given: ClassVar[list[str]] = []  # the command line being parsed (main sets it)

    def error(self, message: str) -> NoReturn:
        unknown = [
            word.split("=", 1)[0]
            for word in _options(self.given)
            if word.split("=", 1)[0] not in self._option_string_actions
        ]
        if unknown and "unrecognized arguments" not in message and self._subparsers is None:
            message = f"unknown option {unknown[0]} (the options are in {self.prog} --help)"
        super().error(message)


def _options(words: list[str]) -> list[str]:
    """The words that are options: before a lone "--", starting with "-", not numbers."""
    found = []
    for word in words:
        if word == "--":
            break
        if word.startswith("-") and word != "-" and not word[1:].replace(".", "").isdigit():
            found.append(word)
    return found


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="probity", description=DESCRIPTION)
    top.add_argument("--version", action="version", version=version_text())
    sub = top.add_subparsers(dest="command", required=True)
    checking.add_commands(sub)
    evaluating.add_commands(sub)
    reporting.add_commands(sub)
    _service_commands(sub)
    remote.add_commands(sub)
    ruleset_commands.add_commands(sub)
    audit_commands.add_commands(sub)
    panel_commands.add_commands(sub)
    contract_commands.add_commands(sub)
    sources.add_commands(sub)
    return top


def _service_commands(sub: Any) -> None:
    """serve, token, workbench, schema."""
    _serve_command(sub)
    token = sub.add_parser("token", help="make a bearer token and its token-file entry")
    token.add_argument("action", choices=["new"])
    token.add_argument("--name", required=True)
    token.add_argument("--role", required=True, choices=("portal", "policy", "auditor"))
    token.set_defaults(run=cmd_token)
    workbench = sub.add_parser(
        "workbench", help="edit, check and publish rule sets in the browser (127.0.0.1:8080)"
    )
    add_connection_options(workbench)
    workbench.add_argument("--host", default="127.0.0.1", help="address to listen on")
    workbench.add_argument("--port", type=int, default=8080)
    workbench.add_argument(
        "--drafts", default="workbench.db", metavar="FILE", help="where drafts are kept"
    )
    workbench.add_argument(
        "--secure-cookies", action="store_true", help="when the workbench is reached by HTTPS"
    )
    workbench.set_defaults(run=cmd_workbench)
    schema = sub.add_parser(
        "schema", help="print the JSON Schema of rule files, or (--inputs) of a rule set's answers"
    )
    schema.add_argument(
        "--inputs",
        metavar="RULES",
        help="a rule file (or, with --server, a rule set id): the answers it reads",
    )
    schema.add_argument("--version", default="", help="with --server: a held version")
    add_connection_options(schema, server=None)
    schema.set_defaults(run=cmd_schema)


def _serve_command(sub: Any) -> None:
    """`probity serve`: every option of the service's settings."""
    serve = sub.add_parser(
        "serve",
        help="run the gRPC service probity.v1",
        description="Each option not given comes from its PROBITY_* environment variable "
        "(PROBITY_PORT, PROBITY_DB, PROBITY_LIMITS__MAX_BIDS, ...), else from --config, else "
        "from its default.",
        argument_default=argparse.SUPPRESS,  # so that an option left out does not override
    )
    serve.add_argument("--config", metavar="FILE.toml", help="settings file (deploy/probity.toml)")
    serve.add_argument(
        "--print-config", action="store_true", help="print the settings in effect, as TOML"
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="default 50051; 0 picks a free port")
    serve.add_argument(
        "--rules", metavar="DIR", help="rule set folder (default: the shipped rule sets)"
    )
    serve.add_argument(
        "--workers", type=int, help=f"engine processes (default {default_workers()})"
    )
    serve.add_argument("--tokens", metavar="FILE", help="token file (TOML); none: open")
    serve.add_argument(
        "--db",
        metavar="URL",
        help="decision log and rule set store: a SQLite file (default probity.db), "
        "postgresql://…, or off",
    )
    serve.add_argument(
        "--sync-seconds",
        type=float,
        help="how often to read the store for versions published elsewhere (default 2)",
    )
    serve.add_argument("--tls-cert", metavar="PEM", help="server certificate chain")
    serve.add_argument("--tls-key", metavar="PEM", help="server private key")
    serve.add_argument("--client-ca", metavar="PEM", help="require client certificates (mTLS)")
    serve.add_argument("--max-message-bytes", type=int, help="default 16 MiB")
    serve.add_argument(
        "--max-bids",
        type=int,
        help="bids per EvaluateTender call (default: what fits --max-message-bytes)",
    )
    serve.add_argument(
        "--max-submissions", type=int, help="submissions per stream (default 1,000,000)"
    )
    serve.add_argument("--stream-rate", type=float, help="submissions/s per stream (0: no limit)")
    serve.add_argument(
        "--metrics-port", type=int, help="serve Prometheus metrics on this port (/metrics)"
    )
    serve.add_argument(
        "--otlp-endpoint", metavar="HOST:PORT", help="send OpenTelemetry traces of each call here"
    )
    serve.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--log-format", choices=["auto", "json", "console"], help="auto: console on a terminal"
    )
    serve.set_defaults(run=cmd_serve)


# What a shell expects of a writer whose reader stopped reading (`probity … | head`): no
# message, and the status SIGPIPE gives (128 + 13), as `yes | head` has.
_PIPE_CLOSED = 141


def _reader_went_away() -> int:
    """Quietly stop: stdout goes nowhere from here, so that flushing it at exit cannot
    raise again (Python's documented way, in the signal module's notes on SIGPIPE)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return _PIPE_CLOSED


def main(argv: list[str] | None = None) -> int:
    # Logs go to stderr: stdout carries results (JSON lines) that other programs read.
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
    _Parser.given = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except BrokenPipeError:
        return _reader_went_away()
    except (OSError, json.JSONDecodeError, json_format.ParseError) as exc:
        print(f"probity: {exc}", file=sys.stderr)
        return 1
    except grpc.RpcError as exc:
        print(f"probity: {describe_error(exc)}", file=sys.stderr)
        if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
            print(
                "probity: give your token with --token TOKEN, or set $PROBITY_TOKEN",
                file=sys.stderr,
            )
        if isinstance(exc, grpc.Future):
            exc.cancel()  # a stream's call: end it now, not at exit
        return 1
    finally:
        # A failed stream leaves its call in a reference cycle (the error's traceback). Left
        # to the collector at interpreter exit, its finalizer waits for a lock that gRPC's
        # stopped threads hold, and the command could hang (a refused
        # stream, once in a CI run): collect it now, while those threads still run.
        gc.collect()
    return code


if __name__ == "__main__":
    sys.exit(main())
