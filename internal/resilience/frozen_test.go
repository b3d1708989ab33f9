package resilience

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestDatabaseFrozen freezes PostgreSQL (SIGSTOP) instead of stopping it: its connections
// stay open but nothing answers, as when the network to it fails. Nothing reports an error, so
// only the app's own limits (postgres.WithStatementLimit, set by serve) stop a request from
// waiting for ever: they judge the database frozen when it shows no sign of life. Every
// request is answered, by its page when the page needs no database (the directory search and
// the pages kept per data version answer from memory) or within 2 s by the friendly 503;
// after SIGCONT the app works again within 10 s.
func TestDatabaseFrozen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL and the built app")
	}
	rg := newRig(t)
	paths := append(slices.Clone(rg.paths), "/healthz", "/readyz", "/safety")

	var (
		mu      sync.Mutex
		results []result
	)
	loadCtx, stopLoad := context.WithCancel(context.Background())
	anon := newClient()
	readers := loop(loadCtx, 4, func(w, i int) {
		r := do(anon, http.MethodGet, rg.app.URL, paths[(w*3+i)%len(paths)], nil)
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	})
	officer := loop(loadCtx, 1, func(_, i int) {
		r := do(rg.officer, http.MethodGet, rg.app.URL, []string{"/my/organisation", "/"}[i%2], nil)
		r.Op = "officer " + r.Op
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	})
	defer func() { stopLoad(); readers.Wait(); officer.Wait() }()
	time.Sleep(2 * time.Second)

	pids, err := rg.cluster.Processes()
	if err != nil {
		t.Fatal(err)
	}
	signalAll(pids, syscall.SIGSTOP)
	frozenAt := time.Now()
	thawed := false
	defer func() {
		if !thawed {
			signalAll(pids, syscall.SIGCONT)
		}
	}()
	time.Sleep(5 * time.Second)
	signalAll(pids, syscall.SIGCONT)
	thawed = true
	thawAt := time.Now()

	recoveredAt, lastFailure := waitRecovered(rg.app.URL, rg.paths, rg.officer, thawAt.Add(recoverWithin+10*time.Second))
	time.Sleep(time.Second)
	stopLoad()
	readers.Wait()
	officer.Wait()

	if recoveredAt.IsZero() || recoveredAt.Sub(thawAt) > recoverWithin {
		t.Errorf("app did not recover within %s of PostgreSQL thawing; last failure: %v", recoverWithin, lastFailure)
	}
	// Each answer is held to the rules of the phase it falls in, by when it started and ended
	// against the freeze and the thaw. Only the outage is measured: a slow answer fails
	// nothing unless it could have been a request hanging on the frozen database, that is
	// unless it was answered from memory (its page) before the thaw.
	ok := func(r result) bool { return r.Err == nil && r.Status == http.StatusOK }
	counts := map[string]map[int]int{}
	var bad []string
	for _, r := range results {
		var why string
		switch {
		case r.End.Before(frozenAt):
			if !ok(r) {
				why = "failed before the freeze"
			}
		case !recoveredAt.IsZero() && r.Start.After(recoveredAt):
			if !ok(r) {
				why = "failed after recovery"
			}
		case r.Err != nil:
			why = "no answer"
		case r.Status == http.StatusServiceUnavailable && r.Op != "GET /readyz" && !r.friendly():
			why = "503 without the friendly page"
		case r.Status != http.StatusOK && r.Status != http.StatusServiceUnavailable:
			why = "want 200 or 503"
		case !r.Start.Before(thawAt):
			// Thawed, not yet recovered: the page, or a fast 503.
			if !ok(r) && r.took() > answerWithin {
				why = fmt.Sprintf("a 503 after %s while recovering (bound %s)", r.took().Round(time.Millisecond), answerWithin)
			}
		default: // frozen
			if counts[r.Op] == nil {
				counts[r.Op] = map[int]int{}
			}
			counts[r.Op][r.Status]++
			waited := r.End.Sub(maxTime(r.Start, frozenAt))
			switch {
			case waited > answerWithin && !(ok(r) && r.End.Before(thawAt)):
				why = fmt.Sprintf("answered %s after the freeze (bound %s)", waited.Round(time.Millisecond), answerWithin)
			case r.Op == "GET /healthz" && r.Status != http.StatusOK:
				why = "healthz must stay 200"
			case r.Op == "GET /readyz" && r.Start.After(frozenAt.Add(time.Second)) && r.End.Before(thawAt) && r.Status != http.StatusServiceUnavailable:
				why = "readyz must say 503 while the database does not answer"
			}
		}
		if why != "" && len(bad) < 20 {
			bad = append(bad, fmt.Sprintf("%s (started %s after the freeze): %s", r, r.Start.Sub(frozenAt).Round(time.Millisecond), why))
		}
	}
	t.Logf("answers started before the thaw and ended after the freeze, by status: %v; recovered %s after thawing", counts, recoveredAt.Sub(thawAt).Round(time.Millisecond))
	if len(bad) > 0 {
		t.Errorf("answers breaking the rules (first %d):\n%s", len(bad), strings.Join(bad, "\n"))
	}
	// The public pages may all be answered from memory (the search index, and the pages kept
	// per data version while its connection stays open: nothing can change while the database
	// is frozen), so the proof that the freeze was real is a signed-in visitor's pages, which
	// read the session from the database.
	for _, op := range []string{"officer GET /", "officer GET /my/organisation"} {
		if counts[op][http.StatusServiceUnavailable] == 0 {
			t.Errorf("%s never answered 503 while PostgreSQL was frozen: the freeze proved nothing", op)
		}
	}
}

func signalAll(pids []int, sig syscall.Signal) {
	for _, p := range pids {
		syscall.Kill(p, sig)
	}
}
