package training

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
)

// 100 people book 10 places at the same moment: exactly 10 get places and 90 wait, numbered
// 1 to 90 in the order their bookings were taken.
func TestConcurrentBookingsNeverExceedCapacity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A pool wide enough that many bookings really are in flight together.
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 50
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	f := newFixtureOn(t, db)
	s := f.session(t, f.course(t, "Concurrency course", "in_person", "staff"), 10, 10)

	const people = 100
	viewers := make([]access.Viewer, people)
	for i := range viewers {
		viewers[i] = f.user(t, access.HousingStaff, "")
	}
	// Warm the pool so the bookings do not queue behind connection set-up.
	var warm sync.WaitGroup
	for range 50 {
		warm.Add(1)
		go func() { defer warm.Done(); _, _ = db.Exec(ctx, "SELECT pg_sleep(0.05)") }()
	}
	warm.Wait()

	outcomes := make([]Outcome, people)
	errs := make([]error, people)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			outcomes[i], errs[i] = f.store.Book(ctx, viewers[i], s.ID)
		}()
	}
	close(start)
	wg.Wait()

	booked, positions := 0, []int{}
	for i, o := range outcomes {
		if errs[i] != nil {
			t.Fatalf("booking %d: %v", i, errs[i])
		}
		switch o.Status {
		case StatusBooked:
			booked++
		case StatusWaitlisted:
			positions = append(positions, o.Position)
		default:
			t.Errorf("booking %d: status %q", i, o.Status)
		}
	}
	if booked != 10 || len(positions) != 90 {
		t.Fatalf("booked %d, waiting %d; want 10 and 90", booked, len(positions))
	}
	slices.Sort(positions)
	for i, p := range positions {
		if p != i+1 {
			t.Fatalf("waiting positions are not 1..90 each once: %v", positions)
		}
	}
	if got := f.statuses(t, s.ID); got[StatusBooked] != 10 || got[StatusWaitlisted] != 90 {
		t.Errorf("in the database: %v", got)
	}
	// The order on the list is the order bookings were taken: each person's reported
	// position matches their place by waitlist number, and the numbers follow the audit trail.
	rows, err := db.Query(ctx, `SELECT b.user_id FROM training_bookings b
		WHERE b.session_id = $1 AND b.status = 'waitlisted' ORDER BY b.waitlist_seq`, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		order = append(order, id)
	}
	rows.Close()
	for i, v := range viewers {
		if outcomes[i].Status != StatusWaitlisted {
			continue
		}
		if at := slices.Index(order, v.UserID); at+1 != outcomes[i].Position {
			t.Errorf("user %d was told position %d, is number %d on the list", v.UserID, outcomes[i].Position, at+1)
		}
	}
	var audited []int64
	rows, err = db.Query(ctx, `SELECT actor_id FROM audit_events WHERE action = 'booking.waitlist' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		audited = append(audited, id)
	}
	rows.Close()
	if !slices.Equal(audited, order) {
		t.Errorf("waiting list order %v differs from the order the bookings were recorded %v", order, audited)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'booking.book'`).Scan(&n); err != nil || n != 10 {
		t.Errorf("booking.book events: %d %v", n, err)
	}

	// Cancelling a place offers it to number 1 on the list; accepting it, everyone else moves up.
	var first access.Viewer
	for i, o := range outcomes {
		if o.Status == StatusBooked {
			first = viewers[i]
			break
		}
	}
	out, err := f.store.CancelBooking(ctx, first, s.ID)
	if err != nil || out.Offered != 1 {
		t.Fatalf("cancel: %+v %v", out, err)
	}
	if got := f.statuses(t, s.ID); got[StatusBooked] != 9 || got[StatusWaitlisted] != 90 {
		t.Errorf("while the place is on offer: %v", got)
	}
	if _, err := f.store.AcceptOffer(ctx, access.Viewer{UserID: order[0], Role: access.HousingStaff}, s.ID); err != nil {
		t.Fatalf("accept: %v", err)
	}
	var promoted string
	if err := db.QueryRow(ctx, `SELECT status FROM training_bookings WHERE session_id = $1 AND user_id = $2`, s.ID, order[0]).Scan(&promoted); err != nil || promoted != StatusBooked {
		t.Errorf("first waiting person: %q %v", promoted, err)
	}
	if got := f.statuses(t, s.ID); got[StatusBooked] != 10 || got[StatusWaitlisted] != 89 || got[StatusCancelled] != 1 {
		t.Errorf("after cancelling: %v", got)
	}
}

