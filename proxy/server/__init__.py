"""The running proxy: the app, the HTTP protocol, the admin listener, reload and listeners.

``app`` (builds the aiohttp app from a loaded config), ``protocol`` (HTTP parsing errors mapped
to safe answers), ``admin`` and ``policy_admin`` (the admin listener), ``reload`` (swap contracts
without a restart), ``listeners`` (start and stop every listener), ``loop`` and ``loop_lag``
(event-loop choice and its lag gauge).
"""
