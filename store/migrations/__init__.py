"""Alembic migrations of the decision log (run by store.log.DecisionLog on open)."""
