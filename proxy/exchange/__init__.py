"""One exchange between a caller and a vendor (or a partner and our API).

``handler`` (the aiohttp handler: route, check, forward, answer), ``steps`` (the public steps
both body modes use: head checks, detect, credentials, upstream headers, ``error_answer``),
``upstream`` (the client to the vendor), ``credentials`` (what the proxy injects), ``partner``
(partner identity and its app), ``streaming`` (the streamed-body mode, record by record).
"""
