from tests.server.conftest import client, open_server  # noqa: F401 - shared server fixtures
