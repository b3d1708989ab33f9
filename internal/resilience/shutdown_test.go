package resilience

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/library"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

const (
	shutdownTimeout = 20 * time.Second // SHUTDOWN_TIMEOUT given to the app
	largeFileSize   = 16 << 20         // a library file big enough to stay in flight while read slowly
	slowReadRate    = 4 << 20          // bytes a second: the download lasts about 4 s
)

// TestGracefulShutdown sends SIGTERM to the binary while requests are in flight. See doc.go.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the built app")
	}
	bin := appBinary(t)
	dbURL := pgtest.URL(t)
	file, slug := seedLargeFile(t, dbURL)
	// No drain here: this test is about what is in flight (drain_test.go is about draining).
	app := startServe(t, bin, dbURL, "SHUTDOWN_TIMEOUT="+shutdownTimeout.String(), "SHUTDOWN_DRAIN=0s")

	// Two downloads read slowly: the handler is still writing the file when SIGTERM comes,
	// since far more than the sockets' buffers is left to send.
	type download struct {
		status     int
		body       []byte
		err        error
		readAtTerm int64 // bytes read when SIGTERM was sent
		end        time.Time
	}
	downloads := make([]download, 2)
	var read [2]atomic.Int64
	var started, finished sync.WaitGroup
	for i := range downloads {
		started.Add(1)
		finished.Go(func() {
			d := &downloads[i]
			defer func() { d.end = time.Now() }()
			once := sync.OnceFunc(started.Done)
			defer once()
			resp, err := slowClient().Get(app.URL + "/resources/" + slug + "/file")
			if err != nil {
				d.err = err
				return
			}
			defer resp.Body.Close()
			d.status = resp.StatusCode
			var buf bytes.Buffer
			chunk := make([]byte, 32<<10)
			for {
				n, err := resp.Body.Read(chunk)
				buf.Write(chunk[:n])
				if read[i].Add(int64(n)) >= 1<<20 {
					once()
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					d.err = err
					break
				}
				time.Sleep(time.Duration(n) * time.Second / slowReadRate)
			}
			d.body = buf.Bytes()
		})
	}
	started.Wait()

	// A burst of page requests, each on a connection of its own; SIGTERM goes once every one
	// has been written to the wire, so all are in flight or already answered.
	pages := []string{"/", "/directory?q=support", "/directory", "/contacts", "/agencies/link-group", "/safety"}
	burst := make([]result, 3*len(pages))
	var written, answered sync.WaitGroup
	for i := range burst {
		written.Add(1)
		answered.Go(func() {
			path := pages[i%len(pages)]
			once := sync.OnceFunc(written.Done)
			defer once()
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once() }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, app.URL+path, nil)
			c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true, DisableCompression: true}}
			r := result{Op: path, Start: time.Now()}
			resp, err := c.Do(req)
			if err == nil {
				r.Status = resp.StatusCode
				r.Body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && resp.ContentLength != int64(len(r.Body)) {
					err = fmt.Errorf("body %d bytes, Content-Length %d", len(r.Body), resp.ContentLength)
				}
			}
			r.Err, r.End = err, time.Now()
			burst[i] = r
		})
	}
	written.Wait()

	termAt := time.Now()
	for i := range downloads {
		downloads[i].readAtTerm = read[i].Load()
	}
	if err := app.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	refusedAt, refusal := waitRefused(app.Addr, termAt.Add(10*time.Second))

	answered.Wait()
	finished.Wait()
	select {
	case <-app.done:
	case <-time.After(shutdownTimeout + 10*time.Second):
		t.Fatalf("app still running %s after SIGTERM", time.Since(termAt).Round(time.Millisecond))
	}
	exitAfter := app.waitAt.Sub(termAt)

	var lastDownload time.Time
	for i, d := range downloads {
		lastDownload = maxTime(lastDownload, d.end)
		switch {
		case d.err != nil:
			t.Errorf("download %d: %v after %d bytes", i, d.err, len(d.body))
		case d.status != http.StatusOK:
			t.Errorf("download %d: status %d", i, d.status)
		case sha256.Sum256(d.body) != sha256.Sum256(file):
			t.Errorf("download %d: %d bytes, not the file of %d bytes", i, len(d.body), len(file))
		}
		if d.readAtTerm >= int64(len(file)) {
			t.Errorf("download %d had finished before SIGTERM: not in flight", i)
		}
	}
	lateAnswers, notAccepted := 0, 0
	for _, r := range burst {
		if errors.Is(r.Err, syscall.ECONNRESET) && r.Status == 0 {
			// The kernel had completed the handshake but the app had not accepted the
			// connection when it closed its listener: closing resets it. Nothing was read;
			// to the visitor it is a refused connection.
			notAccepted++
			continue
		}
		if r.Err != nil || r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte("</html>")) {
			t.Errorf("in-flight %s: status %d, %d bytes, err %v", r.Op, r.Status, len(r.Body), r.Err)
		}
		if r.End.After(termAt) {
			lateAnswers++
		}
	}
	switch {
	case refusedAt.IsZero():
		t.Errorf("new connections still accepted after SIGTERM; last dial: %v", refusal)
	case refusedAt.Sub(termAt) > answerWithin:
		t.Errorf("new connections refused only %s after SIGTERM", refusedAt.Sub(termAt).Round(time.Millisecond))
	case !refusedAt.Before(lastDownload):
		t.Errorf("connections were refused only once the downloads had finished: cannot tell shutdown from exit")
	}
	if app.err != nil {
		t.Errorf("exit after SIGTERM: %v (want status 0)", app.err)
	}
	if exitAfter > shutdownTimeout {
		t.Errorf("exit %s after SIGTERM, beyond SHUTDOWN_TIMEOUT %s", exitAfter, shutdownTimeout)
	}
	if !app.logs.contains("shutting down") {
		t.Errorf("no 'shutting down' in the app's log")
	}
	t.Logf("SIGTERM with downloads at %d and %d of %d bytes; new connections refused after %s (%v); "+
		"%d of %d burst requests answered after SIGTERM (%d reset before the app accepted them); downloads done after %s; exit 0 after %s",
		downloads[0].readAtTerm, downloads[1].readAtTerm, len(file), refusedAt.Sub(termAt).Round(time.Millisecond), refusal,
		lateAnswers, len(burst), notAccepted, lastDownload.Sub(termAt).Round(time.Millisecond), exitAfter.Round(time.Millisecond))
}

