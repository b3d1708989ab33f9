package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// app is `dadirectory dev` running on a free loopback port: a private PostgreSQL under its
// own data directory, migrated, seeded with the demo data and the demo accounts.
type app struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startApp runs bin dev with DATA_DIR=dataDir and waits until /readyz answers. Its output goes
// to logPath, which is named in the error when it fails to start.
func startApp(ctx context.Context, bin, dataDir, logPath string) (*app, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	base := "http://" + addr
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	absData, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "dev")
	cmd.Env = append(os.Environ(),
		"DATA_DIR="+absData,
		"LISTEN_ADDR="+addr,
		"BASE_URL="+base,
		// No traffic may leave the machine: the quick exit goes to a page of the app itself.
		"QUICK_EXIT_URL="+base+"/safety",
		"LOG_LEVEL=warn",
	)
	cmd.Env = withoutEnv(cmd.Env, "DATABASE_URL") // dev must start its own cluster
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so a Ctrl-C on make reaches it once, through stop.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s dev: %w", bin, err)
	}
	a := &app{cmd: cmd, base: base, done: make(chan error, 1)}
	go func() { a.done <- cmd.Wait(); logFile.Close() }()

	// The first start runs initdb, migrations and the demo seed: allow a couple of minutes.
	deadline := time.Now().Add(3 * time.Minute)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-a.done:
			a.done <- err
			return nil, fmt.Errorf("%s dev exited before it was ready (%v); see %s", bin, err, logPath)
		case <-ctx.Done():
			a.stop()
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if resp, err := client.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a, nil
			}
		}
		if time.Now().After(deadline) {
			a.stop()
			return nil, fmt.Errorf("%s dev was not ready within 3 minutes; see %s", bin, logPath)
		}
	}
}

// stop asks the app to shut down as Ctrl-C would, so it also stops its PostgreSQL cluster.
func (a *app) stop() {
	if a.cmd.Process == nil {
		return
	}
	_ = a.cmd.Process.Signal(os.Interrupt)
	select {
	case <-a.done:
	case <-time.After(40 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.done
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("unexpected listener address %v", ln.Addr())
	}
	return tcp.Port, nil
}

func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if len(kv) > len(name) && kv[:len(name)+1] == name+"=" {
			continue
		}
		out = append(out, kv)
	}
	return out
}
