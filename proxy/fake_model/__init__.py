"""A fake LLM vendor for tests, the demo and the benchmark.

The proxy rewrites what goes to a model (placeholders such as ``<PERSON_0a1b2c3d>`` instead of
personal data) and what comes back (the placeholders turned back into the data), in whole
answers and in streams cut at any byte. Testing that against a real vendor is slow, costly and
not repeatable; this server speaks the wire formats the official ``openai`` and ``anthropic``
SDKs parse, echoes every placeholder of the prompt into its answer and tool calls, cuts streams
at random (seeded) offsets, and records exactly what it received.

Modules: ``core`` (the record, the knobs, the planned answer, pacing), ``chat``, ``responses``,
``messages``, ``embeddings`` (one API each), ``server`` (the app, ``FakeModel``), ``__main__``
(``python -m proxy.fake_model --port 9400``).

Request headers: ``x-fake-answer-tokens: N`` (answer length in words, default 40),
``x-fake-seed`` (stream cuts), ``x-fake-tool-call: NAME`` (answer with a call of that declared
tool), ``x-fake-thinking: 1`` (Anthropic: a thinking block first), ``x-fake-invent: 1`` (add a
placeholder the prompt did not have), ``x-fake-first-token-ms``, ``x-fake-chunk-ms`` (pacing),
``x-fake-status: 500`` (answer that error in the API's error shape).
"""

from proxy.fake_model.core import PLACEHOLDER, Received
from proxy.fake_model.server import FakeModel, running_fake_model

__all__ = ["PLACEHOLDER", "FakeModel", "Received", "running_fake_model"]
