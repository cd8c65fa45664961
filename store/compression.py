"""Compress what the decision log stores: zstd with a dictionary per rule set version.

A result repeats its rule set's wording (titles, explanations, policy quotes): about 20 kB
that zstd alone shrinks only threefold, at a cost the service pays on every write. Trained
on a few hundred of one version's own submissions and results, a dictionary makes each one
compress about thirtyfold in a fraction of the time, so the database writes a few hundred
bytes per evaluation instead of 20 kB.

A version's first few hundred evaluations are stored as they are and kept as samples; a
dictionary is then trained from them in the background, stored in the log, and used from
then on. A row names the dictionary its blobs were compressed with (none: stored as is), so
every row reads back byte for byte, whichever process wrote it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
import zstandard

_log = structlog.get_logger("probity.store")

# Blobs (a submission and a result per evaluation) to train a version's dictionary on.
SAMPLES = 512
DICTIONARY_SIZE = 64 * 1024
# Level 1: the fastest level, on the service's critical path; with a dictionary it already
# shrinks a result about thirtyfold.
LEVEL = 1


@dataclass(frozen=True)
class Dictionary:
    id: int
    data: bytes


@dataclass
class _Version:
    """Compression for one rule set version: samples until its dictionary is ready."""

    samples: list[bytes | bytearray | memoryview] = field(default_factory=list)
    training: bool = False
    dictionary: Dictionary | None = None


class _PerThread(threading.local):
    """zstd's compressor and decompressor objects are not thread-safe: each thread has its
    own, made from dictionaries shared by all (their tables are built once)."""

    def __init__(self) -> None:
        self.compressors: dict[int, zstandard.ZstdCompressor] = {}
        self.decompressors: dict[int, zstandard.ZstdDecompressor] = {}


class Compressor:
    """Compresses blobs per rule set version and decompresses them by dictionary id.

    The log supplies three calls to the database: `existing(digest)`, a dictionary it
    already holds for a version (a restarted service reuses it); `store(digest, data)`,
    which records a new one and returns its id; and `load(id)`, a dictionary's bytes.
    """

    def __init__(
        self,
        existing: Callable[[str], Dictionary | None],
        store: Callable[[str, bytes], int],
        load: Callable[[int], bytes],
    ) -> None:
        self._existing = existing
        self._store = store
        self._load = load
        self._versions: dict[str, _Version] = {}
        self._lock = threading.Lock()
        self._shared: dict[int, zstandard.ZstdCompressionDict] = {}
        self._mine = _PerThread()

    def compress(
        self, digest: str, blobs: tuple[bytes, ...]
    ) -> tuple[tuple[bytes, ...], int | None]:
        """The blobs as stored, and the id of the dictionary they were compressed with (None:
        stored as they are, while the version's dictionary is still to be made)."""
        dictionary = self._dictionary_for(digest, blobs)
        if dictionary is None:
            return blobs, None
        compressor = self._mine.compressors.get(dictionary.id)
        if compressor is None:
            shared = self._shared_dictionary(dictionary.id, dictionary.data)
            compressor = zstandard.ZstdCompressor(dict_data=shared, write_checksum=False)
            self._mine.compressors[dictionary.id] = compressor
        return tuple(compressor.compress(blob) for blob in blobs), dictionary.id

    def decompress(self, blob: bytes, dictionary_id: int | None) -> bytes:
        if dictionary_id is None:
            return blob
        decompressor = self._mine.decompressors.get(dictionary_id)
        if decompressor is None:
            shared = self._shared_dictionary(dictionary_id, None)
            decompressor = zstandard.ZstdDecompressor(dict_data=shared)
            self._mine.decompressors[dictionary_id] = decompressor
        data: bytes = decompressor.decompress(blob)
        return data

    # -- dictionaries ----------------------------------------------------------------------
    def _dictionary_for(self, digest: str, blobs: tuple[bytes, ...]) -> Dictionary | None:
        version = self._versions.get(digest)
        if version is not None and version.dictionary is not None:
            return version.dictionary  # the hot path: no lock
        with self._lock:
            version = self._versions.get(digest)
            if version is None:
                version = _Version(dictionary=self._existing(digest))
                self._versions[digest] = version
            if version.dictionary is not None:
                return version.dictionary
            if len(version.samples) < SAMPLES:
                version.samples.extend(blobs)
            elif not version.training:
                version.training = True
                samples, version.samples = version.samples, []
                threading.Thread(
                    target=self._train,
                    args=(digest, version, samples),
                    daemon=True,
                    name="probity-dictionary",
                ).start()
        return None

    def _train(
        self, digest: str, version: _Version, samples: list[bytes | bytearray | memoryview]
    ) -> None:
        """Train, store, then use, in that order: no row names a dictionary not stored."""
        try:
            data = zstandard.train_dictionary(DICTIONARY_SIZE, samples, level=LEVEL).as_bytes()
            dictionary = Dictionary(self._store(digest, data), data)
        except Exception as exc:  # an optimisation only: store as is, and try again later
            _log.warning("no compression dictionary yet", digest=digest, reason=str(exc))
            version.training = False
            return
        self._shared_dictionary(dictionary.id, data)
        version.dictionary = dictionary
        _log.info("compression dictionary ready", digest=digest, dictionary=dictionary.id)

    def _shared_dictionary(
        self, dictionary_id: int, data: bytes | None
    ) -> zstandard.ZstdCompressionDict:
        shared = self._shared.get(dictionary_id)
        if shared is None:
            shared = zstandard.ZstdCompressionDict(
                data if data is not None else self._load(dictionary_id)
            )
            shared.precompute_compress(level=LEVEL)
            self._shared[dictionary_id] = shared
        return shared
