"""Event-loop responsiveness probe: times ``GET /_/healthz`` on the proxy every few milliseconds.

Runs in its own process with a blocking client, so its own timing does not depend on the load
generator's event loop. ``/_/healthz`` does no work; its latency is the time the proxy's event loop
needs to get to a new request, i.e. loop lag plus a little HTTP.

    python -m benchmarks.probe --port P --seconds S [--interval-ms 20]    prints JSON latencies
"""

from __future__ import annotations

import argparse
import http.client
import sys
import time

import orjson


def probe(port: int, seconds: float, interval_s: float) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", "/_/healthz")
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(max(0.0, interval_s - (time.perf_counter() - started)))
    connection.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--interval-ms", type=float, default=20.0)
    args = parser.parse_args()
    result = probe(args.port, args.seconds, args.interval_ms / 1000)
    sys.stdout.buffer.write(orjson.dumps(result) + b"\n")


if __name__ == "__main__":
    main()
