# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1
# One BLAS thread per process: a message is small, and on 2 cores the servers'
# threads would only fight each other (measured: 40 ms per MiniLM call under load
# with threads, far less without).
export OPENBLAS_NUM_THREADS := 1

TRAIN_INPUTS := config.yml domain.yml $(shell find data content -type f -name '*.yml') bot/rasa_files.py \
  $(wildcard bot/nlu/*.py)
MODEL := models/current.tar.gz

.PHONY: run test install build validate train lint-content nlu-eval safety-eval stories live clean

## make run: install if needed, train if needed, start the action server, Rasa and
## the chat page (which also serves the advocates' scripts, built when content changes).
run: install $(MODEL) build/scripts/index.html
	bash scripts/run.sh

SCRIPT_INPUTS := $(shell find content bot/scripts -type f) bot/render.py
build/scripts/index.html: $(SCRIPT_INPUTS) | install
	$(PY) -m bot.scripts

## make test: install if needed, then the whole suite.
test: install
	bash scripts/test.sh

install: $(VENV)/.lock-sha
$(VENV)/.lock-sha: requirements/lock.txt scripts/install.sh
	bash scripts/install.sh

build: install
	$(PY) -m bot.rasa_files

validate: build
	$(RASA) data validate --domain build/domain --data data build/data --config config.yml --fail-on-warnings

train: $(MODEL)
$(MODEL): $(TRAIN_INPUTS) | install
	bash scripts/train.sh

## make lint-content: check every item and service (also run by `make test`, which
## checks reviews as of the newest commit's day: LINT_AS_OF=YYYY-MM-DD).
lint-content: install
	$(PY) -m bot.lint $(if $(LINT_AS_OF),--today $(LINT_AS_OF))

## make content-report: every item's reading grade, words, review date, sources and
## channels, and every service's areas and checks, as build/content-report.html.
.PHONY: content-report
content-report: install
	$(PY) -m bot.content_report

## make safety-eval: recall per class and false alarms on both safety sets, through the model.
safety-eval: $(MODEL)
	$(PY) scripts/safety_eval.py --gate

## The held-out NLU evaluation (prints accuracy per intent and overall).
nlu-eval: $(MODEL)
	$(PY) scripts/nlu_eval.py

## Conversation tests: story walks through the trained model.
stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories --out build/results/stories --fail-on-prediction-errors

## make scripts: advocates' visit scripts and the rights card, HTML and PDF, in build/scripts/.
.PHONY: scripts
scripts: install
	bash scripts/install-pdf.sh
	$(PY) -m bot.scripts

## make purge: delete conversations idle longer than RETENTION_DAYS (default 30).
## The running server also does this once a day.
.PHONY: purge usage-report
purge: install
	$(PY) -m bot.purge

## make usage-report: counts per day (no text, no senders) as build/usage-report.html.
usage-report: install
	$(PY) -m bot.privacy.usage_report

## make install-browser-tests: Debian's Chromium, Playwright and axe-core for tests/browser.
.PHONY: install-browser-tests
install-browser-tests: install
	bash scripts/install-browser-tests.sh

## make run-cluster: PostgreSQL, Redis, the action server, two Rasa servers and nginx on
## 127.0.0.1:5005 (the chat page on :8080), installing what is missing from Debian's
## packages. Instead of `make run`, not beside it. Ctrl-C stops everything.
.PHONY: run-cluster test-cluster bench
run-cluster: install $(MODEL)
	bash scripts/cluster/install.sh
	$(PY) scripts/cluster/cluster.py run

## make test-cluster: the lock store against Redis, then the failover test (a Rasa server
## killed and PostgreSQL restarted under 20 conversations); prints the counts.
test-cluster: install $(MODEL)
	bash scripts/cluster/install.sh
	$(PY) -m pytest -q -p no:cacheprovider tests/cluster
	$(PY) tests/cluster/failover.py

## make bench: latency, throughput, memory, start and train times beside `rasa init`'s
## starter bot, measured in the same run (docs/performance.md). Takes about 25 minutes.
bench: install $(MODEL)
	bash scripts/cluster/install.sh
	$(PY) benchmarks/run.py

clean:
	rm -rf build models .rasa var
