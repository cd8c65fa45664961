"""The second wave's surface fuzzed: the decision log's calls (ListEvaluations, GetTender,
GetAssessmentSummaries, PreviewImpact) with hostile ids, times, limits and drafts over real
gRPC; the workbench's routes with a real HTTP client and hostile forms and bodies; and the
server's settings from options, the environment and a TOML file. Every case must end in an
answer or a refusal in words: never INTERNAL, a bare 500, a traceback, a server path or a
hang."""

from __future__ import annotations

import http.client
import os
import string
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from probity.clients.client import ProbityClient
from probity.clients.workbench.site import Config
from probity.server.app import ProbityServer
from probity.server.settings import load
from probity.v1 import audit_pb2, audit_pb2_grpc
from tests.clients.workbench_web import serving
from tests.conftest import RULES
from tests.fuzz.outcomes import FULL, Tally
from tests.fuzz.test_fuzz_submissions import _call_status, classify
from tests.server.conftest import example

CALLS = 2_000 if FULL else 60
PAGES = 5_000 if FULL else 150
SETTINGS = 5_000 if FULL else 200
NOLAN = (RULES / "nolan-tender.yaml").read_text()
TALLY = Tally("the decision log's calls over gRPC")
PAGES_TALLY = Tally("the workbench's routes over HTTP")
SETTINGS_TALLY = Tally("settings from options, the environment and a TOML file")

hostile = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "T-fuzz", "nolan-tender", "\x00", "a\u202eb", "../../etc", "%00"]),
    st.integers(190, 700).map(lambda n: "x" * n),
    st.text(alphabet=string.printable, max_size=20),
)
times = st.one_of(
    hostile, st.sampled_from(["2026-01-01T00:00:00Z", "2026-13-45T99:00:00Z", "1e309"])
)
drafts = st.one_of(
    st.just(NOLAN.replace("version: ", "version: 9", 1)),
    st.just(NOLAN.replace("weight: 20", "weight: 25")),
    st.text(max_size=200),
    st.builds(lambda cut: NOLAN[:cut], st.integers(0, len(NOLAN))),
)


@pytest.fixture(scope="module")
def tender(fuzz_server: ProbityServer) -> str:
    """A recorded tender for the lookups to find."""
    bids = [
        dict(
            example(name),
            id=f"fz-{name}",
            tender_id="T-fuzz",
            price=1000.0 + len(name),
            supplier={"id": f"S-{name}", "name": name},
        )
        for name in ("strong", "weak", "rejected")
    ]
    with ProbityClient(f"127.0.0.1:{fuzz_server.port}") as client:
        client.evaluate_tender("nolan-tender", "T-fuzz", bids)
    return "T-fuzz"


def _audit_call(stub: Any, case: tuple[str, Any]) -> None:
    kind, request = case
    method = getattr(stub, kind)
    try:
        method(request, timeout=120)
        TALLY.add("answered")
    except grpc.RpcError as error:
        status = _call_status(error)
        TALLY.add(classify(status, FOLDER[0]), f"{kind}: {status.code}: {status.message}")


FOLDER: list[Path] = []  # the server's folder, for the classifier

audit_requests = st.one_of(
    st.builds(
        lambda t, c, s, r, since, until, size, token: (
            "ListEvaluations",
            audit_pb2.ListEvaluationsRequest(
                tender_id=t,
                contract_id=c,
                supplier_id=s,
                ruleset_id=r,
                since=since,
                until=until,
                page_size=size,
                page_token=token,
            ),
        ),
        hostile,
        hostile,
        hostile,
        hostile,
        times,
        times,
        st.integers(0, 2**32 - 1),
        st.one_of(st.just(""), hostile, st.integers(0, 2**70).map(str)),
    ),
    st.builds(
        lambda t, r: ("GetTender", audit_pb2.GetTenderRequest(tender_id=t, request_id=r)),
        st.one_of(st.just("T-fuzz"), hostile),
        hostile,
    ),
    st.builds(
        lambda t, ids: (
            "GetAssessmentSummaries",
            audit_pb2.GetAssessmentSummariesRequest(tender_id=t, submission_ids=ids),
        ),
        st.one_of(st.just("T-fuzz"), hostile),
        st.lists(st.one_of(st.just("fz-weak"), hostile), max_size=4),
    ),
    st.builds(
        lambda r, text, t, since, until, limit: (
            "PreviewImpact",
            audit_pb2.PreviewImpactRequest(
                ruleset_id=r,
                source_text=text,
                tender_id=t,
                since=since,
                until=until,
                limit=limit,
            ),
        ),
        st.one_of(st.just("nolan-tender"), hostile),
        drafts,
        st.one_of(st.just("T-fuzz"), hostile),
        times,
        times,
        st.integers(1, 20),
    ),
)


