package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// clusterDir is a fresh data directory the server's user can reach (t.TempDir's top folder is
// mode 700, which would send a root-run cluster to /var/tmp: TestClusterFallbackDir covers that).
func clusterDir(t *testing.T) string {
	tmp := t.TempDir()
	if err := os.Chmod(filepath.Dir(tmp), 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(tmp, "pg")
}

func startTest(t *testing.T, dir string) *Cluster {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	c, err := StartCluster(t.Context(), dir, log, ClusterOptions{Fast: true})
	if errors.Is(err, ErrNoServer) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir() != dir {
		t.Errorf("Dir() = %s, want %s", c.Dir(), dir)
	}
	return c
}

// query runs sql and returns the one text value it selects ("" for a command).
func query(t *testing.T, c *Cluster, sql string) (string, error) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL())
	if err != nil {
		t.Fatalf("connect %s: %v", c.URL(), err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), sql)
	if err != nil {
		return "", err
	}
	s, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(s) == 0 {
		return "", err
	}
	return s[0], nil
}

func stop(t *testing.T, c *Cluster) {
	t.Helper()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestClusterStartReuseRestart(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	c := startTest(t, dir)
	t.Cleanup(func() { _ = c.Stop() }) // in case the test fails half-way

	cfg, err := pgx.ParseConfig(c.URL())
	if err != nil {
		t.Fatalf("pgx cannot parse %s: %v", c.URL(), err)
	}
	if cfg.Host != dir || cfg.Port == 0 || cfg.User != "postgres" || cfg.Database != "postgres" {
		t.Errorf("URL %s parses to host %q port %d user %q database %q", c.URL(), cfg.Host, cfg.Port, cfg.User, cfg.Database)
	}
	if got, err := query(t, c, "SELECT (1)::text"); err != nil || got != "1" {
		t.Fatalf("select 1 = %q, %v", got, err)
	}
	if _, err := query(t, c, "CREATE TABLE kept (x int)"); err != nil {
		t.Fatal(err)
	}

	// Started again while running: the same server is reused.
	again := startTest(t, dir)
	if again.URL() != c.URL() {
		t.Errorf("reused cluster URL %s, want %s", again.URL(), c.URL())
	}
	stop(t, c)

	// Started again after a stop: the data is still there and the URL unchanged.
	c2 := startTest(t, dir)
	t.Cleanup(func() { _ = c2.Stop() })
	if c2.URL() != c.URL() {
		t.Errorf("restarted cluster URL %s, want %s", c2.URL(), c.URL())
	}
	if got, err := query(t, c2, "SELECT to_regclass('kept')::text"); err != nil || got != "kept" {
		t.Errorf("table made before restart: %q, %v", got, err)
	}
	stop(t, c2)
}

func TestClusterStalePid(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	c := startTest(t, dir)
	stop(t, c)

	// A pid of a process that has ended, and a live pid of the server's user that is not a
	// postmaster: both are what a crash leaves behind, the second once the pid is reused (and
	// PostgreSQL itself then refuses to start).
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	other := exec.Command("sleep", "60")
	other.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	for _, pid := range []int{dead.Process.Pid, other.Process.Pid} {
		t.Run(fmt.Sprint("pid ", pid), func(t *testing.T) {
			writeStalePid(t, c, pid)
			c := startTest(t, dir)
			t.Cleanup(func() { _ = c.Stop() })
			if got, err := query(t, c, "SELECT (1)::text"); err != nil || got != "1" {
				t.Fatalf("select 1 = %q, %v", got, err)
			}
			stop(t, c)
		})
	}
}

// writeStalePid writes postmaster.pid and the socket's lock file as a killed server leaves them.
func writeStalePid(t *testing.T, c *Cluster, pid int) {
	t.Helper()
	pidFile := fmt.Sprintf("%d\n%s\n1700000000\n%d\n%s\n\n  5432001         0\nready   \n", pid, c.dir, c.port, c.sockDir)
	lockFile := fmt.Sprintf("%d\n%s\n1700000000\n%d\n%s\n", pid, c.dir, c.port, c.sockDir)
	for name, text := range map[string]string{
		filepath.Join(c.dir, "postmaster.pid"):                            pidFile,
		filepath.Join(c.sockDir, fmt.Sprintf(".s.PGSQL.%d.lock", c.port)): lockFile,
	} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := c.chown(name); err != nil {
			t.Fatal(err)
		}
	}
}

func TestClusterFallbackDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only a root-run cluster moves its data")
	}
	if _, err := findBinaries(); err != nil && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	// t.TempDir's top folder is mode 700, owned by root: the server's user cannot pass.
	dir := filepath.Join(t.TempDir(), "pg")
	c := &Cluster{dir: dir, log: slog.New(slog.NewTextHandler(t.Output(), nil))}
	if err := c.prepareDir(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(c.dir) })
	if !strings.HasPrefix(c.dir, "/var/tmp/dadirectory-") {
		t.Fatalf("data directory %s, want one under /var/tmp", c.dir)
	}
	if !c.canTraverse(c.dir) {
		t.Errorf("server's user cannot reach %s", c.dir)
	}
	// The same wanted directory always maps to the same place, so the data is reused.
	c2 := &Cluster{dir: dir, log: c.log}
	if err := c2.prepareDir(); err != nil || c2.dir != c.dir {
		t.Errorf("second prepareDir: %s, %v; want %s", c2.dir, err, c.dir)
	}
}
