"""Model API benchmark: a streamed chat completion through the proxy vs straight to the vendor.

    .venv/bin/python -m benchmarks.llm --out benchmarks/out     (about 4.5 minutes)

A 2,000-token support-ticket prompt with 20 personal data values goes to the OpenAI chat route
(``config/vendors/openai.yaml``) with ``stream: true``; the fake vendor (``proxy.fake_model``)
streams a ~500-token answer that echoes the prompt's placeholders. Measured side by side in one
run: time to first token (TTFT) direct and through the proxy (the added milliseconds include
detecting the prompt) for new conversations at concurrency 1 and 8 and for their next turn at
8, deltas per second after the first token, the fixed cost of a one-line prompt, and on the
same requests that the vendor got no value and the caller got every value back and no
placeholder. ``--render-only`` writes the report again from ``llm.json``.

Modules: ``prompt`` (the prompt and its values), ``fake`` (the fake vendor as a recording
process), ``client`` (streamed requests, SSE timing), ``core`` (phases and checks),
``figures`` (percentiles, checks, targets), ``breakdown`` (the detector alone on the prompt),
``report`` (``LLM.md``, ``llm.json``), ``run`` (the processes, the command line).
"""
