package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoServer means no PostgreSQL server binaries were found; its text says what to do.
var ErrNoServer = errors.New("no PostgreSQL 15+ server binaries (initdb, pg_ctl, postgres) " +
	"on PATH or under /usr/lib/postgresql/*/bin: install the PostgreSQL 15+ server " +
	"(Debian: apt-get install postgresql), or set DATABASE_URL to an existing database, " +
	"or run `docker compose up`")

// ClusterOptions tunes a private cluster.
type ClusterOptions struct {
	// Fast turns off fsync, synchronous_commit and full_page_writes. For tests only: a crash
	// of the machine can corrupt the data.
	Fast bool
}

// Cluster is a private PostgreSQL server for development and tests. It listens only on a unix
// socket (no TCP), so it cannot clash with a system cluster or be reached over the network.
type Cluster struct {
	dir     string // data directory in use (may differ from the one asked for, see StartCluster)
	sockDir string
	port    int
	bin     string              // directory holding initdb, pg_ctl and postgres
	cred    *syscall.Credential // when root: the unprivileged user the server runs as
	log     *slog.Logger
}

const (
	readyTimeout = 30 * time.Second
	confName     = "dadirectory.conf"
	logName      = "postgres.log"
)

// StartCluster starts (creating it on first use) a cluster whose data lives in dir, or reuses
// the server already running there. PostgreSQL refuses to run as root, so under root the
// server runs as the `postgres` user (else `nobody`); when that user cannot reach dir, the data
// goes to /var/tmp/dadirectory-<hash of dir> instead (Dir says which, and it is logged).
func StartCluster(ctx context.Context, dir string, log *slog.Logger, opts ClusterOptions) (*Cluster, error) {
	c, err := startCluster(ctx, dir, log, opts)
	if err != nil {
		return nil, fmt.Errorf("postgres: start cluster: %w", err)
	}
	return c, nil
}

// URL is a pgx connection URL for the superuser to database postgres over the unix socket.
func (c *Cluster) URL() string {
	q := url.Values{"host": {c.sockDir}, "port": {strconv.Itoa(c.port)}}
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres", RawQuery: q.Encode()}
	return u.String()
}

// Dir is the data directory in use.
func (c *Cluster) Dir() string { return c.dir }

// Stop shuts the server down (fast mode: sessions are ended, not waited for).
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "stop", "-D", c.dir, "-m", "fast", "-w", "-s"); err != nil {
		return fmt.Errorf("postgres: stop cluster: %w: %s", err, bytes.TrimSpace(out))
	}
	c.log.Info("postgres cluster stopped", "dir", c.dir)
	return nil
}

func startCluster(ctx context.Context, dir string, log *slog.Logger, opts ClusterOptions) (*Cluster, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: abs, bin: bin, log: log}
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if ok, err := c.reuseRunning(ctx); ok || err != nil {
		return c, err
	}
	if _, err := os.Stat(filepath.Join(c.dir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.initdb(ctx, opts); err != nil {
			return nil, err
		}
	}
	if err := c.configure(opts); err != nil {
		return nil, err
	}
	logFile := filepath.Join(c.dir, logName)
	rotate(logFile)
	if out, err := c.run(ctx, "pg_ctl", "start", "-D", c.dir, "-l", logFile, "-w", "-s",
		"-t", strconv.Itoa(int(readyTimeout/time.Second))); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %w: %s\n%s", err, bytes.TrimSpace(out), logTail(logFile))
	}
	if err := c.waitReady(ctx); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, logTail(logFile))
	}
	log.Info("postgres cluster started", "dir", c.dir, "url", c.URL(), "fast", opts.Fast)
	return c, nil
}

// findBinaries returns the directory of a PostgreSQL 15+ server: the one of pg_ctl on PATH,
// else the highest version under /usr/lib/postgresql (Debian keeps them off PATH).
func findBinaries() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(debian, func(a, b string) int { return majorOf(b) - majorOf(a) })
	for _, d := range append(dirs, debian...) {
		if serverVersion(d) >= 15 {
			return d, nil
		}
	}
	return "", ErrNoServer
}

