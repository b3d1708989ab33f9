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
		sh -c 'E2E_REQUIRED=$${E2E_REQUIRED:-$${CI:-}} $(GO) test -count=1 -timeout 30m ./... && $(MAKE) --no-print-directory fuzz-short'

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

## fuzz-short: each fuzz target for $(FUZZTIME) (make test); fuzz: longer.
## A failing run is shown and run once more: an input that breaks a target is saved under
## testdata/fuzz and fails the second run too, while the fuzzer's own hiccups on a loaded
## machine (a worker missing a deadline) do not.
fuzz-short:
	@for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' internal | xargs -n1 dirname | sort -u); do \
		for target in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz ./$$dir $$target ($(FUZZTIME))"; \
			run="$(GO) test -run ^$$ -fuzz ^$$target$$ -fuzztime $(FUZZTIME) ./$$dir"; \
			out=$$($$run 2>&1) && continue; \
			echo "$$out" | tail -25; echo "fuzz ./$$dir $$target failed: running it once more"; \
			$$run || exit 1; \
		done; \
	done

fuzz:
	$(MAKE) fuzz-short FUZZTIME=2m

## audit: the Nu Html Checker on every page each role reaches (links walked from its home page,
## plus error pages and create forms sent empty) and Lighthouse 12.2.3 on the main public pages,
## against `dadirectory dev` on a free port with its data in tmp/auditdata; output in tmp/audit.
## Installs what is missing: Debian's JRE, chromium and npm; vnu-jar and lighthouse, pinned in
## internal/audittool/package-lock.json, into internal/audittool/node_modules (never globally).
.PHONY: audit audit-debs
AUDIT_NPM := internal/audittool/node_modules/.package-lock.json
audit: build audit-debs $(AUDIT_NPM)
	$(GO) run ./internal/audittool -bin bin/dadirectory -data tmp/auditdata -out tmp/audit \
		-tools internal/audittool/node_modules

audit-debs:
	@missing=; command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

$(AUDIT_NPM): internal/audittool/package.json internal/audittool/package-lock.json | audit-debs
	npm ci --prefix internal/audittool --no-audit --no-fund --silent
	@touch $@

## bench: Go benchmarks of the hot paths (search, directory page, agency page) over
## BENCH_AGENCIES synthetic agencies, loaded once into a database kept in tmp/benchpg and reused
## by later runs; then the HTTP load run: wrk against bin/dadirectory and against nginx serving
## the same bytes (the ceiling), BENCH_HTTP_DURATION per run, table also in tmp/bench-http.md.
## Figures and how to read them: BENCHMARKS.md.
BENCHPG        ?= $(CURDIR)/tmp/benchpg
BENCH_AGENCIES ?= 100000
BENCHTIME      ?= 1s
BENCH_HTTP_DURATION ?= 10s
bench:
	$(GO) run ./internal/postgres/withcluster -dir $(BENCHPG) -- \
		env BENCH_AGENCIES=$(BENCH_AGENCIES) $(GO) test -count=1 -timeout 60m -run '^$$' -bench . \
		-benchmem -benchtime $(BENCHTIME) ./internal/directory/ ./internal/server/
	$(GO) run ./internal/postgres/withcluster -dir $(BENCHPG) -- \
		env BENCH_AGENCIES=$(BENCH_AGENCIES) BENCH_HTTP_DURATION=$(BENCH_HTTP_DURATION) GO=$(GO) \
		$(GO) run ./internal/bench/httpbench

## soak: SOAK_DURATION (default 5m) of mixed reads and writes from 8 loopback clients against
## the app in-process; fails on any error answer or on goroutine/heap growth beyond the bounds
## it prints (internal/resilience). make test runs the same test for 10 s.
.PHONY: soak
SOAKPG        ?= $(CURDIR)/tmp/soakpg
SOAK_DURATION ?= 5m
soak:
	$(GO) run ./internal/postgres/withcluster -dir $(SOAKPG) -- \
		env SOAK_DURATION=$(SOAK_DURATION) $(GO) test -count=1 -timeout 0 -v -run '^TestSoak$$' ./internal/resilience/

clean:
	rm -rf bin tmp
