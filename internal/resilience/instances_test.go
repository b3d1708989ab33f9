package resilience

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres/pgtest"
)

// upstreamConf is nginx as a council's load balancer would be set up: round robin over the
// instances, retrying a request on the next one when an instance refuses the connection or
// drops it. Everything it writes stays under prefix.
const upstreamConf = `worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    upstream app {
        server %[3]s max_fails=0;
        server %[4]s max_fails=0;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:%[2]d;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 2;
        }
    }
}
`

// startProxy runs nginx in front of the two addresses and returns its base URL.
func startProxy(t *testing.T, a, b string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("nginx is missing: .ci/run installs it")
			}
			t.Skip("nginx is not installed (apt-get install nginx)")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	prefix := t.TempDir()
	conf := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, upstreamConf, prefix, port, a, b), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", prefix, "-c", conf)
	out := &lineLog{}
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { out.add(string(p)); return len(p), nil })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return base
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not start: %s", out.tail(10))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestTwoInstancesBehindAProxy starts two instances on one empty database at once behind nginx
// (round robin) and shows what a council running several needs: the migrations apply once;
// a session made through one works on the other; an edit made through one is on the other's
// pages within 1 s; and one instance stopped under load loses no request.
func TestTwoInstancesBehindAProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the built app twice")
	}
	bin := appBinary(t)
	dbURL := pgtest.Empty(t)
	env := []string{"SHUTDOWN_DRAIN=1s", "SHUTDOWN_TIMEOUT=10s", "TRUSTED_PROXIES=127.0.0.1"}

	// Both start together on a database with every migration pending.
	var a, b *appProcess
	var wg sync.WaitGroup
	wg.Go(func() { a = startServe(t, bin, dbURL, env...) })
	wg.Go(func() { b = startServe(t, bin, dbURL, env...) })
	wg.Wait()
	if t.Failed() {
		return
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var versions, distinct int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).
		Scan(&versions, &distinct); err != nil || versions != distinct || versions == 0 {
		t.Fatalf("migrations recorded %d times for %d versions (%v)", versions, distinct, err)
	}
	applied := a.logs.count("migration applied") + b.logs.count("migration applied")
	if applied != versions {
		t.Errorf("the two instances applied %d migrations between them, want each of the %d once", applied, versions)
	}

	chore(t, bin, dbURL, "", "seed", "--demo")
	const email, password = "two.instances@example.org", "a long passphrase for two instances"
	chore(t, bin, dbURL, password+"\n", "user", "add", "--email", email, "--name", "Tam Two",
		"--role", "rsl_officer", "--org", "link-group")
	proxy := startProxy(t, a.Addr, b.Addr)

	// A session made through the proxy works on each instance directly.
	officer := signIn(t, proxy, email, password)
	for _, base := range []string{a.URL, b.URL, proxy, proxy} {
		if r := do(officer, http.MethodGet, base, "/my/organisation", nil); r.Err != nil || r.Status != http.StatusOK {
			t.Errorf("the session on %s: %v", base, r)
		}
	}

	// An edit through one instance is on the other's page within 1 s.
	title := "Two instances check " + time.Now().Format("150405.000")
	r := do(officer, http.MethodPost, a.URL, "/my/organisation/contacts", url.Values{
		"role_title": {title}, "kind": {"general"}, "visibility": {"public"}})
	if r.Err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("the edit through the first instance: %v\n%.300s", r, r.Body)
	}
	editedAt := time.Now()
	anon := newClient()
	for {
		page := do(anon, http.MethodGet, b.URL, "/agencies/link-group", nil)
		if page.Status == http.StatusOK && strings.Contains(string(page.Body), title) {
			t.Logf("the edit through one instance showed on the other after %s", time.Since(editedAt).Round(time.Millisecond))
			break
		}
		if time.Since(editedAt) > time.Second {
			t.Fatalf("the edit through one instance was not on the other's page within 1 s (%v)", page)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// One instance stopped under load: every request through the proxy is answered.
	paths := publicPaths(publicSlugs(t, dbURL, 2))
	loadCtx, stop := context.WithCancel(ctx)
	var mu sync.Mutex
	var results []result
	readers := loop(loadCtx, 4, func(w, i int) {
		res := do(anon, http.MethodGet, proxy, paths[(w*3+i)%len(paths)], nil)
		mu.Lock()
		results = append(results, res)
		mu.Unlock()
	})
	time.Sleep(500 * time.Millisecond)
	termAt := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.done:
	case <-time.After(15 * time.Second):
		t.Fatal("the stopped instance did not exit")
	}
	time.Sleep(500 * time.Millisecond)
	stop()
	readers.Wait()
	if a.err != nil {
		t.Errorf("the stopped instance exited with %v", a.err)
	}
	failed, after := 0, 0
	for _, res := range results {
		if res.Err != nil || res.Status != http.StatusOK {
			failed++
			if failed <= 5 {
				t.Errorf("through the proxy while one instance stopped: %v", res)
			}
		}
		if res.Start.After(termAt) {
			after++
		}
	}
	if after == 0 {
		t.Error("no request was sent after the instance was told to stop: the test proved nothing")
	}
	t.Logf("%d requests through the proxy, %d after SIGTERM to one instance (exited after %s); %d failed",
		len(results), after, a.waitAt.Sub(termAt).Round(time.Millisecond), failed)
}
