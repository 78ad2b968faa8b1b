# Server Dashboard — the user's entry points, listed by `make help` (docs/operations.md,
# docs/testing.md, docs/benchmarks.md).
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: help deps build format lint test test-unit test-compose fuzz migrate run stop run-db-stats soak bench bench-storage bench-collect bench-api bench-pages bench-live bench-notify bench-anomaly bench-events bench-probe

help: ## list the targets
	@awk -F':.*## ' '/^[a-zA-Z_%-]+:.*## / { sub(/%/, "<service>", $$1); printf "  make %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: ## install the Debian packages needed to build, test and run (idempotent)
	scripts/install-deps.sh

build: deps ## build every Swift target (debug), for make test and make run; not the images (the original's `make build` is `make up` here)
	swift build

SWIFT_SOURCES := Package.swift Sources Tests Benchmarks Fuzz/Package.swift Fuzz/Sources

format: ## format the Swift code with swift-format (the toolchain's; settings in .swift-format)
	swift format format --in-place --recursive $(SWIFT_SOURCES)

lint: ## check the Swift code's format, as CI does (make format fixes what it finds)
	swift format lint --strict --recursive $(SWIFT_SOURCES)

test: deps ## run every test against real services (PostgreSQL, sshd test hosts) started for the run
	swift build --build-tests
	scripts/test-env.sh scripts/run-tests.sh

test-unit: ## the tests that need no services (core, parsers, catalogue, exports, api support, …), under a minute after a build: scripts/test-unit.sh
	swift build --build-tests
	scripts/test-unit.sh

fuzz: deps ## fuzz the probe, inventory and query-parameter parsers (libFuzzer + ASan, FUZZ_SECONDS each [60]; crashes land in Fuzz/artifacts/)
	scripts/fuzz.sh

test-compose: ## the compose stack end to end on a dockerd of its own (as root; CI runs it after `make test`): scripts/e2e-compose.sh
	scripts/e2e-compose.sh

run: ## the whole product natively: PostgreSQL under .run/ (or /var/lib/server-dashboard/ when the clone is out of its reach), api, frontend-renderer, nginx on HTTP_PORT (8080), a collection every 15 min
	deploy/local/run.sh

stop: ## stop everything `make run` started (its data, in .run/ or where `make run` said, stays for the next run)
	deploy/local/stop.sh

run-db-stats: ## `make db-stats` for the native stack: rows and sizes, the latest collection, the spool
	deploy/local/db-stats.sh

migrate: build ## apply database migrations to DATABASE_URL (or the PG* variables)
	.build/debug/collector migrate

soak: deps ## load and faults for SOAK_SECONDS (600) on the native stack with 50 sshd test hosts; prints figures, fails on errors, lost samples, leaks
	swift build -c release --product collector
	swift build -c release --product api
	swift build -c release --product frontend-renderer
	SD_TEST_SSH_HOST_COUNT=50 SD_TEST_SSH_PER_SSHD=1 SD_TEST_SSH_PORT=$${SD_TEST_SSH_PORT:-$$((23000 + RANDOM % 2000))} \
		scripts/test-env.sh scripts/soak.sh

bench-storage: deps ## time the storage layer at 1,000 servers × 90 days (8.6 M samples; BENCH_SERVERS, BENCH_DAYS)
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh .build/release/StorageBenchmark

bench-api: deps ## the api under wrk at 1,000 servers × 90 days, against nginx serving the same bytes (BENCH_DURATION, BENCH_CONNECTIONS)
	swift build -c release --product api
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh scripts/bench-api.sh

bench: bench-storage bench-collect bench-api bench-pages bench-live bench-notify bench-anomaly bench-events ## every benchmark

bench-collect: deps ## time one collector run over 100 loopback sshd hosts against its targets (BENCH_HOSTS, BENCH_RUNS)
	swift build -c release --product collector
	scripts/bench-collect.sh

bench-probe: ## the probe's CPU per run and output size, every section against the probe before the deeper ones, locally and over ssh (BENCH_PROBE_RUNS)
	SD_TEST_SERVICES="postgres ssh" scripts/test-env.sh scripts/bench-probe.sh

bench-pages: deps ## the dashboard at 100 and 1,000 servers: render time in the renderer, page weight, time until drawn in headless Chromium
	swift build -c release --product api
	swift build -c release --product frontend-renderer
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh scripts/bench-pages.sh

bench-live: deps ## a collection's results in an open dashboard: the run's finished_at to the DOM change, headless Chromium on the native stack (BENCH_LIVE_RUNS)
	swift build -c release --product api
	swift build -c release --product frontend-renderer
	swift build -c release --product collector
	scripts/browser-venv.sh
	.build-tools/venv/bin/python -u scripts/bench/live_latency.py

