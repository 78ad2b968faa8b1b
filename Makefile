# Server Dashboard — the user's entry points (SPEC §7).
# Targets that exist today are listed by `make help`; the compose and native-run
# targets arrive with the deployment work (see README.md, "Status").
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: help deps build test migrate bench bench-storage bench-collect bench-api bench-pages

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## install the Debian packages needed to build, test and run (idempotent)
	scripts/install-deps.sh

build: deps ## build every target (debug)
	swift build

test: deps ## run every test against real services (PostgreSQL, sshd test hosts) started for the run
	swift build --build-tests
	scripts/test-env.sh scripts/run-tests.sh

migrate: build ## apply database migrations to DATABASE_URL (or the PG* variables)
	.build/debug/collector migrate

bench-storage: deps ## time the storage layer at 1,000 servers × 90 days (8.6 M samples; BENCH_SERVERS, BENCH_DAYS)
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh .build/release/StorageBenchmark

bench-api: deps ## the api under wrk at 1,000 servers × 90 days, against nginx serving the same bytes (BENCH_DURATION, BENCH_CONNECTIONS)
	swift build -c release --product api
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh scripts/bench-api.sh

bench: bench-storage bench-collect bench-api bench-pages ## every benchmark

bench-collect: deps ## time one collector run over 100 loopback sshd hosts against its targets (BENCH_HOSTS, BENCH_RUNS)
	swift build -c release --product collector
	scripts/bench-collect.sh

bench-pages: deps ## the dashboard at 100 and 1,000 servers: render time in the renderer, page weight, time until drawn in headless Chromium
	swift build -c release --product api
	swift build -c release --product frontend-renderer
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh scripts/bench-pages.sh
