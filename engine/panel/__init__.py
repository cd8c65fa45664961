"""The evaluation panel: the append-only records of a tender's panel (who was appointed,
who declared what conflict of interest, how a conflict was mitigated, each evaluator's
scores and the lead's moderation), and the rules they are read by (records.py,
state.py). No transport and no database: the service appends and reads the records, and
asks the state what each person may do next."""
