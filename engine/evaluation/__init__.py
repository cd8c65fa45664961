"""Evaluate submissions against a compiled rule set: validate the answers, build the facts,
match them in durable_rules, score the findings, build the result."""
