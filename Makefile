# Everyday tasks, one short name each. `make help` lists them.
# The README's two commands stay the entry points: ./bot/run.sh and ./bot/test.sh.
SHELL := /bin/bash
PY := .venv/bin/python
COMMON := source bot/common.sh
UNIT := -m "not e2e and not browser and not scaleout" -n auto --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help install train validate run shell lint types check test-unit test-e2e test-scaleout test eval eval-retrieval bench bench-scaleout profile load-test audit prod-up prod-down

help:  ## list the tasks
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

install:  ## create .venv, install the pinned dependencies and Debian's chromium (browser tests)
	@$(COMMON); ensure_venv; ensure_chromium

train: install  ## train the Rasa model if its inputs changed
	@$(COMMON); ensure_model

validate: install  ## rasa data validate (bare, at the root), failing on unexpected warnings
	@$(COMMON); "$$PY" -m bot.tools.validate

run:  ## set up, train if needed and serve (same as ./bot/run.sh)
	@./bot/run.sh

shell:  ## chat in the terminal with rasa shell (needs `make run` in another terminal)
	@./bot/shell.sh

lint: install  ## ruff (lint and format check) and the import-direction contracts
	@$(COMMON); run_lint

types: install  ## mypy (strict on the knowledge core)
	@$(COMMON); "$$PY" -m mypy

check: lint types validate  ## every check that runs before the tests

test-unit: install  ## the fast tier: no trained model, no server, no browser (about 2 minutes)
	@$(COMMON); "$$PY" -m pytest $(UNIT)

test-e2e: train  ## the end-to-end and browser tiers against the real stack
	@$(COMMON); "$$PY" -m pytest -m "e2e or browser" -n 2 --dist loadfile

test-scaleout: install  ## the production profile's tests (installs and starts PostgreSQL, Redis, nginx, 2+2 servers)
	@$(COMMON); "$$PY" -m pytest -m scaleout

prod-up:  ## the production profile: PostgreSQL, Redis, nginx, two Rasa and two action servers (:8080)
	@./bot/deploy/up.sh

prod-down:  ## stop everything prod-up started (the data in var/prod stays)
	@./bot/deploy/down.sh

test:  ## the whole suite in order: checks, unit, train, end to end (same as ./bot/test.sh)
	@./bot/test.sh

eval: install  ## safety triage figures on the held-out set (recall per category, false positives)
	@$(COMMON); for part in tests/safety/heldout*.yml; do echo "== $$part"; "$$PY" -m bot.tools.evaluate_safety "$$part"; done

eval-retrieval: install  ## retrieval top-1/top-3 per topic on the held-out set, with the method comparison
	@$(COMMON); "$$PY" -m bot.tools.evaluate_retrieval tests/retrieval/heldout.yml --compare

# Extra options: make bench BENCH_ARGS="--skip-training --rounds 2" (python -m bot.tools.bench --help).
bench: train  ## ours vs a stock `rasa init` assistant, same run: results/bench/ (JSON, Markdown, PNG)
	@$(COMMON); "$$PY" -m bot.tools.bench $(BENCH_ARGS)

profile: train  ## where a message's time goes, stage by stage (results/bench/stages.json)
	@$(COMMON); "$$PY" -m bot.tools.profile_stages

# Extra options: make load-test LOAD_ARGS="--messages 1000 --ports 5400-5499" (python -m bot.tools.load_test --help).
bench-scaleout: train  ## the production profile beside the single server at 16 and 64 conversations (results/bench/scaleout.*)
	@$(COMMON); ./bot/deploy/install.sh && "$$PY" -m bot.tools.bench.scaleout $(BENCH_ARGS)

load-test: train  ## 5,000 messages over 64 concurrent conversations, every tracker checked (results/load/)
	@$(COMMON); "$$PY" -m bot.tools.load_test $(LOAD_ARGS)

audit:  ## pip-audit of requirements.lock against PyPI's advisories (needs the network: not run by .ci/run, which cannot reach an advisory service)
	@$(COMMON); run_audit
