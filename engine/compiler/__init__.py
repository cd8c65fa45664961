"""Rule file → validated model → compiled rule set, every problem at file:line:col.

The YAML source map, the rule-file model, the compile stages (structure, inputs, then the
tender or monitoring stage), conditions in durable_rules' language and their partitions.
"""
