package postgres

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestStatementLimit holds the limiter (limit.go) to its promises on a cluster of the test's
// own (it is frozen part of the way through): a database that is slow but answering is waited
// for, even while both CPUs are kept busy; a frozen one is cut short in about frozenAfter,
// and once judged frozen in about frozenGrace; after the thaw it works again by itself.
func TestStatementLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL")
	}
	c := startTest(t, clusterDir(t))
	t.Cleanup(func() { _ = c.Stop() })
	// Two connections, so the probe's own connection is what tells a busy pool from a frozen
	// server when both are taken by slow statements.
	pool, err := Open(t.Context(), c.URL()+"&pool_max_conns=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	limited := WithStatementLimit(context.Background())

	// A statement of 1.5 s, with nothing else running: only the probe shows the server lives.
	t.Run("slow statement", func(t *testing.T) {
		defer busyCPUs()()
		start := time.Now()
		if _, err := pool.Exec(limited, `SELECT pg_sleep(1.5)`); err != nil {
			t.Fatalf("a 1.5 s statement on a live database with both CPUs busy failed after %s: %v", time.Since(start), err)
		}
	})

	// Both connections busy for 1.5 s: a request waiting for one is served when one is free.
	t.Run("pool busy", func(t *testing.T) {
		defer busyCPUs()()
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 2 {
			wg.Go(func() {
				_, err := pool.Exec(limited, `SELECT pg_sleep(1.5)`)
				errs <- err
			})
		}
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		var one int
		err := pool.QueryRow(limited, `SELECT 1`).Scan(&one)
		took := time.Since(start)
		wg.Wait()
		close(errs)
		if err != nil {
			t.Errorf("waiting %s for a connection of a busy pool: %v", took, err)
		}
		for err := range errs {
			if err != nil {
				t.Errorf("slow statement: %v", err)
			}
		}
		t.Logf("waited %s for a connection", took.Round(time.Millisecond))
	})

	// A lock held for 1.5 s: the statement waiting for it is waited for too.
	t.Run("lock wait", func(t *testing.T) {
		ctx := t.Context()
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS limit_lock (n int)`); err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `LOCK TABLE limit_lock IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		// The rollback must be over before the connection goes back to the pool (the deferred
		// Release): a connection is used by one goroutine at a time, and the statement below
		// can finish while the rollback is still reading its answer.
		rolledBack := make(chan struct{})
		time.AfterFunc(1500*time.Millisecond, func() {
			defer close(rolledBack)
			tx.Rollback(context.Background())
		})
		start := time.Now()
		_, err = pool.Exec(limited, `SELECT count(*) FROM limit_lock`)
		took := time.Since(start)
		<-rolledBack
		if err != nil {
			t.Errorf("a statement waiting 1.5 s for a lock failed after %s: %v", took, err)
		} else if took < time.Second {
			t.Errorf("the statement took %s: the lock did not hold it", took)
		}
	})

	pids, err := c.Processes()
	if err != nil {
		t.Fatal(err)
	}
	signal(pids, syscall.SIGSTOP)
	thawed := false
	defer func() {
		if !thawed {
			signal(pids, syscall.SIGCONT)
		}
	}()

	// Frozen: the first statement is cut in about frozenAfter, the next sooner.
	t.Run("frozen", func(t *testing.T) {
		for i, bound := range []time.Duration{frozenAfter + 750*time.Millisecond, frozenGrace + 750*time.Millisecond} {
			start := time.Now()
			var one int
			err := pool.QueryRow(limited, `SELECT 1`).Scan(&one)
			took := time.Since(start)
			switch {
			case err == nil:
				t.Fatalf("statement %d on a frozen database succeeded", i+1)
			case !IsUnavailable(err) || !errors.Is(err, context.DeadlineExceeded):
				t.Errorf("statement %d: %v, want an error IsUnavailable and DeadlineExceeded", i+1, err)
			case took > bound:
				t.Errorf("statement %d on a frozen database failed after %s, want within %s", i+1, took, bound)
			}
			t.Logf("statement %d cut after %s", i+1, took.Round(time.Millisecond))
		}
		// Work that did not ask for the limit is not cut: it waits for its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 2*frozenAfter)
		defer cancel()
		start := time.Now()
		if _, err := pool.Exec(ctx, `SELECT 1`); err == nil || ctx.Err() == nil {
			t.Errorf("an unlimited statement ended after %s, before its own deadline: %v", time.Since(start), err)
		}
	})

	signal(pids, syscall.SIGCONT)
	thawed = true

	t.Run("thawed", func(t *testing.T) {
		start := time.Now()
		for {
			_, err := pool.Exec(limited, `SELECT 1`)
			if err == nil {
				t.Logf("working again %s after the thaw", time.Since(start).Round(time.Millisecond))
				return
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("still failing 5 s after the thaw: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// busyCPUs keeps every CPU busy, as other work on a shared machine would, until the function
// it returns is called.
func busyCPUs() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				for i := 0; i < 1e6; i++ {
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }
}

func signal(pids []int, sig syscall.Signal) {
	for _, p := range pids {
		syscall.Kill(p, sig)
	}
}