@settings(
    max_examples=CALLS,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(audit_requests)
def _fuzz_audit(stub: Any, case: tuple[str, Any]) -> None:
    _audit_call(stub, case)


def test_the_decision_logs_calls_answer_or_refuse_in_words(
    fuzz_server: ProbityServer, server_folder: Path, tender: str
) -> None:
    FOLDER[:] = [server_folder]
    with grpc.insecure_channel(f"127.0.0.1:{fuzz_server.port}") as channel:
        _fuzz_audit(audit_pb2_grpc.AuditServiceStub(channel))
    print("\n" + TALLY.report())
    assert TALLY.bad == {}, TALLY.report()
    assert TALLY.counts["answered"] > 0


# -- the workbench ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workbench(
    fuzz_server: ProbityServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    config = Config(f"127.0.0.1:{fuzz_server.port}", tmp_path_factory.mktemp("wb") / "d.db")
    with serving(config, log_level="critical") as at:
        yield at


def _send(at: str, method: str, path: str, body: bytes, headers: dict[str, str]) -> None:
    connection = http.client.HTTPConnection(*at.split(":"), timeout=120)
    try:
        connection.request(method, path, body, headers)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", "replace")
    except TimeoutError:
        PAGES_TALLY.add("hang", f"{method} {path}")
        return
    except (http.client.HTTPException, OSError) as exc:
        PAGES_TALLY.add("crash", f"{method} {path}: {exc}")
        return
    finally:
        connection.close()
    if answer.status >= 500:
        PAGES_TALLY.add("UNKNOWN or INTERNAL", f"{method} {path} → {answer.status}: {text[:200]}")
    elif "Traceback" in text:
        PAGES_TALLY.add("traceback", f"{method} {path}")
    else:
        PAGES_TALLY.add(f"answered {answer.status // 100}xx")


ROUTES = [
    ("GET", "/rulesets/{id}"),
    ("GET", "/rulesets/{id}/edit"),
    ("GET", "/rulesets/{id}/compare?from={q}&to={q}"),
    ("POST", "/rulesets/{id}/draft"),
    ("POST", "/rulesets/{id}/publish"),
    ("POST", "/rulesets/{id}/impact"),
    ("POST", "/rulesets/{id}/tests"),
    ("GET", "/rulesets/{id}/try?example={q}&on=draft"),
    ("POST", "/rulesets/{id}/try"),
    ("GET", "/evaluations/{n}"),
    ("POST", "/evaluations/{n}/replay"),
    ("GET", "/evaluations/{n}/report"),
    ("GET", "/decisions?tender_id={q}&page={q}"),
    ("GET", "/tenders/{id}"),
    ("GET", "/tenders/{id}/report"),
    ("GET", "/tenders/{id}/summary?bid={q}"),
    ("POST", "/api/validate"),
    ("POST", "/signin"),
    # not /signout: a case that signed out would leave the rest to be redirected to sign in
]
form_values = st.one_of(hostile, drafts, st.sampled_from(["yes", "no", "discard", "-1", "1e309"]))


@st.composite
def page_requests(draw: st.DrawFn) -> tuple[str, str, bytes, dict[str, str]]:
    method, shape = draw(st.sampled_from(ROUTES))
    ident = urllib.parse.quote(draw(st.one_of(st.sampled_from(["nolan-tender", "T-fuzz"]),
                                              hostile)), safe="")  # fmt: skip
    query = urllib.parse.quote(draw(hostile), safe="")
    number = draw(st.one_of(st.integers(-5, 2**70), st.just(1))).__str__()
    path = shape.format(id=ident or "x", q=query, n=number)
    if shape == "/api/validate":
        body = draw(st.one_of(st.binary(max_size=200), st.just(b'{"text": 5}'),
                              st.just(b"[1]"), drafts.map(str.encode)))  # fmt: skip
        return method, path, body, {"Content-Type": "application/json", "X-CSRF-Token": CSRF[0]}
    fields = draw(st.dictionaries(st.sampled_from(
        ["text", "note", "csrf", "action", "tender_id", "since", "until", "token",
         "in.selflessness.public_interest_commitment", "in.selflessness.personalised_plans_pct"]
    ), form_values, max_size=5))  # fmt: skip
    if draw(st.booleans()):
        fields["csrf"] = CSRF[0]
    body = urllib.parse.urlencode(fields).encode()
    return method, path, body, {"Content-Type": "application/x-www-form-urlencoded"}


CSRF: list[str] = [""]


@settings(
    max_examples=PAGES,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(page_requests())
def _fuzz_pages(at: str, cookie: str, case: tuple[str, str, bytes, dict[str, str]]) -> None:
    method, path, body, headers = case
    _send(at, method, path, body, {**headers, "Cookie": cookie})


def test_the_workbench_answers_hostile_requests_in_words(workbench: str, tender: str) -> None:
    connection = http.client.HTTPConnection(*workbench.split(":"), timeout=60)
    form = urllib.parse.urlencode({"token": "anyone"})
    connection.request(
        "POST", "/signin", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    signed = connection.getresponse()
    cookie = (signed.getheader("Set-Cookie") or "").split(";", 1)[0]
    signed.read()
    connection.request("GET", "/", headers={"Cookie": cookie})
    page = connection.getresponse().read().decode()
    CSRF[0] = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    connection.close()
    _fuzz_pages(workbench, cookie)
    print("\n" + PAGES_TALLY.report())
    assert PAGES_TALLY.bad == {}, PAGES_TALLY.report()


# -- settings -----------------------------------------------------------------------------
SETTING_NAMES = ["host", "port", "workers", "db", "metrics_port", "log_level", "log_format",
                 "grace_seconds", "sync_seconds", "threads", "otlp_endpoint"]  # fmt: skip
TOML_FILES = ["port = 'x'", "[limits]\nmax_bids = -1", "workers = 99999", "port = 1e309"]
setting_values = st.one_of(
    hostile,
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.none(),
    st.sampled_from(["0", "50051", "info", "json", "off", "1e309", "nan"]),
)


@settings(
    max_examples=SETTINGS,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(
    st.dictionaries(st.sampled_from(SETTING_NAMES), setting_values, max_size=4),
    st.dictionaries(st.sampled_from(SETTING_NAMES), st.text(max_size=12), max_size=3),
    st.one_of(st.none(), st.text(max_size=120), st.sampled_from(TOML_FILES)),
)
def _fuzz_settings(
    folder: Path, given_options: dict[str, Any], env: dict[str, str], toml: str | None
) -> None:
    config = None
    if toml is not None:
        config = folder / "probity.toml"
        config.write_text(toml)
    names = [f"PROBITY_{name.upper()}" for name in env]
    env = {n: v for n, v in zip(names, env.values(), strict=True) if "\x00" not in v}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        load({k: v for k, v in given_options.items() if v is not None}, config)
        SETTINGS_TALLY.add("taken")
    except (ValidationError, ValueError) as exc:
        SETTINGS_TALLY.add("refused in words" if str(exc) else "error without a location")
    except Exception as exc:  # anything else is a defect: it reaches the operator raw
        SETTINGS_TALLY.add("crash", f"{type(exc).__name__}: {exc}")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_settings_are_taken_or_refused_in_words(tmp_path: Path) -> None:
    _fuzz_settings(tmp_path)
    print("\n" + SETTINGS_TALLY.report())
    assert SETTINGS_TALLY.bad == {}, SETTINGS_TALLY.report()
    assert SETTINGS_TALLY.counts["taken"] > 0 and SETTINGS_TALLY.counts["refused in words"] > 0
