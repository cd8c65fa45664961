from tests.server.conftest import (  # noqa: F401 - client, open_server: shared fixtures
    client,
    open_server,
)
