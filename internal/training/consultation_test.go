package training

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// consultation creates a case consultation session with one slot, days ahead, as the admin.
func (f *fixture) consultation(t *testing.T, days int) (int64, Slot) {
	t.Helper()
	ctx := context.Background()
	id, err := f.store.CreateConsultation(ctx, f.admin, ConsultationInput{Kind: KindConsultation, Title: "Safe & Together case consultation",
		Venue: "Online"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := f.store.AddSlot(ctx, f.admin, id, SlotInput{StartsAt: local(f.now.Add(time.Duration(days) * 24 * time.Hour)), Minutes: "45",
		Practitioner: "Dana Example", PractitionerOrg: "Safe & Together Institute"})
	if err != nil {
		t.Fatal(err)
	}
	return id, x
}

// Two people book the same slot at once: exactly one gets it, the other is told it is taken.
// Run many times over, each with its own slot, so an interleaving that lets both in would show.
func TestBookSlotConcurrentlyOneWins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for round := range 20 {
		_, x := f.consultation(t, 3)
		a, b := f.user(t, access.HousingStaff, ""), f.user(t, access.Champion, "")
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i, v := range []access.Viewer{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.store.BookSlot(ctx, v, x.ID)
			}()
		}
		close(start)
		wg.Wait()
		wins, taken := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, ErrSlotTaken):
				taken++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if wins != 1 || taken != 1 {
			t.Fatalf("round %d: %d won, %d refused as taken", round, wins, taken)
		}
		var n int
		if err := f.db.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'slot.book' AND entity_id = $1`, x.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("round %d: %d booking events (%v)", round, n, err)
		}
	}
}

func TestSlotBookCancelAndRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	session, x := f.consultation(t, 2)
	staff := f.user(t, access.HousingStaff, "")
	other := f.user(t, access.RSLOfficer, "link-group")

	// Nobody but staff sees or books; the public gets nothing.
	if list, err := f.store.Consultations(ctx, access.Viewer{}); err != nil || len(list) != 0 {
		t.Fatalf("public: %v %v", list, err)
	}
	if _, err := f.store.BookSlot(ctx, access.Viewer{}, x.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Fatalf("anonymous booking: %v", err)
	}
	// A second slot in the same session, and one starting soon, for the rules.
	y, err := f.store.AddSlot(ctx, f.admin, session, SlotInput{StartsAt: local(f.now.Add(72 * time.Hour)), Minutes: "30", Practitioner: "Sam Coach"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.store.BookSlot(ctx, staff, x.ID)
	if err != nil || !got.Mine || !got.Taken {
		t.Fatalf("book: %+v %v", got, err)
	}
	// One slot each per session.
	if _, err := f.store.BookSlot(ctx, staff, y.ID); !errors.Is(err, ErrOneSlotEach) {
		t.Fatalf("second slot: %v", err)
	}
	// Others see it taken but not by whom; admins see who.
	list, err := f.store.Consultations(ctx, other)
	if err != nil || len(list) != 1 || len(list[0].Slots) != 2 || !list[0].Slots[0].Taken || list[0].Slots[0].Mine || list[0].Slots[0].BookedName != "" {
		t.Fatalf("other's view: %+v %v", list, err)
	}
	c, err := f.store.Consultation(ctx, f.admin, session)
	if err != nil || c.Slots[0].BookedName == "" {
		t.Fatalf("admin's view: %+v %v", c, err)
	}
	if _, err := f.store.Consultation(ctx, staff, session); !errors.Is(err, edit.ErrNotFound) {
		t.Fatalf("staff on the admin view: %v", err)
	}
	// Only the booker cancels.
	if _, err := f.store.CancelSlot(ctx, other, x.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Fatalf("someone else's cancel: %v", err)
	}
	if _, err := f.store.CancelSlot(ctx, staff, x.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.BookSlot(ctx, other, x.ID); err != nil {
		t.Fatalf("freed slot: %v", err)
	}
	// A slot that has started cannot be booked.
	f.now = f.now.Add(80 * time.Hour)
	if _, err := f.store.BookSlot(ctx, staff, y.ID); !errors.Is(err, ErrSlotPast) {
		t.Fatalf("past slot: %v", err)
	}
}

func TestSlotEditConflictAndValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, x := f.consultation(t, 2)
	in := x.Input()
	in.Practitioner = "Dana Example-Smith"
	saved, err := f.store.UpdateSlot(ctx, f.admin, x.ID, x.Version, in)
	if err != nil || saved.Version != x.Version+1 || saved.Practitioner != "Dana Example-Smith" {
		t.Fatalf("update: %+v %v", saved, err)
	}
	// The same form again is stale: a conflict carrying the slot as saved.
	var conflict *edit.ConflictError[Slot]
	if _, err := f.store.UpdateSlot(ctx, f.admin, x.ID, x.Version, in); !errors.As(err, &conflict) || conflict.Current.Version != saved.Version {
		t.Fatalf("stale: %v", err)
	}
	// Bad input is refused field by field, and only admins edit.
	bad := SlotInput{StartsAt: local(f.now.Add(-time.Hour)), Minutes: "5", Practitioner: "<b>Dana</b>"}
	var invalid validate.Errors
	if _, err := f.store.UpdateSlot(ctx, f.admin, x.ID, saved.Version, bad); !errors.As(err, &invalid) ||
		!invalid.Has("starts_at") || !invalid.Has("minutes") || !invalid.Has("practitioner") {
		t.Fatalf("bad input: %v", err)
	}
	if _, err := f.store.UpdateSlot(ctx, f.user(t, access.HousingStaff, ""), x.ID, saved.Version, in); !errors.Is(err, edit.ErrNotFound) {
		t.Fatalf("staff edit: %v", err)
	}
	if _, err := f.store.CreateConsultation(ctx, f.admin, ConsultationInput{Kind: "lecture", Title: ""}); !errors.As(err, &invalid) ||
		!invalid.Has("kind") || !invalid.Has("title") {
		t.Fatalf("bad session: %v", err)
	}
}