bench-notify: deps ## notification delivery: 1,000 pending to a loopback webhook, and a run over 100 hosts whose receiver hangs (BENCH_HOSTS, BENCH_RUNS)
	swift build -c release --product collector
	scripts/bench-notify.sh

bench-anomaly: deps ## the anomaly detector against scikit-learn on 20 synthetic servers × 14 days with planted anomalies: F1, training and scoring times (BENCH_SEEDS)
	swift build -c release --product AnomalyBenchmark
	scripts/bench-anomaly.sh

bench-events: deps ## the api holding 1,000 live event streams: RSS, one event to all of them (p99), latest-metrics throughput with and without them (BENCH_STREAMS, BENCH_EVENTS)
	swift build -c release --product api
	swift build -c release --product StorageBenchmark
	SD_TEST_SERVICES=postgres scripts/test-env.sh scripts/bench-events.sh

# ---------------------------------------------------------------------------------------
# docker compose (docs/operations.md): the stack of deploy/docker-compose.yml. `make` alone builds and
# starts it. Works with Compose v2 (`docker compose`) and Debian's docker-compose 1.29.
# ---------------------------------------------------------------------------------------
.DEFAULT_GOAL := up
COMPOSE ?= $(shell if docker compose version >/dev/null 2>&1; then echo "docker compose"; else echo docker-compose; fi)
# Another env file, project or extra compose file (scripts/e2e-compose.sh uses these to run
# its own stack without touching .env or the server-dashboard project):
#   make collect-once ENV_FILE=… PROJECT_NAME=… COMPOSE_FILES="-f deploy/docker-compose.yml -f …"
ENV_FILE ?= .env
PROJECT_NAME ?= server-dashboard
COMPOSE_FILES ?= -f deploy/docker-compose.yml
# the services' env_file (deploy/docker-compose.yml) is the same file
export DASHBOARD_ENV_FILE := $(abspath $(ENV_FILE))
# deploy/compose-env.sh adds the passwords ENV_FILE leaves out, generated once into
# $(ENV_FILE).generated (mode 600), then runs compose: every target below goes through it.
DC = deploy/compose-env.sh $(ENV_FILE) $(COMPOSE) $(COMPOSE_FILES) --env-file $(ENV_FILE) -p $(PROJECT_NAME)
COMPOSE_SERVICES := postgres api frontend-renderer nginx collector-cron
# Also accepted: collector, frontend and db, and the original product's container names
# Frontend, API, DataCollection (logs-API, SERVICE=DataCollection, …).
compose_alias = $(if $(filter collector DataCollection,$(1)),collector-cron,$(if $(filter frontend Frontend,$(1)),frontend-renderer,$(if $(filter db,$(1)),postgres,$(if $(filter API,$(1)),api))))
compose_service = $(or $(filter $(1),$(COMPOSE_SERVICES)),$(call compose_alias,$(1)),$(error no service '$(1)'; one of: $(COMPOSE_SERVICES), or Frontend, API, DataCollection, db))
# HTTP_PORT (the environment's, else ENV_FILE's) is a port, or ADDRESS:PORT to publish on one
# address only; 80 when neither sets it (the native stack's default, 8080, is not compose's)
compose_port = $(or $(shell { if [ -n "$$HTTP_PORT" ]; then echo "HTTP_PORT=$$HTTP_PORT"; else cat $(ENV_FILE); fi; } 2>/dev/null | \
	sed -n 's/^HTTP_PORT=\(.*:\)\{0,1\}\([0-9][0-9]*\).*/\2/p' | tail -n 1),80)
compose_url = http://localhost$(if $(filter 80,$(compose_port)),,:$(compose_port))/
need_service = $(if $(SERVICE),,$(error name a service: make $@ SERVICE=<one of $(COMPOSE_SERVICES), or Frontend, API, DataCollection, db>))
# make trust-hosts: the servers named in SERVERS, else all; YES=1 answers the questions
trust_args = $(if $(SERVERS),$(SERVERS),--all)$(if $(filter 1 yes true,$(YES)), --yes)

.PHONY: up down restart restart-service rebuild-service rebuild ps status logs logs-all logs-Frontend logs-API logs-DataCollection logs-db logs-follow logs-errors \
	collect-once trust-hosts db-stats cleanup-data health shell debug clean cclean docker-prepare

.env:
	cp .env.example .env
	@echo "created .env from .env.example: set your servers (SERVERn_*) there; passwords it leaves out are generated into .env.generated"

ssh:
	install -d -m 700 ssh
	@if [ "$$(id -u)" = 0 ]; then chown 10001:10001 ssh; fi
	@echo "created ./ssh for the collector's keys and known_hosts (the container's uid 10001 must read it)"

