"""The source library: the documents rule sets cite, and checking a quote against them."""
