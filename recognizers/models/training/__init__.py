"""How the shipped PII NER model is trained (`make model`); not part of the installed package."""
