# Yoshikosan sign-in service, backend and frontend: everyday commands. `make` (or `make help`)
# lists them.

DOCKER ?= docker
# podman-compose with podman; else Compose v2 (`docker compose`), else docker-compose 1.x.
COMPOSE ?= $(shell if [ "$(notdir $(DOCKER))" = podman ]; then echo podman-compose; \
	elif $(DOCKER) compose version >/dev/null 2>&1; then echo "$(DOCKER) compose"; \
	elif command -v docker-compose >/dev/null; then echo docker-compose; else echo "$(DOCKER) compose"; fi)
COMPOSE_FILE ?= deploy/docker-compose.yml
PROJECT ?= yoshikosan
# podman builds OCI images by default, which drop HEALTHCHECK; its builds use the host's network.
BUILD_FLAGS ?= $(if $(filter podman,$(notdir $(DOCKER))),--format docker --network host)
# SCALE=1: two backend replicas and Redis (deploy/docker-compose.scale.yml).
SCALE ?=
# MAILDEV=1: a mail catcher that receives every mail, at http://127.0.0.1:1080
# (deploy/docker-compose.maildev.yml; for trials and tests, never production).
MAILDEV ?=
# The Next.js app, as a path relative to the repository root (compose reads it the same way).
FRONTEND_DIR ?= frontend
BUN ?= bun
CARGO ?= cargo
# The service's own binary runs the database and configuration commands, reading the
# configuration as the service does. Not --quiet: a first build takes minutes, and cargo's
# progress says so. BACKEND_BIN=/absolute/path runs a binary already built instead (CI runs the
# one its tests built, rather than building the service again with other features).
ifdef BACKEND_BIN
YOSHIKOSAN = $(BACKEND_BIN)
BUILD_YOSHIKOSAN = :
else
YOSHIKOSAN = $(CARGO) run --bin yoshikosan --
BUILD_YOSHIKOSAN = $(CARGO) build --bin yoshikosan
endif
ENV_FILE ?= .env
FUZZ_TIME ?= 300
FUZZ_TARGETS ?= email_parse password_policy jwt_verify problem_json
DC = FRONTEND_DIR=$(FRONTEND_DIR) $(COMPOSE) -p $(PROJECT) --env-file $(ENV_FILE) -f $(COMPOSE_FILE) \
	$(if $(SCALE),-f deploy/docker-compose.scale.yml) $(if $(MAILDEV),-f deploy/docker-compose.maildev.yml)
