"""Check a contract's monitoring returns: the series of returns as sent, the multi-fact
matching across periods, the breaches, ratings and the contract's result."""
