package resilience

import (
	"context"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3/lock"

	"dadirectory/internal/postgres/pgtest"
)

// get answers status and body of one request on a connection of its own.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReadinessFollowsStartAndShutdown: while migrations wait (another instance holds their
// lock) the instance is alive but not ready, and every page says it is starting; once
// migrated it is ready. On SIGTERM readiness fails first while pages are still served
// (SHUTDOWN_DRAIN), then the listener closes and the process exits 0.
func TestReadinessFollowsStartAndShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the built app")
	}
	bin := appBinary(t)
	dbURL := pgtest.Empty(t) // every migration pending, so they take the lock
	ctx := context.Background()
	holder, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, `SELECT pg_advisory_lock($1)`, lock.DefaultLockID); err != nil {
		t.Fatal(err)
	}
	const drain = 3 * time.Second
	app := startServeUntil(t, bin, dbURL, "starting: answering 503 until migrated",
		"SHUTDOWN_DRAIN="+drain.String(), "SHUTDOWN_TIMEOUT=10s")
	for range 3 {
		if s, _ := get(t, app.URL+"/healthz"); s != http.StatusOK {
			t.Errorf("/healthz while migrating: %d", s)
		}
		if s, b := get(t, app.URL+"/readyz"); s != http.StatusServiceUnavailable || !strings.Contains(b, "migrations") {
			t.Errorf("/readyz while migrating: %d %q", s, b)
		}
		if s, b := get(t, app.URL+"/directory"); s != http.StatusServiceUnavailable || !strings.Contains(b, "999") {
			t.Errorf("a page while migrating: %d", s)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if _, err := holder.Exec(ctx, `SELECT pg_advisory_unlock($1)`, lock.DefaultLockID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		s, _ := get(t, app.URL+"/readyz")
		if s == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready 60 s after the migrations' lock was free: %d", s)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if s, _ := get(t, app.URL+"/directory"); s != http.StatusOK {
		t.Fatalf("a page once ready: %d", s)
	}

	termAt := time.Now()
	if err := app.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var notReadyAt time.Time
	for time.Since(termAt) < drain {
		s, b := get(t, app.URL+"/readyz")
		if s == http.StatusServiceUnavailable && strings.Contains(b, "shutting down") {
			notReadyAt = time.Now()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if notReadyAt.IsZero() {
		t.Fatal("/readyz did not fail after SIGTERM")
	}
	// Still served while draining: the load balancer may not have noticed yet.
	if s, _ := get(t, app.URL+"/directory?q=refuge"); s != http.StatusOK && time.Since(termAt) < drain-500*time.Millisecond {
		t.Errorf("a page while draining: %d", s)
	}
	refusedAt, _ := waitRefused(app.Addr, termAt.Add(drain+10*time.Second))
	switch {
	case refusedAt.IsZero():
		t.Error("the listener never closed")
	case refusedAt.Sub(termAt) < drain-200*time.Millisecond:
		t.Errorf("the listener closed %s after SIGTERM, before the drain of %s", refusedAt.Sub(termAt), drain)
	}
	select {
	case <-app.done:
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15 s after SIGTERM")
	}
	if app.err != nil {
		t.Errorf("exit: %v", app.err)
	}
	t.Logf("not ready %s after SIGTERM; connections refused after %s", notReadyAt.Sub(termAt).Round(time.Millisecond),
		refusedAt.Sub(termAt).Round(time.Millisecond))
}