# Sets $url to the database for db-shell's psql or sqlite3: DATABASE_URL from the environment,
# else from .env (read as text, never run as a script), else the SQLite default.
DATABASE_OF = url=$${DATABASE_URL:-$$(test -f .env && awk '/^[[:space:]]*DATABASE_URL=/ { sub(/^[^=]*=/, ""); gsub(/^[\042\047]|[\042\047]$$/, ""); v = $$0 } END { print v }' .env)}; \
	url=$${url:-sqlite://yoshikosan.db?mode=rwc}
# Sets $shown to the database a db-* command will change, as the service itself reads and
# shows it (check-config: the same .env parser, the password hidden).
DATABASE_SHOWN = $(BUILD_YOSHIKOSAN); shown=$$($(YOSHIKOSAN) check-config 2>/dev/null | sed -n 's/^DATABASE_URL *//p'); \
	shown=$${shown:-the configured database (make env-check says why the configuration is refused)}
# True (exit 0) when the stack's PostgreSQL container is up.
STACK_UP = $(DC) exec -T postgres pg_isready -q </dev/null >/dev/null 2>&1
# Sets $in_stack (once per recipe, so a question and the command it asks about agree): the
# db-* targets work inside the stack when it runs, unless DATABASE_URL is set in the
# environment, which names the database explicitly.
IN_STACK = in_stack=; if [ -z "$${DATABASE_URL:-}" ] && $(STACK_UP); then in_stack=1; fi
# Asks before a destructive step ($$what, $$word), unless FORCE=1.
CONFIRM = if [ "$(FORCE)" != "1" ]; then printf '%s. Type "%s" to go on: ' "$$what" "$$word"; read answer; \
	[ "$$answer" = "$$word" ] || { echo "cancelled"; exit 1; }; fi
# Paths and counts from the command line, passed to recipes as environment, never pasted in.
export BACKUP STEPS

.DEFAULT_GOAL := help
.PHONY: help dev dev-backend dev-frontend run build test test-backend test-frontend lint lint-backend \
	lint-frontend format format-backend format-frontend typecheck typecheck-backend typecheck-frontend \
	frontend-deps clean \
	docker-build docker-build-backend docker-build-frontend docker-up docker-down docker-logs \
	docker-restart docker-clean stack-test db-init db-migrate db-status db-rollback db-reset db-backup \
	db-restore db-shell env-check docker-env-check install-hooks fuzz api-fuzz fault-test bench bench-micro

help: ## List the targets
	@if [ -t 1 ]; then on='\033[36m'; off='\033[0m'; else on=; off=; fi; \
	awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %s%-22s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

# Both servers as background jobs of one shell: Ctrl-C reaches the shell, which stops them both
# (SIGTERM, then waits for them) and ends quietly.
dev: frontend-deps ## Backend and frontend together, in the foreground (Ctrl-C stops both)
	@LOG_FORMAT=pretty $(CARGO) run & backend=$$!; \
	(cd "$(FRONTEND_DIR)" && exec $(BUN) run dev) & frontend=$$!; \
	stop() { trap '' INT TERM; kill $$backend $$frontend 2>/dev/null; wait; exit 0; }; \
	trap stop INT TERM; \
	wait

dev-backend: ## The backend on :8000 with readable logs
	LOG_FORMAT=pretty $(CARGO) run

dev-frontend: frontend-deps ## The Next.js dev server on :3000 (FRONTEND_DIR)
	cd "$(FRONTEND_DIR)" && $(BUN) run dev

frontend-deps: ## Install the frontend's packages (frozen lockfile)
	@test -d "$(FRONTEND_DIR)" || { echo "no frontend at $(FRONTEND_DIR) (set FRONTEND_DIR)"; exit 1; }
	cd "$(FRONTEND_DIR)" && $(BUN) install --frozen-lockfile

run: ## The release build of the backend
	$(CARGO) run --release

build: ## Release build of the service (the bench crate is built by make bench; tests and lints still check it)
	$(CARGO) build --release -p yoshikosan-api

test: test-backend test-frontend ## Every test, backend and frontend (TEST_DATABASE_URL=postgres://... adds PostgreSQL)

test-backend: ## Every Rust test of every crate
	$(CARGO) test --workspace

test-frontend: frontend-deps ## The frontend's checks, unit tests and browser tests (needs nginx and Chromium)
	$(CARGO) build -p yoshikosan-api
	YOSHIKOSAN_BIN=$(abspath $(or $(CARGO_TARGET_DIR),target)/debug/yoshikosan) bash "$(FRONTEND_DIR)/scripts/ci.sh"

lint: lint-backend lint-frontend ## Every linter, backend and frontend (minutes the first time: clippy builds every crate)

lint-backend: ## Formatting check and clippy with warnings denied (minutes the first time: it builds every crate)
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

lint-frontend: frontend-deps ## ESLint and the Prettier check
	cd "$(FRONTEND_DIR)" && $(BUN) run lint && $(BUN) run format:check

format: format-backend format-frontend ## Format all the code

format-backend: ## rustfmt
	$(CARGO) fmt --all

format-frontend: frontend-deps ## Prettier
	cd "$(FRONTEND_DIR)" && $(BUN) run format

typecheck: typecheck-backend typecheck-frontend ## Type-check every crate and test, and the frontend

typecheck-backend: ## cargo check of every crate and test (minutes the first time)
	$(CARGO) check --workspace --all-targets

typecheck-frontend: frontend-deps ## The frontend's TypeScript (tsc --noEmit)
	cd "$(FRONTEND_DIR)" && $(BUN) run typecheck

clean: ## Remove build output
	$(CARGO) clean

docker-build: docker-build-backend docker-build-frontend ## Build both images

docker-build-backend: ## Build the backend image (yoshikosan-api)
	$(DOCKER) build $(BUILD_FLAGS) -f deploy/Dockerfile -t yoshikosan-api:latest .

docker-build-frontend: ## Build the frontend image from FRONTEND_DIR
	$(DOCKER) build $(BUILD_FLAGS) -t yoshikosan-frontend:latest "$(FRONTEND_DIR)"

docker-up: ## Start the stack: PostgreSQL, backend, frontend, nginx on :6666 and :8080 (SCALE=1: two backends)
	$(DC) up -d

docker-down: ## Stop the stack
	$(DC) down

docker-logs: ## Follow the stack's logs
	$(DC) logs -f

docker-restart: docker-down docker-up ## Restart the stack

docker-clean: ## Stop the stack and delete its volumes (the database!)
	$(DC) down --volumes --remove-orphans

stack-test: ## The whole stack in containers: build, up, browser tests, restarts, outage, two replicas (deploy/test-stack.sh)
	bash deploy/test-stack.sh

db-init: db-migrate ## Create the schema (same as db-migrate)

db-migrate: ## Apply pending migrations: inside the stack when it runs, else to DATABASE_URL
	@$(IN_STACK); if [ -n "$$in_stack" ]; then \
		echo "--> the stack's database, from its backend container"; \
		$(DC) exec -T backend yoshikosan migrate; \
	else \
		$(YOSHIKOSAN) migrate; \
	fi

db-status: ## Show which migrations are applied (inside the stack when it runs)
	@$(IN_STACK); if [ -n "$$in_stack" ]; then $(DC) exec -T backend yoshikosan migrations; else $(YOSHIKOSAN) migrations; fi

db-rollback: ## Roll back the newest migration (STEPS=N: that many; asks first, FORCE=1 does not)
	@$(IN_STACK); if [ -n "$$in_stack" ]; then shown="the stack's database (compose project $(PROJECT))"; else $(DATABASE_SHOWN); fi; \
	what="This rolls back $${STEPS:-1} migration(s) of $$shown, deleting what they hold" word=rollback; $(CONFIRM); \
	if [ -n "$$in_stack" ]; then \
		$(DC) exec -T backend yoshikosan rollback "$${STEPS:-1}" || exit 1; \
		echo "--> restarting the backend: its session cache relies on what was rolled back"; $(DC) restart backend >/dev/null; \
	else \
		$(YOSHIKOSAN) rollback "$${STEPS:-1}"; \
	fi

db-reset: ## Delete every row and re-create the schema (asks first, naming the database; FORCE=1 does not)
	@$(IN_STACK); if [ -n "$$in_stack" ]; then shown="the stack's database (compose project $(PROJECT))"; else $(DATABASE_SHOWN); fi; \
	what="This deletes every row of $$shown" word=reset; $(CONFIRM); \
	if [ -n "$$in_stack" ]; then \
		$(DC) exec -T backend yoshikosan reset --yes || exit 1; \
		echo "--> restarting the backend, so that no cached session outlives its user"; $(DC) restart backend >/dev/null; \
	else \
		$(YOSHIKOSAN) reset --yes; \
	fi

db-backup: ## Dump the stack's database to BACKUP (default backups/yoshikosan-DATE-TIME.dump), readable by you only
	@$(STACK_UP) || { echo "the stack is not running (make docker-up); for another PostgreSQL use pg_dump"; exit 1; }
	@file="$${BACKUP:-backups/yoshikosan-$$(date +%Y%m%d-%H%M%S).dump}"; mkdir -p "$$(dirname "$$file")"; umask 077; \
	$(DC) exec -T postgres sh -c 'exec pg_dump -U "$$POSTGRES_USER" -d "$$POSTGRES_DB" --format=custom' \
		</dev/null >"$$file.partial" && mv "$$file.partial" "$$file" \
		|| { rm -f "$$file.partial"; echo "the dump failed: nothing was written"; exit 1; }; \
	echo "wrote $$file ($$(wc -c <"$$file") bytes); keep it, and SECRET_KEY, off this server"

db-restore: ## Replace the stack's database with the dump BACKUP=file (asks first; FORCE=1 does not)
	@[ -f "$${BACKUP:-}" ] || { echo "BACKUP=file names the dump to restore (make db-backup writes one)"; exit 1; }
	@$(STACK_UP) || { echo "the stack is not running (make docker-up)"; exit 1; }
	@what="This replaces every row of the stack's database (compose project $(PROJECT)) with $$BACKUP" word=restore; \
	$(CONFIRM); \
	echo "--> stopping the backend, so that nothing writes during the restore"; \
	trap '$(DC) start backend >/dev/null' EXIT INT TERM; \
	$(DC) stop backend >/dev/null || exit 1; \
	echo "--> restoring $$BACKUP in one transaction (a failure leaves the database as it was)"; \
	$(DC) exec -T postgres sh -c 'exec pg_restore -U "$$POSTGRES_USER" -d "$$POSTGRES_DB" --clean --if-exists --no-owner --single-transaction' \
		<"$$BACKUP"; status=$$?; \
	trap - EXIT INT TERM; \
	echo "--> starting the backend"; \
	$(DC) start backend >/dev/null || { echo "the backend did not start again: make docker-up"; exit 1; }; \
	[ $$status -eq 0 ] && echo "restored $$BACKUP" || { echo "the restore failed: the database is unchanged"; exit 1; }

db-shell: ## An SQL shell: psql in the stack's PostgreSQL when it runs, else on DATABASE_URL
	@$(IN_STACK); if [ -n "$$in_stack" ]; then \
		tty=$$([ -t 0 ] || echo -T); \
		$(DC) exec $$tty postgres sh -c 'exec psql -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"'; \
		exit $$?; \
	fi; \
	$(DATABASE_OF); \
	case "$$url" in \
		postgres*) exec psql "$$url" ;; \
		sqlite*) file="$${url#sqlite://}"; exec sqlite3 "$${file%%\?*}" ;; \
		*) echo "unsupported DATABASE_URL: $$url"; exit 1 ;; \
	esac

