"""National identifiers with their checksums: US SSN, UK NINO, Dutch BSN, French NIR, Spanish
NIF/NIE and the German tax id. ``recognizers.custom`` reuses the checksums for contract-defined
recognizers."""
