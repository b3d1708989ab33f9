package mail

import (
	"context"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"dadirectory/internal/jobs"
)

// Args is the job that delivers one composed message.
type Args struct {
	Message Message `json:"message"`
}

// Kind names the job in River's table.
func (Args) Kind() string { return "mail" }

// Worker delivers mail jobs through a Sender. A failure is retried with River's backoff, so
// mail queued while the mail server is away goes out when it returns; a refusal that cannot
// mend (an address the server does not know) is given up at once.
type Worker struct {
	river.WorkerDefaults[Args]
	Sender Sender
}

// Work sends one message.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	if err := w.Sender.Send(ctx, job.Args.Message); err != nil {
		if IsPermanent(err) {
			return river.JobCancel(err)
		}
		return err
	}
	return nil
}

// Outbox is where features post letters, inside the transaction of the change that causes
// them. A nil Outbox, or one over a queue that is off, means mail is off: On says so, and
// features then show the link on the page instead (as for invitations) or send nothing.
type Outbox struct {
	queue *jobs.Queue
	base  *url.URL
	site  func(context.Context) string
}

// NewOutbox posts to queue; links are made absolute on base (BASE_URL) and letters are signed
// with the site's name as site returns it.
func NewOutbox(queue *jobs.Queue, base *url.URL, site func(context.Context) string) *Outbox {
	return &Outbox{queue: queue, base: base, site: site}
}

// On reports whether mail is sent.
func (o *Outbox) On() bool { return o != nil && o.queue.On() }

// Send composes l and queues it inside tx; with mail off it does nothing.
func (o *Outbox) Send(ctx context.Context, tx pgx.Tx, l Letter) error {
	if !o.On() {
		return nil
	}
	return o.queue.Insert(ctx, tx, Args{Message: Compose(l, o.site(ctx))}, nil)
}

// Compose renders l signed with the site's name, for workers that send at once (a letter
// holding a secret that must not wait in the queue's table).
func (o *Outbox) Compose(ctx context.Context, l Letter) Message { return Compose(l, o.site(ctx)) }

// SiteName is the site's name as an admin set it.
func (o *Outbox) SiteName(ctx context.Context) string { return o.site(ctx) }

// Queue is the job queue the outbox posts to, for features that queue jobs of their own
// (a job that works out who to write to, then posts letters).
func (o *Outbox) Queue() *jobs.Queue {
	if o == nil {
		return nil
	}
	return o.queue
}

// URL is the absolute address of path (with query q, which may be nil) on BASE_URL.
func (o *Outbox) URL(path string, q url.Values) string {
	u := *o.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
