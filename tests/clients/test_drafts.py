"""The workbench's drafts: one per user and rule set, within limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from probity.clients.workbench.drafts import MOST_PER_USER, DraftRefused, Drafts


def test_a_user_keeps_at_most_so_many_drafts_and_may_still_change_them(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "drafts.db")
    for n in range(MOST_PER_USER):
        drafts.save("amira", f"set-{n}", "text")
    with pytest.raises(DraftRefused, match="publish or discard one first"):
        drafts.save("amira", "one-more", "text")
    drafts.save("amira", "set-0", "changed")  # an existing draft may change
    assert drafts.get("amira", "set-0") is not None
    drafts.save("someone-else", "one-more", "text")  # the limit is per user
    drafts.discard("amira", "set-1")
    drafts.save("amira", "one-more", "text")
    assert drafts.count("amira") == MOST_PER_USER
    drafts.close()
