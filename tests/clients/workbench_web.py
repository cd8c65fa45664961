"""The workbench served by uvicorn in a thread of the test process, on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from probity.clients.workbench.site import Config, create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(config: Config, log_level: str = "warning") -> Iterator[str]:
    """The workbench over `config`, as "127.0.0.1:port", until the block ends."""
    port = free_port()
    web = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level=log_level)
    )
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not web.started:
        assert time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=30)
