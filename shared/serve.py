"""Serving an ASGI app with uvicorn, ticking once a second instead of ten times.

uvicorn's server loop wakes every 0.1 s to refresh its Date header (which changes once a second)
and to look for a shutdown request. In an idle stack of seven HTTP processes those wake-ups were
a visible share of the idle CPU (bench/idle_cpu.py); once a second does the same work, and a
shutdown starts at most a second later."""

from __future__ import annotations

import asyncio

import uvicorn

TICK_SECONDS = 1.0


class QuietServer(uvicorn.Server):
    async def main_loop(self) -> None:
        # on_tick refreshes the headers when ``counter % 10 == 0``: every tick here is ten of uvicorn's.
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 10) % 864000
            await asyncio.sleep(TICK_SECONDS)
            should_exit = await self.on_tick(counter)


def serve(app_path: str, *, host: str, port: int) -> None:
    """``uvicorn.run(app_path, factory=True, …)`` with the quiet server loop."""
    config = uvicorn.Config(app_path, factory=True, host=host, port=port, log_config=None, access_log=False)
    QuietServer(config).run()
