"""Rule sets held in the decision log's database (store.rulesets), on SQLite and PostgreSQL:
two registries on one store behave as two replicas do."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from probity.engine.errors import RulesetConflict, UnknownRuleset
from probity.engine.registry import Registry
from probity.store.log import DecisionLog
from probity.store.rulesets import Changes, StoredRulesets
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini.yaml", folder / "mini.yaml")
    shutil.copytree(FIXTURES / "sources", folder / "sources")
    return folder


def _replica(db_url: str, folder: Path) -> tuple[Registry, DecisionLog]:
    log = DecisionLog(db_url)
    return Registry(folder, store=StoredRulesets(log)), log


def test_the_folder_seeds_the_store_and_a_publish_reaches_the_other_replica(
    db_url: str, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    first, first_log = _replica(db_url, folder)
    assert first.load() == []
    second, second_log = _replica(db_url, folder)
    assert second.load() == [] and second.get("mini").version == "1.0.0"
    newer = MINI.replace("version: 1.0.0", "version: 1.1.0")
    first.publish(newer, "mini.yaml", by=("amira", "policy"), note="a clearer remedy")
    assert (folder / "mini.yaml").read_text() == MINI  # the folder is never written
    assert second.get("mini").version == "1.0.0"  # until it follows the store
    (taken,) = second.sync()
    assert taken.version == "1.1.0" and second.get("mini").version == "1.1.0"
    assert second.sync() == []  # nothing new
    history = second.history("mini")
    assert [(a.version, a.how, a.by_name, a.note) for a in history] == [
        ("1.1.0", "published", "amira", "a clearer remedy"),
        ("1.0.0", "seeded", "server", "from the rules folder (mini.yaml)"),
    ]
    assert second.held("mini") == ["1.0.0", "1.1.0"]
    clash = MINI.replace("version: 1.0.0", "version: 1.1.0").replace("Mini", "Other mini", 1)
    with pytest.raises(RulesetConflict, match="already published with different content"):
        second.publish(clash, "mini.yaml")
    for log in (first_log, second_log):
        log.close()


def test_a_restarted_replica_serves_every_version_the_store_holds(
    db_url: str, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    registry, log = _replica(db_url, folder)
    registry.load()
    registry.publish(MINI.replace("version: 1.0.0", "version: 1.1.0"), "mini.yaml")
    log.close()
    again, log = _replica(db_url, folder)
    (said,) = again.load()  # the folder's older text is not what is served
    assert said.severity == "warning" and "the store holds rule set mini" in said.message
    assert again.get("mini").version == "1.1.0"  # the store's, not the folder's 1.0.0
    assert "1.0.0" not in again.catalogue.versions.get("mini", {})  # not compiled yet
    assert again.get("mini", "1.0.0").version == "1.0.0"  # compiled from the store when asked
    with pytest.raises(UnknownRuleset, match=r"held: 1\.0\.0, 1\.1\.0"):
        again.get("mini", "9.9.9")
    log.close()


def test_a_replica_is_told_of_a_publish(db_url: str, tmp_path: Path) -> None:
    """PostgreSQL tells a listening replica at once (NOTIFY); SQLite has only the time out."""
    folder = _folder(tmp_path)
    publisher, publisher_log = _replica(db_url, folder)
    publisher.load()
    listener_log = DecisionLog(db_url) if not db_url.startswith("sqlite") else publisher_log
    changes = Changes(listener_log)
    told: list[bool] = []
    assert changes.wait(0.2) is False  # nothing yet (and the listener is connected)
    waiting = threading.Thread(target=lambda: told.append(changes.wait(10)))
    started = time.monotonic()
    waiting.start()
    time.sleep(0.2)
    publisher.publish(MINI.replace("version: 1.0.0", "version: 1.1.0"), "mini.yaml")
    waiting.join()
    if db_url.startswith("sqlite"):
        assert told == [False] and time.monotonic() - started >= 10
    else:
        assert told == [True] and time.monotonic() - started < 5
    changes.close()
    for log in {publisher_log, listener_log}:
        log.close()


def test_a_start_on_a_store_checks_each_folder_file_once(db_url: str, tmp_path: Path) -> None:
    """Seeding compiles and checks the folder; taking the store's active versions reuses
    them (same digest) rather than compiling and checking the same text again."""
    folder = _folder(tmp_path)
    checked: list[str] = []

    def accept(ruleset: Any) -> list[Any]:
        checked.append(ruleset.digest)
        return []

    log = DecisionLog(db_url)
    registry = Registry(folder, accept, StoredRulesets(log))
    assert registry.load() == [] and registry.get("mini").version == "1.0.0"
    assert len(checked) == 1
    again = Registry(folder, accept, StoredRulesets(log))  # a restart: the store holds it
    assert again.load() == [] and again.get("mini").digest == checked[0]
    assert len(checked) == 2  # once more for this replica's own read of the folder
    log.close()
