"""`python -m probity`: the same command line as `probity`."""

from probity.clients.cli import main

raise SystemExit(main())
