"""Sign-in sessions held on the workbench's side: the browser holds only a random session
id (an HttpOnly, SameSite=Strict cookie); the token stays here. A session ends after
IDLE_SECONDS without use or LIFE_SECONDS in all, and at sign-out. Each has a CSRF token that
every form and script sends back."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

IDLE_SECONDS = 30 * 60
LIFE_SECONDS = 8 * 60 * 60
COOKIE = "probity_workbench"


@dataclass
class Session:
    token: str
    name: str
    role: str  # portal | policy | auditor | lead | evaluator ("" on an open server: anything)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)

    @property
    def user(self) -> str:
        """Whose drafts these are."""
        return self.name or "(no token)"

    def may(self, action: str) -> bool:
        """May this user edit, test and publish ("edit"), read the log ("audit"), or take part
        in an evaluation panel ("panel")?"""
        if not self.role:
            return True
        return (
            self.role
            in {
                "edit": ("policy",),
                "audit": ("policy", "auditor", "lead"),
                "panel": ("auditor", "lead", "evaluator"),
            }[action]
        )

    def csrf_ok(self, sent: str | None) -> bool:
        # As bytes: compare_digest refuses str with non-ASCII characters (a forged form's).
        return sent is not None and hmac.compare_digest(sent.encode(), self.csrf.encode())


class Sessions:
    def __init__(
        self,
        idle: float = IDLE_SECONDS,
        life: float = LIFE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle, self.life = idle, life
        self.clock = clock
        self._held: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, session: Session) -> str:
        """A new session's id (for the cookie)."""
        key = secrets.token_urlsafe(32)
        session.started = session.seen = self.clock()
        with self._lock:
            self._drop_expired()
            self._held[key] = session
        return key

    def get(self, key: str | None) -> Session | None:
        """The live session of this cookie, if any (using it keeps it alive)."""
        if not key:
            return None
        with self._lock:
            session = self._held.get(key)
            if session is None:
                return None
            now = self.clock()
            if now - session.seen > self.idle or now - session.started > self.life:
                del self._held[key]
                return None
            session.seen = now
            return session

    def end(self, key: str | None) -> None:
        with self._lock:
            self._held.pop(key or "", None)

    def _drop_expired(self) -> None:
        now = self.clock()
        for key in [k for k, s in self._held.items()
                    if now - s.seen > self.idle or now - s.started > self.life]:  # fmt: skip
            del self._held[key]
