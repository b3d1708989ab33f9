package resilience

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/config"
	"dadirectory/internal/mail/mailtest"
	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
	"dadirectory/internal/server"
)

// The soak's bounds. After the run and a GC, compared with the same measure after warm-up:
// goroutines may grow by a little (a pool connection or an idle timer more), the heap in use
// by what caches and pools may hold; anything above either is a leak.
const (
	soakClients         = 8
	soakGoroutineGrowth = 20
	soakHeapGrowth      = 32 << 20
	soakDefault         = 10 * time.Second // when SOAK_DURATION is unset: a brief run in `make test`
)

// TestSoak runs mixed reads and writes against the app in-process. See doc.go.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a timed load run")
	}
	duration := soakDefault
	if s := os.Getenv("SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			t.Fatalf("SOAK_DURATION %q: want a duration such as 5m", s)
		}
		duration = d
	}
	warmUp := min(max(duration/10, 2*time.Second), 30*time.Second)

	ctx := context.Background()
	dbURL := pgtest.URL(t)
	pool, err := postgres.Open(ctx, dbURL) // the production pool settings
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := seed.Demo(ctx, pool); err != nil {
		t.Fatal(err)
	}
	const email, password = "rsl.soak@example.org", "a long soak test passphrase"
	if _, err := accounts.Create(ctx, pool, accounts.NewUser{Email: email, Name: "Sam Soak", Role: access.RSLOfficer,
		OrgSlug: "link-group", Password: password}, accounts.HashParams{MemoryKiB: 19456, Time: 2, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	var version int
	if err := pool.QueryRow(ctx, `SELECT version FROM agencies WHERE slug = 'link-group'`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	startVersion := version
	slugs := publicSlugs(t, dbURL, 3)

	warnings := &lockedBuffer{}
	base := startInProcess(t, dbURL, pool, slog.New(slog.NewTextHandler(warnings, &slog.HandlerOptions{Level: slog.LevelWarn})))

	officer := signIn(t, base, email, password)
	clients := []*http.Client{officer}
	for range soakClients - 2 {
		clients = append(clients, newClient())
	}
	public := append(publicPaths(slugs), "/directory?q=housing&area=motherwell", "/directory?page=2",
		"/contacts/print", "/safety", "/healthz")
	staff := []string{"/", "/my/organisation", "/directory?q=support", "/contacts"}

	var requests, failures atomic.Int64
	var failMu sync.Mutex
	var firstFailures []string
	check := func(r result, want int) {
		requests.Add(1)
		if r.Err == nil && r.Status == want {
			return
		}
		failures.Add(1)
		failMu.Lock()
		if len(firstFailures) < 10 {
			firstFailures = append(firstFailures, fmt.Sprintf("%s (want %d) %.200s", r, want, r.Body))
		}
		failMu.Unlock()
	}
	var acked atomic.Int64
	run := func(d time.Duration) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		loop(ctx, soakClients, func(w, i int) {
			switch w {
			case 0: // the officer confirms the organisation's details: a write that bumps its version
				r := do(officer, http.MethodPost, base, "/my/organisation/confirm", url.Values{"version": {strconv.Itoa(version)}})
				r.Op = "confirm"
				check(r, http.StatusSeeOther)
				if r.Err == nil && r.Status == http.StatusSeeOther {
					version++
					acked.Add(1)
				}
			case 1: // the officer reads staff pages with their session
				check(do(officer, http.MethodGet, base, staff[i%len(staff)], nil), http.StatusOK)
			default:
				check(do(clients[w-1], http.MethodGet, base, public[(w*5+i)%len(public)], nil), http.StatusOK)
			}
		}).Wait()
	}

	run(warmUp)
	g0, heap0, rss0 := settle(clients)
	started := time.Now()
	n0 := requests.Load()
	run(duration)
	elapsed := time.Since(started)
	n := requests.Load() - n0
	g1, heap1, rss1 := settle(clients)

	var stored int
	if err := pool.QueryRow(ctx, `SELECT version FROM agencies WHERE slug = 'link-group'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}

	t.Logf("soak: %s after %s warm-up, %d clients: %d requests (%.0f/s), %d failures, %d writes acknowledged",
		duration, warmUp, soakClients, n, float64(n)/elapsed.Seconds(), failures.Load(), acked.Load())
	t.Logf("soak: goroutines %d -> %d (bound +%d); heap in use %.1f -> %.1f MB (bound +%d MB); RSS %.1f -> %.1f MB (not bounded: the runtime returns memory lazily)",
		g0, g1, soakGoroutineGrowth, mb(heap0), mb(heap1), soakHeapGrowth>>20, mb(rss0), mb(rss1))

	if f := failures.Load(); f > 0 {
		t.Errorf("%d failed requests; first:\n%s", f, strings.Join(firstFailures, "\n"))
	}
	if g1 > g0+soakGoroutineGrowth {
		t.Errorf("goroutines grew from %d to %d (bound +%d)\n%s", g0, g1, soakGoroutineGrowth, goroutineDump())
	}
	if heap1 > heap0+soakHeapGrowth {
		t.Errorf("heap in use grew from %.1f MB to %.1f MB (bound +%d MB)", mb(heap0), mb(heap1), soakHeapGrowth>>20)
	}
	if want := startVersion + int(acked.Load()); stored != want {
		t.Errorf("organisation version %d after %d acknowledged confirmations from %d: want %d", stored, acked.Load(), startVersion, want)
	}
	if warnings.Len() > 0 {
		t.Errorf("the app logged warnings or errors:\n%.2000s", warnings.String())
	}
}

// startInProcess serves the app on a loopback port with the same server timeouts as
// `dadirectory serve`, until the test ends.
func startInProcess(t *testing.T, dbURL string, pool *pgxpool.Pool, log *slog.Logger) string {
	t.Helper()
	// Mail on, as a council runs it: the job queue works alongside the requests.
	env := map[string]string{"DATABASE_URL": dbURL, "LISTEN_ADDR": "127.0.0.1:0", "SMTP_URL": mailtest.Start(t).URL().String(),
		"MFA_REQUIRED_ROLES": "none"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(cfg, log, pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // runs before the database is dropped: the index stops quietly
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	go hs.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// settle closes the clients' idle connections, waits for the goroutines serving them to end,
// collects garbage and measures.
func settle(clients []*http.Client) (goroutines int, heapInUse, rss uint64) {
	for _, c := range clients {
		c.CloseIdleConnections()
	}
	// Connection goroutines end a moment after their sockets close: wait until the count has
	// been steady for half a second (or 10 s have passed).
	last, steady := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(10 * time.Second); steady < 5 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		if n := runtime.NumGoroutine(); n == last {
			steady++
		} else {
			last, steady = n, 0
		}
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapInuse, residentBytes()
}

// residentBytes is this process's resident set size, from /proc (0 where there is none).
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func goroutineDump() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// lockedBuffer collects the app's warnings from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
