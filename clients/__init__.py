"""Probity's clients: the `probity` command line (and, with the service, the gRPC client)."""