func TestCancellationOffersFirstWaitingPerson(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := f.session(t, f.course(t, "Promotion course", "online", "staff"), 5, 2)
	var v []access.Viewer
	for range 5 {
		v = append(v, f.user(t, access.HousingStaff, ""))
	}
	want := []string{StatusBooked, StatusBooked, StatusWaitlisted, StatusWaitlisted, StatusWaitlisted}
	for i, p := range v {
		o, err := f.store.Book(ctx, p, s.ID)
		if err != nil || o.Status != want[i] {
			t.Fatalf("booking %d: %+v %v", i, o, err)
		}
		if o.Status == StatusWaitlisted && o.Position != i-1 {
			t.Errorf("booking %d: position %d, want %d", i, o.Position, i-1)
		}
	}
	// Booking again changes nothing.
	if o, err := f.store.Book(ctx, v[3], s.ID); err != nil || !o.Unchanged || o.Position != 2 {
		t.Errorf("booking twice: %+v %v", o, err)
	}
	// A waiting person cancelling frees no place: nobody is offered one, the list closes up.
	if o, err := f.store.CancelBooking(ctx, v[2], s.ID); err != nil || o.Offered != 0 {
		t.Fatalf("cancel waiting: %+v %v", o, err)
	}
	// A booked person cancelling offers the place to the first waiting (v[3]), in the same
	// transaction; they accept it.
	if o, err := f.store.CancelBooking(ctx, v[0], s.ID); err != nil || o.Offered != 1 {
		t.Fatalf("cancel booked: %+v %v", o, err)
	}
	if offers, err := f.store.MyOffers(ctx, v[3]); err != nil || len(offers) != 1 || offers[0].SessionID != s.ID ||
		!offers[0].ExpiresAt.Equal(f.now.Add(DefaultOfferTime)) {
		t.Fatalf("offer to the first waiting: %+v %v", offers, err)
	}
	if offers, err := f.store.MyOffers(ctx, v[4]); err != nil || len(offers) != 0 {
		t.Errorf("the second waiting has an offer too: %+v %v", offers, err)
	}
	if o, err := f.store.AcceptOffer(ctx, v[3], s.ID); err != nil || o.Status != StatusBooked {
		t.Fatalf("accept: %+v %v", o, err)
	}
	if _, err := f.store.AcceptOffer(ctx, v[3], s.ID); !errors.Is(err, ErrNoOffer) {
		t.Errorf("accepting twice: %v", err)
	}
	my, err := f.store.My(ctx, v[3])
	if err != nil || len(my.Upcoming) != 1 || my.Upcoming[0].ID != s.ID {
		t.Errorf("promoted person's page: %+v %v", my, err)
	}
	my, err = f.store.My(ctx, v[4])
	if err != nil || len(my.Waiting) != 1 || my.Waiting[0].MyPosition != 1 {
		t.Errorf("last person should now be first waiting: %+v %v", my, err)
	}
	var bookingID int64
	if err := f.db.QueryRow(ctx, `SELECT id FROM training_bookings WHERE user_id = $1`, v[3].UserID).Scan(&bookingID); err != nil {
		t.Fatal(err)
	}
	if f.audits(t, "booking.offer", bookingID) != 1 || f.audits(t, "booking.offer_accept", bookingID) != 1 {
		t.Error("no audit events for the offer and its acceptance")
	}
	// Cancelling twice is refused with a reason; booking again goes to the back of the queue.
	if _, err := f.store.CancelBooking(ctx, v[0], s.ID); !errors.Is(err, ErrNoBooking) {
		t.Errorf("cancel twice: %v", err)
	}
	if o, err := f.store.Book(ctx, v[0], s.ID); err != nil || o.Status != StatusWaitlisted || o.Position != 2 {
		t.Errorf("rebook: %+v %v", o, err)
	}
}

func TestBookingRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	p := f.user(t, access.RSLOfficer, "link-group")
	staffOnly := f.course(t, "Staff course", "in_person", "staff")
	s := f.session(t, staffOnly, 3, 5)

	if _, err := f.store.Book(ctx, access.Public, s.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous booking: %v", err)
	}
	if _, err := f.store.Book(ctx, p, 999999); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("missing session: %v", err)
	}
	o, err := f.store.Book(ctx, p, s.ID)
	if err != nil || o.Status != StatusBooked || o.CourseSlug != staffOnly.Slug {
		t.Fatalf("book: %+v %v", o, err)
	}
	var agency *int64
	if err := f.db.QueryRow(ctx, `SELECT agency_id FROM training_bookings WHERE user_id = $1`, p.UserID).Scan(&agency); err != nil || agency == nil || *agency != p.AgencyID {
		t.Errorf("booking keeps the person's organisation: %v %v", agency, err)
	}

	// Booking closes: at booking_closes, and at the start.
	closing := f.session(t, staffOnly, 4, 5)
	in := closing.Input()
	in.BookingCloses = local(f.now.Add(24 * time.Hour))
	if _, err := f.store.UpdateSession(ctx, f.admin, closing.ID, in, closing.Version); err != nil {
		t.Fatal(err)
	}
	later := f.store.WithClock(func() time.Time { return f.now.Add(25 * time.Hour) })
	if _, err := later.Book(ctx, f.user(t, access.HousingStaff, ""), closing.ID); !errors.Is(err, ErrBookingClosed) {
		t.Errorf("after booking closed: %v", err)
	}
	started := f.store.WithClock(func() time.Time { return f.now.Add(3*24*time.Hour + time.Minute) })
	if _, err := started.Book(ctx, f.user(t, access.HousingStaff, ""), s.ID); !errors.Is(err, ErrBookingClosed) {
		t.Errorf("after the start: %v", err)
	}
	if _, err := started.CancelBooking(ctx, p, s.ID); !errors.Is(err, ErrSessionStarted) {
		t.Errorf("cancel after the start: %v", err)
	}

	// A cancelled session takes no bookings, keeps its bookings and shows on the booked
	// person's page.
	if _, err := f.store.CancelSession(ctx, f.admin, s.ID, s.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Book(ctx, f.user(t, access.HousingStaff, ""), s.ID); !errors.Is(err, ErrSessionCancelled) {
		t.Errorf("book a cancelled session: %v", err)
	}
	my, err := f.store.My(ctx, p)
	if err != nil || len(my.Cancelled) != 1 || my.Cancelled[0].ID != s.ID || len(my.Upcoming) != 0 {
		t.Errorf("cancelled session on the person's page: %+v %v", my, err)
	}
	if _, err := f.store.CancelSession(ctx, f.admin, s.ID, s.Version+1); !errors.Is(err, ErrAlreadyCancelled) {
		t.Errorf("cancel twice: %v", err)
	}
	if f.audits(t, "session.cancel", s.ID) != 1 {
		t.Error("no audit event for cancelling the session")
	}
}

func TestRaisingCapacityOffersAndLoweringBelowBookingsIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := f.session(t, f.course(t, "Capacity course", "in_person", "staff"), 5, 1)
	var people []access.Viewer
	for range 4 {
		p := f.user(t, access.Champion, "")
		people = append(people, p)
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	in := s.Input()
	in.Capacity = "3"
	s2, err := f.store.UpdateSession(ctx, f.admin, s.ID, in, s.Version)
	if err != nil {
		t.Fatal(err)
	}
	// The two new places are offered to the first two waiting, who accept.
	for _, p := range people[1:3] {
		if _, err := f.store.AcceptOffer(ctx, p, s.ID); err != nil {
			t.Fatalf("accept: %v", err)
		}
	}
	if _, err := f.store.AcceptOffer(ctx, people[3], s.ID); !errors.Is(err, ErrNoOffer) {
		t.Errorf("third waiting accepting with no offer: %v", err)
	}
	if s2, err = f.store.SessionForEdit(ctx, f.admin, s.ID); err != nil {
		t.Fatal(err)
	}
	if s2.Taken != 3 || s2.Waiting != 1 {
		t.Errorf("after raising capacity: %d booked, %d waiting", s2.Taken, s2.Waiting)
	}
	in.Capacity = "2"
	_, err = f.store.UpdateSession(ctx, f.admin, s.ID, in, s2.Version)
	var verr interface{ Has(string) bool }
	if !errors.As(err, &verr) || !verr.Has("capacity") {
		t.Errorf("capacity below bookings: %v", err)
	}
	if got := f.statuses(t, s.ID); got[StatusBooked] != 3 || got[StatusWaitlisted] != 1 {
		t.Errorf("a refused change changed bookings: %v", got)
	}
	// A stale form is refused as a conflict, showing the session as it is now.
	in.Capacity = "5"
	_, err = f.store.UpdateSession(ctx, f.admin, s.ID, in, s.Version)
	var conflict *edit.ConflictError[SessionEdit]
	if !errors.As(err, &conflict) || conflict.Current.Capacity != 3 {
		t.Errorf("stale session form: %v", err)
	}
}

