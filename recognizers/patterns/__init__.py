"""Our pattern recognizers, one per file, as Presidio groups its predefined recognizers.

Each finds one kind of value by its shape and, where it has one, its checksum or the words
around it (a label, a greeting, a key in a log line): street addresses, postcodes, phone
numbers, payment cards, IBANs, network addresses, user names, secrets and API keys, dates of
birth, ages, labeled document numbers (passports, driver licences, accounts), and person names
next to a cue. National identifiers live together in ``national_ids``. ``registry`` puts them
in the engine; the shared base classes are ``recognizers.base`` and ``context_gated_recognizer``.
"""
