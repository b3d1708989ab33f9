package training

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"dadirectory/internal/access"
	"dadirectory/internal/jobs"
	"dadirectory/internal/mail"
)

// waitlist books n people on session id (all beyond its capacity wait) and returns them in
// the order they joined.
func (f *fixture) waitlist(t *testing.T, id int64, n int) []access.Viewer {
	t.Helper()
	var out []access.Viewer
	for range n {
		p := f.user(t, access.HousingStaff, "")
		if _, err := f.store.Book(context.Background(), p, id); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// outbox is an outbox over a queue that is open but not started: the jobs stay in River's
// table to be looked at.
func (f *fixture) outbox(t *testing.T) *mail.Outbox {
	t.Helper()
	q := jobs.New()
	river.AddWorker(q.Workers(), &mail.Worker{Sender: &mail.Mailbox{}})
	river.AddWorker(q.Workers(), &OfferExpiryWorker{Store: f.store})
	if err := q.Open(f.db, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://directory.example.org/")
	return mail.NewOutbox(q, base, func(context.Context) string { return "Test Directory" })
}

// offered is the people (user ids) with an open offer on session id.
func (f *fixture) offered(t *testing.T, id int64) map[int64]bool {
	t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT b.user_id FROM training_offers o
		JOIN training_bookings b ON b.id = o.booking_id WHERE o.session_id = $1 AND o.status = 'open'`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		out[u] = true
	}
	return out
}

func TestOfferExpiresAndPassesToNextWithoutTheQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := f.session(t, f.course(t, "Expiry course", "online", "staff"), 10, 1)
	people := f.waitlist(t, s.ID, 4) // 0 booked, 1-3 waiting
	if _, err := f.store.CancelBooking(ctx, people[0], s.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.offered(t, s.ID); len(got) != 1 || !got[people[1].UserID] {
		t.Fatalf("offered after cancelling: %v", got)
	}
	// Past its time the offer is not shown and cannot be accepted, even before anything has
	// swept it: the accept finds it closed and passes the place on in the same transaction.
	late := f.store.WithClock(func() time.Time { return f.now.Add(DefaultOfferTime + time.Minute) })
	if offers, err := late.MyOffers(ctx, people[1]); err != nil || len(offers) != 0 {
		t.Errorf("an expired offer is still shown: %+v %v", offers, err)
	}
	if _, err := late.AcceptOffer(ctx, people[1], s.ID); !errors.Is(err, ErrNoOffer) {
		t.Errorf("accepting after expiry: %v", err)
	}
	if got := f.offered(t, s.ID); len(got) != 1 || !got[people[2].UserID] {
		t.Fatalf("after the late accept: %v", got)
	}
	var status string
	if err := f.db.QueryRow(ctx, `SELECT status FROM training_bookings WHERE session_id = $1 AND user_id = $2`, s.ID, people[1].UserID).Scan(&status); err != nil || status != StatusCancelled {
		t.Errorf("a person whose offer ran out is still %q %v", status, err)
	}
	// The sweep the pages run passes on the next expiry: nothing before the time, then to 3.
	if n, err := late.PassExpiredOffers(ctx); err != nil || n != 0 {
		t.Errorf("sweep before expiry: %d %v", n, err)
	}
	later := f.store.WithClock(func() time.Time { return f.now.Add(2*DefaultOfferTime + 2*time.Minute) })
	if n, err := later.PassExpiredOffers(ctx); err != nil || n != 1 {
		t.Errorf("sweep after expiry: %d %v", n, err)
	}
	if got := f.offered(t, s.ID); len(got) != 1 || !got[people[3].UserID] {
		t.Fatalf("after the sweep: %v", got)
	}
	// Declining leaves the list; nobody is left to offer to.
	if o, err := later.DeclineOffer(ctx, people[3], s.ID); err != nil || o.Offered != 0 {
		t.Errorf("decline: %+v %v", o, err)
	}
	if got := f.statuses(t, s.ID); got[StatusCancelled] != 4 || len(f.offered(t, s.ID)) != 0 {
		t.Errorf("at the end: %v", got)
	}
	// The next person to book gets the free place at once.
	if o, err := later.Book(ctx, f.user(t, access.HousingStaff, ""), s.ID); err != nil || o.Status != StatusBooked {
		t.Errorf("booking the free place: %+v %v", o, err)
	}
}

func TestOfferNeverOutlivesBookingAndWithdrawnWithSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := f.session(t, f.course(t, "Short notice course", "online", "staff"), 1, 1) // starts in 24 h
	people := f.waitlist(t, s.ID, 3)
	if _, err := f.store.CancelBooking(ctx, people[0], s.ID); err != nil {
		t.Fatal(err)
	}
	offers, err := f.store.MyOffers(ctx, people[1])
	if err != nil || len(offers) != 1 || !offers[0].ExpiresAt.Equal(s.StartsAt) {
		t.Fatalf("offer on a session a day away should end at its start %v: %+v %v", s.StartsAt, offers, err)
	}
	cur, err := f.store.SessionForEdit(ctx, f.admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CancelSession(ctx, f.admin, s.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	if got := f.offered(t, s.ID); len(got) != 0 {
		t.Errorf("offers left open on a cancelled session: %v", got)
	}
	if _, err := f.store.AcceptOffer(ctx, people[1], s.ID); !errors.Is(err, ErrNoOffer) {
		t.Errorf("accepting on a cancelled session: %v", err)
	}
}

func TestOfferQueuesEmailAndExpiryJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	store := f.store.WithMail(f.outbox(t), 24*time.Hour)
	s := f.session(t, f.course(t, "Mail course", "online", "staff"), 10, 1)
	people := f.waitlist(t, s.ID, 2)
	if _, err := store.CancelBooking(ctx, people[0], s.ID); err != nil {
		t.Fatal(err)
	}
	var email string
	if err := f.db.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, people[1].UserID).Scan(&email); err != nil {
		t.Fatal(err)
	}
	var subject, text string
	err := f.db.QueryRow(ctx, `SELECT args->'message'->>'subject', args->'message'->>'text' FROM river_job
		WHERE kind = 'mail' AND args->'message'->>'to' = $1`, email).Scan(&subject, &text)
	if err != nil || subject != "A place is free for you: Mail course" {
		t.Fatalf("offer email: %q %v", subject, err)
	}
	var at time.Time
	err = f.db.QueryRow(ctx, `SELECT scheduled_at FROM river_job WHERE kind = 'training_offer_expiry' AND (args->>'session_id')::bigint = $1`, s.ID).Scan(&at)
	if err != nil || !at.Equal(f.now.Add(24*time.Hour)) {
		t.Errorf("expiry job at %v, want %v: %v", at, f.now.Add(24*time.Hour), err)
	}
}

// Two places freeing at once (two cancellations, with newcomers booking at the same time) are
// offered to the first two people waiting, once each.
func TestTwoPlacesFreeingAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	for round := range 5 {
		s := f.session(t, f.course(t, fmt.Sprintf("Pair course %d", round), "online", "staff"), 10, 2)
		people := f.waitlist(t, s.ID, 8) // 0,1 booked; 2..7 waiting
		var newcomers []access.Viewer
		for range 4 {
			newcomers = append(newcomers, f.user(t, access.HousingStaff, ""))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, 8)
		for _, p := range people[:2] {
			wg.Go(func() {
				<-start
				_, err := f.store.CancelBooking(ctx, p, s.ID)
				errs <- err
			})
		}
		for _, p := range newcomers {
			wg.Go(func() {
				<-start
				o, err := f.store.Book(ctx, p, s.ID)
				if err == nil && o.Status != StatusWaitlisted {
					err = fmt.Errorf("newcomer got %q while people waited", o.Status)
				}
				errs <- err
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := f.offered(t, s.ID); len(got) != 2 || !got[people[2].UserID] || !got[people[3].UserID] {
			t.Fatalf("round %d: offered %v, want the first two waiting (%d, %d)", round, got, people[2].UserID, people[3].UserID)
		}
	}
}

// An accept racing the expiry: whichever takes the session's lock first decides, and the place
// goes to one person only.
func TestAcceptRacingExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	accepted, passed := 0, 0
	for round := range 12 {
		s := f.session(t, f.course(t, fmt.Sprintf("Race course %d", round), "online", "staff"), 10, 1)
		people := f.waitlist(t, s.ID, 3)
		if _, err := f.store.CancelBooking(ctx, people[0], s.ID); err != nil {
			t.Fatal(err)
		}
		justBefore := f.store.WithClock(func() time.Time { return f.now.Add(DefaultOfferTime - time.Second) })
		justAfter := f.store.WithClock(func() time.Time { return f.now.Add(DefaultOfferTime + time.Second) })
		var acceptErr, sweepErr error
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Go(func() { <-start; _, acceptErr = justBefore.AcceptOffer(ctx, people[1], s.ID) })
		wg.Go(func() { <-start; _, sweepErr = justAfter.PassExpiredOffers(ctx) })
		close(start)
		wg.Wait()
		if sweepErr != nil {
			t.Fatal(sweepErr)
		}
		st := f.statuses(t, s.ID)
		off := f.offered(t, s.ID)
		switch {
		case acceptErr == nil:
			accepted++
			if st[StatusBooked] != 1 || len(off) != 0 {
				t.Fatalf("round %d: accepted, yet %v booked and offers %v", round, st, off)
			}
		case errors.Is(acceptErr, ErrNoOffer):
			passed++
			if st[StatusBooked] != 0 || len(off) != 1 || !off[people[2].UserID] {
				t.Fatalf("round %d: expired, yet %v and offers %v", round, st, off)
			}
		default:
			t.Fatal(acceptErr)
		}
	}
	t.Logf("accept won %d rounds, expiry %d", accepted, passed)
}

// Many people at once cancelling, booking again, accepting, declining, and offers expiring
// (a sweep whose clock is past every offer's time): at every moment the places booked and on
// offer never exceed the capacity, a free place is never left while someone waits without an
// offer, and offers go to the front of the list, never past anyone.
func TestOffersUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	const capacity = 4
	s := f.session(t, f.course(t, "Busy course", "online", "staff"), 10, capacity)
	people := f.waitlist(t, s.ID, 30)
	late := f.store.WithClock(func() time.Time { return f.now.Add(DefaultOfferTime + time.Hour) })

	// check reads the session in one statement (one snapshot) and reports what is wrong.
	check := func() error {
		var taken, offers, waitingUnoffered, skipped, doubles int
		err := f.db.QueryRow(ctx, `WITH b AS (
				SELECT b.id, b.status, b.waitlist_seq,
					(SELECT count(*) FROM training_offers o WHERE o.booking_id = b.id AND o.status = 'open') AS open
				FROM training_bookings b WHERE b.session_id = $1)
			SELECT count(*) FILTER (WHERE status IN ('booked','attended')),
				coalesce(sum(open) FILTER (WHERE status = 'waitlisted'), 0),
				count(*) FILTER (WHERE status = 'waitlisted' AND open = 0),
				(SELECT count(*) FROM b x JOIN b y ON x.status = 'waitlisted' AND y.status = 'waitlisted'
					AND x.open = 0 AND y.open > 0 AND x.waitlist_seq < y.waitlist_seq),
				(SELECT count(*) FROM b WHERE open > 1 OR (open > 0 AND status <> 'waitlisted'))
			FROM b`, s.ID).Scan(&taken, &offers, &waitingUnoffered, &skipped, &doubles)
		switch {
		case err != nil:
			return err
		case taken+offers > capacity:
			return fmt.Errorf("%d booked and %d on offer for %d places", taken, offers, capacity)
		case taken+offers < capacity && waitingUnoffered > 0:
			return fmt.Errorf("a free place (%d booked, %d on offer) while %d wait without an offer", taken, offers, waitingUnoffered)
		case skipped > 0:
			return fmt.Errorf("%d people waiting were passed over by a later offer", skipped)
		case doubles > 0:
			return fmt.Errorf("%d bookings with an offer they cannot hold", doubles)
		}
		return nil
	}

	stop := make(chan struct{})
	var checkErr error
	var checker sync.WaitGroup
	checker.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := check(); err != nil {
				checkErr = err
				return
			}
		}
	})
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[string]int{}
	errs := make(chan error, 16)
	for g := range 12 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 17))
			for range 40 {
				p := people[r.IntN(len(people))]
				var err error
				var op string
				switch n := r.IntN(10); {
				case n < 3:
					op = "cancel"
					_, err = f.store.CancelBooking(ctx, p, s.ID)
				case n < 5:
					op = "book"
					_, err = f.store.Book(ctx, p, s.ID)
				case n < 8:
					op = "accept"
					_, err = f.store.AcceptOffer(ctx, p, s.ID)
				case n < 9:
					op = "decline"
					_, err = f.store.DeclineOffer(ctx, p, s.ID)
				default:
					op = "expire"
					_, err = late.PassExpiredOffers(ctx)
				}
				var refusal *Refusal
				if errors.As(err, &refusal) {
					op += " refused"
					err = nil
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", op, err)
					return
				}
				mu.Lock()
				counts[op]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	checker.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if checkErr != nil {
		t.Fatal(checkErr)
	}
	if err := check(); err != nil {
		t.Fatal(err)
	}
	var accepted, expired int
	if err := f.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'expired')
		FROM training_offers WHERE session_id = $1`, s.ID).Scan(&accepted, &expired); err != nil {
		t.Fatal(err)
	}
	if counts["accept"] != accepted {
		t.Errorf("%d accepts succeeded but %d offers are accepted", counts["accept"], accepted)
	}
	t.Logf("operations: %v; offers accepted %d, expired %d", counts, accepted, expired)
	if accepted == 0 {
		t.Error("no offer was ever accepted: the test did not exercise offers")
	}
}
