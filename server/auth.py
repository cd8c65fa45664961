"""Bearer tokens and roles, from a TOML file that stores only each token's SHA-256.

    [[token]]
    name = "acme-portal"        # who the caller is, in logs and the decision log
    role = "portal"             # portal | policy | auditor | lead | evaluator
    sha256 = "9f86d08…"         # `probity token new` makes a token and prints this line

Tokens are long random strings (32 bytes from `secrets`), so a plain SHA-256 is enough to
keep the file harmless if read: there is nothing to guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("portal", "policy", "auditor", "lead", "evaluator")

_EVALUATION = "/probity.v1.EvaluationService/"
_RULESETS = "/probity.v1.RulesetService/"
_AUDIT = "/probity.v1.AuditService/"  # the decision log: auditor and policy roles only
_READ_RULESETS = (f"{_RULESETS}ListRulesets", f"{_RULESETS}GetRuleset", f"{_RULESETS}GetCaller")
# Trying answers on a version's text records nothing: the auditor may, as well as policy.
_TRY_RULESETS = (f"{_RULESETS}TryRuleset",)
_WRITE_RULESETS = (
    f"{_RULESETS}ValidateRuleset",
    f"{_RULESETS}TestRuleset",
    *_TRY_RULESETS,
    f"{_RULESETS}PublishRuleset",
    f"{_RULESETS}ReloadRulesets",
)
# The evaluation panel (issue 34): the lead runs it, evaluators score, the auditor reads it.
_PANEL = "/probity.v1.PanelService/"
_EVALUATOR = tuple(
    f"{_PANEL}{m}"
    for m in (
        "ListPanels",
        "GetPanel",
        "DeclareInterests",
        "GetBidToScore",
        "SubmitScores",
        "GetScores",
    )
)
_LEAD = tuple(
    f"{_PANEL}{m}"
    for m in (
        "ListPanels",
        "OpenPanel",
        "GetPanel",
        "RecordMitigation",
        "GetBidToScore",
        "GetScores",
        "Moderate",
        "FinishPanel",
    )
)
# Anyone may ask whether the server is up and what its API is (probes, grpcurl).
PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def allowed(role: str, method: str) -> bool:
    """May a caller with `role` call `method` (a full gRPC method name)?"""
    if role == "portal":
        return method.startswith(_EVALUATION) or method in _READ_RULESETS
    if role == "policy":
        return method.startswith((_EVALUATION, _AUDIT)) or method in (
            *_READ_RULESETS,
            *_WRITE_RULESETS,
        )
    if role == "auditor":
        return method.startswith(_AUDIT) or method in (
            *_READ_RULESETS,
            *_TRY_RULESETS,
            f"{_PANEL}ListPanels",
            f"{_PANEL}GetPanel",
        )
    if role == "lead":  # reads the tender it leads (the decision log) and the rule sets
        return method in _LEAD or method.startswith(_AUDIT) or method in _READ_RULESETS
    if role == "evaluator":  # the panel, and who it is: no decision log, no other bids
        return method in _EVALUATOR or method == f"{_RULESETS}GetCaller"
    return False


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    role: str


class TokenFileError(Exception):
    pass


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "prb_" + secrets.token_urlsafe(32)


class TokenStore:
    def __init__(self, entries: dict[str, Caller]) -> None:
        self._by_digest = entries

    @classmethod
    def load(cls, path: Path) -> TokenStore:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise TokenFileError(f"{path}: cannot read the token file: {exc}") from None
        entries: dict[str, Caller] = {}
        for n, entry in enumerate(data.get("token", []), start=1):
            where = f"{path}: token {n}"
            name, role, hashed = entry.get("name"), entry.get("role"), entry.get("sha256")
            if not isinstance(name, str) or not name:
                raise TokenFileError(f"{where}: 'name' is missing")
            if role not in ROLES:
                raise TokenFileError(f"{where} ({name}): role must be one of {', '.join(ROLES)}")
            if not isinstance(hashed, str) or len(hashed) != 64:
                raise TokenFileError(f"{where} ({name}): 'sha256' must be 64 hex digits")
            entries[hashed.lower()] = Caller(name, role)
        if not entries:
            raise TokenFileError(f"{path}: no [[token]] entries")
        return cls(entries)

    def caller(self, token: str) -> Caller | None:
        wanted = digest(token)
        found = None
        for hashed, caller in self._by_digest.items():  # compare all, in constant time each
            if hmac.compare_digest(hashed, wanted):
                found = caller
        return found


def bearer(metadata: tuple[tuple[str, str | bytes], ...] | None) -> str | None:
    """The token of an `authorization: Bearer …` header, if any."""
    for key, value in metadata or ():
        if key == "authorization" and isinstance(value, str):
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None
