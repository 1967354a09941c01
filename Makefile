# reloader: the one entry point for building, testing and running (CI runs `make test`).
SHELL := /bin/bash
SWIFT ?= swift
CERT_DIR ?= certs
APT_PACKAGES := libssl-dev libcurl4-openssl-dev libnghttp2-dev pkg-config curl openssl python3 python3-venv
BENCH_PACKAGES := nghttp2-client nginx-light golang-go
# The official Kubernetes Python client, in a venv of its own, for Tests/python (a second real client after kubectl).
PYTHON ?= /usr/bin/python3
KUBE_VENV := .venv-kube
KUBE_PY_CLIENT := 37.0.2
KUBE_VENV_STAMP := $(KUBE_VENV)/.kubernetes-$(KUBE_PY_CLIENT)

.PHONY: deps bench-deps pyenv build release test integration run certs bench fuzz soak lint format clean flag-reference

# Installs the system packages the build and tests need, only when one is missing (a fast no-op otherwise).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

bench-deps: deps
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

# Creates .venv-kube/ with the pinned `kubernetes` client; a no-op once its stamp file exists (a new pin reinstalls).
pyenv: $(KUBE_VENV_STAMP)

$(KUBE_VENV_STAMP): | deps
	@echo "creating $(KUBE_VENV) with kubernetes==$(KUBE_PY_CLIENT)"
	@rm -rf $(KUBE_VENV) && $(PYTHON) -m venv $(KUBE_VENV)
	@$(KUBE_VENV)/bin/pip install --quiet --disable-pip-version-check kubernetes==$(KUBE_PY_CLIENT)
	@touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Unit and integration tests (integration tests use loopback sockets, curl, kubectl, the Python client in
# .venv-kube and generated certificates).
test: deps pyenv
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

integration: deps pyenv
	$(SWIFT) test --filter IntegrationTests

# Rewrites the README's flag tables from ConfigurationFlag (+Reference.swift); a test fails while they differ.
flag-reference: deps
	$(SWIFT) build --build-tests
	UPDATE_FLAG_REFERENCE=1 $(SWIFT) test --skip-build --filter ConfigurationFlagReferenceTests

certs: deps
	@scripts/gen-certs.sh $(CERT_DIR)

run: build
	@[ -f $(CERT_DIR)/tls.crt ] || scripts/gen-certs.sh $(CERT_DIR)
	@scripts/run.sh $(CERT_DIR)

bench: bench-deps release
	@scripts/bench.sh

fuzz: deps
	@scripts/fuzz.sh

# The fault-injection soak (issue 7, Benchmarks/Soak): kube-sim with 2,000 workloads, 3 reloader replicas with
# --enable-ha, writes and chaos for SOAK_SECONDS, then the oracle. Prints the summary; fails on any missed or extra
# rollout. SOAK_WORKLOADS, SOAK_REPLICAS, SOAK_RATE, SOAK_SEED, SOAK_KEEP=1 and others: see SoakOptions.
SOAK_SECONDS ?= 600
soak: deps
	$(SWIFT) build -c release --product reloader
	$(SWIFT) build -c release --product soak
	SOAK_SECONDS=$(SOAK_SECONDS) "$$($(SWIFT) build -c release --show-bin-path)/soak"

# Formatting (`.swift-format`: 4 spaces, 120 columns). `lint` fails on any difference; `format` rewrites in place.
SWIFT_SOURCES := Sources Tests Benchmarks Fuzz Package.swift

lint:
	$(SWIFT) format lint --strict -r $(SWIFT_SOURCES)

format:
	$(SWIFT) format -i -r $(SWIFT_SOURCES)

clean:
	rm -rf .build
