# The two commands a newcomer needs: `make run` and `make test`. See README.md.
GO      ?= go
TESTPG  ?= $(CURDIR)/tmp/testpg
FUZZTIME ?= 3s

.PHONY: run build test generate check-generated vet unit e2e-deps fuzz-short fuzz bench clean

## run: start the app on http://127.0.0.1:8080 with a private PostgreSQL under .data/ and demo data
run: build
	@./bin/dadirectory dev

## build: the one binary, in bin/
build:
	$(GO) build -o bin/dadirectory ./cmd/dadirectory

## generate: regenerate templ components (pinned in go.mod, no global install)
generate:
	$(GO) tool templ generate -path templates

## test: everything: templ freshness, vet, unit, integration and browser tests, short fuzzing
test: check-generated vet e2e-deps
	$(GO) run ./internal/postgres/withcluster -dir $(TESTPG) -- \
		sh -c 'E2E_REQUIRED=$${E2E_REQUIRED:-$${CI:-}} $(GO) test -count=1 ./... && $(MAKE) --no-print-directory fuzz-short'

## check-generated: fail when a committed *_templ.go is not what its .templ generates
check-generated:
	@tmp=$$(mktemp -d) && cp -r templates "$$tmp/" && \
	$(GO) tool templ generate -path "$$tmp/templates" >/dev/null 2>&1 && \
	for f in templates/*_templ.go; do \
		cmp -s "$$f" "$$tmp/$$f" || { echo "$$f is stale: run make generate"; rm -rf "$$tmp"; exit 1; }; \
	done; \
	for f in "$$tmp"/templates/*_templ.go; do \
		[ -f "templates/$$(basename $$f)" ] || { echo "templates/$$(basename $$f) is missing: run make generate"; rm -rf "$$tmp"; exit 1; }; \
	done; rm -rf "$$tmp"

vet:
	$(GO) vet ./...

## e2e-deps: axe-core for the accessibility scans (npm, not committed)
e2e-deps:
	@[ -f internal/e2e/node_modules/axe-core/axe.min.js ] || \
		npm install --prefix internal/e2e --no-audit --no-fund --silent

## fuzz-short: each fuzz target for $(FUZZTIME) (make test); fuzz: longer
fuzz-short:
	@for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' internal | xargs -n1 dirname | sort -u); do \
		for target in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz ./$$dir $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./$$dir >/dev/null || exit 1; \
		done; \
	done

fuzz:
	$(MAKE) fuzz-short FUZZTIME=2m

## bench: Go benchmarks of the hot paths (search, directory page, agency page) over
## BENCH_AGENCIES synthetic agencies, loaded once into a database kept in tmp/benchpg and reused
## by later runs. Figures and how to read them: BENCHMARKS.md.
BENCHPG        ?= $(CURDIR)/tmp/benchpg
BENCH_AGENCIES ?= 100000
BENCHTIME      ?= 1s
bench:
	$(GO) run ./internal/postgres/withcluster -dir $(BENCHPG) -- \
		env BENCH_AGENCIES=$(BENCH_AGENCIES) $(GO) test -count=1 -timeout 60m -run '^$$' -bench . \
		-benchmem -benchtime $(BENCHTIME) ./internal/directory/ ./internal/server/

clean:
	rm -rf bin tmp
