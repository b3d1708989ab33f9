package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// nginxConf is the ceiling: static files from root, tuned the way one would serve static HTML
// (sendfile, no access log) and without gzip, since wrk sends no Accept-Encoding and the app
// then sends plain bytes too. Everything it writes stays under prefix.
const nginxConf = `worker_processes auto;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
    types { }
    default_type text/html;
    charset utf-8;
    access_log off;
    sendfile on;
    tcp_nopush on;
    gzip off;
    keepalive_requests 1000000;
    client_body_temp_path %[1]s/body;
    server {
        listen 127.0.0.1:%[2]d;
        root %[1]s/www;
    }
}
`

type nginx struct {
	prefix string
	port   int
	p      *proc
}

// startNginx serves files (name -> body) from a fresh directory and waits until it answers.
func startNginx(ctx context.Context, files map[string][]byte) (n *nginx, err error) {
	prefix, err := os.MkdirTemp("", "httpbench-nginx-")
	if err != nil {
		return nil, err
	}
	n = &nginx{prefix: prefix}
	defer func() {
		if err != nil {
			n.stop()
		}
	}()
	// Run as root, nginx's workers drop to nobody, who must be able to read the files.
	if err := os.Chmod(prefix, 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(prefix, "www"), 0o755); err != nil {
		return nil, err
	}
	var probe string
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(prefix, "www", name), body, 0o644); err != nil {
			return nil, err
		}
		probe = name
	}
	if n.port, err = freePort(); err != nil {
		return nil, err
	}
	conf := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, prefix, n.port), 0o644); err != nil {
		return nil, err
	}
	// -e: the log nginx opens before it reads the config, which defaults to /var/log.
	cmd := exec.Command(nginxPath(), "-p", prefix, "-c", conf, "-e", filepath.Join(prefix, "error.log"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if n.p, err = startProc(cmd); err != nil {
		return nil, fmt.Errorf("start nginx: %w", err)
	}
	if err := waitOK(ctx, n.url()+"/"+probe, n.p, 10*time.Second); err != nil {
		return nil, fmt.Errorf("nginx: %w; its log: %s", err, tail(filepath.Join(prefix, "error.log")))
	}
	return n, nil
}

// url is nginx's scheme and host; files are asked as /name.
func (n *nginx) url() string { return "http://127.0.0.1:" + strconv.Itoa(n.port) }

// stop ends nginx (SIGQUIT: finish the open requests, then exit) and removes its files.
func (n *nginx) stop() {
	if n.p != nil {
		n.p.stop(syscall.SIGQUIT, 10*time.Second)
	}
	_ = os.RemoveAll(n.prefix)
}

// tail is the end of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
