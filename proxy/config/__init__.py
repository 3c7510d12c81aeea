"""Loading a contract directory: read, validate, compile, and say what is wrong in one format.

``files`` (YAML reading and located validation errors), ``compile`` (a contract to its compiled
routes, checked against the codecs and header rules below), ``stream_checks`` (``stream:``
options), ``partners`` (partner contracts, loaded by the same directory loader as vendors),
``loader`` (the one ``load_config``), ``schema`` (the JSON Schema the contract models
publish), ``problems`` (``load_or_report`` and the exit code every
command uses for an invalid configuration).
"""
