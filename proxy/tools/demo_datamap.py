"""The demo's data map: the admin listener with ``/datamap`` next to the demo proxy.

``make demo`` tells the newcomer the URL and the token; the page shows the sample contracts'
records of processing and its counters move as the demo sends traffic (it refreshes itself
every few seconds). The token is ``PROXY_ADMIN_TOKEN`` when set, else a random one per run.
"""

from __future__ import annotations

import os
import secrets

from aiohttp import web

from proxy.config.loader import LoadedConfig
from proxy.server.admin import AdminState, build_admin_app
from proxy.server.app import METRICS_KEY
from proxy.tools.demo_view import Style, say

TOKEN_ENV = "PROXY_ADMIN_TOKEN"
DEFAULT_PORT = 9901


async def start_datamap(app: web.Application, config: LoadedConfig, detector: object,
                        port: int, style: Style) -> web.AppRunner:
    """Serve the admin app of the demo proxy ``app`` on 127.0.0.1 (a free port if ``port`` is
    taken) and say where the data map is and with which token."""
    token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(18)
    state = AdminState(metrics=app[METRICS_KEY], detector=detector, config=config,
                       token=token.encode())
    runner = web.AppRunner(build_admin_app(state), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
    except OSError:  # the default port is in use: any free one will do for a demo
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    bound = int(runner.addresses[0][1])
    say(style(f"data map (records of processing, live counters): http://127.0.0.1:{bound}"
              f"/datamap  admin token: {token}", "green", "bold"))
    say(style("  open it in a browser and paste the token; it refreshes every 5 s as the demo "
              "sends traffic (exports: /datamap.csv, /datamap.json)", "dim"))
    say()
    return runner
