package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"dadirectory/internal/jobs"
	"dadirectory/internal/mail"
	"dadirectory/internal/mail/mailtest"
	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
)

// startQueue runs a queue whose mail goes to the loopback server smtp.
func startQueue(t *testing.T, pool *pgxpool.Pool, smtp *mailtest.Server) *mail.Outbox {
	t.Helper()
	q := jobs.New()
	river.AddWorker(q.Workers(), &mail.Worker{Sender: mail.NewSMTP(smtp.URL(), "Directory <no-reply@example.org>")})
	if err := q.Open(pool, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(5 * time.Second) })
	base, _ := url.Parse("https://directory.example.org/")
	return mail.NewOutbox(q, base, func(context.Context) string { return "Test Directory" })
}

func send(t *testing.T, pool *pgxpool.Pool, o *mail.Outbox, l mail.Letter, commit bool) {
	t.Helper()
	err := postgres.WithTx(t.Context(), pool, func(tx pgx.Tx) error {
		if err := o.Send(t.Context(), tx, l); err != nil {
			return err
		}
		if !commit {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
}

var errRollback = errors.New("roll back")

func TestLetterArrivesWithBothPartsAndOnlyWhenItsChangeCommits(t *testing.T) {
	pool := pgtest.New(t)
	smtp := mailtest.Start(t)
	o := startQueue(t, pool, smtp)

	send(t, pool, o, mail.Letter{To: "rolled@example.org", Subject: "Never sent"}, false)
	link := o.URL("/account/setup", url.Values{"token": {"abc"}})
	send(t, pool, o, mail.Letter{
		To: "sam@example.org", Subject: "Set your password\r\nBcc: evil@example.org", Greeting: "Hello Sam <b>,",
		Lines:   []string{"Your account is ready."},
		Actions: []mail.Link{{Label: "Set your password", URL: link}, {Label: "Bad", URL: "javascript:alert(1)"}},
	}, true)

	got := smtp.Wait(t, "to sam", mailtest.To("sam@example.org", "Set your password"))
	if len(got.To) != 1 || got.From != "no-reply@example.org" {
		t.Errorf("envelope: from %q to %v", got.From, got.To)
	}
	if got.Subject != "Set your password Bcc: evil@example.org" {
		t.Errorf("subject %q: a line break must not start a header", got.Subject)
	}
	if !strings.Contains(got.Text, "Hello Sam <b>,") || !strings.Contains(got.Text, link) {
		t.Errorf("text part lacks the greeting or the link:\n%s", got.Text)
	}
	if link != "https://directory.example.org/account/setup?token=abc" {
		t.Errorf("link %q: want it on BASE_URL", link)
	}
	for _, bad := range []string{"<b>,", "javascript:", "<img", "<script"} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("HTML part holds %q:\n%s", bad, got.HTML)
		}
	}
	if !strings.Contains(got.HTML, `href="https://directory.example.org/account/setup?token=abc"`) {
		t.Errorf("HTML part lacks the link:\n%s", got.HTML)
	}
	time.Sleep(500 * time.Millisecond) // the rolled-back letter would have gone out with the other
	if n := smtp.Count(mailtest.To("rolled@example.org", "")); n != 0 {
		t.Errorf("a letter whose transaction rolled back was sent %d times", n)
	}
}

func TestMailQueuedWhileTheServerIsDownGoesOutWhenItReturns(t *testing.T) {
	pool := pgtest.New(t)
	smtp := mailtest.Start(t)
	o := startQueue(t, pool, smtp)
	smtp.Stop()

	start := time.Now()
	send(t, pool, o, mail.Letter{To: "kim@example.org", Subject: "Reminder"}, true)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("queueing mail waited %v for the mail server", d)
	}
	// The first attempt fails: the job waits for its retry, kept, with the error recorded.
	deadline := time.Now().Add(30 * time.Second)
	var attempts int
	var lastErr string
	for time.Now().Before(deadline) {
		err := pool.QueryRow(t.Context(), `SELECT attempt, coalesce(errors[array_length(errors, 1)]->>'error', '')
			FROM river_job WHERE kind = 'mail'`).Scan(&attempts, &lastErr)
		if err != nil {
			t.Fatal(err)
		}
		if attempts >= 1 && lastErr != "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lastErr == "" {
		t.Fatal("the send never failed while the server was down")
	}
	if strings.Contains(lastErr, "kim@") {
		t.Errorf("the recorded error names the recipient: %q", lastErr)
	}
	smtp.Restart()
	// Bring the retry forward rather than wait out River's backoff.
	if _, err := pool.Exec(t.Context(), `UPDATE river_job SET scheduled_at = now() WHERE kind = 'mail' AND state = 'retryable'`); err != nil {
		t.Fatal(err)
	}
	smtp.Wait(t, "after the server returned", mailtest.To("kim@example.org", "Reminder"))
	if n := smtp.Count(mailtest.To("kim@example.org", "Reminder")); n != 1 {
		t.Errorf("sent %d times, want once", n)
	}
}

func TestOutboxOffSendsNothing(t *testing.T) {
	pool := pgtest.New(t)
	base, _ := url.Parse("http://127.0.0.1:8080")
	o := mail.NewOutbox(jobs.New(), base, func(context.Context) string { return "x" })
	if o.On() {
		t.Fatal("an outbox over a queue that was never opened says mail is on")
	}
	send(t, pool, o, mail.Letter{To: "a@example.org", Subject: "x"}, true)
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d jobs queued with mail off", n)
	}
	var nilBox *mail.Outbox
	if nilBox.On() {
		t.Error("a nil outbox says mail is on")
	}
}

func TestTwoInstancesSendEachLetterOnce(t *testing.T) {
	pool := pgtest.New(t)
	smtp := mailtest.Start(t)
	first := startQueue(t, pool, smtp)
	_ = startQueue(t, pool, smtp) // a second instance working the same queue
	const n = 30
	for i := range n {
		send(t, pool, first, mail.Letter{To: "p" + strconv.Itoa(i) + "@example.org", Subject: "Letter"}, true)
	}
	for i := range n {
		smtp.Wait(t, "letter "+strconv.Itoa(i), mailtest.To("p"+strconv.Itoa(i)+"@example.org", "Letter"))
	}
	// River records completions in batches: wait for every job to be finished, then none may
	// have been sent twice.
	var left int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'mail' AND state <> 'completed'`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
	}
	if got := len(smtp.All()); got != n || left != 0 {
		t.Errorf("%d letters queued: %d sent, %d jobs unfinished", n, got, left)
	}
}
