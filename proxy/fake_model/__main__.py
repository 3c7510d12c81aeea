"""``python -m proxy.fake_model --port 9400``: the fake model as a process (demo, benchmark).

Prints one JSON line ``{"message": "ready", "url": ...}`` on stdout once it serves, and runs
until SIGINT or SIGTERM. It keeps no record of requests unless ``--record`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from proxy.fake_model.server import FakeModel


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m proxy.fake_model", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9400, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--answer-tokens", type=int, default=40)
    parser.add_argument("--first-token-ms", type=float, default=0.0)
    parser.add_argument("--chunk-ms", type=float, default=0.0)
    parser.add_argument("--record", action="store_true", help="keep every request in memory")
    return parser.parse_args(argv)


async def serve(options: argparse.Namespace) -> None:
    fake = FakeModel(seed=options.seed, first_token_ms=options.first_token_ms,
                     chunk_ms=options.chunk_ms, answer_tokens=options.answer_tokens,
                     record=options.record)
    await fake.start(options.host, options.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(json.dumps({"message": "ready", "url": f"http://{options.host}:{fake.port}"}),
          flush=True)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> int:
    asyncio.run(serve(arguments(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
