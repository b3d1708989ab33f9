package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// proc is a server this program started and must stop, whatever happens.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
	err    error         // from Wait, once exited is closed
}

// startProc starts cmd in its own process group, so that a Ctrl-C reaches only this program,
// which then stops the servers in order. Pdeathsig stops them too if this program is killed.
func startProc(cmd *exec.Cmd) (*proc, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop sends sig, waits up to wait for the process to end, then kills it.
func (p *proc) stop(sig os.Signal, wait time.Duration) {
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(wait):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// freePort asks the kernel for a loopback port nobody uses. Another process could take it
// before ours listens; then the start fails clearly and a rerun picks another.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitOK polls url until it answers 200, p ends, or limit passes.
func waitOK(ctx context.Context, url string, p *proc, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := client.Get(url)
		last := fmt.Sprint(err)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not answering 200 after %s (last: %s)", url, limit, last)
		}
		select {
		case <-p.exited:
			return fmt.Errorf("exited before answering (%v)", p.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
