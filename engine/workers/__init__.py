"""The worker runtime: evaluation in spawned processes (the pool), so a durable_rules crash
never takes the caller down, and results handed back through shared memory."""
