"""Drive durable_rules' C module directly: which rules fire for each fact of a batch.

We do not use durable.lang's Host: its background dispatch thread races with batched
asserts (error 307, SIGSEGV), and its per-action Python costs ~16 µs. Instead one session
per batch holds one fact per submission; every rule has `cap`, so each fires once per batch
with all its matching facts, and we read the matching facts' indexes straight from the
message text. See ARCHITECTURE.md ("durable_rules") for the crashes this design avoids.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
from collections.abc import Generator, Sequence
from typing import Any

import durable_rules_engine as _dre
import orjson

from probity.engine.compiler.partitions import BATCH_CAP, CATCH_ALL
from probity.engine.errors import EngineError
from probity.engine.evaluation.numbers import durable_number

# `{"m":{"i":N` opens every matched fact (we always encode `i` first, compactly). User text
# cannot forge it: inside a JSON string every quote is escaped.
_FACT_OPENING = '{"m":{"i":'
_FACT_INDEX = re.compile(r'\{"m":\{"i":(\d+)')
_NOT_HANDLED = 1


_registry: dict[str, int] = {}
_registry_lock = threading.Lock()
_sessions = itertools.count()


def _safe_numbers(node: Any) -> Any:
    if isinstance(node, float):
        return durable_number(node)
    if isinstance(node, dict):
        return {key: _safe_numbers(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_safe_numbers(value) for value in node]
    return node


def _handle(name: str, definition: dict[str, Any]) -> int:
    """One durable_rules ruleset per name per process; names carry the content digest."""
    with _registry_lock:
        handle = _registry.get(name)
        if handle is None:
            try:
                text = orjson.dumps(_safe_numbers(definition)).decode()
                handle = _dre.create_ruleset(name, text)
            except _dre.error as exc:  # its own message is a bare number, e.g. "error code: 303"
                raise EngineError(
                    f"durable_rules refused the compiled rule set ({exc}); it may have too "
                    "many or too complex conditions"
                ) from None
            _registry[name] = handle
        return handle


class Matcher:
    """Fires a compiled rule set's rules over batches of flat facts.

    A rule set is one or more durable_rules rulesets (partitions, each small enough for
    durable_rules' fixed matching stack); every batch is asserted into each of them, each
    partition receiving its own facts (only the answers its rules read).
    """

    def __init__(self, name: str, partitions: Sequence[dict[str, Any]]) -> None:
        self.name = name
        self.handles = [_handle(f"{name}/{n}", part) for n, part in enumerate(partitions)]
        # The C engine is not thread-safe (rules#291): one batch at a time per process.
        self._lock = _registry_lock

    def hits(self, facts: Sequence[Sequence[dict[str, Any]]]) -> dict[str, set[int]]:
        """facts[p][n] is submission n's fact for partition p; for each rule that fired, the
        indexes n of the submissions whose facts satisfy its condition."""
        if len(facts) != len(self.handles):
            raise ValueError(f"expected facts for {len(self.handles)} partitions")
        count = len(facts[0])
        hits: dict[str, set[int]] = {}
        for start in range(0, count, BATCH_CAP):
            end = min(count, start + BATCH_CAP)
            sid = f"s{next(_sessions)}"
            with self._lock:
                for handle, part in zip(self.handles, facts, strict=True):
                    payload = _payload(sid, part[start:end], start)
                    only = start if end - start == 1 else None
                    if _fire(handle, sid, payload, hits, only) != end - start:
                        raise EngineError("durable_rules did not report every submission")
        return hits

    def joins(
        self, facts: Sequence[dict[str, Any]], legs: dict[str, tuple[str, ...]]
    ) -> dict[str, set[tuple[int, ...]]]:
        """Assert one contract's facts (each with its index "i") into one session per
        partition; for each multi-fact rule that fired, every combination of facts that
        satisfied it, as their indexes in the order of the rule's `legs`."""
        found: dict[str, set[tuple[int, ...]]] = {}
        if len(facts) > BATCH_CAP:
            raise ValueError(f"at most {BATCH_CAP} facts in one session")
        for handle in self.handles:
            sid = f"s{next(_sessions)}"
            payload = orjson.dumps([{**fact, "sid": sid} for fact in facts]).decode()
            with self._lock:
                seen = _fire_joins(handle, sid, payload, legs, found)
            if seen != len(facts):
                raise EngineError("durable_rules did not report every fact")
        return found

    def match(self, facts: Sequence[Sequence[dict[str, Any]]]) -> list[set[str]]:
        """For each submission, the names of the rules whose condition it satisfies."""
        fired: list[set[str]] = [set() for _ in range(len(facts[0]) if facts else 0)]
        for rule, indexes in self.hits(facts).items():
            for n in indexes:
                fired[n].add(rule)
        return fired


def _payload(sid: str, facts: Sequence[dict[str, Any]], first: int = 0) -> str:
    """The batch as JSON; each fact opens with its index (from `first`), as _FACT_INDEX
    expects.

    The index is also the fact's "id": durable_rules otherwise makes one for every fact by
    sorting and hashing all its properties, a tenth of its time here. "i" stays, since the
    catch-all must tell facts from the session's own state object, which has an id too.
    """
    head = f'"sid":"{sid}"'
    bodies = (orjson.dumps(fact).decode() for fact in facts)
    return (
        "["
        + ",".join(
            f'{{"i":{n},"id":{n},{head}' + ("," + body[1:] if len(body) > 2 else "}")
            for n, body in enumerate(bodies, first)
        )
        + "]"
    )


def _messages(handle: int, sid: str, payload: str) -> Generator[str, None, None]:
    """Assert a batch into a new session of one durable_rules ruleset and yield each action
    message; the session is deleted after, however it ends (use it with closing())."""
    try:
        result = _dre.assert_facts(handle, payload)
        if result[0] == _NOT_HANDLED:  # cannot happen: the catch-all matches every fact
            raise EngineError("a fact matched no rule, not even the catch-all")
        state = result[1]
        action = _dre.start_action_for_state(handle, state)
        message = action[1] if action else None
        while message:
            yield message
            message = _dre.complete_and_start_action(handle, state)
    except _dre.error as exc:
        raise EngineError(f"durable_rules failed: {exc}") from None
    finally:
        # Every session is deleted: live sessions fill a fixed table at 1,024.
        # Error 309 means no session was made: durable_rules could not read the batch.
        with contextlib.suppress(_dre.error):
            _dre.delete_state(handle, sid)


def _fire_joins(
    handle: int,
    sid: str,
    payload: str,
    legs: dict[str, tuple[str, ...]],
    found: dict[str, set[tuple[int, ...]]],
) -> int:
    """Like _fire, for a session of one contract: messages are parsed whole, since each
    match of a multi-fact rule names a fact per leg. Returns the facts the catch-all saw."""
    seen = 0
    with contextlib.closing(_messages(handle, sid, payload)) as messages:
        for message in messages:
            for rule, matches in orjson.loads(message).items():
                if rule == CATCH_ALL:
                    seen += len(matches)
                    continue
                names = legs[rule]
                found.setdefault(rule, set()).update(
                    tuple(match[name]["i"] for name in names) for match in matches
                )
    return seen


def _fire(
    handle: int, sid: str, payload: str, hits: dict[str, set[int]], only: int | None = None
) -> int:
    """Assert a batch into one durable_rules ruleset; add what fired to `hits`; count the
    facts seen. `only`: the index of a batch's one fact (one call at a time), which every
    message then names: the messages need no reading beyond their rule's name."""
    seen = 0
    with contextlib.closing(_messages(handle, sid, payload)) as messages:
        for message in messages:
            rule = message[2 : message.index('"', 2)]
            if rule == CATCH_ALL:
                seen += 1 if only is not None else message.count(_FACT_OPENING)
                continue
            indexes = hits.get(rule)
            if indexes is None:
                indexes = hits[rule] = set()
            if only is not None:
                indexes.add(only)
            else:
                indexes.update(map(int, _FACT_INDEX.findall(message)))  # iterated in C
    return seen