docker-prepare: ## the Swift package mirror and pins the images build from (.build-docker/)
	scripts/docker-prepare.sh

up: $(ENV_FILE) ssh docker-prepare ## build the images and start the compose stack (what plain `make` does)
	$(DC) up -d --build
	@echo "Server Dashboard: $(compose_url)   (make health, make logs, make collect-once)"

down: $(ENV_FILE) ## stop and remove the stack's containers (the database volume stays)
	$(DC) down

restart: $(ENV_FILE) ## restart every service
	$(DC) restart

restart-service: $(ENV_FILE) ## restart one service: make restart-service SERVICE=api (or SERVICE=API, Frontend, DataCollection, postgres, nginx, db)
	$(need_service)
	$(DC) restart $(call compose_service,$(SERVICE))

rebuild-service: $(ENV_FILE) docker-prepare ## rebuild one service's image and recreate it: make rebuild-service SERVICE=api (or API, Frontend, …)
	$(need_service)
	$(DC) build $(call compose_service,$(SERVICE))
	$(DC) up -d --no-deps $(call compose_service,$(SERVICE))

rebuild: $(ENV_FILE) ssh docker-prepare ## rebuild every image and recreate the stack (the database volume stays; NO_CACHE=1 builds from scratch)
	$(DC) down
	$(DC) build $(if $(filter 1 yes true,$(NO_CACHE)),--no-cache)
	$(DC) up -d
	@echo "Server Dashboard: $(compose_url)   (make health, make logs, make collect-once)"

ps: $(ENV_FILE) ## the stack's containers and their state
	$(DC) ps

status: $(ENV_FILE) ## the containers, then `make health`
	$(DC) ps
	@$(MAKE) --no-print-directory health

logs: $(ENV_FILE) ## the last 100 log lines of every service
	$(DC) logs --tail=100

logs-all: $(ENV_FILE) ## every log line of every service
	$(DC) logs --no-color

# The original product's names, spelled as it spelled them (logs-% accepts them too; these
# lines list them in `make help`).
logs-Frontend: $(ENV_FILE) ## the frontend-renderer's last 200 log lines (the original's Frontend)
	$(DC) logs --tail=200 frontend-renderer

logs-API: $(ENV_FILE) ## the api's last 200 log lines (the original's API)
	$(DC) logs --tail=200 api

logs-DataCollection: $(ENV_FILE) ## the collector's last 200 log lines (the original's DataCollection)
	$(DC) logs --tail=200 collector-cron

logs-db: $(ENV_FILE) ## PostgreSQL's last 200 log lines
	$(DC) logs --tail=200 postgres

logs-%: $(ENV_FILE) ## one service's last 200 log lines: api, frontend-renderer, nginx, postgres, collector; or the original's API, Frontend, DataCollection, db
	$(DC) logs --tail=200 $(call compose_service,$*)

logs-follow: $(ENV_FILE) ## follow every service's log (Ctrl-C stops)
	$(DC) logs -f --tail=20

logs-errors: $(ENV_FILE) ## error lines in the last 1,000 log lines of every service
	@$(DC) logs --no-color --tail=1000 2>&1 | grep -iE 'error|critical|fatal|panic|failed|refused|denied' \
		|| echo "no error lines in the last 1,000 lines of any service"

collect-once: $(ENV_FILE) ## one collection now, in the collector container, with its output
	$(DC) exec -T collector-cron collector-job

# In the collector container when the stack runs (its known_hosts is ./ssh/known_hosts,
# SSH_KEYS_DIR), else natively as `make run` would (RUN_BIN_DIR, RUN_ENV_FILE or .env).
trust-hosts: ## show each server's SSH host key fingerprint, add it to KNOWN_HOSTS_FILE once you confirm (SERVERS="a b": some; YES=1: no questions); in the collector container if the stack runs, else natively
	@id=$$(docker ps -q --filter label=com.docker.compose.project=$(PROJECT_NAME) \
		--filter label=com.docker.compose.service=collector-cron 2>/dev/null | head -n 1); \
	if [ -n "$$id" ]; then \
		tty=-T; if [ -t 0 ] && [ -t 1 ]; then tty=; fi; \
		echo "$(DC) exec $$tty -u dashboard collector-cron collector trust $(trust_args)"; \
		$(DC) exec $$tty -u dashboard collector-cron collector trust $(trust_args); \
	else \
		bin=$${RUN_BIN_DIR:-.build/release}; env_file=$${RUN_ENV_FILE:-.env}; [ -f "$$env_file" ] || env_file=.env.example; \
		echo "no compose stack $(PROJECT_NAME) runs: trusting natively, with $$env_file"; \
		if [ ! -x "$$bin/collector" ]; then swift build -c release --product collector || exit 1; fi; \
		echo "$$bin/collector trust --env-file $$env_file $(trust_args)"; \
		"$$bin/collector" trust --env-file "$$env_file" $(trust_args); \
	fi

