"""Workbench sessions (clients/workbench/sessions.py): held server-side, ended by idleness,
by age and by sign-out; the CSRF token must match exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from probity.clients.workbench.sessions import Session, Sessions


def test_a_session_ends_when_idle_too_long_or_too_old_or_signed_out() -> None:
    now = [0.0]
    sessions = Sessions(idle=30, life=100, clock=lambda: now[0])
    key = sessions.start(Session("tok", "amira", "policy"))
    assert sessions.get(key) is not None and sessions.get("other") is None
    now[0] = 31
    assert sessions.get(key) is None  # idle too long
    key = sessions.start(Session("tok", "amira", "policy"))
    for _ in range(3):  # kept busy, but
        now[0] += 29
        assert sessions.get(key) is not None
    now[0] += 14  # 101 s after it started
    assert sessions.get(key) is None  # too old, though never idle for long
    key = sessions.start(Session("tok", "amira", "policy"))
    sessions.end(key)
    assert sessions.get(key) is None


def test_what_each_role_is_offered() -> None:
    assert Session("t", "p", "policy").may("edit") and Session("t", "p", "policy").may("audit")
    assert not Session("t", "a", "auditor").may("edit") and Session("t", "a", "auditor").may(
        "audit"
    )
    assert not Session("t", "x", "portal").may("edit") and not Session("t", "x", "portal").may(
        "audit"
    )
    assert Session("t", "", "").may("edit")  # a server without tokens lets anyone do anything
    offered = {
        role: {a for a in ("edit", "audit", "panel") if Session("t", "n", role).may(a)}
        for role in ("portal", "policy", "auditor", "lead", "evaluator")
    }
    assert offered == {
        "portal": set(),
        "policy": {"edit", "audit"},
        "auditor": {"audit", "panel"},
        "lead": {"audit", "panel"},  # reads the tender it leads; runs its panel
        "evaluator": {"panel"},  # no decision log: only the bids the panel shows them
    }


@given(st.one_of(st.none(), st.text(max_size=60)))
def test_only_the_sessions_own_csrf_token_passes(sent: str | None) -> None:
    session = Session("tok", "amira", "policy")
    assert session.csrf_ok(sent) is (sent == session.csrf)
    assert session.csrf_ok(session.csrf)