func TestAttendance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := f.session(t, f.course(t, "Attendance course", "in_person", "staff"), 2, 5)
	a, b := f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, "")
	for _, p := range []access.Viewer{a, b} {
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	x, err := f.store.SessionForEdit(ctx, f.admin, s.ID)
	if err != nil || len(x.Bookings) != 2 {
		t.Fatalf("%+v %v", x, err)
	}
	ids := []int64{x.Bookings[0].ID, x.Bookings[1].ID}
	if _, err := f.store.MarkAttendance(ctx, f.admin, s.ID, ids, ids[:1]); !errors.Is(err, ErrNotStarted) {
		t.Errorf("attendance before the start: %v", err)
	}
	after := f.store.WithClock(func() time.Time { return f.now.Add(3 * 24 * time.Hour) })
	n, err := after.MarkAttendance(ctx, f.admin, s.ID, ids, ids[:1])
	if err != nil || n != 1 {
		t.Fatalf("mark: %d %v", n, err)
	}
	if got := f.statuses(t, s.ID); got[StatusAttended] != 1 || got[StatusBooked] != 1 {
		t.Errorf("statuses: %v", got)
	}
	if f.audits(t, "booking.attend", ids[0]) != 1 {
		t.Error("no audit event for attendance")
	}
	// Marking again with the other person changes both; a booking of another session is ignored.
	other := f.session(t, f.course(t, "Other course", "online", "staff"), 2, 5)
	if _, err := f.store.Book(ctx, a, other.ID); err != nil {
		t.Fatal(err)
	}
	var foreign int64
	if err := f.db.QueryRow(ctx, `SELECT id FROM training_bookings WHERE session_id = $1`, other.ID).Scan(&foreign); err != nil {
		t.Fatal(err)
	}
	n, err = after.MarkAttendance(ctx, f.admin, s.ID, append(ids, foreign), []int64{ids[1], foreign})
	if err != nil || n != 2 {
		t.Errorf("re-mark: %d %v", n, err)
	}
	if got := f.statuses(t, other.ID); got[StatusBooked] != 1 {
		t.Errorf("another session's booking was changed: %v", got)
	}
	myA, _ := after.My(ctx, a)
	myB, _ := after.My(ctx, b)
	if len(myB.Completed) != 1 || len(myA.Unrecorded) != 2 { // a: this session and the other, both ended unrecorded
		t.Errorf("my training after attendance: a %+v, b %+v", myA, myB)
	}
	// Someone who does not manage the course cannot mark it.
	if _, err := after.MarkAttendance(ctx, f.user(t, access.RSLOfficer, "clyde-valley-housing-association"), s.ID, ids, ids); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer of another organisation: %v", err)
	}
}

// A place left free while people wait (capacity raised outside the store) is offered to the
// first person waiting when the next booking comes, not given to the newcomer.
func TestFreePlaceGoesToThoseWaitingFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := f.session(t, f.course(t, "Queue course", "online", "staff"), 5, 1)
	a, b, c := f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, "")
	for _, p := range []access.Viewer{a, b} {
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.Exec(ctx, `UPDATE training_sessions SET capacity = 2 WHERE id = $1`, s.ID); err != nil {
		t.Fatal(err)
	}
	o, err := f.store.Book(ctx, c, s.ID)
	if err != nil || o.Status != StatusWaitlisted || o.Position != 2 {
		t.Errorf("newcomer: %+v %v", o, err)
	}
	if got := f.statuses(t, s.ID); got[StatusBooked] != 1 || got[StatusWaitlisted] != 2 {
		t.Errorf("statuses: %v", got)
	}
	if offers, err := f.store.MyOffers(ctx, b); err != nil || len(offers) != 1 {
		t.Errorf("first waiting has no offer: %+v %v", offers, err)
	}
}
