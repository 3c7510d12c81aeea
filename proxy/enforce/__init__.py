"""What the proxy does to a message, without any I/O: minimize, transform, redact, report.

``minimize`` (default deny over a parsed body), ``transforms`` (keep, hash, generalize,
pseudonymize...), ``headers``, ``cookies``, ``path_params`` (the other carriers), ``redaction``
(applies detected spans), ``report`` (what was done to one message, counts and paths only).
No module here imports aiohttp or a store.
"""