// waitRefused dials addr until a connection is refused, and returns when, with the error.
func waitRefused(addr string, deadline time.Time) (time.Time, error) {
	var last error
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			return time.Now(), err
		}
		last = err
	}
	return time.Time{}, last
}

// slowClient reads through a small receive buffer, so what the app sends waits in the app,
// not in the kernel.
func slowClient() *http.Client {
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 64<<10)
		})
		return errors.Join(err, serr)
	}}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{DialContext: d.DialContext, DisableCompression: true}}
}

// seedLargeFile loads the demo data and a public library resource holding a large PDF, and
// returns the file and the resource's slug.
func seedLargeFile(t *testing.T, dbURL string) ([]byte, string) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := seed.Demo(ctx, pool); err != nil {
		t.Fatal(err)
	}
	admin := access.Viewer{Role: access.Admin}
	if err := pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('admin.resilience@example.org', 'Resilience admin', 'admin')
		RETURNING id`).Scan(&admin.UserID); err != nil {
		t.Fatal(err)
	}
	file := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
	for i := 0; len(file) < largeFileSize-6; i++ {
		file = fmt.Appendf(file, "%% line %d of a large test document, to be downloaded slowly\n", i)
	}
	file = append(file, "%%EOF\n"...)
	res, err := library.NewStore(pool).Create(ctx, admin, library.Input{
		Title: "Large guide for the shutdown test", Summary: "A large file.", Kind: "guidance", Visibility: library.Public,
	}, &library.Upload{Filename: "large-guide.pdf", Size: int64(len(file)), Content: bytes.NewReader(file)})
	if err != nil {
		t.Fatal(err)
	}
	return file, res.Slug
}
