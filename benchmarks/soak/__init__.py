"""Soak and chaos harness: the proxy under a realistic mix at 70 % of its measured redacting
capacity for 30 minutes, with faults injected on a schedule, checked and reported.

Why: a proxy that passes every functional test can still leak memory or descriptors, stall its
event loop, or fail to come back after a worker, Redis or the audit disk fails. Run it with
``python -m benchmarks.soak`` (see ``benchmarks.soak.run``); loopback only, bounded in time.
"""
