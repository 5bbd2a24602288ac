# camket — make targets a newcomer can guess. The two that matter first:
#   make run    start camket on the embedded defaults (http://127.0.0.1:8080)
#   make test   run every test, with the race detector

GO                  ?= go
BIN                 := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
# Seconds each benchmark measurement runs for in `make bench`.
BENCH_SECONDS       ?= 3
# How long the soak profile (BenchmarkSoak) runs in `make bench`.
SOAK_SECONDS        ?= 600
# How long each fuzz target runs in `make test` (seed corpora always run).
FUZZTIME            ?= 5s
FUZZ_TARGETS        := FuzzParseDate:./pkg/domain FuzzParsePeriod:./pkg/domain FuzzCleanText:./pkg/domain \
                       FuzzCommandBodies:./services/api FuzzDecodeRecord:./pkg/eventstore/bolt FuzzVerify:./pkg/auth \
                       FuzzParseCSV:./pkg/importer

.PHONY: all build run test test-integration bench lint generate fuzz clean up down

all: lint test

build:
	$(GO) build -o $(BIN)/camket ./services/camket

# Starts on ./data; the first start loads the demo province.
run: build
	$(BIN)/camket serve --demo

# The crash harness runs on its own, verbose, so that its counts are printed.
test:
	$(GO) test -race -count=1 -timeout 20m -skip '^TestCrashHarness$$' ./...
	$(GO) test -race -count=1 -timeout 20m -run '^TestCrashHarness$$' -v ./services/camket
	$(MAKE) --no-print-directory fuzz

# A short run of every fuzz target (one package and target per go test).
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t%%:*} ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) $${t##*:} > /tmp/camket-fuzz.log 2>&1 \
			|| { cat /tmp/camket-fuzz.log; exit 1; }; \
	done

# Longer crash runs, and suites against external servers when their
# CAMKET_*_URL variables are set.
test-integration:
	CAMKET_LONG=1 $(GO) test -race -count=1 -timeout 60m -skip '^TestCrashHarness$$' ./...
	CAMKET_LONG=1 $(GO) test -race -count=1 -timeout 60m -run '^TestCrashHarness$$' -v ./services/camket

# One run gives every figure, with ratios measured in the same run.
bench:
	SOAK_SECONDS=$(SOAK_SECONDS) $(GO) test -run '^$$' -bench . -benchtime $(BENCH_SECONDS)s -timeout 60m ./pkg/... ./services/...
	$(GO) run ./services/benchreport -seconds $(BENCH_SECONDS)

lint: $(BIN)/staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(BIN)/staticcheck ./...

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

generate:
	$(GO) generate ./...

clean:
	rm -rf $(BIN)

# Compose, on machines with a Docker engine.
up:
	docker compose up -d
down:
	docker compose down

# The other compose topologies (docs/deploy.md): a 3-node KurrentDB cluster,
# or everything in one container with the demo province.
.PHONY: up-cluster up-embedded
up-cluster:
	docker compose --env-file deploy/cluster.env up -d
up-embedded:
	docker compose up -d camket