# psql as the superuser over the container's own socket (peer authentication): logins over
# TCP, even from 127.0.0.1, need the password (scram-sha-256, services/postgres/entrypoint.sh)
db-stats: $(ENV_FILE) ## row counts, table sizes, the latest collection, the last cleanup and what waits in the collector's spool
	@$(DC) exec -T postgres psql -X -q -U postgres -d server_db -P pager=off \
		-c "SELECT relname AS table, n_live_tup AS rows, pg_size_pretty(pg_total_relation_size(relid)) AS size FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC" \
		-c "SELECT pg_size_pretty(pg_database_size(current_database())) AS database_size" \
		-c "SELECT started_at AS latest_collection, finished_at, state, servers_total FROM collection_runs ORDER BY started_at DESC LIMIT 1"
	@$(DC) exec -T -u dashboard collector-cron collector cleanup --status
	@$(DC) exec -T -u dashboard collector-cron collector spool

cleanup-data: $(ENV_FILE) ## delete samples older than RETENTION_DAYS (or DAYS=N) now (the schedule also does, daily)
	$(DC) exec -T -u dashboard collector-cron collector cleanup $(if $(DAYS),--days $(DAYS))

health: $(ENV_FILE) ## each service's health, then nginx and the api through the published port
	@for service in $(COMPOSE_SERVICES); do \
		id=$$($(DC) ps -q $$service 2>/dev/null); \
		if [ -z "$$id" ]; then state="not running"; \
		else state=$$(docker inspect --format '{{.State.Status}}{{if .State.Health}} ({{.State.Health.Status}}){{end}}' $$id); fi; \
		printf '  %-18s %s\n' "$$service" "$$state"; \
	done
	@printf '  %-18s ' "nginx-health"; curl -fsS --max-time 5 http://localhost:$(compose_port)/nginx-health || echo "not answering on port $(compose_port)"
	@printf '  %-18s ' "api/health"; curl -sS --max-time 5 http://localhost:$(compose_port)/api/health || echo "not answering"; echo

shell: $(ENV_FILE) ## a shell in a service's container: make shell SERVICE=api (or the original's names, as restart-service)
	$(need_service)
	$(DC) exec $(call compose_service,$(SERVICE)) /bin/bash

debug: $(ENV_FILE) ## what to attach to a bug report: versions, configuration (no secrets), state, health, recent errors
	@echo "== versions"; docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}' 2>&1 || true; $(COMPOSE) version 2>&1 | head -n 1
	@echo "== configuration ($(ENV_FILE) without secrets)"; grep -vE '^[[:space:]]*(#|$$)' $(ENV_FILE) | grep -viE 'PASSWORD|PASSPHRASE|SECRET|DATABASE_URL|TOKEN' || true
	@if [ -f $(ENV_FILE).generated ]; then echo "generated passwords in $(ENV_FILE).generated: $$(cut -d= -f1 $(ENV_FILE).generated | tr '\n' ' ')"; fi
	@echo "== containers"; $(DC) ps
	@echo "== health"; $(MAKE) --no-print-directory health
	@echo "== recent errors"; $(MAKE) --no-print-directory logs-errors

clean: $(ENV_FILE) ## remove the compose stack's containers, networks and images (its database volume stays); stop `make run` and delete .run/ (its database too)
	@RUN_DIR= deploy/local/stop.sh --delete-state
	@if docker info >/dev/null 2>&1; then \
		echo "$(DC) down --remove-orphans --rmi local"; \
		$(DC) down --remove-orphans --rmi local; \
		docker image rm server-dashboard/postgres server-dashboard/api server-dashboard/frontend-renderer server-dashboard/nginx server-dashboard/collector 2>/dev/null || true; \
	else \
		echo "no container engine answers (docker info): no compose stack to remove"; \
	fi
	rm -rf .build-docker

cclean: $(ENV_FILE) ## clean, and delete the database volume too (all collected data): asks first, or CONFIRM=yes
	@if [ "$(CONFIRM)" != yes ]; then \
		printf 'This deletes every collected sample (the postgres-data volume). Type yes: '; \
		read -r answer; [ "$$answer" = yes ] || { echo "nothing deleted"; exit 1; }; \
	fi
	$(DC) down --remove-orphans --rmi local --volumes
	docker image rm server-dashboard/postgres server-dashboard/api server-dashboard/frontend-renderer server-dashboard/nginx server-dashboard/collector 2>/dev/null || true
	rm -rf .build-docker
