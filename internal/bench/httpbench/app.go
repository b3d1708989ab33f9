package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// app is bin/dadirectory serving the benchmark database.
type app struct {
	base  string // http://127.0.0.1:port
	pprof string // its profiler (PPROF_ADDR)
	p     *proc
	mem   *memSampler
}

// buildApp builds the binary the way `make build` does, so the run measures current code.
func buildApp(ctx context.Context, goCmd string) error {
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", "bin/dadirectory", "./cmd/dadirectory")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	return nil
}

// startApp runs `bin serve` against dbURL on a free loopback port and waits for
// /readyz. LOG_LEVEL=warn: a log line per request would be part of what is measured.
func startApp(ctx context.Context, bin, dbURL string) (a *app, err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	pport, err := freePort()
	if err != nil {
		return nil, err
	}
	pprofAddr := "127.0.0.1:" + strconv.Itoa(pport) // the app's profiler, on loopback
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "LISTEN_ADDR="+addr, "BASE_URL=http://"+addr,
		"LOG_LEVEL=warn", "PPROF_ADDR="+pprofAddr,
		"OPEN_DATA_RATE_LIMIT=0") // wrk is one client asking thousands of times a second
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	a = &app{base: "http://" + addr, pprof: "http://" + pprofAddr}
	if a.p, err = startProc(cmd); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	// Loading 100k agencies into an in-process index can take a while: allow for it.
	if err := waitOK(ctx, a.base+"/readyz", a.p, 3*time.Minute); err != nil {
		a.stop()
		return nil, fmt.Errorf("%s serve: %w", bin, err)
	}
	a.mem = sampleMemory(a.p.cmd.Process.Pid, 100*time.Millisecond)
	return a, nil
}

// stop sends SIGTERM (the app's graceful shutdown) and waits for it.
func (a *app) stop() {
	if a.mem != nil {
		a.mem.stop()
	}
	a.p.stop(syscall.SIGTERM, 30*time.Second)
}

// memSampler reads the app's resident memory from /proc while the load runs: VmHWM is the
// kernel's own peak since start (so nothing between samples is missed); the largest VmRSS seen
// shows whether that peak came from start-up or from the load.
type memSampler struct {
	mu         sync.Mutex
	hwm, rss   int64 // bytes; rss is the largest VmRSS sampled
	done, quit chan struct{}
}

func sampleMemory(pid int, every time.Duration) *memSampler {
	m := &memSampler{done: make(chan struct{}), quit: make(chan struct{})}
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if hwm, rss, err := readStatus(path); err == nil {
				m.mu.Lock()
				m.hwm = max(m.hwm, hwm)
				m.rss = max(m.rss, rss)
				m.mu.Unlock()
			}
			select {
			case <-m.quit:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) stop() {
	select {
	case <-m.quit:
	default:
		close(m.quit)
	}
	<-m.done
}

// peak returns VmHWM and the largest sampled VmRSS, in bytes.
func (m *memSampler) peak() (hwm, rss int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hwm, m.rss
}

// readStatus reads VmHWM and VmRSS (in kB in the file) from a /proc/<pid>/status file.
func readStatus(path string) (hwm, rss int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmHWM" && key != "VmRSS") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s %s: %q", path, key, val)
		}
		if key == "VmHWM" {
			hwm = kb << 10
		} else {
			rss = kb << 10
		}
	}
	if hwm == 0 || rss == 0 {
		return 0, 0, fmt.Errorf("%s: no VmHWM or VmRSS", path)
	}
	return hwm, rss, sc.Err()
}
