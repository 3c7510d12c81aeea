"""Commands: ``python -m proxy serve|check|explain|suggest|schema|policy ...`` and the demo.

``cli`` (the commands and the one ``serve`` lifecycle), ``policy_cli``, ``explain`` (what a
vendor would receive for a payload), ``suggest`` (a first contract from traffic), ``demo``
(``make demo``: the proxy, a demo vendor and sample calls) and ``demo_view`` (its side-by-side
terminal view).
"""