// majorOf reads the version from /usr/lib/postgresql/<version>/bin.
func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// serverVersion is the major version of the server in dir, or 0 when dir lacks one of the
// three programs. `postgres --version` is allowed as root.
func serverVersion(dir string) int {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Mode()&0o111 == 0 {
			return 0
		}
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return 0
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// prepareDir creates the data directory, and under root picks the user to run as, moves the
// data to /var/tmp when that user cannot reach dir, and hands the directory to that user.
func (c *Cluster) prepareDir() error {
	// Parents readable by all (umask permitting), so the server's user can pass through them.
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return os.MkdirAll(c.dir, 0o700)
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		if u, err = user.Lookup("nobody"); err != nil {
			return fmt.Errorf("running as root and found neither user postgres nor nobody to run the server as: %w", err)
		}
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if n, err := strconv.ParseUint(id, 10, 32); err == nil {
				c.cred.Groups = append(c.cred.Groups, uint32(n))
			}
		}
	}
	if !c.canTraverse(filepath.Dir(c.dir)) {
		wanted := c.dir
		c.dir = filepath.Join("/var/tmp", "dadirectory-"+shortHash(wanted))
		c.log.Info("postgres: data directory unreachable by the server's user; using another",
			"wanted", wanted, "dir", c.dir, "user", u.Username)
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return err
	}
	var st syscall.Stat_t
	if err := syscall.Stat(c.dir, &st); err != nil {
		return err
	}
	if st.Uid == c.cred.Uid {
		return nil
	}
	// First use, or data made by another user: hand every file over.
	return filepath.WalkDir(c.dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(c.cred.Uid), int(c.cred.Gid))
	})
}