env-check: ## Validate the configuration and print every setting: the backend container's when the stack runs, else .env's
	@$(IN_STACK); if [ -n "$$in_stack" ]; then \
		echo "--> the configuration the stack's backend container runs with"; \
		$(DC) exec -T backend yoshikosan check-config; \
	else \
		$(YOSHIKOSAN) check-config; \
	fi

docker-env-check: ## The configuration compose would give the backend container, checked by the image (no Rust needed)
	$(DC) run --rm --no-deps -T backend check-config

install-hooks: ## Install the pre-commit hooks (commit and push)
	pip install --quiet pre-commit
	pre-commit install --hook-type pre-commit --hook-type pre-push

fuzz: ## cargo-fuzz every target for FUZZ_TIME seconds each (default 300; needs nightly and cargo-fuzz)
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	@for target in $(FUZZ_TARGETS); do \
		echo "==> $$target for $(FUZZ_TIME) s"; \
		$(CARGO) +nightly fuzz run --sanitizer none $$target -- -max_total_time=$(FUZZ_TIME) -print_final_stats=1 || exit 1; \
	done

api-fuzz: ## schemathesis against the running service's OpenAPI document (DURATION seconds, default 180)
	deploy/api-fuzz.sh

fault-test: ## Stop PostgreSQL under load and start it again; check nothing was lost (stops the local cluster!)
	deploy/fault-test.sh

bench: ## Load benchmark of the release build on PostgreSQL and SQLite (needs wrk); see docs/performance.md
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(CARGO) build --release -p yoshikosan-api -p yoshikosan-bench
	target/release/yoshikosan-bench

bench-micro: ## Criterion micro-benchmarks: JWT, email parsing, password policy, token hash, bcrypt
	$(CARGO) bench -p yoshikosan-domain -p yoshikosan-security
