# Outbound — `make run` starts everything on this machine, `make test` tests it.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
GO ?= go
ARTIFACTS ?= test-artifacts

.PHONY: run build test test-chaos test-production bench lint test-unit compose-check clean

run:
	$(GO) run ./cmd/outbound dev

build:
	$(GO) build -o bin/outbound ./cmd/outbound

# Every test: the unit tests, and the integration tests (build tag integration) against a real
# PostgreSQL, Temporal dev server and MinIO that the tests start themselves, under the race
# detector (the API's and the workflows' tests send many requests at once).
test: lint
	@mkdir -p $(ARTIFACTS)
	$(GO) test -race -count=1 -timeout 30m -tags integration -v ./... 2>&1 | tee $(ARTIFACTS)/go-test.log | grep -E '^(--- |FAIL|ok |PASS|panic)' || { grep -B5 -A40 -E '^(--- FAIL|panic)' $(ARTIFACTS)/go-test.log | head -300; exit 1; }

# axe-core, which the browser tests run on every page, and Redocly, which lints the OpenAPI
# document (package.json; nothing the web UI loads).
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

# Fault tests that take longer: worker processes killed with SIGKILL mid-review and mid-activity.
test-chaos:
	@mkdir -p $(ARTIFACTS)
	$(GO) test -count=1 -timeout 20m -tags integration,chaos -run Chaos -v ./workflows/ 2>&1 | tee $(ARTIFACTS)/go-test-chaos.log | grep -E '^(--- |FAIL|ok |PASS|panic)'

# The layout of docker-compose.yml without Docker: the real Temporal server and temporal-sql-tool
# (built once at the version of the compose image), the same setup scripts, two workers and two APIs,
# one worker killed mid-review.
test-production:
	@mkdir -p $(ARTIFACTS)
	$(GO) test -count=1 -timeout 30m -tags production -run TestProductionLayout -v ./production/ 2>&1 | tee $(ARTIFACTS)/go-test-production.log | grep -E '^(--- |FAIL|ok |PASS|panic)|production_test.go:[0-9]+: \[' || { tail -60 $(ARTIFACTS)/go-test-production.log; exit 1; }

# Benchmarks against baselines measured in the same run (docs/benchmarks.md).
bench: build
	$(GO) build -o bin/outbound-bench ./cmd/outbound-bench
	./bin/outbound-bench --outbound bin/outbound $(SCENARIOS)

# Unit tests only (state machine, workflow, replay, validators, process, configuration): no service is started.
test-unit:
	$(GO) test -count=1 ./...

lint: node_modules
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet -tags integration,chaos,production ./...
	$(GO) tool staticcheck -tags integration,chaos,production ./...
	$(GO) tool workflowcheck ./workflows/...
	node_modules/.bin/redocly lint api/openapi.yaml --config redocly.yaml --format=summary
	@# The web UI's JavaScript against the contract: types generated from it, then the compiler.
	node_modules/.bin/openapi-typescript api/openapi.yaml -o web/types/api.d.ts --silent
	node_modules/.bin/tsc -p web/tsconfig.json
	@# The generated Go client is the contract's.
	@mkdir -p bin
	$(GO) tool oapi-codegen -config apiclient/config.yaml -o bin/client.gen.go api/openapi.yaml
	@cmp -s bin/client.gen.go apiclient/client.gen.go || { echo "apiclient/client.gen.go is not the contract's: run go generate ./apiclient"; exit 1; }

# The compose file is valid with the example secrets, and refuses to start without them.
compose-check:
	docker-compose --env-file deploy/example.env -f docker-compose.yml config -q
	@if docker-compose --env-file /dev/null -f docker-compose.yml config -q 2>/dev/null; then echo "docker-compose.yml starts without its secrets"; exit 1; fi

clean:
	rm -rf bin $(ARTIFACTS)
