package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// profile takes a 10 s CPU profile from the app (its PPROF_ADDR) while wrk loads t, into
// tmp/bench-cpu.pprof, and says what it did.
func profile(ctx context.Context, a *app, t target, d time.Duration) string {
	resp, err := client.Get(a.pprof + "/debug/pprof/")
	if err != nil {
		return "skipped: " + err.Error()
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("skipped: the app does not serve /debug/pprof/ (%s)", resp.Status)
	}
	const secs = 10
	load := make(chan error, 1)
	go func() {
		_, err := runWrk(ctx, max(d, (secs+2)*time.Second), a.base, t.Paths)
		load <- err
	}()
	time.Sleep(time.Second) // profile the steady state, not wrk's first connections
	body, err := fetch(ctx, a.pprof, "/debug/pprof/profile?seconds="+strconv.Itoa(secs))
	if lerr := <-load; err == nil {
		err = lerr
	}
	if err != nil {
		return "failed: " + err.Error()
	}
	if err := os.WriteFile("tmp/bench-cpu.pprof", body, 0o644); err != nil {
		return "failed: " + err.Error()
	}
	return fmt.Sprintf("tmp/bench-cpu.pprof, %d s under load on %s (%d paths; `go tool pprof -top bin/dadirectory tmp/bench-cpu.pprof`)", secs, t.Path, len(t.Paths))
}

func execOutput(name string, args ...string) string {
	out, _ := exec.Command(name, args...).CombinedOutput()
	return string(out)
}
