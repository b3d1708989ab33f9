package resilience

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// friendly503 is a sentence of the 503 page (internal/server/errors.go): its presence proves
// the visitor got the friendly page, not a bare error.
const friendly503 = "This service is not working at the moment."

// The binary is built once per test run and shared by the tests that start it.
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// appBinary builds cmd/dadirectory into a temporary directory, once.
func appBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "resilience-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dadirectory")
		out, err := exec.Command("go", "build", "-o", binPath, "dadirectory/cmd/dadirectory").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// appEnv is the environment of the app: only what it needs, so a DATABASE_URL or
// LISTEN_ADDR of the developer's shell cannot leak in.
func appEnv(dbURL string, extra ...string) []string {
	// Signing in with a password alone: the second factor has tests of its own.
	env := []string{"DATABASE_URL=" + dbURL, "LISTEN_ADDR=127.0.0.1:0", "LOG_LEVEL=info", "MFA_REQUIRED_ROLES=none"}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return append(env, extra...)
}

// chore runs a one-shot subcommand of the binary (seed, user add) and fails the test if it fails.
func chore(t *testing.T, bin, dbURL, stdin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = appEnv(dbURL)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dadirectory %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// appProcess is `dadirectory serve` running as a child process.
type appProcess struct {
	cmd    *exec.Cmd
	URL    string // http://127.0.0.1:port
	Addr   string // 127.0.0.1:port
	logs   *lineLog
	done   chan struct{} // closed when the process has exited
	waitAt time.Time     // when it exited
	err    error         // what Wait returned
}

// lineLog keeps the app's log lines, to show when a test fails and to look for events.
type lineLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLog) add(s string) {
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
}

// contains reports whether a log line has the given "msg".
// count is how many lines have the message msg.
func (l *lineLog) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		var rec struct{ Msg string }
		if json.Unmarshal([]byte(s), &rec) == nil && rec.Msg == msg {
			n++
		}
	}
	return n
}

func (l *lineLog) contains(msg string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		var rec struct{ Msg string }
		if json.Unmarshal([]byte(s), &rec) == nil && rec.Msg == msg {
			return true
		}
	}
	return false
}

func (l *lineLog) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := max(0, len(l.lines)-n)
	return strings.Join(l.lines[start:], "\n")
}

// startServe starts `dadirectory serve` on a free loopback port and waits until it listens.
// The process is killed when the test ends if the test has not stopped it.
func startServe(t *testing.T, bin, dbURL string, extraEnv ...string) *appProcess {
	t.Helper()
	return startServeUntil(t, bin, dbURL, "listening", extraEnv...)
}

// startServeUntil is startServe waiting for the log message msg (with the address) instead.
func startServeUntil(t *testing.T, bin, dbURL, msg string, extraEnv ...string) *appProcess {
	t.Helper()
	p := &appProcess{logs: &lineLog{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = appEnv(dbURL, extraEnv...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.logs.add(line)
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == msg {
				select {
				case listening <- rec.Addr:
				default:
				}
			}
		}
		p.err = p.cmd.Wait()
		p.waitAt = time.Now()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("app log (last lines):\n%s", p.logs.tail(60))
		}
	})
	select {
	case p.Addr = <-listening:
	case <-p.done:
		t.Fatalf("app exited before listening: %v\n%s", p.err, p.logs.tail(30))
	case <-time.After(60 * time.Second):
		t.Fatalf("app not listening after 60s\n%s", p.logs.tail(30))
	}
	p.URL = "http://" + p.Addr
	return p
}

// running reports whether the process is still alive (it has not exited or been restarted).
func (p *appProcess) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// newClient is an HTTP client with a cookie jar that does not follow redirects (a test wants
// to see the 303 of a successful post). The timeout is far beyond any bound asserted, so that
// a hang shows up as a long duration in the results rather than as a stuck test.
func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Timeout:       20 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// result is one request's outcome, with what the assertions need of it.
type result struct {
	Op         string // the path, or a name for a write
	Start, End time.Time
	Status     int
	Location   string
	Body       []byte
	Err        error
}

func (r result) took() time.Duration { return r.End.Sub(r.Start) }

// friendly reports whether the answer is the HTML 503 page a person can read.
func (r result) friendly() bool {
	return bytes.Contains(r.Body, []byte("<html")) && bytes.Contains(r.Body, []byte(friendly503))
}

func (r result) String() string {
	if r.Err != nil {
		return fmt.Sprintf("%s: error after %s: %v", r.Op, r.took().Round(time.Millisecond), r.Err)
	}
	return fmt.Sprintf("%s: %d after %s", r.Op, r.Status, r.took().Round(time.Millisecond))
}

// do sends one request (a form post when form is not nil, sent as a same-origin browser
// would) and reads the whole answer.
func do(c *http.Client, method, base, path string, form url.Values) result {
	res := result{Op: method + " " + path, Start: time.Now()}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		res.Err, res.End = err, time.Now()
		return res
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		res.Err, res.End = err, time.Now()
		return res
	}
	res.Body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	res.End = time.Now()
	res.Status, res.Err = resp.StatusCode, err
	res.Location = resp.Header.Get("Location")
	return res
}

// signIn signs in through the real form and returns the client holding the session.
func signIn(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	c := newClient()
	r := do(c, http.MethodPost, base, "/login", url.Values{"email": {email}, "password": {password}})
	if r.Err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %v\n%.500s", email, r, r.Body)
	}
	return c
}

// loop calls fn until ctx ends, from n goroutines, passing each its goroutine number and
// a counter; it returns when all have stopped.
func loop(ctx context.Context, n int, fn func(worker, i int)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				fn(w, i)
			}
		})
	}
	return &wg
}

// publicPaths are the pages the readers cycle through: all need the database.
func publicPaths(slugs []string) []string {
	paths := []string{"/", "/directory?q=support", "/directory", "/contacts"}
	for _, s := range slugs {
		paths = append(paths, "/agencies/"+s)
	}
	return paths
}
