// Package e2e holds black-box tests that drive the whole application in a real browser
// (Debian's chromium through chromedp), against a real PostgreSQL loaded with the demo data.
//
// Run them with the private test cluster and axe-core installed:
//
//	npm install --prefix internal/e2e --no-audit --no-fund
//	E2E_REQUIRED=1 go run ./internal/postgres/withcluster -dir tmp/testpg-e2e -- go test -count=1 ./internal/e2e/
//
// Without chromium or axe-core the tests skip, unless E2E_REQUIRED=1 or CI=true, when they fail.
package e2e
