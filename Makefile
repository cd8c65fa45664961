# Three targets that work on a fresh machine: install, run, test (plus bench, lint).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run workbench test bench lint proto postgres documents browser balancer fuzz bytecode
# apt-get needs root; use sudo when not root and sudo is there.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

$(BIN)/probity: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,tracing]'
	touch $(BIN)/probity

# buf (lint for proto/) and axe-core (accessibility checks of the workbench in the browser)
# ship in npm packages; the tests run them. One install, so that neither prunes the other.
BUF := .tools/node_modules/.bin/buf
AXE := .tools/node_modules/axe-core/axe.min.js
$(BUF) $(AXE):
	npm install --prefix .tools --no-save --silent @bufbuild/buf@1.75.0 axe-core@4.14.1

install: $(BIN)/probity $(BUF) $(AXE) documents bytecode

# Our modules byte-compiled ahead, as pip does for an installed package (not for an editable
# one): where Python writes no bytecode itself (PYTHONDONTWRITEBYTECODE, as on CI), every
# process would compile them again at each start: the server, its checker and each worker,
# about 0.3 CPU-seconds apiece. Quick when nothing changed.
bytecode: $(BIN)/probity
	$(BIN)/python -m compileall -q engine codec server clients store reports proto benchmarks tests >/dev/null


# The main job: the gRPC service on 127.0.0.1:50051 with the shipped rule sets (needs no npm).
run: $(BIN)/probity bytecode
	$(BIN)/probity serve --rules rules

# The workbench in the browser (http://127.0.0.1:8080), over the server `make run` starts.
workbench: $(BIN)/probity
	$(BIN)/probity workbench --server 127.0.0.1:50051

# Regenerate the probity.v1 Python code after editing proto/probity/v1/*.proto.
proto: $(BIN)/probity
	$(BIN)/python proto/generate.py

# The decision-log tests run on PostgreSQL too: its server comes from Debian's packages
# (the tests start and stop their own cluster on a loopback port).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing PostgreSQL from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

# PDF reports: WeasyPrint's text layout (Pango) and a font, from Debian's packages; the tests
# render PDF pages to images with poppler's pdftoppm.
documents:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && command -v pdftoppm >/dev/null && test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } || { \
	  echo "installing Pango, DejaVu fonts and poppler-utils from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils >/dev/null; }

# Reports are tested as a person sees them: in Debian's Chromium, driven by chromedriver.
browser:
	@{ command -v chromium >/dev/null && command -v chromedriver >/dev/null; } || { \
	  echo "installing chromium and chromium-driver from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver >/dev/null; }

# The fleet test puts a gRPC load balancer in front of three replicas: nginx, from Debian's
# packages (the test starts and stops its own, with deploy/nginx.conf).
balancer:
	@{ command -v nginx >/dev/null || test -x /usr/sbin/nginx; } || { \
	  echo "installing nginx from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; }

test: install postgres browser balancer
	$(BIN)/ruff check engine codec clients server store reports proto tests benchmarks
	$(BIN)/mypy
	$(BIN)/probity check rules/
	PROBITY_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest

# The fuzzers at full size (100,000 submissions, 10,000 rule files; `make test` runs a few
# thousand cases): prints the count of each outcome class, and fails on any bad one.
fuzz: install
	PROBITY_FUZZ=full $(BIN)/python -m pytest tests/fuzz -s -p no:cacheprovider --timeout=14400

bench: install
	PROBITY_BENCH_README=README.md $(BIN)/python -m pytest benchmarks -s -p no:cacheprovider --benchmark-columns=min,median,ops --timeout=3600

lint: install
	$(BIN)/ruff check engine codec clients server store reports proto tests benchmarks
	$(BIN)/mypy
