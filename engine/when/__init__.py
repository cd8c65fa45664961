"""The `when` language: grammar and parser, type checks against declared inputs, the safety
of `matches` patterns, three-valued truth over missing answers, and level reachability."""
