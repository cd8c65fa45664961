"""A tender panel's records in the decision log's database: appended, read back in order,
never changed or deleted (there is no code here that could)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from probity.engine import PanelRecord as Record
from probity.store.log import DecisionLog, now
from probity.store.schema import panel_records


def append_all(log: DecisionLog, tender_id: str, records: list[Record]) -> bool:
    """Append records together, in one transaction: all, or (one already recorded) none."""
    insert = pg_insert if log.engine.dialect.name == "postgresql" else sqlite_insert
    stamp = now()

    def run(connection: Any) -> bool:
        for record in records:
            row = _row(tender_id, record, stamp)
            done = connection.execute(insert(panel_records).values(**row).on_conflict_do_nothing())
            if not done.rowcount:
                connection.rollback()
                return False
        return True

    return bool(log.write(run))


def _row(tender_id: str, record: Record, stamp: str) -> dict[str, Any]:
    return {
        "tender_id": tender_id,
        "kind": record.kind,
        "by_name": record.by,
        "by_role": record.role,
        "recorded_at": record.at or stamp,
        "submission_id": record.submission_id,
        "criterion": record.criterion,
        "evaluator": record.evaluator,
        "points": record.points,
        "conflict": int(record.conflict),
        "text": record.text,
        "evaluators": json.dumps(list(record.evaluators)),
        "divergence": record.divergence,
    }


def openings(log: DecisionLog) -> list[tuple[str, Record]]:
    """Each panel's opening record with its tender's id, newest first (one row a tender:
    few enough to filter by evaluator here rather than in JSON in SQL)."""
    statement = (
        select(panel_records)
        .where(panel_records.c.kind == "opened")
        .order_by(panel_records.c.seq.desc())
    )
    return [(row["tender_id"], _record(row)) for row in log.read(statement)]


def records(log: DecisionLog, tender_id: str) -> list[Record]:
    """Every record of a tender's panel, in the order they were appended."""
    statement = (
        select(panel_records)
        .where(panel_records.c.tender_id == tender_id)
        .order_by(panel_records.c.seq)
    )
    return [_record(row) for row in log.read(statement)]


def _record(row: Any) -> Record:
    return Record(
        kind=row["kind"],
        by=row["by_name"],
        role=row["by_role"],
        at=row["recorded_at"],
        submission_id=row["submission_id"],
        criterion=row["criterion"],
        evaluator=row["evaluator"],
        points=row["points"],
        conflict=bool(row["conflict"]),
        text=row["text"],
        evaluators=tuple(json.loads(row["evaluators"])),
        divergence=row["divergence"],
        seq=row["seq"],
    )
