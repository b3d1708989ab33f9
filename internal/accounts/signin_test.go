package accounts_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"dadirectory/internal/accounts"
	"dadirectory/internal/postgres/pgtest"
)

// A burst larger than the hasher can queue is turned away at once with ErrBusy, unchecked and
// uncounted, instead of waiting behind the others and stalling every real sign-in.
func TestSignInBurstBeyondTheHashQueueIsTurnedAwayAtOnce(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// One slot, so eight may wait, and a slow hash, so the burst arrives while they wait.
	slow := accounts.HashParams{MemoryKiB: 19456, Time: 12, Threads: 1}
	generous := accounts.Throttle{Window: time.Minute, PerPair: 100, PerAddress: 1000, AccountWindow: time.Minute, PerAccount: 1000}
	store, err := accounts.NewStore(db, slow, generous, 1)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	results := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.SignIn(context.Background(), "burst"+strconv.Itoa(i)+"@example.org", "wrong passphrase", "192.0.2."+strconv.Itoa(i))
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	var busy, checked int
	for err := range results {
		switch {
		case errors.Is(err, accounts.ErrBusy):
			busy++
		case errors.Is(err, accounts.ErrBadCredentials):
			checked++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	t.Logf("%d at once with 1 hashing slot: %d checked, %d turned away", n, checked, busy)
	if busy == 0 || checked == 0 {
		t.Errorf("checked %d, turned away %d: want both", checked, busy)
	}
	// Only what was checked counts against anyone: 3 keys per checked attempt.
	var rows int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM login_failures`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3*checked {
		t.Errorf("%d throttle rows for %d checked attempts, want %d", rows, checked, 3*checked)
	}
}

// Failed sign-ins stay in the audit trail for 90 days, not for ever.
func TestFailedSignInsAreKeptNinetyDays(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	store, err := accounts.NewStore(db, accounts.HashParams{MemoryKiB: 19456, Time: 2, Threads: 1}, accounts.DefaultThrottle, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.Exec(ctx, `INSERT INTO audit_events (action, entity_type, occurred_at) VALUES
		('auth.sign_in_failed', 'user', now() - interval '91 days'), ('auth.sign_in_failed', 'user', now() - interval '89 days'),
		('auth.sign_in', 'user', now() - interval '400 days')`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SignIn(ctx, "nobody@example.org", "wrong passphrase", "192.0.2.1"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Fatal(err)
	}
	var failed, old int
	if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'auth.sign_in_failed'),
		count(*) FILTER (WHERE occurred_at < now() - interval '90 days') FROM audit_events`).Scan(&failed, &old); err != nil {
		t.Fatal(err)
	}
	if failed != 2 || old != 1 {
		t.Errorf("after a failure: %d failed sign-ins kept (want the 89-day-old one and the new one), %d older than 90 days (want only the other event)", failed, old)
	}
}
