"""The decision log: every evaluation and every rule set version, in SQLite or PostgreSQL.

One schema (store.schema), managed by Alembic migrations (store/migrations), written and read
through SQLAlchemy Core (store.log). Knows nothing of gRPC or of how results are made: it
keeps the bytes it is given.
"""
