"""The rule set registry: loading, publishing, version rules, atomic snapshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from probity.engine.errors import Code, RuleFileError, RulesetConflict, UnknownRuleset
from probity.engine.registry import Registry
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini.yaml", folder / "mini.yaml")
    shutil.copytree(FIXTURES / "sources", folder / "sources")  # the library its quotes cite
    return folder


def test_a_snapshot_keeps_its_version_after_a_publish(tmp_path: Path) -> None:
    registry = Registry(_folder(tmp_path))
    assert registry.reload() == []
    snapshot = registry.catalogue
    registry.publish(MINI.replace("version: 1.0.0", "version: 1.1.0"), "mini.yaml")
    assert snapshot.get("mini").version == "1.0.0"  # what an in-flight evaluation holds
    assert registry.get("mini").version == "1.1.0"
    assert registry.get("mini", "1.0.0").version == "1.0.0"
    with pytest.raises(
        UnknownRuleset, match=r"rule set 'mini' has no version 2\.0\.0 \(held: 1\.0\.0, 1\.1\.0\)"
    ):
        registry.get("mini", "2.0.0")


def test_publish_refuses_broken_text_and_version_clashes(tmp_path: Path) -> None:
    registry = Registry(_folder(tmp_path))
    registry.reload()
    with pytest.raises(RuleFileError):
        registry.publish(
            MINI.replace("version: 1.0.0", "version: 1.1.0").replace(
                "min_total: 70", "min_total: x"
            ),
            "mini.yaml",
        )
    with pytest.raises(RulesetConflict, match="new version number"):
        registry.publish(MINI.replace("min_total: 70", "min_total: 80"), "mini.yaml")
    with pytest.raises(RulesetConflict, match="below the active version"):
        registry.publish(MINI.replace("version: 1.0.0", "version: 0.9.0"), "mini.yaml")
    assert registry.get("mini").source_text == MINI
    assert (registry.folder / "mini.yaml").read_text() == MINI  # type: ignore[operator]


def test_publish_and_reload_refuse_a_version_that_understates_the_change(tmp_path: Path) -> None:
    """A new required answer is a major change: 1.1.0 says minor, and is refused
    with the least number that would do; 2.0.0 is taken. A reload from the folder refuses
    it the same way, and the active version keeps serving."""
    folder = _folder(tmp_path)
    registry = Registry(folder)
    registry.reload()
    gated = MINI.replace(
        "inputs:\n", "inputs:\n  - {path: extra.answer, type: boolean, description: a new answer}\n"
    )
    with pytest.raises(RulesetConflict) as refused:
        registry.publish(gated.replace("version: 1.0.0", "version: 1.1.0"), "mini.yaml")
    assert str(refused.value).startswith("this is a major change from 1.0.0 (")
    assert str(refused.value).endswith("so its version must be at least 2.0.0, not 1.1.0")
    (folder / "mini.yaml").write_text(gated.replace("version: 1.0.0", "version: 1.1.0"))
    (problem,) = registry.reload()
    assert problem.code == Code.RULESET_CONFLICT and "at least 2.0.0" in problem.message
    assert registry.get("mini").version == "1.0.0"
    registry.publish(gated.replace("version: 1.0.0", "version: 2.0.0"), "mini.yaml")
    assert registry.get("mini").version == "2.0.0"


def test_reload_drops_a_removed_file_and_reports_a_duplicate_id(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    registry = Registry(folder)
    registry.reload()
    (folder / "copy.yaml").write_text(MINI)
    problems = registry.reload()
    (problem,) = problems
    assert (problem.code, Path(problem.file).name) == (Code.RULESET_CONFLICT, "mini.yaml")
    assert "copy.yaml" in problem.message  # names where the id already is
    (folder / "mini.yaml").unlink()
    (folder / "copy.yaml").unlink()
    assert registry.reload() == []
    assert dict(registry.catalogue.active) == {}
    assert registry.get("mini", "1.0.0").id == "mini"  # held versions stay readable


def test_a_registry_without_a_folder_publishes_in_memory() -> None:
    registry = Registry(None)
    ruleset, previous = registry.publish(MINI, "mini.yaml")
    assert (ruleset.id, previous) == ("mini", "")
    assert registry.get("mini") is ruleset
