// Package resilience holds tests only: they measure how the whole app behaves when things go
// wrong around it, so the claims in the README can be checked on any machine.
//
//   - fault_test.go: the built binary serves a PostgreSQL cluster of the test's own, under
//     load from a few clients (public pages and a signed-in RSL officer adding contacts). The
//     test stops PostgreSQL and proves every request gets an answer within 2 seconds (no
//     hang), that pages needing the database answer 503 with the friendly error page, that
//     /readyz says 503 while /healthz stays 200; then starts PostgreSQL again and proves the
//     same process recovers by itself within 10 seconds, and that every write the app
//     acknowledged (before and after the outage) is in the database.
//   - frozen_test.go: the same, but PostgreSQL is frozen (SIGSTOP) rather than stopped, as
//     when the network to it fails: nothing reports an error, so only the app's own limits
//     (postgres.WithStatementLimit, set by serve on every request) bound the wait. Every
//     request is answered within 2 s (by its page if it needs no database, else by the
//     friendly 503) and the app recovers within 10 s of SIGCONT.
//   - busy_test.go: PostgreSQL slow but working (a lock holds the officer's pages and writes
//     for 3 s, longer than a frozen database's visitors wait): every answer is the page,
//     none a 503.
//   - shutdown_test.go: the built binary gets SIGTERM while large downloads are being read
//     slowly and a burst of page requests is on the wire; it proves those finish with 200 and
//     their full bodies, that new connections are refused as soon as shutdown begins, and
//     that the process exits 0 within its shutdown timeout.
//   - soak_test.go: the app in-process under bounded mixed reads and writes on loopback for
//     SOAK_DURATION (`make soak`: 5 minutes; `make test`: 10 seconds), proving no error
//     answer and no growth of goroutines or heap beyond the bounds it states.
//
// The timings the issue sets (2 s, 10 s) are the assertions, and they measure the outage:
// each answer is judged by when it started and ended against the stop (or freeze) and the
// return of PostgreSQL, and an answer that is only slow, as on a loaded machine, fails
// nothing unless it could have been hanging on the missing database. Everything else waits
// generously, so the tests hold on a loaded 2-core machine.
package resilience
