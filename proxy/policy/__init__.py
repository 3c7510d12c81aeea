"""The privacy policy at run time: who may be sent where, and the stores that remember it.

``gate`` (opt-outs, erasure, minors and transfers applied to one exchange), ``consent`` and
``ledger`` (what data subjects asked and what was disclosed), ``vault`` (the encrypted token
vault), ``stores`` (SQLite embedded or Redis shared), ``runtime`` (opens them for a policy file).
"""
