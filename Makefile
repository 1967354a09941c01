# reloader: the one entry point for building, testing and running (CI runs `make test`).
SHELL := /bin/bash
SWIFT ?= swift
CERT_DIR ?= certs
APT_PACKAGES := libssl-dev libcurl4-openssl-dev libnghttp2-dev pkg-config curl openssl python3
BENCH_PACKAGES := nghttp2-client nginx-light golang-go

.PHONY: deps bench-deps build release test integration run certs bench fuzz lint clean

# Installs the system packages the build and tests need, only when one is missing (a fast no-op otherwise).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

bench-deps: deps
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Unit and integration tests (integration tests use loopback sockets, curl and generated certificates).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

integration: deps
	$(SWIFT) test --filter IntegrationTests

certs: deps
	@scripts/gen-certs.sh $(CERT_DIR)

run: build
	@[ -f $(CERT_DIR)/tls.crt ] || scripts/gen-certs.sh $(CERT_DIR)
	@scripts/run.sh $(CERT_DIR)

bench: bench-deps release
	@scripts/bench.sh

fuzz: deps
	@scripts/fuzz.sh

clean:
	rm -rf .build
