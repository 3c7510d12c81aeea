"""What the proxy tells operators: audit records, the audit trail, metrics and logs.

``audit`` (records and sinks, never values), ``audit_trail`` (the write-ahead audit: an intent
before a request leaves, a record when it ends), ``audit_reconcile`` (intents without
completions after a crash),
``metrics`` (Prometheus, a registry per app), ``logs`` (structured log lines without values).
"""
