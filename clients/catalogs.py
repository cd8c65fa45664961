"""BASIC results put back in the FULL shape on the client (codec.expansion does the
putting back): the client asks for BASIC (about a fifth of the bytes), so its callers always
read FULL results; a version's catalog is fetched once and kept by its digest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from probity.codec.expansion import Catalog, CatalogMismatch, expand, expand_contract
from probity.v1 import monitoring_pb2, result_pb2

__all__ = ["Catalog", "CatalogMismatch", "Catalogs", "expand", "expand_contract"]


class Catalogs:
    """Catalogs by digest, each fetched once (`fetch(ruleset_ref)` gets a ResultCatalog)."""

    def __init__(self, fetch: Callable[[result_pb2.RulesetRef], result_pb2.ResultCatalog]):
        self._fetch = fetch
        self._held: dict[str, Catalog] = {}
        self._lock = threading.Lock()

    def expand(self, result: result_pb2.Result) -> result_pb2.Result:
        """A BASIC `result` with its wording put back (see expand); the same message."""
        expand(result, self.of(result.ruleset))
        return result

    def expand_contract(
        self, result: monitoring_pb2.ContractResult
    ) -> monitoring_pb2.ContractResult:
        """A BASIC contract result with its wording put back; the same message."""
        expand_contract(result, self.of(result.ruleset))
        return result

    def of(self, ref: result_pb2.RulesetRef) -> Catalog:
        found = self._held.get(ref.digest)
        if found is None:
            found = Catalog.of(self._fetch(ref))
            if found.ruleset.digest != ref.digest:
                raise CatalogMismatch(
                    f"the server now holds {ref.id} {ref.version} with other text"
                    f" ({found.ruleset.digest[:12]}, not {ref.digest[:12]})"
                )
            with self._lock:
                self._held[ref.digest] = found
        return found


class Expanding:
    """A streaming call whose results come BASIC and are expanded as they are read."""

    def __init__(self, call: Any, catalogs: Catalogs, field: str) -> None:
        self._call = call
        self._catalogs = catalogs
        self._field = field

    def __iter__(self) -> Expanding:
        return self

    def __next__(self) -> Any:
        response = next(self._call)
        item = getattr(response, self._field) if self._field else response
        if item.HasField("result"):
            if isinstance(item.result, monitoring_pb2.ContractResult):
                self._catalogs.expand_contract(item.result)
            else:
                self._catalogs.expand(item.result)
        return response

    def __getattr__(self, name: str) -> Any:  # cancel(), code(), details(), ...
        return getattr(self._call, name)
