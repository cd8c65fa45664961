"""The decision log's tables. Migrations (store/migrations/versions) create them; this module
is what the code reads and writes through, and a test checks the two agree."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# Every rule set version the service has loaded or published, by content digest.
ruleset_versions = Table(
    "ruleset_versions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("ruleset_id", String(200), nullable=False),
    Column("version", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("source_text", Text, nullable=False),
    # What its findings cite, as the compiler recorded it (engine.compiler.sources), JSON.
    Column("citations", Text, nullable=False, server_default=""),
    Column("file", String(500), nullable=False),
    # "loaded" from the rules folder at start or reload, or "published" through the API.
    Column("how", String(20), nullable=False),
    Column("by_name", String(200), nullable=False),  # the caller's token name, or "server"
    Column("by_role", String(20), nullable=False),
    Column("first_seen", String(32), nullable=False),  # ISO 8601 UTC, fixed width
    Index("ix_ruleset_versions_id_version", "ruleset_id", "version"),
)

# zstd dictionaries the evaluations' blobs are compressed with, one or more per rule set
# version (store.compression).
dictionaries = Table(
    "dictionaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ruleset_digest", String(64), ForeignKey("ruleset_versions.digest"), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", String(32), nullable=False),  # ISO 8601 UTC, fixed width
    Index("ix_dictionaries_digest", "ruleset_digest", "id"),
)


def _given(column: str) -> Index:
    """An index of the rows where an id is given: a tender's bids name no contract and a
    contract's checks no tender, so half the ids are empty, and never searched for. Queries
    say `<> ''` as written here, so that both databases use these indexes."""
    where = text(f"{column} <> ''")
    return Index(
        f"ix_evaluations_{column.removesuffix('_id')}",
        column,
        "seq",
        sqlite_where=where,
        postgresql_where=where,
    )


# One row per evaluation (a submission's result, or a contract's). `seq` orders them;
# (request_id, item) is unique, so a retried write never records one twice.
evaluations = Table(
    "evaluations",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("request_id", String(64), nullable=False),
    Column("item", Integer, nullable=False),
    Column("recorded_at", String(32), nullable=False),  # ISO 8601 UTC, fixed width
    Column("method", String(100), nullable=False),
    Column("caller_name", String(200), nullable=False),
    Column("caller_role", String(20), nullable=False),
    Column("kind", String(20), nullable=False),  # tender | monitoring
    Column("subject_id", String(200), nullable=False),  # submission id, or contract id
    Column("tender_id", String(200), nullable=False),
    Column("contract_id", String(200), nullable=False),
    Column("supplier_id", String(200), nullable=False),
    Column("ruleset_id", String(200), nullable=False),
    Column("ruleset_version", String(100), nullable=False),
    Column("ruleset_digest", String(64), ForeignKey("ruleset_versions.digest"), nullable=False),
    Column("submission", LargeBinary, nullable=False),  # the request item, as received
    Column("result", LargeBinary, nullable=False),  # the result, as sent to the caller
    # The view `result` is written in: "full" or "basic" (engine.evaluations.View).
    Column("view", String(10), nullable=False, server_default="full"),
    # The dictionary `submission` and `result` are compressed with; none: stored as they are.
    Column("dictionary", Integer, ForeignKey("dictionaries.id"), nullable=True),
    UniqueConstraint("request_id", "item", name="uq_evaluations_request_item"),
    *(_given(name) for name in ("tender_id", "contract_id", "supplier_id")),
    Index("ix_evaluations_ruleset", "ruleset_id", "seq"),
    # Rows are written in time order, so on PostgreSQL a block-range index serves time
    # ranges at a fraction of a B-tree's cost per insert (SQLite has only B-trees).
    Index("ix_evaluations_recorded_at", "recorded_at", postgresql_using="brin"),
)


# Results recorded but never handed to their caller: its stream ended (cancelled, or the
# caller gone) after they were recorded and before they were sent. Keyed as evaluations are.
undelivered = Table(
    "undelivered",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("item", Integer, primary_key=True),
    Column("noted_at", String(32), nullable=False),  # ISO 8601 UTC
)


# A tender's ranking as the caller received it (an EvaluateTenderResponse without the bids'
# results, which are evaluations under the same request id): the price scores and ranks a
# report of the tender is made from. One per tender call; a tender evaluated again is
# another row, and the newest is the tender's current ranking.
tenders = Table(
    "tenders",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("tender_id", String(200), nullable=False),
    Column("recorded_at", String(32), nullable=False),  # ISO 8601 UTC, fixed width
    Column("method", String(100), nullable=False),
    Column("caller_name", String(200), nullable=False),
    Column("caller_role", String(20), nullable=False),
    Column("ruleset_id", String(200), nullable=False),
    Column("ruleset_version", String(100), nullable=False),
    Column("ruleset_digest", String(64), ForeignKey("ruleset_versions.digest"), nullable=False),
    Column("bids", Integer, nullable=False),
    Column("ranking", LargeBinary, nullable=False),
    Index("ix_tenders_tender", "tender_id", "recorded_at"),
)


# Each time a version was made its rule set's active one: seeded from a rules folder into an
# empty store, or published. The newest row per rule set is its active version on every
# replica (engine.ruleset_store).
activations = Table(
    "activations",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("ruleset_id", String(200), nullable=False),
    Column("version", String(100), nullable=False),
    Column("digest", String(64), ForeignKey("ruleset_versions.digest"), nullable=False),
    Column("how", String(20), nullable=False),  # seeded | published
    Column("by_name", String(200), nullable=False),
    Column("by_role", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("activated_at", String(32), nullable=False),  # ISO 8601 UTC, fixed width
    Index("ix_activations_ruleset", "ruleset_id", "seq"),
)


# Each replica on this store, and the version of each rule set it serves, as it last said
# (every --sync-seconds): what shows that a publish has reached the whole fleet.
replicas = Table(
    "replicas",
    metadata,
    Column("replica", String(64), primary_key=True),
    Column("host", String(200), nullable=False),
    Column("started_at", String(32), nullable=False),  # ISO 8601 UTC
    Column("seen_at", String(32), nullable=False),  # ISO 8601 UTC
    Column("serving", Text, nullable=False),  # JSON: rule set id → [version, digest]
)


# A tender panel's records (engine.panel.records): appended, never changed or deleted. One
# row per step; the unique key makes each step happen once even when two replicas race
# (an evaluator's score of a criterion of a bid, a moderation, a declaration, ...).
panel_records = Table(
    "panel_records",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("tender_id", String(200), nullable=False),
    Column(
        "kind", String(20), nullable=False
    ),  # opened | declared | mitigated | scored | moderated
    Column("by_name", String(200), nullable=False),
    Column("by_role", String(20), nullable=False),
    Column("recorded_at", String(32), nullable=False),  # ISO 8601 UTC, fixed width
    Column("submission_id", String(200), nullable=False),
    Column("criterion", String(100), nullable=False),
    Column("evaluator", String(200), nullable=False),
    Column("points", Integer, nullable=False),
    Column("conflict", Integer, nullable=False),  # 0 or 1
    Column("text", Text, nullable=False),
    Column("evaluators", Text, nullable=False),  # JSON list, for `opened`
    Column("divergence", Integer, nullable=False),
    UniqueConstraint(
        "tender_id",
        "kind",
        "by_name",
        "submission_id",
        "criterion",
        "evaluator",
        name="uq_panel_records_step",
    ),
    Index("ix_panel_records_tender", "tender_id", "seq"),
)
