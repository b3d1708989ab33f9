// Package jobs is the application's one queue of background work (mail, review reminders,
// digests), kept in PostgreSQL by River. A job is inserted in the same transaction as the change
// that causes it, so a change and its email happen together or not at all; River hands each job
// to one worker across every instance and retries it with backoff when it fails.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Queue is River's client with the workers and periodic jobs the features registered. Build it
// with New, register with Workers and Every, Open it, then Start it to work jobs. A Queue that
// was never opened inserts nothing: Insert returns ErrOff.
type Queue struct {
	workers  *river.Workers
	periodic []*river.PeriodicJob
	client   *river.Client[pgx.Tx]
	log      *slog.Logger
}

// ErrOff means the queue is not running here (mail is off): the caller goes on without it.
var ErrOff = errors.New("jobs: the queue is off")

// New returns a queue to register workers and periodic jobs with.
func New() *Queue { return &Queue{workers: river.NewWorkers()} }

// Workers is where features add their workers (river.AddWorker).
func (q *Queue) Workers() *river.Workers { return q.workers }

// Every runs the job args returns at start and then every interval. Only the elected leader
// of the instances schedules periodic jobs, so several instances schedule it once.
func (q *Queue) Every(interval time.Duration, args func() river.JobArgs) {
	q.periodic = append(q.periodic, river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args(), nil },
		&river.PeriodicJobOpts{RunOnStart: true}))
}

// Open makes the client over pool. Jobs can be inserted from then on; they are worked once
// Start is called (on this instance or another).
func (q *Queue) Open(pool *pgxpool.Pool, log *slog.Logger) error {
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:      q.workers,
		PeriodicJobs: q.periodic,
		Logger:       log.With("component", "jobs"),
		// A job's arguments may hold what a person typed (a report's note): keep finished jobs
		// for a day, to look into a problem, and no longer.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
		// A stuck SMTP server must not hold a worker for ever.
		JobTimeout: 2 * time.Minute,
		// About three days of retries with River's backoff (attempt^4 seconds): a mail server
		// away for a weekend still gets the mail when it returns.
		MaxAttempts: 20,
	})
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	q.client, q.log = client, log
	return nil
}

// Start begins working jobs in the background until Stop.
func (q *Queue) Start() error {
	if q.client == nil {
		return nil
	}
	if err := q.client.Start(context.Background()); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop lets running jobs finish for up to wait, then cancels them (they are retried later).
func (q *Queue) Stop(wait time.Duration) {
	if q.client == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := q.client.Stop(ctx); err != nil {
		_ = q.client.StopAndCancel(context.Background())
	}
}

// On reports whether jobs can be inserted.
func (q *Queue) On() bool { return q != nil && q.client != nil }

// Insert adds a job inside tx: it exists only if tx commits.
func (q *Queue) Insert(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if !q.On() {
		return ErrOff
	}
	if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// InsertMany adds several jobs inside tx.
func (q *Queue) InsertMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error {
	if !q.On() {
		return ErrOff
	}
	if len(args) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a}
	}
	if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: insert: %w", err)
	}
	return nil
}
