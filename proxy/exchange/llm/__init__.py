"""Model APIs as vendors: the route's ``llm:`` section (proxy.contract.models.LlmSpec).

A prompt passes by the route's selectors like any JSON body (default deny); ``placeholder``
rules put deterministic placeholders where detection finds personal data. This package adds
what needs knowledge of the API:

- ``shapes``: the request's content parts and inputs, checked before minimization: a part type
  the API does not define, or input given as token ids, is refused (nothing is sent); media
  parts are dropped or kept per the contract.
- ``answers``: a whole (JSON) answer has the scope's placeholders restored in every string,
  tool-call arguments as JSON, signed thinking blocks untouched.
- ``events`` and its per-API rewriters: a streamed answer is restored as it arrives, holding
  back only a tail that could still become a placeholder; tool-call arguments are held until
  the call is complete.
- ``exchange``: one exchange: book, checks, detection, store, upstream, answer.
"""
