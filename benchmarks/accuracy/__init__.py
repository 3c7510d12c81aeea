"""Accuracy benchmark of the detection engine: labeled corpus, evaluation, Markdown report.

Run ``python -m benchmarks.accuracy.run``; see ``REPORT.md`` for the latest figures.
"""
