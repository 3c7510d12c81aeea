# Two commands for a newcomer: `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install check clean model browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The data map's browser tests (tests/functional/test_datamap_browser_functional.py) drive the
# distribution's Chromium and chromedriver with selenium. Installed only when missing and only
# where apt-get exists (as root, or with sudo); when it cannot be done the tests fail and say so.
SUDO := $(shell if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)
browser:
	@if command -v chromedriver >/dev/null 2>&1 && { command -v chromium >/dev/null 2>&1 || \
		command -v chromium-browser >/dev/null 2>&1; }; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver (browser tests of the data map)"; \
		{ $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install \
			-y -qq chromium chromium-driver >/dev/null; } || \
		echo "could not install chromium: the browser tests will fail"; \
	else echo "no chromium, no apt-get: install Chromium and chromedriver for the browser tests"; \
	fi

install: $(STAMP) browser

demo: $(STAMP)
	$(BIN)/python -m proxy.tools.demo --config config

# lint-imports: the packages of proxy/ import only downward, without cycles (pyproject.toml).
test: $(STAMP) browser
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# Retrain the shipped PII NER model (recognizers/models/pii_ner) from fixed seeds: the synthetic
# corpus, its spaCy docs (with the small model's silver labels), `spacy train`, then the model is
# copied in place with its sample scores. Takes about 30 minutes on this project's
# 2-core machines. Check benchmarks/accuracy/REPORT.md (python -m benchmarks.accuracy.run) after.
MODEL_WORK := build/pii_ner
model: $(STAMP)
	$(BIN)/python -m benchmarks.accuracy.synthetic --out $(MODEL_WORK)/corpus
	$(BIN)/python -m recognizers.models.training.build_docs --out $(MODEL_WORK)/docs \
		--train $(MODEL_WORK)/corpus/train.jsonl --dev $(MODEL_WORK)/corpus/dev.jsonl
	$(BIN)/python -m spacy train recognizers/models/training/config.cfg \
		--code recognizers/models/training/callbacks.py --output $(MODEL_WORK)/out \
		--paths.train $(MODEL_WORK)/docs/train.spacy --paths.dev $(MODEL_WORK)/docs/dev.spacy
	$(BIN)/python -m recognizers.models.training.package $(MODEL_WORK)/out/model-last

check: $(STAMP)
	$(BIN)/python -m proxy check --config config

clean:
	rm -rf $(VENV) .pytest_cache
