"""Drafts, kept per user and rule set in the workbench's own SQLite file (SQLAlchemy Core):
never sent to the server until published, so never served to portals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, delete, func, select
from sqlalchemy.dialects.sqlite import insert

_metadata = MetaData()
_drafts = Table(
    "drafts",
    _metadata,
    Column("user", String(200), primary_key=True),
    Column("ruleset_id", String(200), primary_key=True),
    Column("text", Text, nullable=False),
    Column("saved_at", String(32), nullable=False),
)


# A draft is a rule file (the largest shipped one is 60 kB). A form field past 1 MiB is
# refused before this by the web framework; a larger rule file is edited outside.
MOST_CHARACTERS = 1_000_000
# Drafts one user keeps at once, over every rule set (one each).
MOST_PER_USER = 50


class DraftRefused(Exception):
    """A draft over a limit, in a sentence for the person saving it."""


class Drafts:
    def __init__(self, path: Path) -> None:
        self.engine = create_engine(f"sqlite:///{path}")
        _metadata.create_all(self.engine)

    def get(self, user: str, ruleset_id: str) -> tuple[str, str] | None:
        """The user's draft of a rule set and when it was saved, if any."""
        statement = select(_drafts.c.text, _drafts.c.saved_at).where(
            _drafts.c.user == user, _drafts.c.ruleset_id == ruleset_id
        )
        with self.engine.connect() as connection:
            row = connection.execute(statement).first()
        return (row.text, row.saved_at) if row else None

    def save(self, user: str, ruleset_id: str, text: str) -> str:
        """Keep the user's draft (DraftRefused past the limits)."""
        if len(text) > MOST_CHARACTERS:
            raise DraftRefused(
                f"The draft is over {MOST_CHARACTERS:,} characters, more than a rule file may be "
                "in the workbench: split it into smaller rule sets."
            )
        if self.get(user, ruleset_id) is None and self.count(user) >= MOST_PER_USER:
            raise DraftRefused(
                f"You already keep {MOST_PER_USER} drafts: publish or discard one first."
            )
        saved_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        row = {"user": user, "ruleset_id": ruleset_id, "text": text, "saved_at": saved_at}
        statement = insert(_drafts).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=["user", "ruleset_id"], set_={"text": text, "saved_at": saved_at}
        )
        with self.engine.begin() as connection:
            connection.execute(statement)
        return saved_at

    def count(self, user: str) -> int:
        statement = select(func.count()).select_from(_drafts).where(_drafts.c.user == user)
        with self.engine.connect() as connection:
            return int(connection.execute(statement).scalar_one())

    def discard(self, user: str, ruleset_id: str) -> None:
        statement = delete(_drafts).where(
            _drafts.c.user == user, _drafts.c.ruleset_id == ruleset_id
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def close(self) -> None:
        self.engine.dispose()
