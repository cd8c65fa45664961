"""The workbench: policy officers edit, check and publish rule sets in the browser
(`probity workbench`). Server-rendered pages (Starlette, Jinja2) over the Python client, so it
works the same against one server or a fleet behind a balancer; every action carries the
signed-in user's own token, so the server's log says who did what."""
