// Command httpbench is the HTTP half of `make bench`: it serves the benchmark database with
// bin/dadirectory, and each page of issue 6's query classes also as a static file from nginx,
// then loads both with wrk at 32 connections and prints a table of requests/s, latency, the
// ratio to nginx (the ceiling) and the app's peak memory, with issue 6's goals as PASS/FAIL:
//
//	go run ./internal/postgres/withcluster -dir tmp/benchpg -- go run ./internal/bench/httpbench
//
// It reads BENCH_DATABASE_URL or TEST_DATABASE_URL (the server), BENCH_AGENCIES (default
// 100000), BENCH_HTTP_DURATION (per run, default 10s), BENCH_PROFILE=1 (a CPU profile, when
// the app serves pprof) and BENCH_APP_BIN (a binary to measure instead of building
// bin/dadirectory). It writes the table to tmp/bench-http.md too. A missed goal is a
// result, not an error: it exits non-zero only when it could not measure.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"dadirectory/internal/postgres/pgtest"
)

const warmup = 2 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx)
	interrupted := ctx.Err() != nil
	stop()
	switch {
	case interrupted:
		fmt.Fprintln(os.Stderr, "httpbench: interrupted")
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	n, err := envInt("BENCH_AGENCIES", 100000)
	if err != nil {
		return err
	}
	dur := 10 * time.Second
	if s := os.Getenv("BENCH_HTTP_DURATION"); s != "" {
		if dur, err = time.ParseDuration(s); err != nil || dur < time.Second {
			return fmt.Errorf("BENCH_HTTP_DURATION=%q: want a duration of 1s or more", s)
		}
	}
	base := pgtest.BenchURL()
	if base == "" {
		return errors.New("BENCH_DATABASE_URL or TEST_DATABASE_URL is not set: run `make bench`")
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the module root (where go.mod is), as `make bench` does")
	}
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	if err := ensureTools(); err != nil {
		return err
	}

	logf("database with %d synthetic agencies (loaded once, then reused)", n)
	dbURL, err := pgtest.KeptURL(ctx, base, "synthetic_"+strconv.Itoa(n), fillBenchDB(n))
	if err != nil {
		return err
	}
	perClass, err := envInt("BENCH_PATHS", 200)
	if err != nil {
		return err
	}
	targets, err := pickTargets(ctx, dbURL, n, perClass)
	if err != nil {
		return err
	}
	load := loadAverage()             // before this program adds its own
	bin := os.Getenv("BENCH_APP_BIN") // another build to measure, such as one of an older commit
	if bin == "" {
		bin = "bin/dadirectory"
		logf("building %s", bin)
		if err := buildApp(ctx, goCmd); err != nil {
			return err
		}
	}
	started := time.Now()
	app, err := startApp(ctx, bin, dbURL)
	if err != nil {
		return err
	}
	logf("app ready (/readyz) %s after start", time.Since(started).Round(time.Millisecond))
	defer app.stop()

	files := map[string][]byte{}
	for i := range targets {
		t := &targets[i]
		if err := t.fetchAll(ctx, app.base, files); err != nil {
			return err
		}
		logf("%s: %d distinct paths", t.Name, len(t.Paths))
	}
	var assets []asset
	for _, t := range targets {
		if t.Path == "/directory" {
			if assets, err = pageAssets(ctx, app.base, t.Body); err != nil {
				return fmt.Errorf("/directory: %w", err)
			}
		}
	}
	ng, err := startNginx(ctx, files)
	if err != nil {
		return err
	}
	defer ng.stop()

	rep := report{When: time.Now(), Agencies: n, Duration: dur, Cores: runtime.NumCPU(), Load: load,
		Assets: assets, Versions: versions()}
	for _, t := range targets {
		r := row{target: t}
		logf("%s: nginx", t.Name)
		if r.Nginx, err = measure(ctx, ng.url(), t.Files, dur); err != nil {
			return err
		}
		logf("%s: app %s", t.Name, t.Path)
		if r.App, err = measure(ctx, app.base, t.Paths, dur); err != nil {
			return err
		}
		rep.Rows = append(rep.Rows, r)
	}
	if err := os.MkdirAll("tmp", 0o755); err != nil {
		return err
	}
	if os.Getenv("BENCH_PROFILE") == "1" {
		rep.Profile = profile(ctx, app, targets[0], dur)
	}
	logf("openreferral: every service as ndjson")
	if rep.Stream, err = streamAll(ctx, app); err != nil {
		return err
	}
	rep.HWM, rep.RSS = app.mem.peak()

	var md strings.Builder
	rep.write(&md)
	fmt.Print("\n" + md.String())
	if err := os.WriteFile("tmp/bench-http.md", []byte(md.String()), 0o644); err != nil {
		return err
	}
	logf("table written to tmp/bench-http.md")
	return nil
}

// measure warms url up, then loads it for d.
func measure(ctx context.Context, base string, paths []string, d time.Duration) (wrkResult, error) {
	if _, err := runWrk(ctx, warmup, base, paths); err != nil {
		return wrkResult{}, err
	}
	return runWrk(ctx, d, base, paths)
}

func envInt(key string, def int) (int, error) {
	s := os.Getenv(key)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive number", key, s)
	}
	return n, nil
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// versions names the tools that made the figures.
func versions() string {
	v := "Go " + strings.TrimPrefix(runtime.Version(), "go")
	// Both print their version to stderr; wrk then exits 1, so the exit status says nothing.
	if f := strings.Fields(execOutput("wrk", "-v")); len(f) >= 2 && f[0] == "wrk" {
		v += ", wrk " + f[1]
	}
	if out, ok := strings.CutPrefix(strings.TrimSpace(execOutput(nginxPath(), "-v")), "nginx version: "); ok {
		v += ", " + out
	}
	return v
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "httpbench: "+format+"\n", a...)
}
