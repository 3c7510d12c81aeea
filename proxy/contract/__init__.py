"""What a contract says, as data: models, selectors, compiled routes, settings, privacy policy.

The lowest layer: every other package reads these types; nothing here imports aiohttp, a codec, an
enforcement step or a store. ``models`` (vendor contracts), ``selectors`` (field paths and their
trie), ``routing`` (compiled routes and the one route matcher), ``settings`` (proxy.yaml),
``privacy_policy`` and ``subjects`` (the policy file and its data-subject selectors), ``secrets``
(the one secret reader).
"""
