package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// wrkResult is what the report needs from one wrk run.
type wrkResult struct {
	RPS          float64
	P50, P99     time.Duration
	Requests     int64
	Non2xx3xx    int64 // responses wrk counted as errors by status
	SocketErrors int64 // connect + read + write + timeout
	Timeouts     int64 // requests slower than wrk's --timeout: missing from the percentiles
}

// wrkArgs are the load every row gets: issue 6 fixes 32 connections; 2 threads for 2 cores.
// The 5 s timeout is well above the 30 ms p99 target, so only a grossly slow app hits it; those
// requests are left out of wrk's percentiles, so the report counts them as a failure. script
// makes wrk ask a row's paths in turn.
func wrkArgs(d time.Duration, base, script string) []string {
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	return []string{"-t2", "-c32", fmt.Sprintf("-d%ds", secs), "--timeout", "5s", "--latency", "-s", script, base}
}

// wrkScript is a Lua script for wrk that asks paths one after another, round and round, so a
// row measures hundreds of distinct pages, as people ask them, not one page again and again.
func wrkScript(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		b.WriteString("  " + strconv.Quote(p) + ",\n") // paths are URL-escaped ASCII: a Lua string too
	}
	b.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
	return b.String()
}

// runWrk runs wrk for d against base (scheme and host), asking paths in turn, and parses
// its report.
func runWrk(ctx context.Context, d time.Duration, base string, paths []string) (wrkResult, error) {
	f, err := os.CreateTemp("", "httpbench-*.lua")
	if err != nil {
		return wrkResult{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(wrkScript(paths)); err != nil {
		f.Close()
		return wrkResult{}, err
	}
	if err := f.Close(); err != nil {
		return wrkResult{}, err
	}
	cmd := exec.CommandContext(ctx, "wrk", wrkArgs(d, base, f.Name())...)
	// Its own process group, so a Ctrl-C reaches only this program, which ends wrk itself.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return wrkResult{}, ctx.Err()
		}
		return wrkResult{}, fmt.Errorf("wrk %s%s: %w\n%s", base, paths[0], err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, fmt.Errorf("wrk %s%s: %w\n%s", base, paths[0], err, out)
	}
	return r, nil
}

// parseWrk reads wrk's text report (with --latency). It fails when a figure the report needs is
// missing, so a changed wrk output cannot quietly give zeros.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var haveRPS, have50, have99 bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("requests/sec %q: %w", f[1], err)
			}
			r.RPS, haveRPS = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := parseWrkDuration(f[1])
			if err != nil {
				return r, err
			}
			if f[0] == "50%" {
				r.P50, have50 = d, true
			} else {
				r.P99, have99 = d, true
			}
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return r, fmt.Errorf("requests %q: %w", f[0], err)
			}
			r.Requests = n
		case strings.HasPrefix(strings.TrimSpace(sc.Text()), "Non-2xx or 3xx responses:"):
			n, err := strconv.ParseInt(f[len(f)-1], 10, 64)
			if err != nil {
				return r, fmt.Errorf("non-2xx %q: %w", f[len(f)-1], err)
			}
			r.Non2xx3xx = n
		case len(f) == 10 && f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for i := 2; i+1 < len(f); i += 2 {
				n, err := strconv.ParseInt(strings.TrimSuffix(f[i+1], ","), 10, 64)
				if err != nil {
					return r, fmt.Errorf("socket errors %q: %w", sc.Text(), err)
				}
				r.SocketErrors += n
				if f[i] == "timeout" {
					r.Timeouts = n
				}
			}
		}
	}
	if !haveRPS || !have50 || !have99 {
		return r, fmt.Errorf("no Requests/sec, 50%% or 99%% line in wrk's output")
	}
	return r, nil
}

// parseWrkDuration reads wrk's latency figures: 456.78us, 1.23ms, 1.02s, 2.00m (and 0.00us).
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("latency %q: not a number of %s", s, u.suffix)
			}
			return time.Duration(math.Round(v * float64(u.unit))), nil
		}
	}
	return 0, fmt.Errorf("latency %q: unknown unit", s)
}