// canTraverse reports whether c.cred may search every directory from / down to dir, judged
// by the permission bits.
func (c *Cluster) canTraverse(dir string) bool {
	for p := dir; ; p = filepath.Dir(p) {
		var st syscall.Stat_t
		if err := syscall.Stat(p, &st); err != nil {
			return false
		}
		mode := st.Mode
		switch {
		case st.Uid == c.cred.Uid:
			mode >>= 6
		case st.Gid == c.cred.Gid || slices.Contains(c.cred.Groups, st.Gid):
			mode >>= 3
		}
		if mode&1 == 0 {
			return false
		}
		if p == "/" {
			return true
		}
	}
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// reuseRunning looks at postmaster.pid: a live server of this data directory is reused; a
// file left by a dead one is removed so the new server starts cleanly.
func (c *Cluster) reuseRunning(ctx context.Context) (bool, error) {
	pidFile := filepath.Join(c.dir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	// Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
	lines := strings.Split(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	if pid > 0 && alive(pid) && c.isOurServer(pid) {
		if len(lines) > 4 {
			c.port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
			c.sockDir = strings.TrimSpace(lines[4])
		}
		if c.port == 0 || c.sockDir == "" {
			return false, fmt.Errorf("server (pid %d) running in %s: cannot read its socket from postmaster.pid", pid, c.dir)
		}
		if err := c.waitReady(ctx); err != nil {
			return false, fmt.Errorf("server (pid %d) running in %s: %w", pid, c.dir, err)
		}
		c.log.Info("postgres cluster already running; reusing it", "dir", c.dir, "pid", pid, "url", c.URL())
		return true, nil
	}
	c.log.Warn("postgres: removing stale postmaster.pid", "dir", c.dir, "pid", pid)
	if err := os.Remove(pidFile); err != nil {
		return false, err
	}
	// The socket's lock file names the same pid; the server would refuse it if that pid has
	// been reused by another process.
	if len(lines) > 4 {
		sock := strings.TrimSpace(lines[4])
		if sock == c.dir || strings.HasPrefix(filepath.Base(sock), "dadirectory-") {
			_ = os.Remove(filepath.Join(sock, ".s.PGSQL."+strings.TrimSpace(lines[3])+".lock"))
		}
	}
	return false, nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// isOurServer tells a postmaster of this data directory (it works inside it) from an
// unrelated process that reused the pid.
func (c *Cluster) isOurServer(pid int) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	if _, err := os.Stat("/proc/self"); err != nil {
		return true // no /proc (not Linux): trust the pid, as PostgreSQL itself does
	}
	want, err := filepath.EvalSymlinks(c.dir)
	if err != nil {
		want = c.dir
	}
	if cwd, err := os.Readlink(proc + "/cwd"); err == nil {
		return cwd == want
	}
	cmd, err := os.ReadFile(proc + "/cmdline")
	return err == nil && bytes.Contains(cmd, []byte("postgres")) &&
		(bytes.Contains(cmd, []byte(want)) || bytes.Contains(cmd, []byte(c.dir)))
}

func (c *Cluster) initdb(ctx context.Context, opts ClusterOptions) error {
	args := []string{"-D", c.dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8"}
	if opts.Fast {
		args = append(args, "--no-sync")
	}
	out, err := c.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...)
	if err != nil {
		// A system without the C.UTF-8 locale: initdb has removed what it made, try again.
		c.log.Warn("postgres: initdb with C.UTF-8 failed; retrying with --no-locale", "output", string(out))
		out, err = c.run(ctx, "initdb", append(args, "--no-locale")...)
	}
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, bytes.TrimSpace(out))
	}
	c.log.Info("postgres cluster created", "dir", c.dir)
	return nil
}

// configure writes our settings to dadirectory.conf, included by postgresql.conf, rewritten at
// each start so that Fast can change between runs. Passing them to pg_ctl -o would go through
// a shell, which makes quoting a path fragile.
func (c *Cluster) configure(opts ClusterOptions) error {
	mainConf := filepath.Join(c.dir, "postgresql.conf")
	b, err := os.ReadFile(mainConf)
	if err != nil {
		return err
	}
	include := "include_if_exists = '" + confName + "'"
	if !bytes.Contains(b, []byte(include)) {
		f, err := os.OpenFile(mainConf, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(f, "\n# Settings of the dadirectory dev/test cluster.\n%s\n", include)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	conf := filepath.Join(c.dir, confName)
	c.port = previousPort(conf)
	if c.port == 0 {
		if c.port, err = freePort(); err != nil {
			return err
		}
	}
	// The socket path must fit in sun_path (about 104 bytes); a deep checkout needs a short one.
	c.sockDir = c.dir
	if len(c.sockDir)+len("/.s.PGSQL.65535") > 100 {
		c.sockDir = filepath.Join(os.TempDir(), "dadirectory-"+shortHash(c.dir))
		if err := c.mkdirOwned(c.sockDir); err != nil {
			return err
		}
	}
	onOff := map[bool]string{true: "off", false: "on"}
	text := fmt.Sprintf(`# Written at each start by dadirectory (internal/postgres/cluster.go): edits are lost.
listen_addresses = ''
port = %d
unix_socket_directories = '%s'
max_connections = 200
fsync = %s
synchronous_commit = %s
full_page_writes = %s
`, c.port, strings.ReplaceAll(c.sockDir, "'", "''"), onOff[opts.Fast], onOff[opts.Fast], onOff[opts.Fast])
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		return err
	}
	return c.chown(conf)
}

var portRE = regexp.MustCompile(`(?m)^port = (\d+)$`)

// previousPort keeps the port of the last run, so the URL stays the same for a developer.
func previousPort(conf string) int {
	b, err := os.ReadFile(conf)
	if err != nil {
		return 0
	}
	m := portRE.FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// freePort picks a TCP port nobody listens on. The server uses no TCP, but the number names
// its socket, and a free one keeps the URL distinct from a system cluster's 5432.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) mkdirOwned(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return c.chown(dir)
}

func (c *Cluster) chown(path string) error {
	if c.cred == nil {
		return nil
	}
	return os.Lchown(path, int(c.cred.Uid), int(c.cred.Gid))
}

// run runs one of the server programs, as the unprivileged user when we are root. It gets a
// process group of its own, so a Ctrl-C in the terminal does not reach the server: the
// caller stops it in order with Stop.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = "/" // the caller's working directory may be closed to the server's user
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") { // PGDATA, PGPORT, PGOPTIONS... would override ours
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	return cmd.CombinedOutput()
}

// waitReady connects until the server answers, for up to readyTimeout.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.URL())
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(context.WithoutCancel(ctx))
			if err == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server not ready after %s: %w", readyTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// rotate keeps the server log from growing without end across runs.
func rotate(logFile string) {
	if st, err := os.Stat(logFile); err == nil && st.Size() > 10<<20 {
		_ = os.Rename(logFile, logFile+".old")
	}
}

// logTail is the end of the server log, for error messages.
func logTail(logFile string) string {
	b, err := os.ReadFile(logFile)
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return "server log " + logFile + " ends:\n" + strings.Join(lines, "\n")
}
